/**
 * The gate's orchestration, shared by the GitHub Action and the App: gather the facts through
 * the API, decide with the pure core, then write one sticky comment and one status (or check run).
 * Never throws for API failures: whatever cannot be done becomes a failing status with a plain
 * explanation — never a success.
 */
import { DEFAULT_SAFETY_DIR, type LoadResult } from '../core/folder.js';
import { DEFAULT_STATUS_CONTEXT, evaluateGate, statusFor, type GateDecision, type GateInputs, type GateResult } from '../core/gate.js';
import { gateProblemTree, noLongerImpactedTree, renderGateComment } from '../core/gate-comment.js';
import type { ImpactedHazard } from '../core/impact.js';
import { serialize } from '../core/markdown.js';
import { readFolderViaApi } from '../github/folder.js';
import { requestCsoReview } from './review-request.js';
import {
  createCheckRun,
  explainApiError,
  GateApiError,
  getPull,
  listChangedFiles,
  listReviews,
  retrying,
  setCommitStatus,
  upsertStickyComment,
  type PullInfo,
  type RetryPolicy,
  type StatusReport,
  type StickyAction,
} from '../github/gate-api.js';
import type { RepoRef, GitHubClient } from '../github/client.js';
// issue 10 §3 (approval facts): commits with e-mails and messages, and the label / dismissal events.
import { commitLogins, listCommitFacts } from '../github/api/list-commit-facts.js';
import { listPullEvents } from '../github/api/list-issue-events.js';
import { plainFailure } from '../github/api/plain-failure.js';

export interface CollectOptions {
  safetyDir?: string;
  /** A pull request already fetched (saves one request). */
  pr?: PullInfo;
}

function inDir(dir: string, path: string | undefined): boolean {
  return Boolean(path && (path === dir || path.startsWith(`${dir}/`)));
}

/**
 * Everything the core needs for one pull request. The base folder is read at the PR's base
 * commit; the head folder only when the PR touches the safety folder or removes or renames
 * files (otherwise it is the base folder), sharing blobs between the two reads.
 */
