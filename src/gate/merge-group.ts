/**
 * Merge queues (`merge_group`): the queued commit gets the decision of the pull request it
 * carries, derived afresh — never decided as a change of its own. Why: approvals are given on a
 * pull request's head commit, never on the queue's temporary commit, so judging that commit
 * itself could never pass and a required status would stall the queue; and its diff also holds the
 * pull requests ahead of it in the queue, each carried by its own queued commit. The pull request's
 * decision is recomputed from the API (not read from its status, which any workflow could post).
 * Nothing is commented; the status goes on the queued commit only.
 */
import { DEFAULT_STATUS_CONTEXT } from '../core/gate.js';
import { getPull, type PullInfo } from '../github/api/get-pull.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { judgeStable, problemOf } from './judge.js';
import { failed, outcomeOf, type GateOutcome, type RunGateOptions } from './run.js';
import { StatusWriter } from './status-writer.js';

/** The pull request a merge queue entry carries: `refs/heads/gh-readonly-queue/main/pr-123-<sha>` → 123. */
export function queuedPull(headRef: string | undefined): number | undefined {
  const m = /\/pr-(\d+)-[0-9a-f]{7,40}$/.exec(headRef ?? '');
  return m ? Number(m[1]) : undefined;
}

export async function runMergeGroup(
  c: GitHubClient,
  repo: RepoRef,
  pullNumber: number | undefined,
  queuedSha: string,
  opts: Omit<RunGateOptions, 'headSha'>,
): Promise<GateOutcome> {
  const writer = new StatusWriter(c, repo, opts.report, queuedSha, opts.targetUrl);
  const context = DEFAULT_STATUS_CONTEXT;
  try {
    await writer.pending(context);
  } catch (e) {
    return { ...failed(problemOf(e, 'marking the queued commit pending'), context), reported: false, headSha: queuedSha };
  }
  const fail = async (problem: string, ctx = context): Promise<GateOutcome> => {
    const problems = await writer.failAll(problem, ctx);
    return { ...failed(problem, ctx), reported: problems.length === 0, headSha: queuedSha };
  };
  if (pullNumber === undefined) return fail('the merge queue entry names no pull request, so the gate cannot tell what it carries');
  let pr: PullInfo;
  try {
    pr = await getPull(c, repo, pullNumber);
  } catch (e) {
    return fail(problemOf(e, `reading pull request #${pullNumber}`));
  }
  const verdict = await judgeStable(c, repo, pr, opts, writer, pr.headSha);
  if (verdict.kind === 'moved') return fail(`pull request #${pullNumber} changed while queued (${verdict.why})`);
  const outcome = outcomeOf(verdict, context, queuedSha);
  if (outcome.decision === 'error' || outcome.status.state !== 'success') {
    const why =
      outcome.decision === 'error'
        ? (outcome.problem ?? outcome.status.description)
        : `pull request #${pullNumber} is not cleared: ${outcome.status.description}`;
    return {
      ...(await fail(why, outcome.status.context)),
      ...(outcome.result ? { result: outcome.result, impacted: outcome.impacted } : {}),
    };
  }
  const status = { ...outcome.status, description: `#${pullNumber}: ${outcome.status.description}` };
  try {
    await writer.decide(status, status.description);
    for (const other of [...writer.marked].filter((x) => x !== status.context))
      await writer.decide({ ...status, context: other }, status.description);
    return { ...outcome, status, reported: true };
  } catch (e) {
    return fail(problemOf(e, 'setting the commit status'), status.context);
  }
}
