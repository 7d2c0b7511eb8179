/**
 * GitHub adapters of the pull-request gate: facts in (the pull request, its changed files,
 * reviews and commits), results out (one sticky comment, a commit status or check run). Transient
 * failures are retried; anything that still fails is an error with a plain explanation, which the
 * caller turns into a failing status. Nothing here decides whether a PR may merge.
 */
import { hasMarker, type MarkerKind } from '../core/markers.js';
import type { Review } from '../core/approval.js';
import type { ChangedFile } from '../core/impact.js';
import type { RepoRef, GitHubClient } from './client.js';

/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000;
/** GitHub lists at most this many commits of a pull request. */
export const MAX_LISTED_COMMITS = 250;

/** An API failure explained for a person; `message` is what the status and comment say. */
export class GateApiError extends Error {}

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  /** Never wait longer than this for one retry (a rate limit that resets later is not waited for). */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  request?: { method?: string; url?: string };
  code?: string;
  cause?: unknown;
}

function header(e: HttpErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

function isRateLimit(e: HttpErrorLike): boolean {
  if (e.status === 429) return true;
  if (e.status !== 403) return false;
  return header(e, 'retry-after') !== undefined || header(e, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(e.message ?? '');
}

/** How long to wait before retrying `e`, or undefined when it is not worth retrying. */
export function retryDelay(e: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  const err = (e ?? {}) as HttpErrorLike;
  if (err instanceof GateApiError) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  if (err.status === undefined) return backoff; // network failure
  if (err.status >= 500) return backoff;
  if (isRateLimit(err)) {
    const after = Number(header(err, 'retry-after'));
    if (Number.isFinite(after) && after >= 0) {
      const ms = after * 1000;
      return ms <= policy.maxDelayMs ? Math.max(ms, policy.baseDelayMs) : undefined;
    }
    const reset = Number(header(err, 'x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) {
      const ms = reset * 1000 - Date.now();
      return ms <= policy.maxDelayMs ? Math.max(ms, policy.baseDelayMs) : undefined;
    }
    return backoff;
  }
  return undefined;
}

/** What went wrong, for a person reading a commit status or a comment. */
export function explainApiError(e: unknown, what: string): string {
  if (e instanceof GateApiError) return e.message;
  const err = (e ?? {}) as HttpErrorLike;
  const detail = (err.response?.data as { message?: string } | undefined)?.message ?? err.message ?? String(e);
  if (err.status === undefined) return `could not reach GitHub's API while ${what} (${detail.slice(0, 80)}); re-run the job`;
  if (isRateLimit(err)) return `GitHub's API rate limit was reached while ${what}; re-run the job when it resets`;
  if (err.status >= 500) return `GitHub's API kept failing (HTTP ${err.status}) while ${what}; re-run the job`;
  if (err.status === 401) return `GitHub rejected the token while ${what} (HTTP 401); check the github-token input`;
  if (err.status === 403 || err.status === 404)
    return `GitHub refused access while ${what} (HTTP ${err.status}: ${detail.slice(0, 60)}); the token needs contents: read, pull-requests: write and statuses: write`;
  return `GitHub's API answered HTTP ${err.status} while ${what} (${detail.slice(0, 80)})`;
}

async function withRetry<T>(policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = attempt < policy.retries ? retryDelay(e, attempt, policy) : undefined;
      if (wait === undefined) throw e;
      await policy.sleep(wait);
    }
  }
}

/** A client whose every request (and every paginated listing, as a whole) retries transient failures. */
export function retrying(client: GitHubClient, policy: Partial<RetryPolicy> = {}): GitHubClient {
  const p: RetryPolicy = { ...DEFAULT_RETRY, ...policy };
  return {
    request: (route, params) => withRetry(p, () => client.request(route, params)),
    paginate: (route, params) => withRetry(p, () => client.paginate(route, params)),
  };
}

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new GateApiError(explainApiError(e, what));
  }
}

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
  };
}

/**
 * Every changed file of the pull request. Fails closed when GitHub cannot list them all (over
 * 3000) or the listing disagrees with the pull request's own count.
 */
export async function listChangedFiles(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<ChangedFile[]> {
  if (expected > MAX_LISTED_FILES) {
    throw new GateApiError(
      `this pull request changes ${expected} files, but GitHub lists at most ${MAX_LISTED_FILES}, so the gate cannot see every change; split it into smaller pull requests (or run clinsafe check locally and have a CSO approve)`,
    );
  }
  const raw = await step(
    'listing the changed files',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        ...repo,
        pull_number: pullNumber,
        per_page: 100,
      })) as { filename: string; status: string; previous_filename?: string }[],
  );
  if (raw.length !== expected) {
    throw new GateApiError(
      `GitHub listed ${raw.length} changed files but the pull request reports ${expected}, so the gate cannot be sure it saw every change; re-run the job`,
    );
  }
  return raw.map((f) => ({
    status: f.status as ChangedFile['status'],
    filename: f.filename,
    ...(f.previous_filename ? { previousFilename: f.previous_filename } : {}),
  }));
}

