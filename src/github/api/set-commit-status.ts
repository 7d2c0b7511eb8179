/** POST /repos/{owner}/{repo}/statuses/{sha}: the gate's commit status on one commit. */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export interface StatusReport {
  state: 'success' | 'pending' | 'failure';
  description: string;
  context: string;
  targetUrl?: string | undefined;
}

/** GitHub's limit on a commit status description. */
export function clipDescription(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

export function isHttpUrl(url: string | undefined): url is string {
  return Boolean(url && /^https?:\/\//.test(url));
}

export async function setCommitStatus(client: GitHubClient, repo: RepoRef, sha: string, s: StatusReport): Promise<void> {
  await step('setting the commit status', () =>
    client.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      ...repo,
      sha,
      state: s.state,
      description: clipDescription(s.description),
      context: s.context,
      ...(isHttpUrl(s.targetUrl) ? { target_url: s.targetUrl } : {}),
    }),
  );
}
