/**
 * GET /repos/{owner}/{repo}/pulls?head=owner:branch: the open pull request whose head is a given
 * commit — for `workflow_run` events of pull requests from forks, whose `pull_requests` list GitHub
 * leaves empty.
 */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export async function findOpenPull(
  client: GitHubClient,
  repo: RepoRef,
  head: { owner: string; branch: string; sha: string },
): Promise<number | undefined> {
  const pulls = await step(
    `finding the pull request of ${head.owner}:${head.branch}`,
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls', {
        ...repo,
        state: 'open',
        head: `${head.owner}:${head.branch}`,
        per_page: 100,
      })) as { number: number; head: { sha: string } }[],
  );
  return pulls.find((p) => p.head.sha === head.sha)?.number;
}
