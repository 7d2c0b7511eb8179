/**
 * Pull requests in app mode: the same gate as the Action (shared `runGate`), reported as the
 * commit status or a check run; and, after an impacted merge, a safety-review issue for the CSOs
 * — unless the pull request itself updated every impacted hazard and a CSO approved its last commit.
 */
import type { Probot } from 'probot';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { ensureIssue } from '../github/idempotent-writes.js';
import { snapshotViaApi } from '../github/folder.js';
import { loadFolder } from '../core/folder.js';
import { queuedPull } from '../gate/merge-group.js';
import { afterMergeIssue } from './release-review-text.js';
import type { AppContext } from './context.js';
import type { GatePorts, PullAssessment } from './ports.js';

export type AppGateMode = 'status' | 'check-run' | 'off';

export function gateMode(value: string | undefined): AppGateMode {
  const v = (value ?? 'status').trim().toLowerCase();
  if (v === 'status' || v === 'check-run' || v === 'off') return v;
  throw new Error(`CLINSAFE_APP_GATE must be status, check-run or off (got "${value}")`);
}

/** Whether a merged, impacted pull request already carried its own safety review. */
export function reviewedInPull(a: PullAssessment): boolean {
  if (a.approval.state !== 'approved' || a.approval.commit !== a.headSha) return false;
  const updated = new Set(a.hazardLogChanges.map((c) => c.id));
  return a.impacted.every((h) => updated.has(h.id));
}

const GATE_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.labeled',
  'pull_request.unlabeled',
  'pull_request.ready_for_review',
  'pull_request.edited',
  'pull_request_review.submitted',
  'pull_request_review.dismissed',
  'pull_request_review.edited',
] as const;

export function registerPulls(app: Probot, ctx: AppContext, gate: GatePorts, mode: AppGateMode): void {
  const octo = (context: { octokit: unknown }) => context.octokit as GitHubClient;
  const repoOf = (payload: { repository: { owner: { login: string }; name: string } }): RepoRef => ({
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
  });

  if (mode !== 'off') {
    app.on([...GATE_EVENTS], async (context) => {
      const payload = context.payload as unknown as {
        action: string;
        changes?: { base?: unknown };
        pull_request: { number: number; state: string; head: { sha: string }; base?: { sha?: string } };
        repository: { owner: { login: string }; name: string; default_branch?: string };
      };
      if (payload.pull_request.state !== 'open') return;
      // Among edits only a new base can change the decision (it is then a new evaluation from pending).
      if (context.name === 'pull_request' && payload.action === 'edited' && !payload.changes?.base) return;
      const bot = await ctx.botLogin(app);
      await gate.run(octo(context), repoOf(payload), payload.pull_request.number, {
        botLogin: bot,
        safetyDir: ctx.dir,
        report: mode,
        headSha: payload.pull_request.head.sha,
        ...(payload.pull_request.base?.sha ? { baseSha: payload.pull_request.base.sha } : {}),
        ...(payload.repository.default_branch ? { defaultBranch: payload.repository.default_branch } : {}),
      });
    });

    // Merge queues: the queued commit carries the pull request's decision, derived afresh.
    app.on('merge_group.checks_requested', async (context) => {
      const payload = context.payload as unknown as {
        merge_group: { head_sha: string; head_ref: string };
        repository: { owner: { login: string }; name: string; default_branch?: string };
      };
      const bot = await ctx.botLogin(app);
      await gate.mergeGroup(octo(context), repoOf(payload), queuedPull(payload.merge_group.head_ref), payload.merge_group.head_sha, {
        botLogin: bot,
        safetyDir: ctx.dir,
        report: mode,
        ...(payload.repository.default_branch ? { defaultBranch: payload.repository.default_branch } : {}),
      });
    });
  }

  app.on('pull_request.closed', async (context) => {
    const payload = context.payload as unknown as {
      pull_request: { number: number; merged: boolean; base: { ref: string } };
      repository: { owner: { login: string }; name: string };
    };
    if (!payload.pull_request.merged) return;
    const client = octo(context);
    const repo = repoOf(payload);
    const a = await gate.assess(client, repo, payload.pull_request.number, { safetyDir: ctx.dir });
    if (!a.impacted.length && !a.safetyFolderChanges.length) return;
    if (reviewedInPull(a)) return;
    // The roster and labels as they are now on the branch the change was merged into.
    const { snapshot } = await snapshotViaApi(client, repo, a.mergeCommit ?? payload.pull_request.base.ref, ctx.dir);
    const loaded = loadFolder(snapshot);
    const folder = loaded.folder;
    if (!folder) return;
    const bot = await ctx.botLogin(app);
    const body = afterMergeIssue(folder, {
      number: a.number,
      title: a.title,
      url: a.url,
      mergeCommit: a.mergeCommit ?? a.headSha,
      impacted: a.impacted,
      hazardLogChanges: a.hazardLogChanges,
      reverify: a.reverify,
      safetyFolderChanges: a.safetyFolderChanges,
      approval: a.approval.text,
    });
    await ensureIssue(
      client,
      repo,
      bot,
      'review-after-merge',
      `pr-${a.number}`,
      { ...body, assignees: folder.config.cso.map((c) => c.github) },
      folder.config.app.reviewLabel,
    );
  });
}
