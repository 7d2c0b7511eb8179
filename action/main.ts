/**
 * The clinsafe GitHub Action: runs the pull-request safety gate for the pull request of the
 * event, posts the sticky hazard-delta comment and the commit status, writes the job summary
 * and the outputs. Reads everything through the API; never checks out or runs the PR's code.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readFileSync } from 'node:fs';
import { runGate, type GateOutcome } from '../src/gate/run.js';
import { recordEvidence } from './evidence.js';
import type { GitHubClient } from '../src/github/client.js';

/** Events and actions the gate answers; anything else is a no-op with a notice. */
export const HANDLED: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled', 'ready_for_review', 'edited'],
  pull_request_target: ['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled', 'ready_for_review', 'edited'],
  pull_request_review: ['submitted', 'dismissed', 'edited'],
};

interface EventPayload {
  action?: string;
  pull_request?: { number: number; state?: string };
}

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

export async function main(): Promise<void> {
  if ((core.getInput('mode') || 'gate') === 'evidence') return recordEvidence();
  const eventName = process.env.GITHUB_EVENT_NAME ?? '';
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventPath) throw new Error('GITHUB_EVENT_PATH is not set: this action runs inside a GitHub Actions job');
  const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
  const actions = HANDLED[eventName];
  if (!actions) {
    core.notice(
      `clinsafe gate: the ${eventName} event is not a pull request event; nothing to do (use pull_request, pull_request_target or pull_request_review)`,
    );
    return;
  }
  if (payload.action && !actions.includes(payload.action)) {
    core.info(`clinsafe gate: ${eventName}.${payload.action} does not change the gate; nothing to do`);
    return;
  }
  const pr = payload.pull_request;
  if (!pr?.number) throw new Error(`the ${eventName} event payload has no pull_request`);
  if (pr.state === 'closed') {
    core.info('clinsafe gate: the pull request is closed; nothing to do');
    return;
  }
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new Error('GITHUB_REPOSITORY is not set (owner/name)');
  const token = core.getInput('github-token', { required: true });
  const octokit = github.getOctokit(token) as unknown as GitHubClient;
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = process.env.GITHUB_RUN_ID;
  const outcome = await runGate(octokit, { owner, repo }, pr.number, {
    botLogin: core.getInput('bot-login') || 'github-actions[bot]',
    safetyDir: core.getInput('safety-dir') || 'clinical-safety',
    ...(runId ? { targetUrl: `${server}/${owner}/${repo}/actions/runs/${runId}` } : {}),
    report: 'status',
  });
  core.setOutput('decision', outcome.decision);
  core.setOutput('requires-approval', String(outcome.requiresApproval));
  core.setOutput('impacted', impactedJson(outcome));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(outcome.commentBody ?? `Safety gate could not run: ${outcome.problem ?? 'unknown error'}`, true).write();
  }
  core.info(`clinsafe gate: ${outcome.decision} — ${outcome.status.description}`);
  if (outcome.decision === 'error') core.setFailed(`clinsafe gate: ${outcome.problem ?? outcome.status.description}`);
}

main().catch((e: unknown) => core.setFailed(`clinsafe gate: ${(e as Error)?.message ?? String(e)}`));