export async function collectGateInputs(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  opts: CollectOptions = {},
): Promise<GateInputs & { pr: PullInfo }> {
  const safetyDir = (opts.safetyDir ?? DEFAULT_SAFETY_DIR).replace(/^\.\//, '').replace(/\/+$/, '');
  const pr = opts.pr ?? (await getPull(client, repo, pullNumber));
  const blobCache = new Map<string, Buffer>();
  const readFolder = async (sha: string, which: string): Promise<LoadResult> => {
    try {
      return await readFolderViaApi(client, repo, sha, safetyDir, { blobCache });
    } catch (e) {
      const what = `reading the safety folder at the ${which} commit ${sha.slice(0, 7)}`;
      throw new GateApiError(plainFailure(e, what) ?? explainApiError(e, what));
    }
  };
  const [changes, reviews, commits, events, base] = await Promise.all([
    listChangedFiles(client, repo, pullNumber, pr.changedFiles),
    listReviews(client, repo, pullNumber),
    listCommitFacts(client, repo, pullNumber, pr.commits),
    listPullEvents(client, repo, pullNumber),
    readFolder(pr.baseSha, 'base'),
  ]);
  const commitAuthors = commitLogins(commits);
  const needHead = changes.some(
    (f) => inDir(safetyDir, f.filename) || inDir(safetyDir, f.previousFilename) || f.status === 'removed' || f.status === 'renamed',
  );
  const head = needHead ? await readFolder(pr.headSha, 'head') : base;
  return {
    changes,
    labels: pr.labels,
    author: pr.author,
    commitAuthors,
    headSha: pr.headSha,
    base,
    head,
    reviews,
    safetyDir,
    pr,
    commits,
    events,
  };
}

export interface RunGateOptions {
  botLogin: string;
  safetyDir?: string;
  /** Where the status links (the Actions run); defaults to the sticky comment. */
  targetUrl?: string;
  report: 'status' | 'check-run';
  retry?: Partial<RetryPolicy>;
}

export interface GateOutcome {
  decision: GateDecision;
  requiresApproval: boolean;
  impacted: ImpactedHazard[];
  result?: GateResult;
  commentBody?: string;
  comment?: { action: StickyAction; id?: number; url?: string };
  status: StatusReport;
  /** Whether the status (or check run) was written. */
  reported: boolean;
  /** Plain explanation of what went wrong, when something did. */
  problem?: string;
  /** Problems that did not affect the decision (e.g. the label could not be added). */
  warnings?: string[];
  /** The `gate.label` added to the pull request on this run. */
  labelled?: string;
  headSha?: string;
}

export async function runGate(client: GitHubClient, repo: RepoRef, pullNumber: number, opts: RunGateOptions): Promise<GateOutcome> {
  const c = retrying(client, opts.retry);
  const fail = (problem: string, context = DEFAULT_STATUS_CONTEXT): GateOutcome => ({
    decision: 'error',
    requiresApproval: true,
    impacted: [],
    problem,
    status: { context, ...statusFor(undefined, problem), ...(opts.targetUrl ? { targetUrl: opts.targetUrl } : {}) },
    reported: false,
  });

  let pr: PullInfo;
  try {
    pr = await getPull(c, repo, pullNumber);
  } catch (e) {
    // Without the head commit there is nothing to put a status on; the caller fails the job.
    return fail(e instanceof GateApiError ? e.message : explainApiError(e, `reading pull request #${pullNumber}`));
  }

  let result: GateResult | undefined;
  let problem: string | undefined;
  try {
    result = evaluateGate(await collectGateInputs(c, repo, pullNumber, { ...(opts.safetyDir ? { safetyDir: opts.safetyDir } : {}), pr }));
  } catch (e) {
    problem =
      e instanceof GateApiError
        ? e.message
        : (plainFailure(e, 'collecting the pull request facts') ?? explainApiError(e, 'collecting the pull request facts'));
  }

  const context = result?.statusContext ?? DEFAULT_STATUS_CONTEXT;
  const outcome: GateOutcome = result
    ? {
        decision: result.decision,
        requiresApproval: result.requiresApproval,
        impacted: result.impacted,
        result,
        status: { context, ...statusFor(result) },
        reported: false,
        headSha: pr.headSha,
      }
    : { ...fail(problem!, context), headSha: pr.headSha };

  // The sticky comment: written when there is something to say; a PR that stops being impacted
  // gets its comment updated to say so (kept, not deleted, so the history stays readable).
  const key = `pr-${pullNumber}`;
  const impacted = !result || result.decision !== 'not-required';
  // Ask the CSOs who may approve for a review (a courtesy: a refusal is named in the comment, never fatal).
  const reviewRequest = result ? await requestCsoReview(c, repo, pullNumber, result) : undefined;
  const commentCtx = { prNumber: pullNumber, ...(reviewRequest ? { reviewRequest } : {}) };
  const body = result
    ? impacted
      ? renderGateComment(result, commentCtx)
      : serialize(noLongerImpactedTree(pullNumber))
    : serialize(gateProblemTree(problem!, pullNumber));
  outcome.commentBody = result ? renderGateComment(result, commentCtx) : body;
  try {
    outcome.comment = await upsertStickyComment(c, repo, pullNumber, opts.botLogin, 'gate-comment', key, body, {
      createIfMissing: impacted,
    });
  } catch (e) {
    const why = e instanceof GateApiError ? e.message : explainApiError(e, 'writing the safety comment');
    outcome.problem = outcome.problem ?? why;
    outcome.decision = 'error';
    outcome.status = { context, ...statusFor(undefined, why) };
  }

  // gate.label: mark impacted pull requests (cosmetic: a failure here is reported, not fatal).
  if (result?.label && result.requiresApproval && !pr.labels.some((l) => l.toLowerCase() === result!.label!.toLowerCase())) {
    try {
      await c.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        ...repo,
        issue_number: pullNumber,
        labels: [result.label],
      });
      outcome.labelled = result.label;
    } catch (e) {
      outcome.warnings = [...(outcome.warnings ?? []), explainApiError(e, `adding the label ${result.label}`)];
    }
  }

  const targetUrl = opts.targetUrl ?? outcome.comment?.url ?? pr.htmlUrl;
  outcome.status.targetUrl = targetUrl;
  try {
    if (opts.report === 'check-run') await createCheckRun(c, repo, pr.headSha, outcome.status, outcome.commentBody ?? '');
    else await setCommitStatus(c, repo, pr.headSha, outcome.status);
    outcome.reported = true;
  } catch (e) {
    const why = e instanceof GateApiError ? e.message : explainApiError(e, 'setting the commit status');
    outcome.problem = outcome.problem ? `${outcome.problem}; also ${why}` : why;
    outcome.decision = 'error';
  }
  return outcome;
}
