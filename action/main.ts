/**
 * The clinsafe GitHub Action: runs the pull-request safety gate for the pull request of the
 * event, posts the sticky hazard-delta comment and the commit status, writes the job summary
 * and the outputs. Reads everything through the API; never checks out or runs the PR's code.
 * Which pull request and which head commit an event is about: action/events.ts.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { readFileSync } from 'node:fs';
import { runMergeGroup } from '../src/gate/merge-group.js';
import { runGate, type GateOutcome } from '../src/gate/run.js';
import { retryOptions, throttleOptions } from '../src/github/api/client-policy.js';
import { findOpenPull } from '../src/github/api/find-open-pull.js';
import type { GitHubClient, RepoRef } from '../src/github/client.js';
import { targetOf, type EventPayload } from './events.js';
import { DEFAULT_SAFETY_DIR } from '../src/core/folder.js';
// The evidence and release modes (JUnit reading, documents, PDF fonts) are loaded only when their
// mode runs: the gate, run on every pull request, does not pay their start-up (issue 13).
type ReleaseModule = typeof import('./release.js');

export { HANDLED } from './events.js';

function impactedJson(o: GateOutcome): string {
  return JSON.stringify(
    o.impacted.map((h) => ({
      id: h.id,
      title: h.title,
      residualRisk: h.residualRisk,
      reasons: h.reasons.map((r) => ({ kind: r.kind, detail: r.detail })),
    })),
  );
}

/** Octokit with the retry and throttling plugins, as well-known actions use it (actions/labeler). */
function client(token: string): GitHubClient {
  const plugins = [throttling, retry] as unknown as Parameters<typeof github.getOctokit>[2][];
  return github.getOctokit(token, { retry: retryOptions(), throttle: throttleOptions() } as never, ...plugins) as unknown as GitHubClient;
}

async function report(outcome: GateOutcome): Promise<void> {
  core.setOutput('decision', outcome.decision);
  core.setOutput('requires-approval', String(outcome.requiresApproval));
  core.setOutput('impacted', impactedJson(outcome));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(outcome.commentBody ?? `Safety gate: ${outcome.problem ?? outcome.status.description}`, true).write();
  }
  core.info(`clinsafe gate: ${outcome.decision} — ${outcome.status.description}`);
  if (outcome.superseded) core.notice(`clinsafe gate: ${outcome.superseded}; the newer commit is evaluated by its own run`);
  if (outcome.decision === 'error') core.setFailed(`clinsafe gate: ${outcome.problem ?? outcome.status.description}`);
}

export async function main(): Promise<void> {
  const mode = core.getInput('mode').trim() || 'gate';
  if (mode === 'evidence') return (await import('./evidence.js')).recordEvidence();
  const eventName = process.env.GITHUB_EVENT_NAME ?? '';
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventPath) throw new Error('GITHUB_EVENT_PATH is not set: this action runs inside a GitHub Actions job');
  const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
  if (mode === 'release') return releaseMode(eventName, payload);
  if (mode !== 'gate') throw new Error(`mode: ${mode} is not a clinsafe mode; use gate (the default), evidence or release`);
  const target = targetOf(eventName, payload);
  if ('skip' in target) {
    if (target.notice) core.notice(`clinsafe gate: ${target.skip}`);
    else core.info(`clinsafe gate: ${target.skip}`);
    return;
  }
  const [owner, name] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !name) throw new Error('GITHUB_REPOSITORY is not set (owner/name)');
  const repo: RepoRef = { owner, repo: name };
  const octokit = client(core.getInput('github-token', { required: true }));
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = process.env.GITHUB_RUN_ID;
  const common = {
    botLogin: core.getInput('bot-login') || 'github-actions[bot]',
    safetyDir: core.getInput('safety-dir') || DEFAULT_SAFETY_DIR,
    ...(runId ? { targetUrl: `${server}/${owner}/${name}/actions/runs/${runId}` } : {}),
    ...(target.defaultBranch ? { defaultBranch: target.defaultBranch } : {}),
    report: 'status' as const,
  };
  if (target.kind === 'merge-group') {
    await report(await runMergeGroup(octokit, repo, target.pullNumber, target.headSha, common));
    return;
  }
  let pullNumber = target.pullNumber;
  if (pullNumber === undefined && target.fork) {
    // workflow_run of a fork's pull request: GitHub leaves `pull_requests` empty; find it by its head.
    pullNumber = await findOpenPull(octokit, repo, { ...target.fork, sha: target.headSha });
    if (pullNumber === undefined) {
      core.info(`clinsafe gate: no open pull request has ${target.headSha.slice(0, 7)} as its head; nothing to do`);
      return;
    }
  }
  await report(
    await runGate(octokit, repo, pullNumber!, {
      ...common,
      headSha: target.headSha,
      ...(target.baseSha ? { baseSha: target.baseSha } : {}),
      // A workflow run completed: the head's test results may have just arrived, so they are looked up.
      ...(eventName === 'workflow_run' ? { runCompleted: true } : {}),
    }),
  );
}

/** `mode: release`: the documents and the sign-off issue for a published release (action/release.ts). */
async function releaseMode(eventName: string, payload: unknown): Promise<void> {
  const { releaseSkip, runRelease } = await import('./release.js');
  const p = payload as Parameters<ReleaseModule['releaseSkip']>[1];
  const skip = releaseSkip(eventName, p);
  if (skip) {
    if (eventName !== 'release') core.setFailed(`clinsafe release: ${skip}`);
    else core.info(`clinsafe release: ${skip}`);
    return;
  }
  const [owner, name] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !name) throw new Error('GITHUB_REPOSITORY is not set (owner/name)');
  try {
    await runRelease(client(core.getInput('github-token', { required: true })), { owner, repo: name }, p.release!, {
      botLogin: core.getInput('bot-login') || 'github-actions[bot]',
      safetyDir: core.getInput('safety-dir') || DEFAULT_SAFETY_DIR,
    });
  } catch (e) {
    core.setFailed(`clinsafe release: ${(e as Error)?.message ?? String(e)}`);
  }
}

main().catch((e: unknown) => core.setFailed(`clinsafe gate: ${(e as Error)?.message ?? String(e)}`));
