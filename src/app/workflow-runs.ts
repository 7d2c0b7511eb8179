/**
 * Test results that arrive after the gate ran (issue 15): when a workflow run completes and it
 * uploaded the artifact clinsafe-evidence-<head SHA>, the gate runs again for the open pull
 * requests whose head is that commit, so the comment's "Test results on the head commit" section
 * shows them. One request (the run's artifacts of that name) decides whether anything is re-run;
 * a run that uploaded no evidence costs nothing more. The gate itself re-derives everything and
 * stops without writing when the pull request's head has moved on.
 */
import type { Probot } from 'probot';
import { findOpenPull } from '../github/api/find-open-pull.js';
import { runArtifacts } from '../github/api/run-artifacts.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { evidenceArtifactName } from '../usecases/record-evidence.js';
import type { AppContext } from './context.js';
import type { GatePorts } from './ports.js';
import type { AppGateMode } from './pulls.js';

interface WorkflowRunPayload {
  workflow_run: {
    id: number;
    head_sha: string;
    head_branch?: string | null;
    pull_requests?: { number: number; head?: { sha?: string } }[];
    head_repository?: { owner?: { login?: string } } | null;
  };
  repository: { owner: { login: string }; name: string; default_branch?: string };
}

/** The open pull requests whose head is the run's commit: GitHub's list, or for a fork the pull request found by its head. */
async function pullsOf(client: GitHubClient, repo: RepoRef, run: WorkflowRunPayload['workflow_run']): Promise<number[]> {
  const listed = (run.pull_requests ?? []).filter((p) => !p.head?.sha || p.head.sha === run.head_sha).map((p) => p.number);
  if (listed.length) return [...new Set(listed)];
  const owner = run.head_repository?.owner?.login;
  if (!owner || !run.head_branch) return [];
  const n = await findOpenPull(client, repo, { owner, branch: run.head_branch, sha: run.head_sha });
  return n === undefined ? [] : [n];
}

export function registerWorkflowRuns(app: Probot, ctx: AppContext, gate: GatePorts, mode: AppGateMode): void {
  if (mode === 'off') return;
  app.on('workflow_run.completed', async (context) => {
    const payload = context.payload as unknown as WorkflowRunPayload;
    const run = payload.workflow_run;
    if (!/^[0-9a-f]{40}$/i.test(run.head_sha ?? '')) return;
    const client = context.octokit as unknown as GitHubClient;
    const repo: RepoRef = { owner: payload.repository.owner.login, repo: payload.repository.name };
    // Only a run that recorded evidence for its head commit can change the comment. A refusal here
    // (an installation that has not granted actions: read yet) changes nothing the gate wrote: logged.
    let numbers: number[];
    try {
      const uploaded = (await runArtifacts(client, repo, run.id, evidenceArtifactName(run.head_sha))).filter((a) => !a.expired);
      if (uploaded.length === 0) return;
      numbers = await pullsOf(client, repo, run);
    } catch (e) {
      context.log.warn(
        `clinsafe: workflow run ${run.id}: could not look for test results of ${run.head_sha.slice(0, 7)}: ${(e as Error)?.message ?? String(e)}`,
      );
      return;
    }
    if (numbers.length === 0) return;
    const bot = await ctx.botLogin(app);
    for (const n of numbers)
      await gate.run(client, repo, n, {
        botLogin: bot,
        safetyDir: ctx.dir,
        report: mode,
        headSha: run.head_sha,
        runCompleted: true, // this run uploaded the head's results: look them up whatever the first query shows
        ...(payload.repository.default_branch ? { defaultBranch: payload.repository.default_branch } : {}),
      });
  });
}
