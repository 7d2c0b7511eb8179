/** A merged or open pull request as the gate's decision functions assess it (the same `evaluateGate` as the merge gate). */
import type { ImpactedHazard, Reverify } from './impact.js';
import type { HazardChange } from './hazard-log-delta.js';

export interface PullAssessment {
  number: number;
  title: string;
  url: string;
  merged: boolean;
  mergeCommit?: string;
  mergedAt?: string;
  headSha: string;
  impacted: ImpactedHazard[];
  hazardLogChanges: HazardChange[];
  reverify: Reverify[];
  safetyFolderChanges: string[];
  /** True when the change needs a CSO (impacted hazards or safety-folder changes). */
  requiresApproval: boolean;
  approval: {
    state: 'not-required' | 'approved' | 'pending' | 'blocked' | 'error';
    /** CSOs whose approval counted, on `commit`. */
    approvedBy: { login: string; name?: string }[];
    commit?: string;
    /** Plain-language account, for issues. */
    text: string;
  };
}
