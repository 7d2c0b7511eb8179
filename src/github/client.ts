/** The GitHub client every adapter takes: the subset of Octokit it uses (Probot's context.octokit fits). */
export interface GitHubClient {
  request: (
    route: string,
    params?: Record<string, unknown>,
  ) => Promise<{ data: unknown; status: number; headers?: Record<string, unknown> }>;
  paginate: (route: string, params?: Record<string, unknown>) => Promise<unknown[]>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}
