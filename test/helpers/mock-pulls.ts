/**
 * Pull-request routes for the loopback GitHub mock: the pull request, its files, reviews and
 * commits (paginated with Link headers, as GitHub does), check runs. The files can be taken from a
 * real git repository so the mock agrees with the git data it serves.
 */
import { Octokit } from '@octokit/rest';
import { changedFilesBetween } from '../../src/adapters/git.js';
import type { GitHubClient } from '../../src/github/client.js';
import type { MockGitHub, RecordedRequest } from './mock-github.js';

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
}

export interface PullsState {
  pulls: Map<number, MockPull>;
  checkRuns: { head_sha: string; name: string; status: string; conclusion?: string; output?: { title: string; summary: string } }[];
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
  const state: PullsState = { pulls: new Map(pulls.map((p) => [p.number, p])), checkRuns: [] };
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
    state.checkRuns.push(req.json as PullsState['checkRuns'][number]);
    return { status: 201, body: { id: state.checkRuns.length, ...(req.json as object) } };
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

/** An Octokit on the mock, with Node's own fetch (so it is seen on loopback, as in production). */
export function mockClient(gh: MockGitHub): GitHubClient {
  return new Octokit({ baseUrl: gh.baseUrl, auth: 'test-token', request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
}

/** A review record. */
export function review(login: string, state: MockReview['state'], commit: string, minute = 0): MockReview {
  return { user: { login }, state, commit_id: commit, submitted_at: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z` };
}
