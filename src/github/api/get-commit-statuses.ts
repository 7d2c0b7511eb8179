/**
 * GET /repos/{owner}/{repo}/commits/{ref}/status: the latest status of each context on a commit —
 * read before "pending" is written, so a run that finds its context already pending or failed need
 * not write it again (a commit that shows success is always marked pending first).
 */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export type CommitStatuses = Map<string, { state: string; description: string; targetUrl?: string }>;

export async function getCommitStatuses(client: GitHubClient, repo: RepoRef, sha: string): Promise<CommitStatuses> {
  const d = await step(
    'reading the commit statuses',
    async () =>
      (await client.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...repo, ref: sha, per_page: 100 })).data as {
        statuses?: { context: string; state: string; description?: string | null; target_url?: string | null }[];
      },
  );
  const out: CommitStatuses = new Map();
  for (const s of d.statuses ?? [])
    out.set(s.context, { state: s.state, description: s.description ?? '', ...(s.target_url ? { targetUrl: s.target_url } : {}) });
  return out;
}
