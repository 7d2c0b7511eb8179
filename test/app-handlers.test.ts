/**
 * Each handler of the app, received by Probot directly, with GitHub's real hosts answered through
 * nock: api.github.com, and uploads.github.com for release assets. (The end-to-end tests send
 * the same events over HTTP to the running server.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Probot } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { appPrivateKey, unthrottled } from './helpers/app-server.js';
import { filesFromRepo, mockPulls } from './helpers/mock-pulls.js';
import { nockGitHub, type NockedGitHub } from './helpers/nock-github.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let probot: Probot;
let gh: NockedGitHub;
let repo: TempRepo;
let base: string;
let head: string;

const receive = (name: string, payload: object) => probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot['receive']>[0]);
const bot = (title: string) => gh.github.issues.filter((i) => i.user.type === 'Bot' && i.title === title);

beforeAll(async () => {
  repo = fixtureRepo();
  base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('tag', 'v2.4.0');
  repo.write('src/gp-connect/mapper.ts', `${repo.git('show', 'HEAD:src/gp-connect/mapper.ts')}\n// handle a new GP Connect code\n`);
  head = repo.commit('GP Connect: new code');
  gh = nockGitHub();
  gh.github.gitDir = repo.dir;
  mockPulls(gh.github, [
    {
      number: 3,
      title: 'GP Connect: new code',
      author: 'dev-sam',
      headSha: head,
      baseSha: base,
      labels: [],
      files: filesFromRepo(repo.dir, base, head),
      reviews: [],
      commits: [{ author: { login: 'dev-sam' }, committer: { login: 'dev-sam' }, sha: head }],
      state: 'closed',
      merged: true,
      mergeCommitSha: head,
      mergedAt: '2026-11-22T10:00:00Z',
    },
  ]);
  probot = new Probot({ appId: 1, privateKey: appPrivateKey(), Octokit: unthrottled, log: pino({ level: 'silent' }) });
  await probot.load(createApp({ now: () => new Date('2027-06-01T09:00:00Z') }));
}, 60_000);

afterAll(() => {
  gh?.done();
  repo?.cleanup();
});

describe('handlers through api.github.com (nock)', () => {
  it('issues.labeled clinical-incident: guidance comment', async () => {
    const issue = gh.github.addUserIssue(
      'ward-nurse-1',
      'GP record medicines missing',
      'The GP Connect record was incomplete and stale at admission.',
      [],
    );
    const p = example('issues', 'labeled');
    p.label = { name: 'clinical-incident' };
    p.issue = {
      ...p.issue,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      labels: [{ name: 'clinical-incident' }],
      user: user('ward-nurse-1'),
      created_at: issue.created_at,
      html_url: issue.html_url,
    };
    delete p.issue.pull_request;
    await receive('issues', p);
    const comments = gh.github.comments.filter((c) => c.issue_number === issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('H-002');
  });

  it('repository_dispatch clinsafe-periodic-review: one issue when due', async () => {
    const p = example('repository_dispatch', 'on-demand-test');
    p.action = 'clinsafe-periodic-review';
    await receive('repository_dispatch', p);
    await receive('repository_dispatch', p);
    expect(bot('Periodic safety review due (2027-03-01)')).toHaveLength(1);
  });

  it('pull_request.opened: the gate sets the status', async () => {
    const p = example('pull_request', 'opened');
    p.number = 3;
    p.pull_request = {
      ...p.pull_request,
      number: 3,
      state: 'open',
      user: user('dev-sam'),
      head: { ...p.pull_request.head, sha: head },
      base: { ...p.pull_request.base, sha: base },
    };
    await receive('pull_request', p);
    expect(gh.github.statuses.filter((s) => s.sha === head).at(-1)).toMatchObject({ context: 'clinsafe/cso-approval', state: 'pending' });
  });

  it('pull_request.closed (merged, not approved): a review issue', async () => {
    const p = example('pull_request', 'closed');
    p.number = 3;
    p.pull_request = {
      ...p.pull_request,
      number: 3,
      state: 'closed',
      merged: true,
      merge_commit_sha: head,
      user: user('dev-sam'),
      head: { ...p.pull_request.head, sha: head },
      base: { ...p.pull_request.base, sha: base, ref: 'main' },
    };
    await receive('pull_request', p);
    const [issue] = bot('Review hazard log after #3');
    expect(issue?.body).toContain('merged without a counted CSO approval');
    expect(issue?.body).toContain('H-002');
  });

  it('release.published: assets go to uploads.github.com, byte for byte; issue_comment: refusal, then sign-off', async () => {
    const r = gh.github.addRelease('v2.4.0');
    expect(r.upload_url.startsWith('https://uploads.github.com/')).toBe(true);
    const p = example('release', 'published');
    p.release = { ...p.release, ...gh.github.releaseJson(r) };
    await receive('release', p);
    expect(gh.uploads.length).toBe(r.assets.length);
    expect(gh.uploads.every((u) => u.startsWith(`POST https://uploads.github.com/repos/acme/medrec/releases/${r.id}/assets?name=`))).toBe(
      true,
    );
    const manifest = JSON.parse(r.assets.find((a) => a.name === 'manifest.json')!.data.toString('utf8')) as {
      artefacts: { name: string; sha256: string }[];
    };
    for (const a of manifest.artefacts) {
      const uploaded = r.assets.find((x) => x.name === a.name)!;
      expect(createHash('sha256').update(uploaded.data).digest('hex'), a.name).toBe(a.sha256);
    }

    const [issue] = bot('Release sign-off: v2.4.0');
    const comment = (login: string, id: number, body: string) => {
      const c = example('issue_comment', 'created');
      c.issue = {
        ...c.issue,
        number: issue!.number,
        title: issue!.title,
        body: issue!.body,
        state: issue!.state,
        created_at: issue!.created_at,
        user: user('clinsafe[bot]', 'Bot'),
        labels: issue!.labels,
      };
      delete c.issue.pull_request;
      // The decision is re-derived from the comments on GitHub, so the comment is there as the webhook says.
      const written = gh.github.addUserComment(issue!.number, login, body, '2026-11-23T15:00:00Z');
      c.comment = { ...c.comment, id: written.id, body, created_at: written.created_at, updated_at: written.created_at, user: user(login) };
      return c;
    };
    await receive('issue_comment', comment('release-manager', 71, '/clinsafe sign-off'));
    expect(gh.github.comments.filter((c) => c.issue_number === issue!.number && c.body.includes('was not carried out'))).toHaveLength(1);
    expect(r.assets.some((a) => a.name.startsWith('cso-release-memo'))).toBe(false);

    const before = gh.uploads.length;
    await receive(
      'issue_comment',
      comment('dr-tom-hughes', 72, '/clinsafe sign-off I accept the outstanding test issues.') /* issue 15: no CI evidence here */,
    );
    expect(gh.uploads.slice(before).some((u) => u.includes('name=cso-release-memo.md'))).toBe(true);
    expect(r.assets.find((a) => a.name === 'cso-release-memo.md')!.data.toString('utf8')).toContain('Dr Tom Hughes');
    expect(issue!.state).toBe('closed');
  }, 90_000); // two full builds (PDFs included) through the API history

  it('only the roster at the tag counts: a CSO added after the release cannot sign it off', async () => {
    const tagged = repo.git('rev-parse', 'HEAD').trim();
    repo.git('tag', 'v2.4.1', tagged);
    const config = repo
      .git('show', 'HEAD:clinical-safety/clinsafe.yml')
      .replace(/^cso:\n/m, 'cso:\n  - github: dr-new-cso\n    name: Dr New Cso\n    profession: Nurse\n    registration: NMC 12A3456B\n');
    repo.write('clinical-safety/clinsafe.yml', config);
    repo.commit('Add Dr New Cso to the roster');
    const r = gh.github.addRelease('v2.4.1');
    const p = example('release', 'published');
    p.release = { ...p.release, ...gh.github.releaseJson(r) };
    await receive('release', p);
    const [issue] = bot('Release sign-off: v2.4.1');
    const c = example('issue_comment', 'created');
    c.issue = {
      ...c.issue,
      number: issue!.number,
      title: issue!.title,
      body: issue!.body,
      state: 'open',
      created_at: issue!.created_at,
      user: user('clinsafe[bot]', 'Bot'),
      labels: issue!.labels,
    };
    delete c.issue.pull_request;
    const written = gh.github.addUserComment(issue!.number, 'dr-new-cso', '/clinsafe sign-off', '2026-11-23T16:00:00Z');
    c.comment = { ...c.comment, id: written.id, body: written.body, created_at: written.created_at, user: user('dr-new-cso') };
    await receive('issue_comment', c);
    expect(gh.github.comments.filter((x) => x.issue_number === issue!.number && x.body.includes('was not carried out'))).toHaveLength(1);
    expect(r.assets.some((a) => a.name.startsWith('cso-release-memo'))).toBe(false);
    expect(issue!.state).toBe('open');
  });

  it('a release whose safety folder is invalid gets no documents, a sign-off issue saying why, and notes that it is not safety-approved', async () => {
    repo.write('clinical-safety/hazards/H-004-dose-unit-mismapped.yml', 'id: H-004\ntitle: [unclosed\n');
    repo.commit('Break H-004');
    repo.git('tag', 'v2.5.0-rc1');
    const r = gh.github.addRelease('v2.5.0-rc1');
    const p = example('release', 'published');
    p.release = { ...p.release, ...gh.github.releaseJson(r) };
    await receive('release', p);
    // No documents: only the app's link to the sign-off issue.
    expect(r.assets.map((a) => a.name)).toEqual(['clinsafe-sign-off.json']);
    const [issue] = bot('Release sign-off: v2.5.0-rc1');
    expect(issue?.body).toContain('could not be built');
    expect(issue?.body).toContain('H-004');
    expect(r.body).toContain('NOT safety-approved');
  });

  it('a broken template override is reported on the sign-off issue, not skipped', async () => {
    repo.write(
      'clinical-safety/hazards/H-004-dose-unit-mismapped.yml',
      repo.git('show', 'v2.4.0:clinical-safety/hazards/H-004-dose-unit-mismapped.yml'),
    );
    repo.write('clinical-safety/templates/cscr.md', '# CSCR for {{product.name}}\n\n<script>alert(1)</script>\n');
    repo.commit('Custom CSCR template');
    repo.git('tag', 'v2.5.0-rc2');
    const r = gh.github.addRelease('v2.5.0-rc2');
    const p = example('release', 'published');
    p.release = { ...p.release, ...gh.github.releaseJson(r) };
    await receive('release', p);
    expect(r.assets.map((a) => a.name)).toEqual(['clinsafe-sign-off.json']);
    const [issue] = bot('Release sign-off: v2.5.0-rc2');
    expect(issue?.body).toContain('templates/cscr.md:3:1');
    expect(issue?.body).toContain('raw HTML is not allowed');
    expect(r.body).toContain('NOT safety-approved');
  });
});
