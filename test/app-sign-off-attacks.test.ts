/**
 * The release sign-off against someone with write access (issue 10 §1), end to end: the real app
 * server with signed webhooks, two instances for concurrent deliveries, GitHub answered by the
 * loopback mock backed by a real git repository. Each test asserts the final release notes, the
 * final assets and the replies — not just that nothing threw.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { dataMarker, marker } from '../src/core/markers.js';
import { parseCommand } from '../src/core/sign-off-command.js';
import { folderContentHash } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import type { MockGitHub, MockIssue, MockRelease } from './helpers/mock-github.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

/** A roster CSO's sign-off: the example product has outstanding test issues (no CI evidence here), which a sign-off must accept (issue 15). */
const SIGN_OFF = '/clinsafe sign-off I accept the outstanding test issues.';

let one: RunningApp;
let two: RunningApp;
let gh: MockGitHub;
let repo: TempRepo;
const releases: Record<string, MockRelease> = {};
const CSO_A = 'dr-amara-okafor';
const CSO_B = 'dr-tom-hughes';
const LINK = 'clinsafe-sign-off.json';

// Markdown and CSV only: these tests are about who decides, not about rendering PDFs.
const app = () =>
  createApp({
    gateMode: 'off',
    docs: { build: (input) => buildDocuments({ ...input, formats: ['md', 'csv'] }), folderHash: folderContentHash },
  });

function releasePayload(r: MockRelease) {
  const p = example('release', 'published');
  p.release = { ...p.release, ...gh.releaseJson(r), author: user('release-manager') };
  return p;
}

function commentPayload(issue: MockIssue, c: { id: number; body: string; created_at: string; user: { login: string; type: string } }) {
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
  };
  delete p.issue.pull_request;
  p.comment = { ...p.comment, id: c.id, body: c.body, created_at: c.created_at, updated_at: c.created_at, user: user(c.user.login) };
  return p;
}

/** A person writes a comment on GitHub; returns the webhook GitHub sends for it. */
function write(issue: MockIssue, login: string, body: string, at: string) {
  return commentPayload(issue, gh.addUserComment(issue.number, login, body, at));
}

