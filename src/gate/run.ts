/**
 * The gate's orchestration, shared by the GitHub Action and the App. In order:
 * 1. mark the head commit of the event pending ("clinsafe is evaluating…") before any fact is used:
 *    the first query carries the commit's statuses with the facts, which are used only when that
 *    context already shows pending or failure (no write due); otherwise pending is written and the
 *    facts are read again (`pendingFirst`);
 * 2. the pull request as read; if its head is no longer that commit, stop (the newer head's own
 *    event decides it);
 * 3. gather the facts for the exact (base SHA, head SHA) pair and decide with the pure core;
 * 4. re-read the pull request: if the head or the base moved while the facts were read, stop
 *    without writing success (a moved base SHA on the same branch is evaluated once more);
 * 5. write the sticky comment, the label, and the decision on that head SHA only.
 * Never throws for API failures: whatever fails after step 1 leaves pending or sets failure on
 * that commit — never success.
 */
import { DEFAULT_STATUS_CONTEXT, statusFor, type GateDecision, type GateResult } from '../core/gate.js';
import { gateProblemTree, noLongerImpactedTree, renderGateComment, type ReviewRequest } from '../core/gate-comment.js';
import type { HeadEvidence } from '../core/head-evidence.js';
import type { ImpactedHazard } from '../core/impact.js';
import { serialize } from '../core/markdown.js';
import type { Root } from 'mdast';
import { addLabels } from '../github/api/add-labels.js';
import { getCommitStatuses, type CommitStatuses } from '../github/api/get-commit-statuses.js';
import { getPull, type PullInfo } from '../github/api/get-pull.js';
import { getPullFacts, type PullFactsGraph } from '../github/api/get-pull-facts.js';
import { GraphQLUnsupportedError } from '../github/api/graphql.js';
import type { PullRecheck } from '../github/api/recheck-pull.js';
import type { StatusReport } from '../github/api/set-commit-status.js';
import { upsertStickyComment, type StickyAction } from '../github/api/upsert-sticky-comment.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { cachedFolder, folderCacheEnabled } from '../github/folder.js';
import { notYetActiveDescription, notYetActiveTree } from './bootstrap.js';
import { normaliseDir } from './collect.js';
import { headEvidenceFor } from './head-evidence.js';
import { judgeStable, problemOf, type Verdict } from './judge.js';
import { judgeViaGraphQL, type GraphJudgement } from './judge-graphql.js';
import { requestCsoReview } from './review-request.js';
import { StatusWriter } from './status-writer.js';
import { renderOnce } from './verdict-cache.js';

export { collectGateInputs } from './collect.js';

export interface RunGateOptions {
  botLogin: string;
  safetyDir?: string;
  /** Where the status links (the Actions run); defaults to the sticky comment. */
  targetUrl?: string;
  report: 'status' | 'check-run';
  /**
   * The head SHA named by the event being handled. It is marked pending first and is the only
   * commit a status is written on. Without it (a manual run) the pull request's head as first read.
   */
  headSha?: string;
  /**
   * The base SHA named by the event: the base configuration is then read with the pull request
   * (one request fewer when the pull request's base is still that commit). A hint, never trusted.
   */
  baseSha?: string;
  /** The repository's default branch, from the event (read through the API only when needed). */
  defaultBranch?: string;
  /**
   * A workflow run just completed (a workflow_run event): look up the head's test results whatever
   * the first query said about the runs on the head commit.
   */
  runCompleted?: boolean;
}

export interface GateOutcome {
  decision: GateDecision;
  requiresApproval: boolean;
  impacted: ImpactedHazard[];
  result?: GateResult;
  commentBody?: string;
  comment?: { action: StickyAction; id?: number; url?: string };
  status: StatusReport;
  /** Whether the decision (status or check run) was written. */
  reported: boolean;
  /** Plain explanation of what went wrong, when something did. */
  problem?: string;
  /** Problems that did not affect the decision (e.g. the label could not be added). */
  warnings?: string[];
  /** The `gate.label` added to the pull request on this run. */
  labelled?: string;
  headSha?: string;
  /** The pull request moved during the run: nothing was decided (the commit stays pending). */
  superseded?: string;
  /** No safety folder on the base branch: the gate is not yet active (status success, said plainly). */
  notYetActive?: boolean;
}

