/**
 * The gate end to end over the API: a real git repository built from the MedRec fixture serves
 * the git data, the loopback mock serves the pull request, reviews and commits; runGate writes the
 * sticky comment and the commit status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateOn, pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { review, type MockPull, type PullsState } from './helpers/mock-pulls.js';
import type { TempRepo } from './helpers/repo.js';

const CSO = 'dr-amara-okafor';
const CSO2 = 'dr-tom-hughes';
const DEV = 'dev-sam';

let h: GateHarness;
let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;

beforeEach(async () => {
  ({ gh, repo, pulls, base } = h = await startGateHarness());
  // These tests name REST routes: they run the REST path (an API without the gate's GraphQL
  // queries); test/gate-graphql.test.ts runs the same gate through GraphQL.
  pulls.graphql = 'blobs';
});

afterEach(() => h.stop());

function pr(head: string, extra: Partial<MockPull> = {}): MockPull {
  const p = pullFromRepo(repo, { number: 7, author: DEV, base, head }, extra);
  pulls.pulls.set(p.number, p);
  return p;
}

const gate = (n = 7) => gateOn(gh, { number: n, report: 'status' });
const lastStatus = () => gh.statuses.at(-1)!;

function change(path: string, content = 'export const changed = true;\n'): string {
  repo.write(path, content);
  return repo.commit(`change ${path}`);
}

describe('runGate: impact', () => {
  it('no impact: success, and no comment is written', async () => {
    const head = change('docs/readme-extra.md', '# notes\n');
    pr(head);
    const out = await gate();
    expect(out.decision).toBe('not-required');
    expect(lastStatus()).toMatchObject({
      sha: head,
      state: 'success',
      context: 'clinsafe/cso-approval',
      description: 'No clinical safety impact',
    });
    expect(gh.comments).toHaveLength(0);
    expect(gh.writes().filter((r) => r.path.endsWith('/labels'))).toEqual([]);
  });

  it('path impact: pending, one comment; a second run writes no comment again', async () => {
    const head = change('src/patient/banner.ts');
    pr(head);
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(out.impacted.map((h) => h.id)).toContain('H-001');
    // The safety folder is read once, at the base: one tree, no commit lookup, no head read.
    expect(gh.requests.filter((r) => r.path.includes('/git/trees/')).map((r) => r.path)).toEqual([`/repos/acme/medrec/git/trees/${base}`]);
    expect(gh.requests.some((r) => r.path.includes('/commits/') && !r.path.endsWith('/status'))).toBe(false);
    expect(lastStatus()).toMatchObject({ sha: head, state: 'pending' });
    expect(lastStatus().description.length).toBeLessThanOrEqual(140);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('Needs approval by a Clinical Safety Officer');
    expect(gh.comments[0]!.body).toContain('<!-- clinsafe:gate-comment:pr-7 -->');
    // gate.label from the base clinsafe.yml marks the impacted PR.
    expect(
      gh
        .writes()
        .filter((r) => r.path.endsWith('/issues/7/labels'))
        .map((r) => r.json),
    ).toEqual([{ labels: ['clinical-safety'] }]);
    expect(out.labelled).toBe('clinical-safety');
    const writesBefore = gh.writes().filter((r) => r.path.includes('/comments')).length;
    await gate();
    expect(gh.writes().filter((r) => r.path.includes('/comments')).length).toBe(writesBefore);
    expect(gh.comments).toHaveLength(1);
  });

  it('a rename out of a hazard path is impacted (matched on the old name)', async () => {
    repo.git('mv', 'src/audit', 'src/old-audit');
    const head = repo.commit('move audit out');
    pr(head);
    const out = await gate();
    const h = out.impacted.find((x) => x.id === 'H-011');
    expect(h?.reasons.some((r) => r.kind === 'path' && r.detail.includes('renamed to src/old-audit'))).toBe(true);
  });

  it('a label impacts the hazard that lists it', async () => {
    const head = change('docs/x.md', 'x\n');
    pr(head, { labels: ['alerts'] });
    const out = await gate();
    expect(out.impacted.map((h) => h.id)).toEqual(['H-009']);
    expect(out.impacted[0]!.reasons).toEqual([expect.objectContaining({ kind: 'label', label: 'alerts' })]);
  });

  it('an edit to the safety folder always needs a CSO', async () => {
    const cfg = join(repo.dir, 'clinical-safety/clinsafe.yml');
    const head = change('clinical-safety/clinsafe.yml', readFileSync(cfg, 'utf8').replace('cadenceMonths: 12', 'cadenceMonths: 6'));
    pr(head);
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(out.result?.safetyFolderChanges).toEqual(['clinical-safety/clinsafe.yml']);
    // Base and head trees are read; the base blobs in one GraphQL batch, then of the head's blobs
    // only the changed clinsafe.yml.
    expect(gh.requests.filter((r) => r.path.includes('/git/trees/')).length).toBe(2);
    expect(gh.requests.filter((r) => r.path.includes('/git/blobs/'))).toEqual([]);
    const batches = gh.requests
      .filter((r) => r.path === '/graphql')
      .map((r) => [...(r.json as { query: string }).query.matchAll(/object\(oid: "/g)].length)
      .filter((n) => n > 0);
    const schemaFiles = repo
      .git('ls-tree', '-r', '--name-only', base, 'clinical-safety')
      .trim()
      .split('\n')
      .filter((f) => /\/(clinsafe\.yml|(hazards|incidents)\/.*\.ya?ml|(workshops|templates)\/.*\.md)$/.test(f)).length;
    expect(batches).toEqual([schemaFiles, 1]);
    expect(gh.comments[0]!.body).toContain('edits the safety folder itself');
  });

  it('a PR that stops being impacted gets its comment updated, not a new one', async () => {
    const head = change('src/patient/new-widget.ts');
    pr(head);
    await gate();
    repo.git('rm', '-q', 'src/patient/new-widget.ts');
    const head2 = repo.commit('revert');
    pr(head2);
    const out = await gate();
    expect(out.decision).toBe('not-required');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('No clinical safety impact any more');
    expect(lastStatus()).toMatchObject({ sha: head2, state: 'success' });
  });
});

describe('runGate: approval', () => {
  it('a CSO approval on the head commit passes', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const out = await gate();
    expect(out.decision).toBe('approved');
    expect(lastStatus()).toMatchObject({ state: 'success' });
    expect(lastStatus().description).toContain(CSO);
    expect(gh.comments[0]!.body).toMatch(/Approved by Clinical Safety Officer Dr Amara Okafor/);
  });

  it('an approval followed by a new push is stale: back to pending', async () => {
    const first = change('src/patient/banner.ts');
    const head = change('src/patient/banner.ts', 'export const again = 2;\n');
    pr(head, { reviews: [review(CSO, 'APPROVED', first)] });
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(lastStatus().state).toBe('pending');
    expect(gh.comments[0]!.body).toContain('but commits were pushed since');
  });

  it('a CSO who authored the PR cannot approve it', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { author: CSO, commits: [{ author: { login: CSO }, committer: { login: CSO } }], reviews: [review(CSO, 'APPROVED', head)] });
    expect((await gate()).decision).toBe('pending');
  });

  it("a CSO who committed to someone else's PR cannot approve it", async () => {
    const head = change('src/patient/banner.ts');
    pr(head, {
      commits: [
        { author: { login: DEV }, committer: { login: DEV } },
        { author: { login: CSO2 }, committer: { login: CSO2 } },
      ],
      reviews: [review(CSO2, 'APPROVED', head)],
    });
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(out.result?.approval).toMatchObject({ state: 'pending', ignored: [{ login: CSO2, reason: 'commit-author' }] });
  });

  it('an approval by someone not on the roster does not count', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review('random-reviewer', 'APPROVED', head)] });
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(gh.comments[0]!.body).toContain('is not on the CSO roster');
  });

  it('a CSO requesting changes after another CSO approved blocks: failure', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head, 1), review(CSO2, 'CHANGES_REQUESTED', head, 2)] });
    const out = await gate();
    expect(out.decision).toBe('blocked');
    expect(lastStatus()).toMatchObject({ state: 'failure' });
    expect(lastStatus().description).toContain(CSO2);
  });

  it('a PR that adds its own author to the roster: the roster comes from the base, so the approval does not count', async () => {
    const cfgPath = 'clinical-safety/clinsafe.yml';
    const cfg = readFileSync(join(repo.dir, cfgPath), 'utf8');
    const head = change(
      cfgPath,
      cfg.replace(
        /^cso:\n/m,
        `cso:\n  - github: sneaky-dev\n    name: Sneaky Dev\n    profession: Developer\n    registration: GMC 0000000\n`,
      ),
    );
    // The author adds themselves to the roster, and an approval arrives under that login.
    pr(head, {
      author: 'sneaky-dev',
      commits: [{ author: { login: 'sneaky-dev' }, committer: { login: 'sneaky-dev' } }],
      reviews: [review('sneaky-dev', 'APPROVED', head)],
    });
    const out = await gate();
    expect(out.result?.errors).toEqual([]);
    expect(out.result?.roster.map((c) => c.github)).not.toContain('sneaky-dev');
    expect(out.result?.approval).toMatchObject({ state: 'pending', ignored: [{ login: 'sneaky-dev', reason: 'not-cso' }] });
    expect(out.decision).toBe('pending');
    expect(lastStatus().state).toBe('pending');
  });
});

describe('runGate: fails closed', () => {
  it('over 3000 changed files: failure, without listing them', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { changedFiles: 3001 });
    const out = await gate();
    expect(out.decision).toBe('error');
    expect(lastStatus()).toMatchObject({ sha: head, state: 'failure' });
    expect(lastStatus().description).toMatch(/3001 files/);
    expect(gh.requests.some((r) => r.path.endsWith('/files'))).toBe(false);
    expect(gh.comments[0]!.body).toContain('could not run');
  });

  it('a listing that disagrees with changed_files: failure', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { changedFiles: 5 });
    const out = await gate();
    expect(out.decision).toBe('error');
    expect(lastStatus().state).toBe('failure');
  });

  it('a transient 500 is retried and the gate still decides', async () => {
    const head = change('src/patient/banner.ts');
    pr(head);
    let failures = 2;
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/reviews', () =>
      failures-- > 0 ? { status: 500, body: { message: 'boom' } } : undefined,
    );
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(gh.requests.filter((r) => r.path.endsWith('/reviews')).length).toBe(3);
  });

  it('a persistent 500: failure status with a plain explanation, never success', async () => {
    const head = change('docs/x.md', 'x\n');
    pr(head);
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/files', () => ({ status: 500, body: { message: 'Server Error' } }));
    const out = await gate();
    expect(out.decision).toBe('error');
    expect(lastStatus()).toMatchObject({ state: 'failure' });
    expect(lastStatus().description).toMatch(/kept failing \(HTTP 500\) while listing the changed files/);
    expect(gh.statuses.some((s) => s.state === 'success')).toBe(false);
  });

  it('a 403 rate limit that resets too late: failure status saying so', async () => {
    const head = change('docs/x.md', 'x\n');
    pr(head);
    gh.on('GET', '/repos/{owner}/{repo}/git/trees/{sha}', () => ({
      status: 403,
      body: { message: 'API rate limit exceeded for installation' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) },
    }));
    const out = await gate();
    expect(out.decision).toBe('error');
    expect(lastStatus()).toMatchObject({ state: 'failure' });
    expect(lastStatus().description).toMatch(/rate limit/);
    expect(gh.requests.filter((r) => r.path.includes('/git/trees/')).length).toBe(1);
  });

  it('a secondary rate limit with a short retry-after is waited out', async () => {
    const head = change('docs/x.md', 'x\n');
    pr(head);
    let once = true;
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}', () =>
      once
        ? ((once = false), { status: 403, body: { message: 'You have exceeded a secondary rate limit' }, headers: { 'retry-after': '1' } })
        : undefined,
    );
    const out = await gate();
    expect(out.decision).toBe('not-required');
    expect(lastStatus().state).toBe('success');
  });

  it('an invalid safety folder in the PR: failure naming file:line:col', async () => {
    const path = 'clinical-safety/hazards/H-009-alert-fatigue.yml';
    const text = readFileSync(join(repo.dir, path), 'utf8');
    const head = change(path, text.replace(/^status: \w+/m, 'status: finished'));
    pr(head);
    const out = await gate();
    expect(out.decision).toBe('error');
    expect(lastStatus().state).toBe('failure');
    expect(out.result?.errors[0]?.message).toMatch(/H-009-alert-fatigue\.yml:\d+:\d+: /);
  });
});

describe('runGate: the sticky comment', () => {
  it('ignores a comment with the marker planted by another user, and writes its own', async () => {
    const head = change('src/patient/banner.ts');
    pr(head);
    const planted = gh.addUserComment(7, 'mallory', '✅ Approved by CSO <!-- clinsafe:gate-comment:pr-7 -->');
    await gate();
    expect(gh.comments.find((c) => c.id === planted.id)!.body).toBe('✅ Approved by CSO <!-- clinsafe:gate-comment:pr-7 -->');
    const mine = gh.comments.filter((c) => c.user.login === gh.botLogin);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('Needs approval');
    expect(gh.writes().some((r) => r.method === 'PATCH' && r.path.endsWith(`/comments/${planted.id}`))).toBe(false);
  });

  it('keeps one comment when two racing runs created two', async () => {
    const head = change('src/patient/banner.ts');
    pr(head);
    await gate();
    gh.comments.push({ ...gh.comments[0]!, id: 99_999, body: 'stale <!-- clinsafe:gate-comment:pr-7 -->' });
    await gate();
    expect(gh.comments.map((c) => c.id)).toEqual([gh.comments[0]!.id]);
    expect(gh.comments[0]!.body).toContain('Needs approval');
  });

  it('renders hostile file names and hazard titles literally', async () => {
    const hostile = 'src/patient/a|b`c` <img src=x onerror=alert(1)> @org/team [x](javascript:alert(1)).ts';
    repo.write(hostile, 'x\n');
    const hz = 'clinical-safety/hazards/H-001-wrong-patient-record.yml';
    const text = readFileSync(join(repo.dir, hz), 'utf8');
    repo.write(
      hz,
      text.replace(/^title: .*$/m, 'title: "Wrong | patient `x` <img src=x onerror=alert(1)> @org/team [y](javascript:alert(2))"'),
    );
    const head = repo.commit('hostile');
    pr(head);
    const out = await gate();
    expect(out.result?.errors).toEqual([]);
    const body = gh.comments[0]!.body;
    const tree = fromMarkdown(body, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const types: string[] = [];
    const walk = (n: { type: string; children?: unknown[]; url?: string; value?: string }) => {
      types.push(n.type);
      if (n.type === 'link') expect(n.url).toMatch(/^https?:/);
      if (n.type === 'html') expect(n.value).toMatch(/^<!-- clinsafe:gate-comment:pr-7 -->$|^<\/?details>$|^<summary>[^<]*<\/summary>$/);
      for (const c of n.children ?? []) walk(c as never);
    };
    walk(tree as never);
    const tables = tree.children.filter((c) => c.type === 'table');
    expect(tables).toHaveLength(1);
    const rows = (tables[0] as { children: { children: unknown[] }[] }).children;
    for (const r of rows) expect(r.children).toHaveLength(4);
    const cellText = (cell: unknown): string => {
      const parts: string[] = [];
      const t = (n: { value?: string; children?: unknown[] }) => {
        if (typeof n.value === 'string') parts.push(n.value);
        for (const c of n.children ?? []) t(c as never);
      };
      t(cell as never);
      return parts.join('');
    };
    const h1 = rows.find((r) => cellText(r.children[0]) === 'H-001')!;
    expect(h1).toBeDefined();
    expect(cellText(h1.children[3])).toContain(hostile);
    // Outside code spans (where GitHub neither mentions nor renders HTML) mentions are defused.
    const texts: string[] = [];
    const collect = (n: { type: string; value?: string; children?: unknown[] }) => {
      if (n.type === 'text' && n.value) texts.push(n.value);
      for (const c of n.children ?? []) collect(c as never);
    };
    collect(tree as never);
    const all = texts.join('\n');
    expect(all).toContain('<img src=x onerror=alert(1)>');
    expect(all).toContain('[y](javascript:alert(2))');
    expect(all).not.toMatch(/@org/);
    expect(all).toContain('@\u2060org/team');
  });
});

describe('runGate: check-run mode (the App)', () => {
  it('creates a check run with the same mapping', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const out = await gateOn(gh, { report: 'check-run' });
    expect(out.decision).toBe('approved');
    expect(pulls.checkRuns).toEqual([
      expect.objectContaining({ head_sha: head, name: 'clinsafe/cso-approval', status: 'completed', conclusion: 'success' }),
    ]);
    expect(gh.statuses).toHaveLength(0);
  });
});
