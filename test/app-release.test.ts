/**
 * End to end: release published → documents attached and a sign-off issue; CSO sign-off → memo and
 * approved CSCR replace the draft; a non-CSO is refused; every redelivery changes nothing.
 * The real app server, signed webhooks over HTTP, GitHub answered by a loopback mock backed by a
 * real git repository of the MedRec example product.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import type { MockIssue, MockRelease } from './helpers/mock-github.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';

/** A roster CSO's sign-off: the example product has outstanding test issues (no CI evidence here), which a sign-off must accept (issue 15). */
const SIGN_OFF = '/clinsafe sign-off I accept the outstanding test issues.';

let app: RunningApp;
let repo: TempRepo;
let release: MockRelease;
let sha: string;
let signOffPayload: object;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function releasePayload(r: MockRelease) {
  const p = example('release', 'published');
  p.release = { ...p.release, ...app.github.releaseJson(r), author: user('release-manager') };
  return p;
}

function commentPayload(
  issue: MockIssue,
  login: string,
  body: string,
  id: number,
  createdAt = '2026-11-23T11:00:00Z',
  type: 'User' | 'Bot' = 'User',
) {
  const p = example('issue_comment', 'created');
  p.issue = {
    ...p.issue,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    created_at: issue.created_at,
    user: user(issue.user.login, issue.user.type as 'User' | 'Bot'),
    labels: issue.labels,
    pull_request: undefined,
  };
  delete p.issue.pull_request;
  p.comment = { ...p.comment, id, body, created_at: createdAt, updated_at: createdAt, user: user(login, type) };
  return p;
}

/** A comment written on GitHub by a person, and the webhook GitHub sends for it. */
function command(issue: MockIssue, login: string, body: string, createdAt = '2026-11-23T11:00:00Z') {
  const c = app.github.addUserComment(issue.number, login, body, createdAt);
  return { comment: c, payload: commentPayload(issue, login, body, c.id, createdAt) };
}

function signOffIssue(): MockIssue {
  const found = app.github.issues.filter((i) => i.user.type === 'Bot' && i.title === 'Release sign-off: v2.4.0');
  expect(found).toHaveLength(1);
  return found[0]!;
}

function asset(name: string): Buffer {
  const a = release.assets.find((x) => x.name === name);
  expect(a, `asset ${name}`).toBeDefined();
  return a!.data;
}

beforeAll(async () => {
  repo = fixtureRepo();
  repo.git('tag', 'v2.4.0');
  sha = repo.git('rev-parse', 'HEAD').trim();
  app = await startApp(createApp({ gateMode: 'off' }));
  app.github.gitDir = repo.dir;
  release = app.github.addRelease('v2.4.0', 'MedRec 2.4.0');
  release.body = 'Medicines reconciliation improvements.';
}, 60_000);
afterAll(async () => {
  await app?.stop();
  repo?.cleanup();
});