function commentFor(
  v: Verdict,
  n: number,
  reviewRequest?: ReviewRequest,
  headEvidence?: HeadEvidence,
): { body?: string; create: boolean; full?: string } {
  const s = (t: Root) => serialize(t);
  switch (v.kind) {
    case 'decided': {
      const impacted = v.result.decision !== 'not-required';
      const ctx = {
        prNumber: n,
        ...(reviewRequest ? { reviewRequest } : {}),
        ...(headEvidence ? { headEvidence } : {}),
      };
      const full = renderOnce(v.result, JSON.stringify(ctx), () => renderGateComment(v.result, ctx));
      return { body: impacted ? full : s(noLongerImpactedTree(n)), create: impacted, full };
    }
    case 'not-yet-active':
      return { body: s(notYetActiveTree(n, v.safetyDir, v.pr.baseRef)), create: v.addsFolder };
    case 'problem':
      return { body: s(gateProblemTree(v.problem, n)), create: true };
    case 'moved':
      return { create: false };
  }
}

export function outcomeOf(v: Verdict, context: string, headSha: string): GateOutcome {
  const base = { reported: false, headSha };
  switch (v.kind) {
    case 'decided':
      return {
        ...base,
        decision: v.result.decision,
        requiresApproval: v.result.requiresApproval,
        impacted: v.result.impacted,
        result: v.result,
        status: { context: v.result.statusContext, ...statusFor(v.result) },
      };
    case 'not-yet-active':
      return {
        ...base,
        decision: 'not-required',
        requiresApproval: false,
        impacted: [],
        notYetActive: true,
        status: { context, state: 'success', description: notYetActiveDescription(v.safetyDir, v.pr.baseRef) },
      };
    case 'problem':
      return { ...base, ...failed(v.problem, v.context ?? context) };
    case 'moved':
      return {
        ...base,
        decision: 'pending',
        requiresApproval: true,
        impacted: [],
        superseded: v.why,
        status: { context, state: 'pending', description: `${v.why}; the newer commit is evaluated on its own` },
      };
  }
}

export function failed(problem: string, context: string): Omit<GateOutcome, 'reported'> {
  return { decision: 'error', requiresApproval: true, impacted: [], problem, status: { context, ...statusFor(undefined, problem) } };
}

function addProblem(o: GateOutcome, why: string): void {
  o.problem = o.problem ? `${o.problem}; also ${why}` : why;
  o.decision = 'error';
  o.status = { context: o.status.context, ...statusFor(undefined, o.problem) };
}

/**
 * The pull request's facts through GraphQL, with the head commit's statuses and check suites when
 * the event named it; undefined when the API has no GraphQL for them (then REST).
 */
async function readFacts(c: GitHubClient, repo: RepoRef, pullNumber: number, opts: RunGateOptions): Promise<PullFactsGraph | undefined> {
  const dir = normaliseDir(opts.safetyDir);
  // The base configuration by the event's base SHA, unless a server already holds that commit's folder.
  const configExpression =
    opts.baseSha && /^[0-9a-f]{40}$/i.test(opts.baseSha) && !cachedFolder(repo, opts.baseSha, dir)
      ? `${opts.baseSha}:${dir}/clinsafe.yml`
      : undefined;
  try {
    return await getPullFacts(c, repo, pullNumber, {
      ...(configExpression ? { configExpression } : {}),
      ...(opts.headSha ? { headSha: opts.headSha } : {}),
      // A server that keeps folders by commit usually reads nothing else: this query may then be the last read.
      final: folderCacheEnabled(),
    });
  } catch (e) {
    if (e instanceof GraphQLUnsupportedError) return undefined;
    throw e;
  }
}

/** What pending-first left: facts read before "pending" that may be used, the REST path, or a refused pending write. */
type PendingFirst = { reuse?: PullFactsGraph; rest?: boolean } | { refused: string };

/**
 * Pending first, on the commit the event names. In status mode the first query also carries the
 * commit's statuses: when the context already shows pending or failure no write is due, and that
 * answer's facts may be used — the old sequence (statuses, then facts) with no time between the two
 * reads. Otherwise (success, none, or unreadable) pending is written and the caller reads the facts
 * again: the answer read before it is discarded, never judged.
 */
