/**
 * CSO approval of a pull request (pure), per DESIGN §4 and issue 10 §3:
 *
 * - each reviewer's reviews are read in the order they were given; APPROVED and CHANGES_REQUESTED
 *   set where the reviewer stands (a later COMMENTED review changes nothing, as on GitHub itself);
 * - a CSO's CHANGES_REQUESTED is lifted only by a CSO: that CSO's later approval, or a dismissal
 *   that GitHub's records (the `review_dismissed` event) say a roster CSO performed. A dismissal by
 *   anyone else, or one GitHub has no record of, leaves the block;
 * - an approval counts only when given on the current head commit, by a reviewer on the CSO
 *   roster at the BASE commit, who is neither the PR's author nor an author, committer or
 *   co-author (`Co-authored-by:`) of any commit in it;
 * - an approval covers the hazards impacted when it was given: a hazard that only a trigger label
 *   added after the approval brings in is not covered, so that approval does not count.
 */
import { csoContribution, dismissalOf, type Contribution, type PullEvent } from './approval-facts.js';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  /** GitHub's review id (matches the `review_dismissed` event). */
  id?: number | undefined;
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
  /** Authors, committers and co-authors of each commit (from the commits themselves). */
  contributions?: readonly Contribution[];
  /** Roster names by lower-cased login (a `Co-authored-by:` trailer may name a CSO by name). */
  rosterNames?: Readonly<Record<string, string>>;
  /**
   * The pull request's issue events. When given, a dismissal lifts a CSO's block only if a
   * roster CSO performed it; when absent (no GitHub records, e.g. the CLI) dismissals lift blocks.
   */
  events?: readonly PullEvent[];
  /** Hazards impacted only through trigger labels, with when each label was last added. */
  labelOnly?: readonly { hazard: string; labels: readonly { name: string; addedAt?: string | undefined }[] }[];
}

export type IgnoredReason = 'not-cso' | 'stale' | 'pr-author' | 'commit-author' | 'label-added';

export interface IgnoredApproval {
  login: string;
  reason: IgnoredReason;
  commitId: string;
  /** `commit-author`: the commit and the record in it that names this CSO. */
  contribution?: Contribution;
  /** `label-added`: the hazards and labels added after the approval. */
  uncovered?: { hazard: string; label: string; addedAt: string }[];
}

/** A CSO's block that a dismissal did not lift, and why. */
export interface KeptBlock {
  cso: string;
  /** Who dismissed the review (undefined when GitHub has no record of the dismissal). */
  dismissedBy?: string;
}

export type Approval =
  | { state: 'not-required' }
  | { state: 'approved'; by: string[]; commit: string; ignored: IgnoredApproval[] }
  | { state: 'pending'; eligible: string[]; have: string[]; needed: number; ignored: IgnoredApproval[]; excluded?: IgnoredApproval[] }
  | { state: 'blocked'; by: string[]; ignored: IgnoredApproval[]; kept?: KeptBlock[] };

const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

const norm = (login: string) => login.trim().toLowerCase();

function byTime(reviews: readonly Review[]): Review[] {
  return reviews
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = a.r.submittedAt ? Date.parse(a.r.submittedAt) : NaN;
      const tb = b.r.submittedAt ? Date.parse(b.r.submittedAt) : NaN;
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
      return a.i - b.i;
    })
    .map(({ r }) => r);
}

/** The latest decisive review of each reviewer. */
export function latestReviews(reviews: readonly Review[]): Map<string, Review> {
  const latest = new Map<string, Review>();
  for (const r of byTime(reviews)) {
    if (!DECISIVE.has(String(r.state).toUpperCase())) continue;
    latest.set(norm(r.reviewer), r);
  }
  return latest;
}

type Standing = { kind: 'approved'; review: Review } | { kind: 'blocked'; review: Review; kept?: KeptBlock } | { kind: 'none' };

/** Where each reviewer stands after all their reviews, dismissals judged by who performed them. */
function standings(i: ApprovalInputs, roster: Set<string>): Map<string, Standing> {
  const out = new Map<string, Standing>();
  for (const r of byTime(i.reviews)) {
    const login = norm(r.reviewer);
    const state = String(r.state).toUpperCase();
    if (state === 'APPROVED') out.set(login, { kind: 'approved', review: r });
    else if (state === 'CHANGES_REQUESTED') out.set(login, { kind: 'blocked', review: r });
    else if (state === 'DISMISSED') {
      if (!i.events) {
        out.set(login, { kind: 'none' });
        continue;
      }
      const ev = dismissalOf(r.id, i.events);
      const was = ev?.dismissedState?.toUpperCase();
      if (was === 'APPROVED' || was === 'COMMENTED') out.set(login, { kind: 'none' });
      else if (ev && roster.has(norm(ev.actor))) out.set(login, { kind: 'none' });
      else if (roster.has(login))
        // A CSO's review dismissed by someone who is not a CSO, or with no record of who did it: the block stays.
        out.set(login, { kind: 'blocked', review: r, kept: { cso: r.reviewer, ...(ev ? { dismissedBy: ev.actor } : {}) } });
      else out.set(login, { kind: 'none' });
    }
  }
  return out;
}

/** Hazards impacted only by labels added at or after `review` was given (equal seconds count as after). */
function uncoveredBy(review: Review, i: ApprovalInputs): IgnoredApproval['uncovered'] {
  const at = review.submittedAt ? Date.parse(review.submittedAt) : NaN;
  const out: NonNullable<IgnoredApproval['uncovered']> = [];
  for (const h of i.labelOnly ?? []) {
    const added = h.labels.map((l) => ({ ...l, t: l.addedAt ? Date.parse(l.addedAt) : NaN }));
    // Covered when any of its labels was there before the approval (or when it was added is not recorded).
    if (added.some((l) => Number.isNaN(l.t) || (!Number.isNaN(at) && l.t < at))) continue;
    const first = added.sort((a, b) => a.t - b.t)[0]!;
    out.push({ hazard: h.hazard, label: first.name, addedAt: first.addedAt! });
  }
  return out;
}

