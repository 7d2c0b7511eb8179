/** GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts?name=… — a run's artifacts of one name. */
import type { GitHubClient, RepoRef } from '../client.js';

export interface ArtifactLike {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at?: string | null;
  workflow_run?: { id?: number; head_sha?: string } | null;
}

export async function runArtifacts(client: GitHubClient, repo: RepoRef, runId: number, name: string): Promise<ArtifactLike[]> {
  const res = await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
    ...repo,
    run_id: runId,
    name,
    per_page: 100,
  });
  return ((res.data as { artifacts?: ArtifactLike[] }).artifacts ?? []).filter((a) => a.name === name);
}