function signOffIssue(tag: string): MockIssue {
  const found = gh.issues.filter((i) => i.user.login === gh.botLogin && i.title === `Release sign-off: ${tag}`);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const names = (r: MockRelease) => r.assets.map((a) => a.name).sort();
const text = (r: MockRelease, name: string) => r.assets.find((a) => a.name === name)?.data.toString('utf8');
const repliesTo = (issue: MockIssue, commentId: number) =>
  gh.comments.filter((c) => c.issue_number === issue.number && c.user.login === gh.botLogin && c.body.includes(`comment-${commentId} -->`));

/** The release is approved, consistently: notes, CSCR, memo and manifest all say so. */
function expectApproved(r: MockRelease, by: string) {
  expect(r.body).toContain(`safety-approved by ${by}`);
  expect(names(r)).toContain('cso-release-memo.md');
  expect(text(r, 'cscr.md')).toContain(by);
  expect(JSON.parse(text(r, 'manifest.json')!).signOff.state).toBe('approved');
}

function expectNotApproved(r: MockRelease) {
  expect(r.body).not.toContain('safety-approved by');
  expect(names(r)).not.toContain('cso-release-memo.md');
  expect(JSON.parse(text(r, 'manifest.json')!).signOff.state).not.toBe('approved');
}

beforeAll(async () => {
  repo = fixtureRepo();
  const tags = ['v2.3.0', 'v2.4.0', 'v2.4.1', 'v2.4.2', 'v2.4.3', 'v2.4.4', 'v2.5.0'];
  tags.forEach((tag, i) => {
    if (i > 0) {
      appendFileSync(join(repo.dir, 'README.md'), `\nRelease ${tag}.\n`);
      repo.commit(`Prepare ${tag}`);
    }
    repo.git('tag', tag);
  });
  one = await startApp(app());
  gh = one.github;
  gh.gitDir = repo.dir;
  two = await startApp(app(), gh);
  tags.forEach((tag, i) => {
    releases[tag] = gh.addRelease(tag);
    releases[tag].published_at = `2026-11-${String(10 + i).padStart(2, '0')}T09:00:00Z`;
  });
  for (const tag of tags) expect((await one.deliver('release', releasePayload(releases[tag]!))).status).toBeLessThan(300);
}, 240_000);
afterAll(async () => {
  await two?.stopServerOnly();
  await one?.stop();
  repo?.cleanup();
});

describe('which release an issue belongs to comes from GitHub, not from text', () => {
  it('every release gets its own issue and a link only the app uploaded', () => {
    for (const tag of Object.keys(releases)) {
      const issue = signOffIssue(tag);
      const link = JSON.parse(text(releases[tag]!, LINK)!);
      expect(link).toMatchObject({ release: releases[tag]!.id, tag, issue: issue.number, commit: repo.git('rev-parse', tag).trim() });
      expect(releases[tag]!.body).toContain('awaiting sign-off');
    }
  });

  it("an issue body edited to point at another release changes nothing: the sign-off goes to the issue's own release", async () => {
    const i240 = signOffIssue('v2.4.0');
    // The attacker rewrites the locator to release v2.3.0 (new and old marker formats alike).
    const v230 = releases['v2.3.0']!;
    i240.body = `${marker('release-signoff', `release-${v230.id}`)}\n${marker('release-signoff', `v2.3.0@${repo.git('rev-parse', 'v2.3.0').trim()}`)}`;
    const p = write(i240, CSO_A, SIGN_OFF, '2026-11-23T11:00:00Z');
    await one.deliver('issue_comment', p);
    expectApproved(releases['v2.4.0']!, 'Dr Amara Okafor');
    expectNotApproved(v230);
    expect(repliesTo(i240, p.comment.id)[0]!.body).toContain('Release v2.4.0 is safety-approved');
  }, 60_000);

  it("a marker planted in a user's issue or in another bot issue signs nothing", async () => {
    const target = releases['v2.4.1']!;
    const planted = `${marker('release-signoff', `release-${target.id}`)}`;
    const userIssue = gh.addUserIssue('eager-developer', 'Release sign-off: v2.4.1', planted, []);
    await one.deliver('issue_comment', write(userIssue, CSO_A, SIGN_OFF, '2026-11-23T11:01:00Z'));
    // Another issue the bot opened (e.g. a review issue), its body edited to carry the marker.
    const botIssue: MockIssue = { ...signOffIssue('v2.3.0'), number: 900, title: 'Review hazard log after #7', body: planted };
    gh.issues.push(botIssue);
    const p = write(botIssue, CSO_A, SIGN_OFF, '2026-11-23T11:02:00Z');
    await one.deliver('issue_comment', p);
    expectNotApproved(target);
    expect(repliesTo(userIssue, 0)).toEqual([]);
    expect(gh.comments.filter((c) => c.issue_number === userIssue.number && c.user.login === gh.botLogin)).toEqual([]);
    expect(repliesTo(botIssue, p.comment.id)[0]!.body).toContain('not the sign-off issue of any recent release');
  }, 60_000);

  it('a tag moved to another commit after the issue was opened cannot be signed', async () => {
    const issue = signOffIssue('v2.4.2');
    const before = repo.git('rev-parse', 'v2.4.2').trim();
    repo.git('tag', '-f', 'v2.4.2', 'v2.5.0');
    try {
      const p = write(issue, CSO_A, SIGN_OFF, '2026-11-23T11:03:00Z');
      await one.deliver('issue_comment', p);
      expectNotApproved(releases['v2.4.2']!);
      expect(repliesTo(issue, p.comment.id)[0]!.body).toContain('now points at');
    } finally {
      repo.git('tag', '-f', 'v2.4.2', before);
    }
  }, 60_000);
});

describe("decisions are re-derived from the CSOs' own comments", () => {
  it('an edited bot decision comment changes nothing: re-publishing rebuilds with the decision the comments record', async () => {
    const issue = signOffIssue('v2.3.0');
    const p = write(issue, CSO_B, '/clinsafe reject H-004 evidence is missing', '2026-11-23T11:10:00Z');
    await one.deliver('issue_comment', p);
    const r = releases['v2.3.0']!;
    expect(r.body).toContain('NOT safety-approved');
    // The attacker rewrites the bot's rejection record into an approval, with the old data marker.
    const reply = repliesTo(issue, p.comment.id)[0]!;
    reply.body = `**Release v2.3.0 is safety-approved.**\n${dataMarker({ state: 'approved', cso: { github: CSO_A, name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' }, statement: 'ok', signedAt: '2026-11-23T11:11:00Z', commentId: p.comment.id })}\n${marker('signoff-result', `comment-${p.comment.id}`)}`;
    await one.deliver('release', releasePayload(r));
    expectNotApproved(r);
    expect(r.body).toContain('Rejected by Dr Tom Hughes');
    expect(text(r, 'cscr.md')).toContain('H-004 evidence is missing');
  }, 60_000);

  it('an edited CSO comment counts for nothing and holds the release until a CSO writes again', async () => {
    const issue = signOffIssue('v2.4.3');
    const r = releases['v2.4.3']!;
    const rejection = write(issue, CSO_B, '/clinsafe reject wait for the pharmacy check', '2026-11-23T11:20:00Z');
    await one.deliver('issue_comment', rejection);
    expect(r.body).toContain('Rejected by Dr Tom Hughes');
    // Someone with write access edits the CSO's rejection into a sign-off (GitHub marks it edited).
    const c = gh.comments.find((x) => x.id === rejection.comment.id)!;
    c.body = '/clinsafe sign-off';
    c.updated_at = '2026-11-23T11:25:00Z';
    // The attacker's own command is refused at once; re-publishing re-derives the decision: held, not approved.
    const own = write(issue, 'eager-developer', '/clinsafe sign-off', '2026-11-23T11:26:00Z');
    await one.deliver('issue_comment', own);
    expect(repliesTo(issue, own.comment.id)[0]!.body).toContain('was not carried out');
    await one.deliver('release', releasePayload(r));
    expectNotApproved(r);
    expect(r.body).toContain('was edited after it was written');
    expect(repliesTo(issue, rejection.comment.id).some((c) => c.body.includes('was edited after it was written'))).toBe(true);
    // A CSO confirms in a new comment: that counts.
    await one.deliver('issue_comment', write(issue, CSO_A, SIGN_OFF, '2026-11-23T11:30:00Z'));
    expectApproved(r, 'Dr Amara Okafor');
  }, 90_000);

  it('commands in a quote, a fence or an HTML comment do nothing', async () => {
    const issue = signOffIssue('v2.4.4');
    gh.requests.length = 0;
    for (const body of [
      '> /clinsafe sign-off',
      '```\n/clinsafe sign-off\n```',
      '<!-- /clinsafe sign-off -->',
      'I will /clinsafe sign-off later',
    ])
      await one.deliver('issue_comment', write(issue, CSO_A, body, '2026-11-23T11:40:00Z'));
    expect(gh.writes()).toEqual([]);
    expectNotApproved(releases['v2.4.4']!);
  }, 60_000);

  it.skipIf(parseCommand('    /clinsafe sign-off') !== undefined || parseCommand('<!--\n/clinsafe sign-off\n-->') !== undefined)(
    'commands in indented code or a multi-line HTML comment do nothing (Markdown parsing of commands)',
    async () => {
      const issue = signOffIssue('v2.4.4');
      gh.requests.length = 0;
      for (const body of ['Quote:\n\n    /clinsafe sign-off', '<!--\n/clinsafe sign-off\n-->'])
        await one.deliver('issue_comment', write(issue, CSO_A, body, '2026-11-23T11:41:00Z'));
      expect(gh.writes()).toEqual([]);
    },
  );
});

describe('two CSOs at once, on two instances', () => {
  it('a sign-off and a rejection in the same second: the comment GitHub created first decides, both are answered, assets agree', async () => {
    const issue = signOffIssue('v2.4.4');
    const r = releases['v2.4.4']!;
    const signOff = write(issue, CSO_A, SIGN_OFF, '2026-11-23T12:00:00Z');
    const reject = write(issue, CSO_B, '/clinsafe reject not yet', '2026-11-23T12:00:00Z');
    expect(signOff.comment.id).toBeLessThan(reject.comment.id);
    const statuses = await Promise.all([one.deliver('issue_comment', reject), two.deliver('issue_comment', signOff)]);
    expect(statuses.map((x) => x.status)).toEqual([200, 200]);
    expectApproved(r, 'Dr Amara Okafor');
    expect(repliesTo(issue, signOff.comment.id)).toHaveLength(1);
    expect(repliesTo(issue, signOff.comment.id)[0]!.body).toContain('is safety-approved');
    expect(repliesTo(issue, reject.comment.id)).toHaveLength(1);
    expect(repliesTo(issue, reject.comment.id)[0]!.body).toMatch(
      /was not carried out: this release was already signed off by Dr Amara Okafor/,
    );
    // One of each asset, and the manifest names the bytes attached.
    expect(new Set(names(r)).size).toBe(r.assets.length);
    const manifest = JSON.parse(text(r, 'manifest.json')!) as { artefacts: { name: string; bytes: number }[] };
    for (const a of manifest.artefacts) expect(r.assets.find((x) => x.name === a.name)!.size, a.name).toBe(a.bytes);
    expect(issue.state).toBe('closed');
  }, 120_000);
});

describe('failures part-way', () => {
  it('an upload that fails is told on the issue; the notes never claim what the assets do not show; the next delivery completes it', async () => {
    const issue = signOffIssue('v2.5.0');
    const r = releases['v2.5.0']!;
    let failing = true;
    gh.on('POST', '/uploads/repos/{owner}/{repo}/releases/{id}/assets', () =>
      failing ? { status: 500, body: { message: 'Server Error' } } : undefined,
    );
    const p = write(issue, CSO_A, SIGN_OFF, '2026-11-23T13:00:00Z');
    // A handler that throws answers 500: 200 means it ended cleanly.
    expect((await one.deliver('issue_comment', p)).status).toBe(200);
    expect(r.body).toContain('awaiting sign-off');
    const told = gh.comments.filter((c) => c.issue_number === issue.number && c.body.includes(`failed-comment-${p.comment.id}`));
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain('could not finish');
    expect(told[0]!.body).toContain('HTTP 500');
    failing = false;
    await one.deliver('issue_comment', p); // a redelivery (or any later command) completes it
    expectApproved(r, 'Dr Amara Okafor');
  }, 120_000);

  it('when GitHub refuses to list the comments, nothing changes and nothing throws', async () => {
    const issue = signOffIssue('v2.4.1');
    const r = releases['v2.4.1']!;
    const before = JSON.stringify(names(r));
    gh.on('GET', '/repos/{owner}/{repo}/issues/{n}/comments', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    // A handler that throws answers 500: 200 means it ended cleanly.
    expect((await one.deliver('issue_comment', write(issue, CSO_A, SIGN_OFF, '2026-11-23T13:10:00Z'))).status).toBe(200);
    expect(JSON.stringify(names(r))).toBe(before);
    expectNotApproved(r);
  }, 60_000);
});
