/**
 * One release pipeline: `clinsafe report` (git history) and the App (GitHub API history, the gate's
 * assessment of each pull request) build the same documents for the same release, and neither hides
 * a change that reached the branch without a pull request. The real app server with signed
 * webhooks, GitHub answered by the loopback mock backed by the same git repository the CLI reads.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import { cli } from './helpers/cli.js';
import type { MockRelease } from './helpers/mock-github.js';
import { filesFromRepo, mockPulls, review } from './helpers/mock-pulls.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let app: RunningApp;
let repo: TempRepo;
const shas: Record<string, string> = {};
const releases: Record<string, MockRelease> = {};

function releasePayload(r: MockRelease) {
  const p = example('release', 'published');
  p.release = { ...p.release, ...app.github.releaseJson(r), author: user('release-manager') };
  return p;
}

/** What `clinsafe report` writes for a tag, by file name. */
async function cliDocuments(tag: string): Promise<Map<string, Buffer>> {
  const out = tempDir('clinsafe-parity-');
  const r = await cli(repo.dir, 'report', '--ref', tag, '--out', out);
  expect(r.code, r.err).toBe(0);
  return new Map(readdirSync(out).map((n) => [n, readFileSync(join(out, n))]));
}

/** What the App attached to a release (without the link to its sign-off issue, which only the App writes). */
function appDocuments(tag: string): Map<string, Buffer> {
  return new Map(releases[tag]!.assets.filter((a) => a.name !== 'clinsafe-sign-off.json').map((a) => [a.name, a.data]));
}

