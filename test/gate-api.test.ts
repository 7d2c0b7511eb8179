/** The gate's GitHub adapters against nock: pagination, fail-closed listings, retries, plain errors. */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  clipDescription,
  explainApiError,
  GateApiError,
  listChangedFiles,
  listCommitAuthors,
  listReviews,
  retrying,
  setCommitStatus,
  upsertStickyComment,
} from '../src/github/gate-api.js';
import type { GitHubClient } from '../src/github/client.js';

const API = 'https://api.github.test';
const repo = { owner: 'acme', repo: 'medrec' };
const client = () => new Octokit({ baseUrl: API, auth: 't', request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
const sleeps: number[] = [];
const fast = (c: GitHubClient) => retrying(c, { baseDelayMs: 5, maxDelayMs: 2000, sleep: async (ms) => void sleeps.push(ms) });

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  sleeps.length = 0;
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const files = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ filename: `src/f${from + i}.ts`, status: 'modified' }));

describe('listChangedFiles', () => {
  it('follows the Link header through every page', async () => {
    nock(API)
      .get('/repos/acme/medrec/pulls/3/files')
      .query({ per_page: '100' })
      .reply(200, files(100), { link: `<${API}/repos/acme/medrec/pulls/3/files?per_page=100&page=2>; rel="next"` })
      .get('/repos/acme/medrec/pulls/3/files')
      .query({ per_page: '100', page: '2' })
      .reply(200, files(100, 100), { link: `<${API}/repos/acme/medrec/pulls/3/files?per_page=100&page=3>; rel="next"` })
      .get('/repos/acme/medrec/pulls/3/files')
      .query({ per_page: '100', page: '3' })
      .reply(200, [...files(49, 200), { filename: 'src/new.ts', status: 'renamed', previous_filename: 'src/old.ts' }]);
    const out = await listChangedFiles(fast(client()), repo, 3, 250);
    expect(out).toHaveLength(250);
    expect(out.at(-1)).toEqual({ filename: 'src/new.ts', status: 'renamed', previousFilename: 'src/old.ts' });
  });

  it('fails closed past 3000 files without asking GitHub', async () => {
    await expect(listChangedFiles(fast(client()), repo, 3, 3001)).rejects.toThrow(/changes 3001 files, but GitHub lists at most 3000/);
  });

  it('fails closed when the listing disagrees with changed_files', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/files').query(true).reply(200, files(2));
    await expect(listChangedFiles(fast(client()), repo, 3, 3)).rejects.toThrow(GateApiError);
  });
});

