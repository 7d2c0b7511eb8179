/**
 * CSO approval of a pull request (pure), per DESIGN §4:
 *
 * - only each reviewer's latest decisive review counts (APPROVED, CHANGES_REQUESTED or DISMISSED;
 *   a later COMMENTED review does not undo an approval, as on GitHub itself);
 * - an approval counts only when given on the current head commit, by a reviewer on the CSO
 *   roster at the BASE commit, who is neither the PR's author nor the author or committer of any
 *   commit in it;
 * - a CSO whose latest decisive review is CHANGES_REQUESTED blocks, whatever anyone else said.
 */

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  reviewer: string;
  state: ReviewState | string;
  /** The commit the review was given on. */
  commitId: string;
  /** ISO time; reviews are ordered by it (then by their order in the list). */
  submittedAt?: string | undefined;
}

export interface ApprovalInputs {
  required: boolean;
  reviews: readonly Review[];
  /** GitHub logins of the CSO roster at the base commit. */
  roster: readonly string[];
  author: string;
  /** Logins of the authors and committers of the PR's commits. */
  commitAuthors: readonly string[];
  headSha: string;
  requiredApprovals?: number;
}

export type IgnoredReason = 'not-cso' | 'stale' | 'pr-author' | 'commit-author';

export interface IgnoredApproval {
  login: string;
  reason: IgnoredReason;
  commitId: string;
}

export type Approval =
  | { state: 'not-required' }
  | { state: 'approved'; by: string[]; commit: string; ignored: IgnoredApproval[] }
  | { state: 'pending'; eligible: string[]; have: string[]; needed: number; ignored: IgnoredApproval[] }
  | { state: 'blocked'; by: string[]; ignored: IgnoredApproval[] };

const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

const norm = (login: string) => login.trim().toLowerCase();

/** The latest decisive review of each reviewer. */
export function latestReviews(reviews: readonly Review[]): Map<string, Review> {
  const ordered = reviews
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = a.r.submittedAt ? Date.parse(a.r.submittedAt) : NaN;
      const tb = b.r.submittedAt ? Date.parse(b.r.submittedAt) : NaN;
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
      return a.i - b.i;
    });
  const latest = new Map<string, Review>();
  for (const { r } of ordered) {
    if (!DECISIVE.has(String(r.state).toUpperCase())) continue;
    latest.set(norm(r.reviewer), r);
  }
  return latest;
}

export function decideApproval(i: ApprovalInputs): Approval {
  if (!i.required) return { state: 'not-required' };
  const roster = new Set(i.roster.map(norm));
  const author = norm(i.author);
  const contributors = new Set(i.commitAuthors.map(norm));
  const latest = latestReviews(i.reviews);
  const ignored: IgnoredApproval[] = [];
  const approvedBy: string[] = [];
  const blockedBy: string[] = [];
  for (const [login, r] of latest) {
    const state = String(r.state).toUpperCase();
    if (state === 'CHANGES_REQUESTED') {
      if (roster.has(login)) blockedBy.push(r.reviewer);
      continue;
    }
    if (state !== 'APPROVED') continue;
    let reason: IgnoredReason | undefined;
    if (!roster.has(login)) reason = 'not-cso';
    else if (login === author) reason = 'pr-author';
    else if (contributors.has(login)) reason = 'commit-author';
    else if (r.commitId !== i.headSha) reason = 'stale';
    if (reason) ignored.push({ login: r.reviewer, reason, commitId: r.commitId });
    else approvedBy.push(r.reviewer);
  }
  if (blockedBy.length) return { state: 'blocked', by: blockedBy, ignored };
  const needed = Math.max(1, i.requiredApprovals ?? 1);
  if (approvedBy.length >= needed) return { state: 'approved', by: approvedBy, commit: i.headSha, ignored };
  const eligible = i.roster.filter((l) => norm(l) !== author && !contributors.has(norm(l)));
  return { state: 'pending', eligible, have: approvedBy, needed, ignored };
}

export function describeIgnored(x: IgnoredApproval): string {
  switch (x.reason) {
    case 'not-cso':
      return `${x.login} approved but is not on the CSO roster in clinsafe.yml on the base branch`;
    case 'pr-author':
      return `${x.login} approved but wrote this pull request; a CSO does not approve their own change`;
    case 'commit-author':
      return `${x.login} approved but authored or committed a commit in this pull request; a CSO does not approve their own change`;
    case 'stale':
      return `${x.login} approved commit ${x.commitId.slice(0, 7)}, but commits were pushed since; the latest commit needs a fresh approval`;
  }
}