async function pendingFirst(
  c: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  opts: RunGateOptions,
  writer: StatusWriter,
  context: string,
): Promise<PendingFirst> {
  let first: PullFactsGraph | undefined;
  let rest = false;
  if (opts.report === 'status') {
    try {
      first = await readFacts(c, repo, pullNumber, opts);
      rest = first === undefined;
    } catch {
      first = undefined; // nothing could be read: pending is written, then the facts are read again
    }
    if (rest) await writer.readCurrent();
    else writer.seen(first?.head?.statuses);
  }
  const reuse = first && !writer.mustMark(context) ? first : undefined;
  try {
    await writer.pending(context);
  } catch (e) {
    return { refused: problemOf(e, 'marking the commit pending') };
  }
  return { ...(reuse ? { reuse } : {}), rest };
}

/** Judge through GraphQL; once more from a fresh read when the base SHA, labels or reviews changed meanwhile. */
async function judgeGraphStable(
  c: GitHubClient,
  repo: RepoRef,
  first: PullFactsGraph,
  opts: RunGateOptions,
  writer: StatusWriter,
): Promise<GraphJudgement> {
  let facts = first;
  for (let attempt = 0; attempt < 2; attempt++) {
    const judged = await judgeViaGraphQL(c, repo, facts, opts, writer);
    if (!judged.again) return judged;
    try {
      facts = await getPullFacts(c, repo, facts.pr.number);
    } catch (e) {
      return { verdict: { kind: 'problem', problem: problemOf(e, `reading pull request #${facts.pr.number} again`) } };
    }
    if (facts.pr.headSha !== writer.sha)
      return { verdict: { kind: 'moved', why: `the pull request's head moved to ${facts.pr.headSha.slice(0, 7)} while it was evaluated` } };
  }
  return {
    verdict: {
      kind: 'problem',
      problem: `pull request #${facts.pr.number} kept changing (base branch, labels or reviews) while it was evaluated; re-run the job`,
    },
  };
}

export async function runGate(c: GitHubClient, repo: RepoRef, pullNumber: number, opts: RunGateOptions): Promise<GateOutcome> {
  const context = DEFAULT_STATUS_CONTEXT;
  let writer = opts.headSha ? new StatusWriter(c, repo, opts.report, opts.headSha, opts.targetUrl) : undefined;
  // 1. Pending first, on the commit the event names (unless it already shows pending or failure).
  //    If even that cannot be written, nothing this run could write would be trusted: stop, and let the job fail.
  let first: PendingFirst = {};
  if (writer) {
    first = await pendingFirst(c, repo, pullNumber, opts, writer, context);
    if ('refused' in first) return { ...failed(first.refused, context), reported: false, headSha: writer.sha };
  }
  // 2. The pull request as it is now (with its reviews, commits and events when the API has GraphQL).
  let pr: PullInfo;
  let facts: PullFactsGraph | undefined;
  try {
    facts = first.reuse ?? (first.rest ? undefined : await readFacts(c, repo, pullNumber, opts));
    pr = facts?.pr ?? (await getPull(c, repo, pullNumber));
  } catch (e) {
    const problem = problemOf(e, `reading pull request #${pullNumber}`);
    const out: GateOutcome = { ...failed(problem, context), reported: false, ...(writer ? { headSha: writer.sha } : {}) };
    if (writer) out.reported = (await writer.failAll(problem)).length === 0;
    return out;
  }
  if (!writer) {
    writer = new StatusWriter(c, repo, opts.report, pr.headSha, opts.targetUrl);
    await writer.readCurrent();
    try {
      await writer.pending(context);
    } catch (e) {
      return { ...failed(problemOf(e, 'marking the commit pending'), context), reported: false, headSha: pr.headSha };
    }
  }
  const judged: GraphJudgement =
    pr.headSha !== writer.sha
      ? { verdict: { kind: 'moved', why: `the pull request's head is now ${pr.headSha.slice(0, 7)}, not the commit of this event` } }
      : facts
        ? await judgeGraphStable(c, repo, facts, opts, writer)
        : { verdict: await judgeStable(c, repo, pr, opts, writer) };
  const verdict = judged.verdict;
  const outcome = outcomeOf(verdict, context, writer.sha);
  if (verdict.kind === 'moved') return outcome; // pending stays; the newer head's own event decides it
  await publish(c, repo, pullNumber, opts, writer, verdict, outcome, {
    recheck: judged.recheck,
    requested: facts?.requested ?? pr.requested,
    runCompleted: opts.runCompleted || facts?.head?.runCompleted,
  });
  return outcome;
}

