/**
 * The release facts the documents are built from, owned by the domain: the release itself, the
 * change record since the previous release, and the CSO's sign-off. Adapters and front doors
 * import these from here; the document builder re-exports them.
 */

/**
 * One main-line change since the previous release: a merged pull request, or a commit that reached
 * the branch without one (a direct push or a rebase merge) and touched a hazard's triggers or the
 * safety folder.
 */
export interface ChangeRecordEntry {
  /** The pull request the commit merged; absent for a direct commit (no pull request, so no CSO approval). */
  pullNumber?: number;
  title: string;
  mergeCommit: string;
  mergedAt?: string;
  /** Hazard ids the change impacted. */
  hazards: string[];
  /** CSO approvals that counted (the gate's own decision on the pull request); always empty when source is `git`. */
  approvals: { login: string; name?: string; commit: string }[];
  /** Where the approval facts came from: `git` holds no reviews, `github` is the gate's assessment of the pull request. */
  source: 'git' | 'github';
  /** Safety-folder files the change touched (the folder is always a CSO matter). */
  safetyFolderChanges?: string[];
}

export interface ReleaseInfo {
  tag: string;
  commit: string;
  /** ISO date (or date-time) of the release; a fixed input, never "now", so builds reproduce. */
  date: string;
  previousTag?: string;
  previousCommit?: string;
  /** ISO date of the previous release: incidents reported after it are "since the previous release". */
  previousDate?: string;
  documentVersion?: string;
  /** The lifecycle phase (from clinsafe.yml `lifecycle`) this CSCR is issued for. */
  lifecyclePhase?: string;
}

export type SignOff =
  | {
      state: 'approved';
      cso: { github: string; name: string; profession: string; registration: string };
      statement: string;
      signedAt: string;
    }
  | { state: 'rejected'; by: string; reason: string; at: string };

/** A date-time in one canonical form (UTC, seconds): git's `+00:00` and GitHub's `Z` name the same instant. */
export function canonicalTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