describe('retries', () => {
  it('retries a 500 and succeeds', async () => {
    nock(API)
      .get('/repos/acme/medrec/pulls/3/reviews')
      .query(true)
      .reply(500, { message: 'boom' })
      .get('/repos/acme/medrec/pulls/3/reviews')
      .query(true)
      .reply(200, [
        { user: { login: 'dr-a' }, state: 'APPROVED', commit_id: 'abc', submitted_at: '2026-11-23T10:00:00Z' },
        { user: null, state: 'APPROVED', commit_id: 'abc', submitted_at: '2026-11-23T10:01:00Z' },
      ]);
    const out = await listReviews(fast(client()), repo, 3);
    expect(out).toEqual([{ reviewer: 'dr-a', state: 'APPROVED', commitId: 'abc', submittedAt: '2026-11-23T10:00:00Z' }]);
    expect(sleeps).toEqual([5]);
  });

  it('gives up after the retries with a plain explanation', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/reviews').query(true).times(4).reply(502, { message: 'Bad gateway' });
    const err = await listReviews(fast(client()), repo, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateApiError);
    expect((err as Error).message).toBe("GitHub's API kept failing (HTTP 502) while listing the reviews; re-run the job");
    expect(sleeps).toEqual([5, 10, 20]);
  });

  it('waits out a secondary rate limit (403 with retry-after)', async () => {
    nock(API)
      .get('/repos/acme/medrec/pulls/3/commits')
      .query(true)
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '1' })
      .get('/repos/acme/medrec/pulls/3/commits')
      .query(true)
      .reply(200, [
        { author: { login: 'dev' }, committer: { login: 'web-flow' } },
        { author: null, committer: { login: 'other' } },
      ]);
    expect(await listCommitAuthors(fast(client()), repo, 3, 2)).toEqual(['dev', 'other']);
    expect(sleeps).toEqual([1000]);
  });

  it('does not wait an hour for a primary rate limit: explains it', async () => {
    nock(API)
      .get('/repos/acme/medrec/pulls/3/commits')
      .query(true)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) },
      );
    await expect(listCommitAuthors(fast(client()), repo, 3, 1)).rejects.toThrow(
      "GitHub's API rate limit was reached while listing the commits; re-run the job when it resets",
    );
    expect(sleeps).toEqual([]);
  });

  it('does not retry a 404; says what the token needs', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/commits').query(true).reply(404, { message: 'Not Found' });
    await expect(listCommitAuthors(fast(client()), repo, 3, 1)).rejects.toThrow(/HTTP 404.*pull-requests: write/);
    expect(sleeps).toEqual([]);
  });

  it('fails closed past 250 commits', async () => {
    await expect(listCommitAuthors(fast(client()), repo, 3, 251)).rejects.toThrow(/251 commits/);
  });

  it('explains a network failure', () => {
    expect(explainApiError(new TypeError('fetch failed'), 'reading x')).toMatch(/could not reach GitHub's API while reading x/);
  });
});

describe('status and sticky comment', () => {
  it('clips the description to 140 characters', async () => {
    let sent: { description: string; state: string; context: string } | undefined;
    nock(API)
      .post('/repos/acme/medrec/statuses/abc', (b: { description: string; state: string; context: string }) => ((sent = b), true))
      .reply(201, {});
    await setCommitStatus(fast(client()), repo, 'abc', {
      state: 'failure',
      description: 'x'.repeat(300),
      context: 'clinsafe/cso-approval',
      targetUrl: 'javascript:alert(1)',
    });
    expect(sent!.description).toHaveLength(140);
    expect(sent).not.toHaveProperty('target_url');
    expect(clipDescription('a\n b')).toBe('a b');
  });

  it('finds its comment by marker and login, and writes nothing when unchanged', async () => {
    const marker = '<!-- clinsafe:gate-comment:pr-3 -->';
    nock(API)
      .get('/repos/acme/medrec/issues/3/comments')
      .query(true)
      .reply(200, [
        { id: 1, body: `fake ${marker}`, user: { login: 'mallory' } },
        { id: 2, body: `body\n${marker}`, user: { login: 'github-actions[bot]' } },
      ]);
    const out = await upsertStickyComment(fast(client()), repo, 3, 'github-actions[bot]', 'gate-comment', 'pr-3', `body\n${marker}\n`, {
      createIfMissing: true,
    });
    expect(out).toEqual({ action: 'unchanged', id: 2 });
  });

  it('updates its own comment in place', async () => {
    const marker = '<!-- clinsafe:gate-comment:pr-3 -->';
    nock(API)
      .get('/repos/acme/medrec/issues/3/comments')
      .query(true)
      .reply(200, [{ id: 2, body: `old\n${marker}`, user: { login: 'github-actions[bot]' } }])
      .patch('/repos/acme/medrec/issues/comments/2', { body: `new\n${marker}` })
      .reply(200, { id: 2, html_url: 'https://github.com/acme/medrec/pull/3#issuecomment-2' });
    const out = await upsertStickyComment(fast(client()), repo, 3, 'github-actions[bot]', 'gate-comment', 'pr-3', `new\n${marker}`, {
      createIfMissing: true,
    });
    expect(out).toEqual({ action: 'updated', id: 2, url: 'https://github.com/acme/medrec/pull/3#issuecomment-2' });
  });
});
