/** GET /repos/{owner}/{repo}/actions/runs?head_sha=… — the workflow runs of one commit (one page of 100, newest first). */
import type { GitHubClient, RepoRef } from '../client.js';

export interface WorkflowRunLike {
  id: number;
  head_sha: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  created_at: string;
  html_url: string;
  name?: string | null;
  path?: string;
}

export async function workflowRunsForSha(client: GitHubClient, repo: RepoRef, sha: string): Promise<WorkflowRunLike[]> {
  const res = await client.request('GET /repos/{owner}/{repo}/actions/runs', { ...repo, head_sha: sha, per_page: 100 });
  const runs = (res.data as { workflow_runs?: WorkflowRunLike[] }).workflow_runs ?? [];
  return runs.filter((r) => r.head_sha === sha).sort((a, b) => b.created_at.localeCompare(a.created_at));
}
