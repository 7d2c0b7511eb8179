/**
 * Clinical blockers to a release sign-off (pure): while any of these holds, `/clinsafe sign-off` is
 * refused and the reply names each one. The rules are the acceptability rules of the risk scheme in
 * force (`clinicalBlockers` in acceptability.ts): a residual risk never acceptable for release, a
 * residual needing a justification that is missing, a residual resting on planned controls that no
 * CSO has accepted (in the hazard file, or in the signing CSO's own statement), an open incident
 * rated above its hazard's residual risk that nobody has assessed against the safety case.
 */
import { clinicalBlockers } from './acceptability.js';
import type { SafetyFolder } from './folder-types.js';

export interface SignOffBlockerOptions {
  /** The release date (ISO): incidents open at that date count. */
  at?: string;
  /** The signing CSO's statement: it may accept a residual resting on planned controls by naming the hazard. */
  statement?: string;
}

export function signOffBlockers(folder: SafetyFolder, opts: SignOffBlockerOptions = {}): string[] {
  return clinicalBlockers(folder, opts)
    .filter((f) => f.severity === 'blocks')
    .map((f) => (f.hazardId ? `${f.hazardId}: ${f.message}` : f.message));
}
