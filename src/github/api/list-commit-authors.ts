/** GET /repos/{owner}/{repo}/pulls/{pull_number}/commits: who wrote the pull request's commits. */
import type { GitHubClient, RepoRef } from '../client.js';
import { GateApiError, step } from './errors.js';

/** GitHub lists at most this many commits of a pull request. */
export const MAX_LISTED_COMMITS = 250;

export interface PullCommits {
  /** Logins of every author and committer (GitHub's `web-flow` committer left out). */
  logins: string[];
  /** SHA of the last commit listed: the head the listing belongs to. */
  lastSha?: string;
}

/** Logins of every author and committer of the pull request's commits (fails closed past 250 commits). */
export async function listCommits(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<PullCommits> {
  if (expected > MAX_LISTED_COMMITS) {
    throw new GateApiError(
      `this pull request has ${expected} commits, but GitHub lists at most ${MAX_LISTED_COMMITS}, so the gate cannot check who wrote them all; squash or split it`,
    );
  }
  const raw = await step(
    'listing the commits',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
        ...repo,
        pull_number: pullNumber,
        per_page: 100,
      })) as { sha?: string; author: { login: string } | null; committer: { login: string } | null }[],
  );
  const logins = new Set<string>();
  for (const c of raw) {
    if (c.author?.login) logins.add(c.author.login);
    if (c.committer?.login && c.committer.login !== 'web-flow') logins.add(c.committer.login);
  }
  const lastSha = raw.at(-1)?.sha;
  return { logins: [...logins], ...(lastSha ? { lastSha } : {}) };
}

/** The logins alone (the shape the core takes). */
export async function listCommitAuthors(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<string[]> {
  return (await listCommits(client, repo, pullNumber, expected)).logins;
}
