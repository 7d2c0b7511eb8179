/**
 * The Action's release mode (`mode: release`) end to end: the Action bundled from the current
 * source, laid out as a runner has it (the action's repository: action.yml, package.json, templates,
 * the bundle — no node_modules), run as the runner runs it (GITHUB_EVENT_PATH, INPUT_*, GITHUB_OUTPUT)
 * on GitHub's own `release.published` example payload, against the loopback GitHub backed by a real
 * git repository of the example product. It must attach the documents the App attaches and open
 * the CSOs' sign-off issue, as github-actions[bot]; a redelivery (re-run) writes nothing.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAction, runBundledAction } from './helpers/action-run.js';
import { MockGitHub, type MockRelease } from './helpers/mock-github.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, REPO_ROOT, tempDir, type TempRepo } from './helpers/repo.js';

const BOT = 'github-actions[bot]';
const DOCUMENTS = ['cscr.md', 'cscr.html', 'cscr.pdf', 'crmp.pdf', 'hazard-log.csv', 'hazard-log.xlsx', 'manifest.json'];

let actionDir: string;
let work: string;
let gh: MockGitHub;
let repo: TempRepo;
let release: MockRelease;

beforeAll(async () => {
  // The action's repository as the runner downloads it for `uses: clinsafe/clinsafe@v0`.
  actionDir = tempDir('clinsafe-action-repo-');
  for (const f of ['action.yml', 'package.json']) cpSync(join(REPO_ROOT, f), join(actionDir, f));
  cpSync(join(REPO_ROOT, 'templates'), join(actionDir, 'templates'), { recursive: true });
  // The real bundle script (package.json's build:action), into the copy instead of action/dist.
  bundleAction(join(actionDir, 'action', 'dist', 'index.js'));
  expect(existsSync(join(actionDir, 'node_modules'))).toBe(false);

  repo = fixtureRepo();
  repo.git('tag', 'v2.4.0');
  gh = new MockGitHub();
  gh.gitDir = repo.dir;
  gh.botLogin = BOT;
  await gh.start();
  release = gh.addRelease('v2.4.0', 'MedRec 2.4.0');
  release.body = 'Medicines reconciliation improvements.';
  work = tempDir('clinsafe-action-run-');
}, 120_000);

afterAll(async () => {
  await gh?.stop();
  repo?.cleanup();
  for (const d of [actionDir, work]) if (d) rmSync(d, { recursive: true, force: true });
});

const runAction = (eventName: string, payload: object, inputs: Record<string, string>) =>
  runBundledAction({
    bundle: join(actionDir, 'action', 'dist', 'index.js'),
    work,
    timeoutMs: 120_000,
    apiUrl: gh.baseUrl,
    botLogin: BOT,
    eventName,
    payload,
    env: {
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_RUN_ID: '5150',
      GITHUB_REF: 'refs/tags/v2.4.0',
      GITHUB_WORKFLOW: 'clinical safety release',
      GITHUB_ACTOR: 'release-manager',
    },
    inputs,
  });

function publishedPayload() {
  const p = example('release', 'published');
  p.release = { ...p.release, ...gh.releaseJson(release), author: user('release-manager') };
  return p;
}

describe('the Action with mode: release on release.published', () => {
  it('attaches the documents built at the tag and opens the sign-off issue, as github-actions[bot]', async () => {
    const r = await runAction('release', publishedPayload(), { mode: 'release' });
    expect(r.code, r.stdout).toBe(0);

    const names = release.assets.map((a) => a.name);
    for (const n of DOCUMENTS) expect(names, n).toContain(n);
    expect(new Set(names).size).toBe(names.length);
    expect(release.assets.every((a) => (a.uploader?.login ?? BOT) === BOT)).toBe(true);
    expect(
      release.assets
        .find((a) => a.name === 'cscr.pdf')!
        .data.subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect(release.assets.find((a) => a.name === 'cscr.md')!.data.toString('utf8')).toContain('DRAFT awaiting CSO sign-off');

    const issues = gh.issues.filter((i) => i.title === 'Release sign-off: v2.4.0');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.user.login).toBe(BOT);
    expect(issues[0]!.assignees.map((a) => a.login).sort()).toEqual(['dr-amara-okafor', 'dr-tom-hughes']);
    expect(issues[0]!.body).toContain('/clinsafe sign-off');
    expect(release.body).toContain('Medicines reconciliation improvements.');
    expect(release.body).toContain('awaiting sign-off');

    expect(r.outputs['sign-off-issue']).toBe(String(issues[0]!.number));
    expect(JSON.parse(r.outputs['release-assets']!)).toEqual(expect.arrayContaining(DOCUMENTS));
    expect(r.summary).toContain(`#${issues[0]!.number}`);
  }, 180_000);

  it('writes nothing when the workflow is re-run for the same release', async () => {
    gh.requests.length = 0;
    const r = await runAction('release', publishedPayload(), { mode: 'release' });
    expect(r.code, r.stdout).toBe(0);
    expect(gh.writes()).toEqual([]);
  }, 180_000);

  it('never signs off: re-run after a CSO comments /clinsafe sign-off, the documents stay drafts and no memo is attached', async () => {
    const issue = gh.issues.find((i) => i.title === 'Release sign-off: v2.4.0')!;
    gh.addUserComment(issue.number, 'dr-amara-okafor', '/clinsafe sign-off');
    const r = await runAction('release', publishedPayload(), { mode: 'release' });
    expect(r.code, r.stdout).toBe(0);
    expect(release.assets.find((a) => a.name.startsWith('cso-release-memo'))).toBeUndefined();
    expect(release.assets.find((a) => a.name === 'cscr.md')!.data.toString('utf8')).toContain('DRAFT awaiting CSO sign-off');
    expect(issue.state).toBe('open');
    expect(gh.comments.filter((c) => c.issue_number === issue.number && c.user.login === BOT)).toEqual([]);
  }, 180_000);

  it('fails with a plain sentence when release mode is wired to another event, and leaves the gate as the default', async () => {
    const r = await runAction('push', { ref: 'refs/heads/main' }, { mode: 'release' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('mode: release answers the release event');
    const unknown = await runAction('release', publishedPayload(), { mode: 'publish' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toContain('use gate (the default), evidence or release');
  }, 60_000);
});