function evidenceWanted(v: Verdict): v is Extract<Verdict, { kind: 'decided' }> {
  return v.kind === 'decided' && v.result.decision !== 'not-required' && v.result.decision !== 'error';
}

/** Comment, label and the decision on the one head SHA; any failure here turns the decision into failure. */
async function publish(
  c: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  opts: RunGateOptions,
  writer: StatusWriter,
  verdict: Exclude<Verdict, { kind: 'moved' }>,
  outcome: GateOutcome,
  read: { recheck?: PullRecheck | undefined; requested?: string[] | undefined; runCompleted?: boolean | undefined },
): Promise<void> {
  // Ask the CSOs who may approve for a review (a courtesy: a refusal is named in the comment, never fatal).
  const reviewRequest =
    verdict.kind === 'decided' ? await requestCsoReview(c, repo, pullNumber, verdict.result, read.requested) : undefined;
  // Test results on the head commit, for the CSO (issue 15): looked up only when an impacted control links
  // tests and a workflow run on the head may have uploaded them; never decides.
  const headEvidence = evidenceWanted(verdict)
    ? await headEvidenceFor(c, repo, writer.sha, verdict.result.impacted, verdict.headHazards ?? [], read.runCompleted)
    : undefined;
  const comment = commentFor(verdict, pullNumber, reviewRequest, headEvidence);
  outcome.commentBody = comment.full ?? comment.body;
  try {
    outcome.comment = await upsertStickyComment(c, repo, pullNumber, opts.botLogin, 'gate-comment', `pr-${pullNumber}`, comment.body!, {
      createIfMissing: comment.create,
      ...(read.recheck ? { listed: read.recheck.comments } : {}),
    });
  } catch (e) {
    addProblem(outcome, problemOf(e, 'writing the safety comment'));
  }
  // gate.label: mark impacted pull requests (cosmetic: a failure here is reported, not fatal).
  const result = verdict.kind === 'decided' ? verdict.result : undefined;
  const labels = verdict.kind === 'decided' ? verdict.pr.labels : [];
  if (result?.label && result.requiresApproval && !labels.some((l) => l.toLowerCase() === result.label!.toLowerCase())) {
    try {
      await addLabels(c, repo, pullNumber, [result.label]);
      outcome.labelled = result.label;
    } catch (e) {
      outcome.warnings = [...(outcome.warnings ?? []), problemOf(e, `adding the label ${result.label}`)];
    }
  }
  const pr = verdict.kind === 'problem' ? undefined : verdict.pr;
  outcome.status.targetUrl = opts.targetUrl ?? outcome.comment?.url ?? pr?.htmlUrl;
  if (outcome.decision === 'error') {
    const problems = await writer.failAll(outcome.problem ?? outcome.status.description, outcome.status.context);
    outcome.reported = problems.length === 0;
    for (const p of problems) addProblem(outcome, p);
    return;
  }
  // What the commit shows now, read after every other read: an identical decision is not written again.
  const shown: CommitStatuses | undefined =
    read.recheck?.statuses ?? (opts.report === 'status' ? await getCommitStatuses(c, repo, writer.sha).catch(() => undefined) : undefined);
  try {
    await writer.decide(outcome.status, outcome.commentBody ?? '', shown);
    // A run that marked the default context but decided under a configured one leaves no stale pending.
    for (const other of [...writer.marked].filter((x) => x !== outcome.status.context))
      await writer.decide({ ...outcome.status, context: other }, outcome.commentBody ?? '', shown);
    outcome.reported = true;
  } catch (e) {
    addProblem(outcome, problemOf(e, 'setting the commit status'));
    await writer.failAll(outcome.problem!, outcome.status.context);
  }
}
