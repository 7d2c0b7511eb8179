/**
 * POST /repos/{owner}/{repo}/check-runs and PATCH …/check-runs/{id}: the App's variant of the
 * status, with the same mapping (pending → in progress). A run marked in progress first is
 * completed in place, so one check run per evaluation.
 */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';
import { clipDescription, isHttpUrl, type StatusReport } from './set-commit-status.js';

function checkRunFields(s: StatusReport, summary: string): Record<string, unknown> {
  const output = { title: clipDescription(s.description), summary: summary.length > 60_000 ? `${summary.slice(0, 60_000)}\n\n…` : summary };
  return {
    ...(s.state === 'pending'
      ? { status: 'in_progress' }
      : { status: 'completed', conclusion: s.state === 'success' ? 'success' : 'failure' }),
    ...(isHttpUrl(s.targetUrl) ? { details_url: s.targetUrl } : {}),
    output,
  };
}

/** Create a check run on `sha`; returns its id. */
export async function createCheckRun(client: GitHubClient, repo: RepoRef, sha: string, s: StatusReport, summary: string): Promise<number> {
  const d = await step(
    'creating the check run',
    async () =>
      (
        await client.request('POST /repos/{owner}/{repo}/check-runs', {
          ...repo,
          name: s.context,
          head_sha: sha,
          ...checkRunFields(s, summary),
        })
      ).data as { id?: number },
  );
  return d?.id ?? 0;
}

export async function updateCheckRun(client: GitHubClient, repo: RepoRef, id: number, s: StatusReport, summary: string): Promise<void> {
  await step('completing the check run', () =>
    client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: id, ...checkRunFields(s, summary) }),
  );
}
