/**
 * GET /repos/{owner}/{repo}/contents/{path}?ref=: whether a path exists on a branch (one request;
 * 404 is "no", any other failure is an error, never a "no").
 */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export async function pathExists(client: GitHubClient, repo: RepoRef, path: string, ref: string): Promise<boolean> {
  return step(`looking for ${path} on ${ref}`, async () => {
    try {
      await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path, ref });
      return true;
    } catch (e) {
      if ((e as { status?: number }).status === 404) return false;
      throw e;
    }
  });
}
