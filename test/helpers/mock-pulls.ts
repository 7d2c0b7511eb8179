/**
 * Pull-request routes for the loopback GitHub mock: the pull request, its files, reviews and
 * commits (paginated with Link headers, as GitHub does), open pull requests by head, check runs,
 * the repository and path lookups on a branch. The files can be taken from a real git repository
 * so the mock agrees with the git data it serves.
 */
import { execFileSync } from 'node:child_process';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { retryOptions, throttleOptions } from '../../src/github/api/client-policy.js';
import { changedFilesBetween } from '../../src/adapters/git.js';
import type { GitHubClient } from '../../src/github/client.js';
import type { MockGitHub, RecordedRequest } from './mock-github.js';
import { answerGraphQL, type GraphQLRequest } from './mock-graphql.js';

export interface MockReview {
  user: { login: string } | null;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commit_id: string;
  submitted_at: string;
}

export interface MockEvent {
  event: string;
  actor: { login: string };
  created_at: string;
  label?: { name: string };
  dismissed_review?: { review_id: number; state: string; dismissal_message?: string };
}

export interface MockPullFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

export interface MockPull {
  number: number;
  author: string;
  headSha: string;
  baseSha: string;
  baseRef?: string;
  labels: string[];
  files: MockPullFile[];
  /** Override GitHub's `changed_files` count (defaults to files.length). */
  changedFiles?: number;
  reviews: MockReview[];
  commits: {
    author: { login: string } | null;
    committer: { login: string } | null;
    sha?: string;
    commit?: { message: string; author?: { name: string; email: string }; committer?: { name: string; email: string } };
  }[];
  /** Issue events (labeled, unlabeled, review_dismissed) as GitHub lists them. */
  events?: MockEvent[];
  /** Override GitHub's `commits` count. */
  commitCount?: number;
  /** For merged pull requests (the app's after-merge review and change record). */
  title?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  mergeCommitSha?: string;
  mergedAt?: string;
  /** `owner:branch` of the head, for GET /pulls?head= (fork pull requests found by workflow_run). */
  headLabel?: string;
  /** Logins asked to review (POST requested_reviewers adds to it). */
  requested?: string[];
}

export interface PullsState {
  pulls: Map<number, MockPull>;
  checkRuns: {
    id?: number;
    head_sha: string;
    name: string;
    status: string;
    conclusion?: string;
    output?: { title: string; summary: string };
  }[];
  /** The repository's default branch (GET /repos/{owner}/{repo}). */
  defaultBranch: string;
  /**
   * How much GraphQL the mock has: 'full' (github.com); 'blobs' (an older GitHub Enterprise
   * Server: the pull-request queries get a schema error, so the gate reads them through REST);
   * 'none' (no GraphQL endpoint: 404).
   */
  graphql: 'full' | 'blobs' | 'none';
  /** A token without checks/actions: read — GraphQL refuses the head commit's check suites (FORBIDDEN, that field only). */
  checkSuites?: 'forbidden';
}

function paginate<T>(gh: MockGitHub, req: RecordedRequest, items: T[]): { status: number; body: T[]; headers: Record<string, string> } {
  const per = Number(req.query.get('per_page') ?? 30);
  const page = Number(req.query.get('page') ?? 1);
  const headers: Record<string, string> = {};
  if (page * per < items.length) {
    const next = new URLSearchParams(req.query);
    next.set('page', String(page + 1));
    headers.link = `<${gh.baseUrl}${req.path}?${next.toString()}>; rel="next"`;
  }
  return { status: 200, body: items.slice((page - 1) * per, page * per), headers };
}