/** The change-record table rows of a CSCR in Markdown. */
function changeRows(cscr: string): string[] {
  return cscr.split('\n').filter((l) => /^\| (#\d+|direct commit)\s/.test(l));
}

beforeAll(async () => {
  repo = fixtureRepo();
  repo.git('tag', 'v2.3.2');
  shas.v232 = repo.git('rev-parse', 'HEAD').trim();
  // PR #12, merged with a merge commit, touches the GP Connect mapper (H-002, H-003, H-004); a CSO approved it.
  repo.git('checkout', '-q', '-b', 'fix-units');
  appendFileSync(join(repo.dir, 'src/gp-connect/mapper.ts'), '\n// refuse uncoded units\n');
  shas.head12 = repo.commit('Refuse uncoded units');
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', 'fix-units', '-m', 'Merge pull request #12 from dev/fix-units\n\nRefuse uncoded dose units');
  shas.merge12 = repo.git('rev-parse', 'HEAD').trim();
  // PR #13, squash-merged, edits a hazard file (H-009); nobody approved it.
  appendFileSync(join(repo.dir, 'clinical-safety/hazards/H-009-alert-fatigue.yml'), '# reviewed\n');
  shas.squash13 = repo.commit('Review alert fatigue hazard (#13)');
  repo.git('tag', 'v2.4.0');
  // After v2.4.0, nothing goes through a pull request:
  appendFileSync(join(repo.dir, 'src/patient/banner.ts'), '\n// hotfix\n');
  shas.hotfix = repo.commit('Hotfix banner'); // a direct push touching H-001's trigger
  appendFileSync(join(repo.dir, 'src/notifications/alerts.ts'), '\n// quieter\n');
  shas.rebased = repo.commit('Quieter alerts'); // a rebase merge: no "#N" in the message, touches H-009's trigger
  appendFileSync(join(repo.dir, 'clinical-safety/clinsafe.yml'), '\n# roster reviewed\n');
  shas.config = repo.commit('Update clinsafe.yml'); // the safety folder itself, no hazard
  appendFileSync(join(repo.dir, 'README.md'), '\nTypo.\n');
  repo.commit('Typo'); // touches nothing a hazard watches: not listed
  repo.git('tag', 'v2.4.1');

  app = await startApp(createApp({ gateMode: 'off' }));
  app.github.gitDir = repo.dir;
  const commits = [{ author: { login: 'dev' }, committer: { login: 'dev' } }];
  mockPulls(app.github, [
    {
      number: 12,
      title: 'Refuse uncoded dose units (title edited after merge)',
      author: 'dev',
      headSha: shas.head12,
      baseSha: shas.v232,
      labels: [],
      files: filesFromRepo(repo.dir, shas.v232, shas.head12),
      reviews: [review('dr-amara-okafor', 'APPROVED', shas.head12)],
      commits,
      state: 'closed',
      merged: true,
      mergeCommitSha: shas.merge12,
      mergedAt: '2026-01-01T00:00:00Z',
    },
    {
      number: 13,
      title: 'Review alert fatigue hazard',
      author: 'dev',
      headSha: shas.squash13,
      baseSha: shas.merge12,
      labels: [],
      files: filesFromRepo(repo.dir, shas.merge12, shas.squash13),
      reviews: [],
      commits,
      state: 'closed',
      merged: true,
      mergeCommitSha: shas.squash13,
      mergedAt: '2026-01-01T00:00:00Z',
    },
  ]);
  for (const [tag, day] of [
    ['v2.3.2', '01'],
    ['v2.4.0', '10'],
    ['v2.4.1', '20'],
  ] as const) {
    releases[tag] = app.github.addRelease(tag);
    releases[tag].published_at = `2026-11-${day}T09:00:00Z`;
  }
}, 60_000);
afterAll(async () => {
  await app?.stop();
  repo?.cleanup();
});

describe('one release pipeline for the CLI and the App', () => {
  it('a release whose changes bypassed pull requests: byte-identical documents, every bypass listed as unapproved', async () => {
    expect([200, 202]).toContain((await app.deliver('release', releasePayload(releases['v2.4.1']!))).status);
    const fromApp = appDocuments('v2.4.1');
    const fromCli = await cliDocuments('v2.4.1');
    expect([...fromApp.keys()].sort()).toEqual([...fromCli.keys()].sort());
    for (const [name, bytes] of fromCli) expect(sha256(fromApp.get(name)!), name).toBe(sha256(bytes));

    const rows = changeRows(fromApp.get('cscr.md')!.toString('utf8'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^\| direct commit\s+\| Hotfix banner\s+\| `[0-9a-f]{12}`.*\| H-001\s+\| \*\*none: not made through a pull request\*\*/,
    );
    expect(rows[1]).toMatch(/^\| direct commit\s+\| Quieter alerts\s.*\| H-009\s+\| \*\*none: not made through a pull request\*\*/);
    expect(rows[2]).toMatch(/^\| direct commit\s+\| Update clinsafe\.yml\s.*\| none\s+\| \*\*none: not made through a pull request\*\*/);
    expect(rows.join('\n')).not.toContain('Typo');
    const manifest = JSON.parse(fromApp.get('manifest.json')!.toString('utf8'));
    expect(manifest.release).toMatchObject({ tag: 'v2.4.1', previousTag: 'v2.4.0', commit: repo.git('rev-parse', 'v2.4.1').trim() });
  }, 120_000);

  it('a release of pull requests: the same record through both doors; only the App can say who approved', async () => {
    expect([200, 202]).toContain((await app.deliver('release', releasePayload(releases['v2.4.0']!))).status);
    const fromApp = appDocuments('v2.4.0');
    const fromCli = await cliDocuments('v2.4.0');
    // Documents without a change record are byte-identical.
    for (const name of ['crmp.md', 'crmp.pdf', 'safety-requirements.md', 'hazard-log.csv', 'hazard-log.xlsx'])
      expect(sha256(fromApp.get(name)!), name).toBe(sha256(fromCli.get(name)!));
    const appRows = changeRows(fromApp.get('cscr.md')!.toString('utf8'));
    const cliRows = changeRows(fromCli.get('cscr.md')!.toString('utf8'));
    // Title from the merge commit (immutable), not the pull request's edited title.
    expect(appRows[0]).toMatch(
      /^\| #12\s+\| Refuse uncoded dose units\s+\| `[0-9a-f]{12}`.*\| H-002, H-003, H-004\s+\| Dr Amara Okafor \(dr-amara-okafor\) on [0-9a-f]{7}/,
    );
    expect(appRows[1]).toMatch(/^\| #13\s+\| Review alert fatigue hazard\s.*\| H-009\s+\| \*\*no CSO approval recorded\*\*/);
    expect(cliRows[0]).toMatch(/\| not recorded in git history/);
    // Every column but the approval agrees.
    const cut = (row: string) => row.split('|').slice(0, -2).join('|').replace(/\s+/g, ' ');
    expect(appRows.map(cut)).toEqual(cliRows.map(cut));
    expect(appRows).toHaveLength(2);
  }, 120_000);
});
