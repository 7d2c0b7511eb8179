/**
 * Clinical blockers to a release sign-off (pure): while any of these holds, `/clinsafe sign-off` is
 * refused and the reply names each one. Computed from what the safety folder states today; the list
 * is the hook for further rules (e.g. residual risk resting on controls not yet accepted, incidents
 * rated above a hazard's residual risk).
 */
import type { SafetyFolder } from './folder.js';
import { describeRisk } from './risk.js';

export function signOffBlockers(folder: SafetyFolder): string[] {
  const scheme = folder.scheme;
  const out: string[] = [];
  for (const h of folder.hazards) {
    if (h.status === 'retired') continue;
    const risk = h.residual.risk;
    if (risk >= scheme.unacceptableFrom) {
      out.push(`${h.id} (${h.title}): residual risk ${describeRisk(scheme, risk)} is never acceptable for release`);
    } else if (risk >= scheme.justifyFrom && !h.justification?.trim()) {
      out.push(
        `${h.id} (${h.title}): residual risk ${describeRisk(scheme, risk)} needs a recorded justification that further reduction is impractical`,
      );
    }
  }
  return out;
}