export function decideApproval(i: ApprovalInputs): Approval {
  if (!i.required) return { state: 'not-required' };
  const roster = new Set(i.roster.map(norm));
  const author = norm(i.author);
  const contributors = new Set(i.commitAuthors.map(norm));
  const contributions = i.contributions ?? [];
  const contributionOf = (login: string) => csoContribution(login, i.rosterNames?.[norm(login)], contributions);
  const ignored: IgnoredApproval[] = [];
  const approvedBy: string[] = [];
  const blockedBy: string[] = [];
  const kept: KeptBlock[] = [];
  for (const [login, st] of standings(i, roster)) {
    if (st.kind === 'blocked') {
      if (roster.has(login)) {
        blockedBy.push(st.review.reviewer);
        if (st.kept) kept.push(st.kept);
      }
      continue;
    }
    if (st.kind !== 'approved') continue;
    const r = st.review;
    let reason: IgnoredReason | undefined;
    let contribution: Contribution | undefined;
    let uncovered: IgnoredApproval['uncovered'];
    if (!roster.has(login)) reason = 'not-cso';
    else if (login === author) reason = 'pr-author';
    else if ((contribution = contributionOf(r.reviewer)) || contributors.has(login)) reason = 'commit-author';
    else if (r.commitId !== i.headSha) reason = 'stale';
    else if ((uncovered = uncoveredBy(r, i))?.length) reason = 'label-added';
    if (reason)
      ignored.push({
        login: r.reviewer,
        reason,
        commitId: r.commitId,
        ...(contribution ? { contribution } : {}),
        ...(reason === 'label-added' && uncovered ? { uncovered } : {}),
      });
    else approvedBy.push(r.reviewer);
  }
  if (blockedBy.length) return { state: 'blocked', by: blockedBy, ignored, ...(kept.length ? { kept } : {}) };
  const needed = Math.max(1, i.requiredApprovals ?? 1);
  if (approvedBy.length >= needed) return { state: 'approved', by: approvedBy, commit: i.headSha, ignored };
  const excluded: IgnoredApproval[] = [];
  const eligible = i.roster.filter((l) => {
    if (norm(l) === author) return false;
    const c = contributionOf(l);
    if (c) excluded.push({ login: l, reason: 'commit-author', commitId: c.commit, contribution: c });
    return !c && !contributors.has(norm(l));
  });
  return { state: 'pending', eligible, have: approvedBy, needed, ignored, ...(excluded.length ? { excluded } : {}) };
}

const short = (sha: string) => sha.slice(0, 7);

/** What record names a CSO as an author of a commit, in words. */
export function describeContribution(login: string, c: Contribution): string {
  const who = c.email ? `the e-mail ${c.email}` : c.name ? `the name ${c.name}` : `the account ${c.login ?? login}`;
  switch (c.role) {
    case 'co-author':
      return `commit ${short(c.commit)} has a Co-authored-by: trailer naming ${login} (${who}) — applying a CSO's suggested change in a review does this, and makes the CSO a co-author`;
    case 'committer':
      return `commit ${short(c.commit)} was committed as ${login}${c.email ? ` (committer e-mail ${c.email})` : ''}`;
    case 'author':
      return `commit ${short(c.commit)} gives ${login} as its author${c.email ? ` (author e-mail ${c.email}, which GitHub attributes to ${login}'s account)` : ''}`;
  }
}

export function describeIgnored(x: IgnoredApproval): string {
  switch (x.reason) {
    case 'not-cso':
      return `${x.login} approved but is not on the CSO roster in clinsafe.yml on the base branch`;
    case 'pr-author':
      return `${x.login} approved but wrote this pull request; a CSO does not approve their own change`;
    case 'commit-author':
      if (x.contribution?.role === 'author' && x.contribution.email)
        return `${x.login} approved, but ${describeContribution(x.login, x.contribution)}; a CSO does not approve their own change. Anyone can put an e-mail in a commit: if ${x.login} did not write commit ${short(x.contribution.commit)}, re-author it (git commit --amend --reset-author, or rebase) and push again — a different CSO can also approve`;
      if (x.contribution)
        return `${x.login} approved, but ${describeContribution(x.login, x.contribution)}; a CSO does not approve their own change, so another CSO must approve (or remove that commit's claim and push again)`;
      return `${x.login} approved but authored or committed a commit in this pull request; a CSO does not approve their own change`;
    case 'stale':
      return `${x.login} approved commit ${short(x.commitId)}, but commits were pushed since; the latest commit needs a fresh approval`;
    case 'label-added': {
      const u = x.uncovered ?? [];
      return `${x.login} approved before the label ${[...new Set(u.map((y) => y.label))].join(', ')} was added, which brings in hazard${u.length === 1 ? '' : 's'} ${u.map((y) => y.hazard).join(', ')}; an approval covers only the hazards impacted when it was given, so a CSO must approve again`;
    }
  }
}

/** Why a CSO's request for changes still holds after a dismissal. */
export function describeKept(k: KeptBlock): string {
  return k.dismissedBy
    ? `${k.cso}'s request for changes was dismissed by ${k.dismissedBy}, who is not a Clinical Safety Officer on the roster; only a CSO can lift it (by approving, or by dismissing it)`
    : `${k.cso}'s request for changes was dismissed, but GitHub has no record of who dismissed it; only a CSO can lift it (by approving)`;
}
