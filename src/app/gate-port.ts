/**
 * The app's binding to the shared gate: `runGate` as the Action runs it, and `assess` — the same
 * facts and the same `evaluateGate` decision — for merged pull requests and the change record.
 */
import { describeIgnored, type Approval } from '../core/approval.js';
import { evaluateGate, type GateResult } from '../core/gate.js';
import { collectGateInputs } from '../gate/collect.js';
import { runMergeGroup } from '../gate/merge-group.js';
import { runGate } from '../gate/run.js';
import type { RepoRef, GitHubClient } from '../github/client.js';
import type { GatePorts, PullAssessment } from './ports.js';

interface PullExtra {
  title: string;
  html_url: string;
  merged?: boolean;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
}

function nameOf(result: GateResult, login: string): string | undefined {
  return result.roster.find((c) => c.github.toLowerCase() === login.toLowerCase())?.name;
}

/** A plain-language account of the approval, for a CSO reading an issue. */
export function approvalText(result: GateResult): string {
  const a: Approval = result.approval;
  const who = (login: string) => {
    const n = nameOf(result, login);
    return n ? `${n} (${login})` : login;
  };
  const ignored = 'ignored' in a && a.ignored.length ? ` Not counted: ${a.ignored.map(describeIgnored).join('; ')}.` : '';
  switch (a.state) {
    case 'not-required':
      return 'not required (the change did not impact hazards or the safety folder).';
    case 'approved':
      return `approved by ${a.by.map(who).join(', ')} on commit ${a.commit.slice(0, 7)}, the pull request's last commit.${ignored}`;
    case 'pending':
      return `none on the last commit — the pull request was merged without a counted CSO approval.${ignored}`;
    case 'blocked':
      return `changes were requested by ${a.by.map(who).join(', ')} and the pull request was merged anyway.${ignored}`;
  }
}

export const gatePorts: GatePorts = {
  async assess(client: GitHubClient, repo: RepoRef, pullNumber: number, opts: { safetyDir: string }): Promise<PullAssessment> {
    const extra = (await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: pullNumber }))
      .data as PullExtra;
    const inputs = await collectGateInputs(client, repo, pullNumber, { safetyDir: opts.safetyDir });
    const result = evaluateGate(inputs);
    const approval = result.approval;
    return {
      number: pullNumber,
      title: extra.title,
      url: extra.html_url,
      merged: Boolean(extra.merged),
      ...(extra.merge_commit_sha ? { mergeCommit: extra.merge_commit_sha } : {}),
      ...(extra.merged_at ? { mergedAt: extra.merged_at } : {}),
      headSha: inputs.headSha,
      impacted: result.impacted,
      hazardLogChanges: result.hazardLogChanges,
      reverify: result.reverify,
      safetyFolderChanges: result.safetyFolderChanges,
      requiresApproval: result.requiresApproval,
      approval: {
        state: result.decision === 'error' ? 'error' : approval.state,
        approvedBy:
          approval.state === 'approved'
            ? approval.by.map((login) => ({ login, ...(nameOf(result, login) ? { name: nameOf(result, login)! } : {}) }))
            : [],
        ...(approval.state === 'approved' ? { commit: approval.commit } : {}),
        text:
          result.decision === 'error'
            ? `could not be established: ${result.errors.map((e) => e.message).join('; ')}`
            : approvalText(result),
      },
    };
  },
  async run(client, repo, pullNumber, opts) {
    const outcome = await runGate(client, repo, pullNumber, opts);
    return { decision: outcome.decision };
  },
  async mergeGroup(client, repo, pullNumber, queuedSha, opts) {
    const outcome = await runMergeGroup(client, repo, pullNumber, queuedSha, opts);
    return { decision: outcome.decision };
  },
};
