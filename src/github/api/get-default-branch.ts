/** GET /repos/{owner}/{repo}: the repository's default branch (when the event did not say). */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export async function getDefaultBranch(client: GitHubClient, repo: RepoRef): Promise<string> {
  return step(
    'reading the repository',
    async () => ((await client.request('GET /repos/{owner}/{repo}', { ...repo })).data as { default_branch: string }).default_branch,
  );
}
