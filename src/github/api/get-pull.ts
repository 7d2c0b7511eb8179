/** GET /repos/{owner}/{repo}/pulls/{pull_number}: the pull request as it is now. */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export interface PullInfo {
  number: number;
  state: string;
  draft: boolean;
  author: string;
  headSha: string;
  baseSha: string;
  baseRef: string;
  labels: string[];
  changedFiles: number;
  commits: number;
  htmlUrl: string;
  /** Logins already asked to review (not asked again). */
  requested?: string[];
}

interface PullData {
  number: number;
  state: string;
  draft?: boolean;
  user: { login: string } | null;
  head: { sha: string };
  base: { sha: string; ref: string };
  labels: { name: string }[];
  changed_files: number;
  commits: number;
  html_url: string;
  requested_reviewers?: { login: string }[];
}

export async function getPull(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<PullInfo> {
  const d = await step(
    `reading pull request #${pullNumber}`,
    async () =>
      (await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: pullNumber })).data as PullData,
  );
  return {
    number: d.number,
    state: d.state,
    draft: Boolean(d.draft),
    author: d.user?.login ?? '',
    headSha: d.head.sha,
    baseSha: d.base.sha,
    baseRef: d.base.ref,
    labels: (d.labels ?? []).map((l) => l.name),
    changedFiles: d.changed_files,
    commits: d.commits,
    htmlUrl: d.html_url,
    requested: (d.requested_reviewers ?? []).map((u) => u.login),
  };
}