describe('a published release', () => {
  it('gets the documents attached, byte for byte what clinsafe builds, and a sign-off issue for the CSOs', async () => {
    // Deployed, a long build is answered 202 after 9 s and goes on; the test server answers when it is done.
    const res = await app.deliver('release', releasePayload(release));
    expect([200, 202]).toContain(res.status);

    const names = release.assets.map((a) => a.name).sort();
    for (const n of ['cscr.md', 'cscr.html', 'cscr.pdf', 'hazard-log.csv', 'hazard-log.xlsx', 'manifest.json']) expect(names).toContain(n);
    expect(new Set(names).size).toBe(names.length);

    // `clinsafe report` on the same repository and tag writes the same bytes as the App uploaded.
    const out = tempDir('clinsafe-app-release-');
    const local = await cli(repo.dir, 'report', '--ref', 'v2.4.0', '--out', out);
    expect(local.code, local.err).toBe(0);
    const written = readdirSync(out).sort();
    // Plus the link to the sign-off issue, which only the App writes.
    expect(release.assets.map((a) => a.name).sort()).toEqual([...written, 'clinsafe-sign-off.json'].sort());
    for (const name of written) expect(sha256(asset(name)), name).toBe(sha256(readFileSync(join(out, name))));
    // The first release: its change record is the history up to it, the same through git and the API.
    expect(asset('cscr.md').toString('utf8')).toMatch(/\| direct commit\s+\| MedRec 2\.4\.0\s+\| `[0-9a-f]{12}`/);

    const cscr = asset('cscr.md').toString('utf8');
    expect(cscr).toContain('DRAFT awaiting CSO sign-off');
    expect(release.assets.find((a) => a.name.startsWith('cso-release-memo'))).toBeUndefined();

    const issue = signOffIssue();
    expect(issue.assignees.map((a) => a.login).sort()).toEqual(['dr-amara-okafor', 'dr-tom-hughes']);
    expect(issue.labels.map((l) => l.name)).toContain('clinical-safety-review');
    expect(issue.body).toContain('/clinsafe sign-off');
    expect(issue.body).toContain('Transferred hazards');
    expect(release.body).toContain('Medicines reconciliation improvements.');
    expect(release.body).toContain('awaiting sign-off');
  });

  it('changes nothing when the release is delivered again', async () => {
    app.github.requests.length = 0;
    expect((await app.deliver('release', releasePayload(release))).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });
});

describe('CSO sign-off', () => {
  it('refuses a /clinsafe sign-off from someone not on the roster, politely, and changes nothing else', async () => {
    const issue = signOffIssue();
    const before = release.assets.map((a) => `${a.name}:${sha256(a.data)}`);
    app.github.requests.length = 0;
    const p = command(issue, 'eager-developer', '/clinsafe sign-off').payload;
    expect((await app.deliver('issue_comment', p)).status).toBe(200);
    const refusals = app.github.comments.filter(
      (c) => c.user.type === 'Bot' && c.issue_number === issue.number && c.body.includes('was not carried out'),
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.body).toContain('dr-amara-okafor');
    expect(app.github.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /repos/acme/medrec/issues/${issue.number}/comments`]);
    expect(release.assets.map((a) => `${a.name}:${sha256(a.data)}`)).toEqual(before);
    expect(issue.state).toBe('open');

    app.github.requests.length = 0;
    expect((await app.deliver('issue_comment', p)).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });

  it('ignores a quoted command and comments without one', async () => {
    const issue = signOffIssue();
    app.github.requests.length = 0;
    expect(
      (await app.deliver('issue_comment', command(issue, 'dr-amara-okafor', '> /clinsafe sign-off\n\nShould I?').payload)).status,
    ).toBe(200);
    expect((await app.deliver('issue_comment', command(issue, 'dr-amara-okafor', 'Looking at this today.').payload)).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });

  it('signs off for a roster CSO: memo with registration and the CSCR digest, approved CSCR, issue closed, notes updated', async () => {
    const issue = signOffIssue();
    const draftCscr = sha256(asset('cscr.pdf'));
    const p = command(issue, 'dr-amara-okafor', SIGN_OFF, '2026-11-23T12:30:00Z').payload;
    signOffPayload = p;
    expect([200, 202]).toContain((await app.deliver('issue_comment', p)).status);

    const memoName = release.assets.map((a) => a.name).find((n) => n === 'cso-release-memo.md');
    expect(memoName).toBe('cso-release-memo.md');
    const memo = asset('cso-release-memo.md').toString('utf8');
    expect(memo).toContain('Dr Amara Okafor');
    expect(memo).toContain('Pharmacist');
    expect(memo).toContain('GPhC 2087654');
    expect(memo).toContain('v2.4.0');
    expect(memo).toContain(sha);
    expect(memo).toContain('2026-11-23');
    // The memo names the digest of the approved CSCR actually attached.
    expect(memo).toContain(sha256(asset('cscr.pdf')));
    expect(sha256(asset('cscr.pdf'))).not.toBe(draftCscr);
    const cscr = asset('cscr.md').toString('utf8');
    expect(cscr).not.toContain('DRAFT awaiting CSO sign-off');
    expect(cscr).toContain('Dr Amara Okafor');

    const names = release.assets.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(issue.state).toBe('closed');
    const result = app.github.comments.filter(
      (c) => c.user.type === 'Bot' && c.issue_number === issue.number && c.body.includes('is safety-approved'),
    );
    expect(result).toHaveLength(1);
    expect(result[0]!.body).toContain(sha256(asset('cso-release-memo.md')));
    expect(release.body).toContain('safety-approved by Dr Amara Okafor');
    expect(release.body).not.toContain('awaiting sign-off');
  });

  it('changes nothing when the sign-off comment or the release is delivered again', async () => {
    const issue = signOffIssue();
    app.github.requests.length = 0;
    expect(issue.state).toBe('closed');
    expect((await app.deliver('issue_comment', signOffPayload)).status).toBe(200);
    expect((await app.deliver('release', releasePayload(release))).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });
});
