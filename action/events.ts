/**
 * Which pull request and which head commit an Actions event is about, and whether it can change
 * the gate's decision at all. The head SHA comes from the event: it is the commit the run marks
 * pending first and the only commit it writes a status on.
 */
import { queuedPull } from '../src/gate/merge-group.js';

/** Events and actions the gate answers; anything else is a no-op with a notice. */
export const HANDLED: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled', 'ready_for_review', 'edited'],
  pull_request_target: ['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled', 'ready_for_review', 'edited'],
  pull_request_review: ['submitted', 'dismissed', 'edited'],
  // The recipe's review trigger: a workflow run by pull_request_review completed; this job runs
  // from the default branch with a write token, for pull requests from forks too.
  workflow_run: ['completed'],
  merge_group: ['checks_requested'],
};

export interface EventPayload {
  action?: string;
  changes?: { base?: unknown };
  repository?: { default_branch?: string };
  pull_request?: { number: number; state?: string; head?: { sha?: string }; base?: { sha?: string } };
  workflow_run?: {
    event?: string;
    head_sha?: string;
    head_branch?: string | null;
    head_repository?: { owner?: { login?: string } } | null;
    repository?: { owner?: { login?: string } };
    pull_requests?: { number: number; head?: { sha?: string } }[];
  };
  merge_group?: { head_sha?: string; head_ref?: string };
}

export type Target =
  | { skip: string; notice?: boolean }
  | {
      kind: 'pull';
      headSha: string;
      /** The base commit the event names (a hint: the base configuration is read with the pull request). */
      baseSha?: string;
      pullNumber?: number;
      /** A fork's pull request named only by its head (workflow_run). */
      fork?: { owner: string; branch: string };
      defaultBranch?: string;
    }
  | { kind: 'merge-group'; headSha: string; pullNumber?: number; defaultBranch?: string };

function fromWorkflowRun(p: EventPayload, defaultBranch: string | undefined): Target {
  const run = p.workflow_run;
  if (!run?.head_sha) return { skip: 'the workflow_run event names no head commit; nothing to do' };
  if (run.event !== 'pull_request_review' && run.event !== 'pull_request' && run.event !== 'pull_request_target')
    return { skip: `a workflow run of a ${run.event ?? 'unknown'} event does not change the gate; nothing to do` };
  const own = (run.pull_requests ?? []).find((x) => !x.head?.sha || x.head.sha === run.head_sha);
  const dflt = defaultBranch ? { defaultBranch } : {};
  if (own) return { kind: 'pull', headSha: run.head_sha, pullNumber: own.number, ...dflt };
  const owner = run.head_repository?.owner?.login;
  if (!owner || !run.head_branch) return { skip: 'the workflow run belongs to no pull request; nothing to do' };
  return { kind: 'pull', headSha: run.head_sha, fork: { owner, branch: run.head_branch }, ...dflt };
}

export function targetOf(eventName: string, p: EventPayload): Target {
  const actions = HANDLED[eventName];
  if (!actions)
    return {
      skip: `the ${eventName} event is not a pull request event; nothing to do (use pull_request_target, workflow_run for reviews, or merge_group)`,
      notice: true,
    };
  if (p.action && !actions.includes(p.action)) return { skip: `${eventName}.${p.action} does not change the gate; nothing to do` };
  const defaultBranch = p.repository?.default_branch;
  const dflt = defaultBranch ? { defaultBranch } : {};
  if (eventName === 'workflow_run') return fromWorkflowRun(p, defaultBranch);
  if (eventName === 'merge_group') {
    const sha = p.merge_group?.head_sha;
    if (!sha) throw new Error('the merge_group event payload has no merge_group.head_sha');
    const n = queuedPull(p.merge_group?.head_ref);
    return { kind: 'merge-group', headSha: sha, ...(n !== undefined ? { pullNumber: n } : {}), ...dflt };
  }
  // Only a change of base can change the decision among edits (title and body edits cannot).
  if (p.action === 'edited' && eventName !== 'pull_request_review' && !p.changes?.base)
    return { skip: 'the pull request was edited but not retargeted; nothing to do' };
  const pr = p.pull_request;
  if (!pr?.number) throw new Error(`the ${eventName} event payload has no pull_request`);
  if (pr.state === 'closed') return { skip: 'the pull request is closed; nothing to do' };
  if (!pr.head?.sha) throw new Error(`the ${eventName} event payload has no pull_request.head.sha`);
  const baseSha = pr.base?.sha;
  return { kind: 'pull', headSha: pr.head.sha, ...(baseSha ? { baseSha } : {}), pullNumber: pr.number, ...dflt };
}