/** Register the pull-request routes; returns the state the tests change between runs. */
export function mockPulls(gh: MockGitHub, pulls: MockPull[] = []): PullsState {
  const state: PullsState = { pulls: new Map(pulls.map((p) => [p.number, p])), checkRuns: [], defaultBranch: 'main', graphql: 'full' };
  const repoPath = '/repos/{owner}/{repo}';
  const get = (n: string) => state.pulls.get(Number(n));
  gh.on('GET', `${repoPath}/pulls/{n}`, (_req, p) => {
    const pr = get(p.n!);
    if (!pr) return { status: 404, body: { message: 'Not Found' } };
    return {
      status: 200,
      body: {
        number: pr.number,
        title: pr.title ?? `Pull request ${pr.number}`,
        state: pr.state ?? 'open',
        merged: pr.merged ?? false,
        merge_commit_sha: pr.mergeCommitSha ?? null,
        merged_at: pr.mergedAt ?? null,
        draft: false,
        user: { login: pr.author, type: 'User' },
        head: { sha: pr.headSha, ref: 'feature' },
        base: { sha: pr.baseSha, ref: pr.baseRef ?? 'main' },
        labels: pr.labels.map((name) => ({ name })),
        changed_files: pr.changedFiles ?? pr.files.length,
        commits: pr.commitCount ?? pr.commits.length,
        html_url: `https://github.com/${gh.owner}/${gh.repo}/pull/${pr.number}`,
        requested_reviewers: (pr.requested ?? []).map((login) => ({ login, type: 'User' })),
      },
    };
  });
  gh.on('GET', `${repoPath}/pulls/{n}/files`, (req, p) => {
    const pr = get(p.n!);
    if (!pr) return { status: 404, body: { message: 'Not Found' } };
    // GitHub stops at 3000 files.
    return paginate(gh, req, pr.files.slice(0, 3000));
  });
  gh.on('GET', `${repoPath}/pulls/{n}/reviews`, (req, p) => {
    const pr = get(p.n!);
    return pr
      ? paginate(
          gh,
          req,
          pr.reviews.map((r, i) => ({ id: i + 1, ...r })),
        )
      : { status: 404, body: { message: 'Not Found' } };
  });
  gh.on('GET', `${repoPath}/pulls/{n}/commits`, (req, p) => {
    const pr = get(p.n!);
    return pr
      ? paginate(
          gh,
          req,
          pr.commits.slice(0, 250).map((c, i) => ({ sha: c.sha ?? String(i).padStart(40, '0'), ...c })),
        )
      : { status: 404, body: { message: 'Not Found' } };
  });
  gh.on('GET', `${repoPath}/issues/{n}/events`, (req, p) => {
    const pr = get(p.n!);
    return pr ? paginate(gh, req, pr.events ?? []) : { status: 404, body: { message: 'Not Found' } };
  });
  gh.on('POST', `${repoPath}/issues/{n}/labels`, (req, p) => {
    const pr = get(p.n!);
    if (!pr) return undefined;
    for (const l of (req.json as { labels: string[] }).labels) if (!pr.labels.includes(l)) pr.labels.push(l);
    return { status: 200, body: pr.labels.map((name) => ({ name })) };
  });
  gh.on('POST', `${repoPath}/check-runs`, (req) => {
    const id = state.checkRuns.length + 1;
    state.checkRuns.push({ ...(req.json as PullsState['checkRuns'][number]), id });
    return { status: 201, body: { ...(req.json as object), id } };
  });
  gh.on('PATCH', `${repoPath}/check-runs/{id}`, (req, p) => {
    const run = state.checkRuns.find((r) => r.id === Number(p.id));
    if (!run) return { status: 404, body: { message: 'Not Found' } };
    Object.assign(run, req.json as object);
    return { status: 200, body: run };
  });
  // Open pull requests by head (`head=owner:branch`), as workflow_run of a fork's pull request needs.
  gh.on('GET', `${repoPath}/pulls`, (req) => {
    const head = req.query.get('head');
    const open = [...state.pulls.values()].filter((pr) => (pr.state ?? 'open') === 'open' && (!head || head === `${pr.headLabel ?? ''}`));
    return paginate(
      gh,
      req,
      open.map((pr) => ({ number: pr.number, head: { sha: pr.headSha, label: pr.headLabel } })),
    );
  });
  gh.on('POST', `${repoPath}/pulls/{n}/requested_reviewers`, (req, p) => {
    const pr = get(p.n!);
    if (!pr) return { status: 404, body: { message: 'Not Found' } };
    for (const l of (req.json as { reviewers?: string[] }).reviewers ?? []) if (!(pr.requested ??= []).includes(l)) pr.requested.push(l);
    return { status: 201, body: { number: pr.number } };
  });
  // Comparing two commits: the pull request's own files when a pull request has exactly that pair
  // (as the files route lists them), GitHub's cap of 300 files in a comparison.
  gh.on('GET', `${repoPath}/compare/{basehead}`, (_req, p) => {
    const [b, h] = p.basehead!.split('...');
    const pr = [...state.pulls.values()].find((x) => x.baseSha === b && x.headSha === h);
    if (!pr) return undefined;
    return { status: 200, body: { status: 'ahead', total_commits: pr.commits.length, commits: [], files: pr.files.slice(0, 300) } };
  });
  // GraphQL, as the gate uses it: blobs by SHA, and the pull-request queries (graphql-queries in mock-graphql.ts).
  gh.on('POST', '/graphql', (req) => {
    if (state.graphql === 'none') return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: answerGraphQL(gh, state, req.json as GraphQLRequest) };
  });
  gh.on('GET', repoPath, () => ({
    status: 200,
    body: { name: gh.repo, full_name: `${gh.owner}/${gh.repo}`, default_branch: state.defaultBranch },
  }));
  // Whether a path exists on a ref (answered from the real repository; 404 when it does not).
  gh.on('GET', `${repoPath}/contents/{path}`, (req, p) => {
    const ref = req.query.get('ref') ?? state.defaultBranch;
    if (!gh.gitDir) return undefined;
    try {
      const type = execFileSync('git', ['cat-file', '-t', `${ref}:${p.path}`], { cwd: gh.gitDir, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
      return { status: 200, body: type === 'tree' ? [] : { type: 'file', path: p.path } };
    } catch {
      return { status: 404, body: { message: 'Not Found' } };
    }
  });
  return state;
}

/** The changed files between two commits of a real repository, as GitHub's files endpoint lists them. */
export function filesFromRepo(dir: string, base: string, head: string): MockPullFile[] {
  return changedFilesBetween(dir, base, head).map((f) => ({
    filename: f.filename,
    status: f.status,
    ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
  }));
}

/** Octokit with the plugins the Action gives its client (throttling, retry), in the same order as Probot's. */
const PluginOctokit = Octokit.plugin(throttling, retry);

/**
 * An Octokit on the mock, with Node's own fetch (so it is seen on loopback, as in production) and
 * the Action's retry and throttling policy — waits scaled from seconds to milliseconds, and no
 * pacing of writes (GitHub's one-write-a-second is for GitHub, not for a loopback mock).
 */
export function mockClient(gh: MockGitHub): GitHubClient {
  const unpaced = () => new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 });
  return new PluginOctokit({
    baseUrl: gh.baseUrl,
    auth: 'test-token',
    request: { fetch: globalThis.fetch },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    retry: retryOptions({ retryAfterBaseValue: 1 }),
    throttle: throttleOptions({ retryAfterBaseValue: 1, write: unpaced(), notifications: unpaced() }),
  }) as unknown as GitHubClient;
}

/** The routes a run made, as `METHOD /path-pattern` (numbers and SHAs folded), in first-seen order. */
export function routesOf(requests: { method: string; path: string }[]): string[] {
  const seen = new Set<string>();
  for (const r of requests) seen.add(`${r.method} ${routePattern(r.path)}`);
  return [...seen];
}

export function routePattern(path: string): string {
  return path.replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{sha}').replace(/\/\d+(?=\/|$)/g, '/{n}');
}

/** A review record. */
export function review(login: string, state: MockReview['state'], commit: string, minute = 0): MockReview {
  return { user: { login }, state, commit_id: commit, submitted_at: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z` };
}
