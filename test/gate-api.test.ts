/**
 * The gate's GitHub adapters (src/github/api/, one call a file) against nock: pagination,
 * fail-closed listings, plain errors — and the retry/throttling policy the Action gives Octokit's
 * plugins (retries come from the client, once; nothing in the adapters retries).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explainApiError, GateApiError } from '../src/github/api/errors.js';
import { listChangedFiles } from '../src/github/api/list-changed-files.js';
import { listCommitAuthors } from '../src/github/api/list-commit-authors.js';
import { listReviews } from '../src/github/api/list-reviews.js';
import { clipDescription, setCommitStatus } from '../src/github/api/set-commit-status.js';
import { upsertStickyComment } from '../src/github/api/upsert-sticky-comment.js';
import type { GitHubClient } from '../src/github/client.js';
import { MockGitHub } from './helpers/mock-github.js';
import { mockClient } from './helpers/mock-pulls.js';

const API = 'https://api.github.test';
const repo = { owner: 'acme', repo: 'medrec' };
/** The Action's client (retry and throttling plugins, waits scaled to milliseconds) on the nocked host. */
const client = (): GitHubClient => {
  const gh = new MockGitHub();
  gh.baseUrl = API;
  return mockClient(gh);
};

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
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
    const out = await listChangedFiles(client(), repo, 3, 250);
    expect(out).toHaveLength(250);
    expect(out.at(-1)).toEqual({ filename: 'src/new.ts', status: 'renamed', previousFilename: 'src/old.ts' });
  });

  it('fails closed past 3000 files without asking GitHub', async () => {
    await expect(listChangedFiles(client(), repo, 3, 3001)).rejects.toThrow(/changes 3001 files, but GitHub lists at most 3000/);
  });

  it('fails closed when the listing disagrees with changed_files', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/files').query(true).reply(200, files(2));
    await expect(listChangedFiles(client(), repo, 3, 3)).rejects.toThrow(GateApiError);
  });
});

describe('retries (Octokit plugins, the policy in client-policy.ts)', () => {
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
    const out = await listReviews(client(), repo, 3);
    expect(out).toEqual([{ reviewer: 'dr-a', state: 'APPROVED', commitId: 'abc', submittedAt: '2026-11-23T10:00:00Z' }]);
  });

  it('gives up after 1 + 3 attempts with a plain explanation', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/reviews').query(true).times(4).reply(502, { message: 'Bad gateway' });
    const err = await listReviews(client(), repo, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateApiError);
    expect((err as Error).message).toBe("GitHub's API kept failing (HTTP 502) while listing the reviews; re-run the job");
  });

  it('waits out a secondary rate limit (403 with a short retry-after), once', async () => {
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
    expect(await listCommitAuthors(client(), repo, 3, 2)).toEqual(['dev', 'other']);
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
    await expect(listCommitAuthors(client(), repo, 3, 1)).rejects.toThrow(
      "GitHub's API rate limit was reached while listing the commits; re-run the job when it resets",
    );
  });

  it('does not retry a 404; says what the token needs', async () => {
    nock(API).get('/repos/acme/medrec/pulls/3/commits').query(true).reply(404, { message: 'Not Found' });
    await expect(listCommitAuthors(client(), repo, 3, 1)).rejects.toThrow(/HTTP 404.*pull-requests: write/);
  });

  it('fails closed past 250 commits', async () => {
    await expect(listCommitAuthors(client(), repo, 3, 251)).rejects.toThrow(/251 commits/);
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
    await setCommitStatus(client(), repo, 'abc', {
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
    const out = await upsertStickyComment(client(), repo, 3, 'github-actions[bot]', 'gate-comment', 'pr-3', `body\n${marker}\n`, {
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
    const out = await upsertStickyComment(client(), repo, 3, 'github-actions[bot]', 'gate-comment', 'pr-3', `new\n${marker}`, {
      createIfMissing: true,
    });
    expect(out).toEqual({ action: 'updated', id: 2, url: 'https://github.com/acme/medrec/pull/3#issuecomment-2' });
  });
});