export async function listReviews(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<Review[]> {
  const raw = await step(
    'listing the reviews',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...repo,
        pull_number: pullNumber,
        per_page: 100,
      })) as { id?: number; user: { login: string } | null; state: string; commit_id: string | null; submitted_at?: string | null }[],
  );
  return raw
    .filter((r) => r.user?.login)
    .map((r) => ({
      ...(r.id !== undefined ? { id: r.id } : {}),
      reviewer: r.user!.login,
      state: r.state,
      commitId: r.commit_id ?? '',
      submittedAt: r.submitted_at ?? undefined,
    }));
}

/** Logins of every author and committer of the pull request's commits (fails closed past 250 commits). */
export async function listCommitAuthors(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<string[]> {
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
      })) as { author: { login: string } | null; committer: { login: string } | null }[],
  );
  const logins = new Set<string>();
  for (const c of raw) {
    if (c.author?.login) logins.add(c.author.login);
    if (c.committer?.login && c.committer.login !== 'web-flow') logins.add(c.committer.login);
  }
  return [...logins];
}

export type StickyAction = 'created' | 'updated' | 'unchanged' | 'none';

/**
 * One sticky comment per pull request, found by the hidden marker AND the bot's own login (a
 * comment planted by anyone else is ignored). Updated in place; nothing is written when the body
 * is unchanged; with `createIfMissing: false` nothing is created.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  botLogin: string,
  kind: MarkerKind,
  key: string,
  body: string,
  opts: { createIfMissing: boolean },
): Promise<{ action: StickyAction; id?: number; url?: string }> {
  const comments = await step(
    'reading the pull request comments',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: issueNumber,
        per_page: 100,
      })) as { id: number; body?: string | null; user?: { login: string } | null; html_url?: string }[],
  );
  const all = comments.filter((c) => c.user?.login === botLogin && hasMarker(c.body, kind, key));
  const mine = all[0];
  // Two runs that raced may each have created one: keep the oldest, remove the others (best effort).
  for (const extra of all.slice(1)) {
    await client
      .request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...repo, comment_id: extra.id })
      .catch(() => undefined);
  }
  if (mine) {
    if ((mine.body ?? '').trim() === body.trim())
      return { action: 'unchanged', id: mine.id, ...(mine.html_url ? { url: mine.html_url } : {}) };
    const d = await step(
      'updating the safety comment',
      async () =>
        (await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...repo, comment_id: mine.id, body })).data as {
          html_url?: string;
        },
    );
    return { action: 'updated', id: mine.id, ...(d?.html_url ? { url: d.html_url } : {}) };
  }
  if (!opts.createIfMissing) return { action: 'none' };
  const d = await step(
    'writing the safety comment',
    async () =>
      (await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: issueNumber, body }))
        .data as { id: number; html_url?: string },
  );
  return { action: 'created', id: d.id, ...(d.html_url ? { url: d.html_url } : {}) };
}

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

export async function setCommitStatus(client: GitHubClient, repo: RepoRef, sha: string, s: StatusReport): Promise<void> {
  await step('setting the commit status', () =>
    client.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      ...repo,
      sha,
      state: s.state,
      description: clipDescription(s.description),
      context: s.context,
      ...(s.targetUrl && /^https?:\/\//.test(s.targetUrl) ? { target_url: s.targetUrl } : {}),
    }),
  );
}

/** The App's variant: a check run with the same mapping (pending → in progress). */
export async function createCheckRun(client: GitHubClient, repo: RepoRef, sha: string, s: StatusReport, summary: string): Promise<void> {
  const output = { title: clipDescription(s.description), summary: summary.length > 60_000 ? `${summary.slice(0, 60_000)}\n\n…` : summary };
  await step('creating the check run', () =>
    client.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: s.context,
      head_sha: sha,
      ...(s.state === 'pending'
        ? { status: 'in_progress' }
        : { status: 'completed', conclusion: s.state === 'success' ? 'success' : 'failure' }),
      ...(s.targetUrl && /^https?:\/\//.test(s.targetUrl) ? { details_url: s.targetUrl } : {}),
      output,
    }),
  );
}
