/**
 * GET /repos/{owner}/{repo}/actions/artifacts?name=… — the repository's artifacts of one name, newest
 * first (one page). Used by the gate to find the evidence record of a pull request's head commit
 * (clinsafe-evidence-<sha>) in one request, without listing workflow runs first.
 */
import type { GitHubClient, RepoRef } from '../client.js';
import type { ArtifactLike } from './run-artifacts.js';

export async function listArtifactsByName(client: GitHubClient, repo: RepoRef, name: string, perPage = 10): Promise<ArtifactLike[]> {
  const res = await client.request('GET /repos/{owner}/{repo}/actions/artifacts', { ...repo, name, per_page: perPage });
  return ((res.data as { artifacts?: ArtifactLike[] }).artifacts ?? []).filter((a) => a.name === name);
}
