/**
 * Judge one pull request for an exact (base SHA, head SHA) pair: read the base folder, apply the
 * bootstrap rule, gather the facts, decide with the pure core — then re-read the pull request and
 * refuse the verdict if the head or the base moved meanwhile. Writes nothing but "pending".
 */
import type { EvidenceHazard } from '../core/evidence.js';
import { DEFAULT_STATUS_CONTEXT, evaluateGate, type GateResult, type Review } from '../core/gate.js';
import { explainApiError } from '../github/api/errors.js';
import { getDefaultBranch } from '../github/api/get-default-branch.js';
import { getPull, type PullInfo } from '../github/api/get-pull.js';
import { listReviews } from '../github/api/list-reviews.js';
import { listChangedFiles } from '../github/api/list-changed-files.js';
import { pathExists } from '../github/api/path-exists.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { baseWithoutFolderProblem, gateActivity } from './bootstrap.js';
import { collectPullFacts, normaliseDir, readFolderAt, touchesFolder } from './collect.js';
import type { StatusWriter } from './status-writer.js';

export interface JudgeOptions {
  safetyDir?: string;
  defaultBranch?: string;
}

/** What the facts said, before anything is written. */
export type Verdict =
  | { kind: 'decided'; result: GateResult; pr: PullInfo; reviews: Review[]; headHazards?: EvidenceHazard[] }
  | { kind: 'not-yet-active'; pr: PullInfo; addsFolder: boolean; safetyDir: string }
  | { kind: 'problem'; problem: string; context?: string }
  | { kind: 'moved'; why: string };

export function problemOf(e: unknown, what: string): string {
  return explainApiError(e, what);
}

/** Decide one (base, head) pair; pending is marked on the configured context as soon as it is known. */
export async function judge(c: GitHubClient, repo: RepoRef, pr: PullInfo, opts: JudgeOptions, writer: StatusWriter): Promise<Verdict> {
  const safetyDir = normaliseDir(opts.safetyDir);
  const blobCache = new Map<string, Buffer>();
  let context: string | undefined;
  try {
    const base = await readFolderAt(c, repo, pr.baseSha, 'base', safetyDir, blobCache);
    if (!base.present) {
      const defaultBranch = opts.defaultBranch ?? (await getDefaultBranch(c, repo));
      const isDefault = pr.baseRef === defaultBranch;
      const activity = gateActivity(false, isDefault, isDefault ? undefined : await pathExists(c, repo, safetyDir, defaultBranch));
      if (activity === 'base-without-folder')
        return { kind: 'problem', problem: baseWithoutFolderProblem(safetyDir, pr.baseRef, defaultBranch) };
      const changes = await listChangedFiles(c, repo, pr.number, pr.changedFiles);
      return { kind: 'not-yet-active', pr, addsFolder: changes.some((f) => touchesFolder(safetyDir, f)), safetyDir };
    }
    context = base.folder?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT;
    // A configured context is marked pending as soon as the base configuration names it.
    await writer.pending(context);
    const facts = await collectPullFacts(c, repo, pr, base, safetyDir, blobCache);
    const headHazards = (facts.head.folder ?? facts.base.folder)?.hazards; // which tests controls link at the head (issue 15)
    return { kind: 'decided', result: evaluateGate(facts), pr, reviews: facts.reviews, ...(headHazards ? { headHazards } : {}) };
  } catch (e) {
    return { kind: 'problem', problem: problemOf(e, 'collecting the pull request facts'), ...(context ? { context } : {}) };
  }
}

/**
 * Judge, then check that the pull request is still what was judged: same head (else stop), same
 * base branch (else stop: the retarget's own event decides), same base SHA and labels — and, for
 * an approval, the same reviews — else judge once more against what it is now.
 */
export async function judgeStable(
  c: GitHubClient,
  repo: RepoRef,
  first: PullInfo,
  opts: JudgeOptions,
  writer: StatusWriter,
  expectedHead = writer.sha,
): Promise<Verdict> {
  let pr = first;
  for (let attempt = 0; attempt < 2; attempt++) {
    const verdict = await judge(c, repo, pr, opts, writer);
    if (verdict.kind === 'problem') return verdict;
    let now: PullInfo;
    try {
      now = await getPull(c, repo, pr.number);
    } catch (e) {
      return { kind: 'problem', problem: problemOf(e, `reading pull request #${pr.number} again`) };
    }
    if (now.headSha !== expectedHead)
      return { kind: 'moved', why: `the pull request's head moved to ${now.headSha.slice(0, 7)} while it was evaluated` };
    if (now.baseRef !== pr.baseRef)
      return { kind: 'moved', why: `the pull request was retargeted to ${now.baseRef} while it was evaluated` };
    if (now.baseSha === pr.baseSha && sameLabels(now.labels, pr.labels)) {
      // An approval is final only if no review arrived meanwhile (a CSO's change request, a dismissal).
      if (verdict.kind !== 'decided' || verdict.result.decision !== 'approved') return verdict;
      let again: Review[];
      try {
        again = await listReviews(c, repo, pr.number);
      } catch (e) {
        return { kind: 'problem', problem: problemOf(e, 'listing the reviews again') };
      }
      if (sameReviews(again, verdict.reviews)) return verdict;
    }
    pr = now;
  }
  return {
    kind: 'problem',
    problem: `pull request #${pr.number} kept changing (base branch, labels or reviews) while it was evaluated; re-run the job`,
  };
}

/** The same labels, whatever their case and order. */
export function sameLabels(a: string[], b: string[]): boolean {
  const norm = (l: string[]) =>
    [...l]
      .map((x) => x.toLowerCase())
      .sort()
      .join('\n');
  return norm(a) === norm(b);
}

/** The same reviews in the same order (ids too, where the API gives them: a review replaced by an identical one counts as a change). */
export function sameReviews(a: Review[], b: Review[]): boolean {
  const key = (r: Review[]) => JSON.stringify(r.map((x) => [x.id ?? 0, x.reviewer, x.state, x.commitId, x.submittedAt ?? '']));
  return key(a) === key(b);
}
