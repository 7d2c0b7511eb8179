import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/program.js';
import { EXAMPLE_PRODUCT, fixtureRepo, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  vi.unstubAllEnvs();
});

async function evidence(dir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['evidence', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const REPORT = readFileSync(join(EXAMPLE_PRODUCT, 'reports', 'junit', 'vitest.xml'), 'utf8');

/** The MedRec report with the two suites that failed to load passing, and the missing session test written. */
function allPassingReport(): string {
  return REPORT.replace(/<failure[\s\S]*?<\/failure>/g, '').replace(
    '</testsuites>',
    '<testsuite name="test/session-drafts.spec.ts"><testcase classname="test/session.spec.ts" name="session (H-010) &gt; keeps a draft only for the user who started it"/></testsuite></testsuites>',
  );
}

describe('clinsafe evidence in a real git repository', () => {
  it('exits 2 and names the failing and missing linked tests of the MedRec report; --out writes the record', async () => {
    repo = fixtureRepo();
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.com');
    vi.stubEnv('GITHUB_REPOSITORY', 'example-health/medrec');
    vi.stubEnv('GITHUB_RUN_ID', '123456');
    const head = repo.git('rev-parse', 'HEAD').trim();
    const r = await evidence(repo.dir, ['--junit', 'reports/**/*.xml', '--out', 'out/evidence.json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    expect(r.out).toContain(
      `evidence at ${head.slice(0, 12)}: 1 JUnit report(s), 47 test case(s), ran at https://github.com/example-health/medrec/actions/runs/123456`,
    );
    expect(r.out).toContain('✗ H-002 H-002-C01 (verified) — failing: a linked test failed — CLAIMED VERIFIED WITHOUT A PASSING RESULT');
    expect(r.out).toContain(
      'not found test/session.spec.ts::session (H-010) > keeps a draft only for the user who started it  (no result)',
    );
    expect(r.out).toContain('✓ H-003 H-003-C01 (verified) — verified: every linked test passed');
    expect(r.out).toContain(
      'controls: 4 verified, 2 failing, 1 missing, 0 skipped, 37 with no tests linked; 3 claimed verified without a passing result',
    );
    const record = JSON.parse(readFileSync(join(repo.dir, 'out', 'evidence.json'), 'utf8'));
    expect(record).toMatchObject({
      format: 'clinsafe-evidence',
      version: 1,
      commit: head,
      where: 'https://github.com/example-health/medrec/actions/runs/123456',
      ranAt: expect.stringMatching(/^2026-11-29T/),
      reports: 1,
      testCases: 47,
      counts: { verified: 4, failing: 2, missing: 1, skipped: 0, 'no-tests-linked': 37 },
      unsupportedClaims: 3,
    });
    expect(Date.parse(record.when)).toBeGreaterThan(Date.parse('2026-01-01'));
    const h010 = record.controls.find((c: { control: string }) => c.control === 'H-010-C01');
    expect(h010.tests.map((t: { state: string }) => t.state)).toEqual(['passed', 'passed', 'not-found']);
  });

  it('exits 0 when every linked test passed, and prints JSON or Markdown', async () => {
    repo = fixtureRepo();
    repo.write('reports/junit/vitest.xml', allPassingReport());
    repo.write(
      'clinical-safety/hazards/H-005-discrepancy-not-flagged.yml',
      readFileSync(join(repo.dir, 'clinical-safety/hazards/H-005-discrepancy-not-flagged.yml'), 'utf8').replace(
        /( {2}- id: H-005-C02\n(?: {4}.*\n)*? {4}evidence:\n {6}- test\/discrepancies.spec.ts\n)/,
        '$1    tests: [test/discrepancies.spec.ts]\n',
      ),
    );
    repo.commit('all linked tests pass');
    const j = await evidence(repo.dir, ['--junit', 'reports/junit/vitest.xml', '--format', 'json']);
    expect(j.err).toBe('');
    const record = JSON.parse(j.out);
    expect(record.counts).toMatchObject({ verified: 8, failing: 0, missing: 0, skipped: 0 });
    expect(record.unsupportedClaims).toBe(0);
    expect(j.code).toBe(0);
    const md = await evidence(repo.dir, ['--junit', 'reports/junit/*.xml', '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.out).toContain('## Verification evidence');
    expect(md.out).toMatch(
      /\| H-004 +\| H-004-C01 \| verified +\| verified +\| `test\/dose-units\.spec\.ts::dose units \(H-004\) > \*`: passed \(6 passed\)/,
    );
  });

  it('reads the safety folder at --commit: a later link does not count for an earlier commit', async () => {
    repo = fixtureRepo();
    const first = repo.git('rev-parse', 'HEAD').trim();
    const p = 'clinical-safety/hazards/H-004-dose-unit-mismapped.yml';
    repo.write(
      p,
      readFileSync(join(repo.dir, p), 'utf8').replace(
        '  - id: H-004-C03\n',
        '    tests: [test/downtime-banner.spec.ts]\n  - id: H-004-C03\n',
      ),
    );
    const second = repo.commit('H-004-C02 links the downtime banner test');
    const atHead = JSON.parse((await evidence(repo.dir, ['--junit', 'reports/**/*.xml', '--format', 'json'])).out);
    expect(atHead).toMatchObject({ commit: second, counts: { failing: 3 } });
    const atFirst = JSON.parse(
      (await evidence(repo.dir, ['--junit', 'reports/**/*.xml', '--commit', first.slice(0, 10), '--format', 'json'])).out,
    );
    expect(atFirst).toMatchObject({ commit: first, counts: { failing: 2 } });
  });

  it('bad input exits 1 with a plain sentence', async () => {
    repo = fixtureRepo();
    const none = await evidence(repo.dir, ['--junit', 'nothing/**/*.xml']);
    expect(none).toMatchObject({ code: 1 });
    expect(none.err).toContain("--junit 'nothing/**/*.xml' matched no file");
    repo.write('reports/junit/broken.xml', '<testsuites>\n<testsuite>\n</testsuites>\n');
    const broken = await evidence(repo.dir, ['--junit', 'reports/**/*.xml']);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^clinsafe: reports\/junit\/broken\.xml:3:\d+: is not well-formed XML: /);
    expect((await evidence(repo.dir, ['--junit', 'reports/junit/vitest.xml', '--commit', 'no-such-ref'])).code).toBe(1);
    expect((await evidence(repo.dir, ['--junit', 'reports/junit/vitest.xml', '--commit', '--help-me'])).code).toBe(1);
    expect((await evidence(repo.dir, ['--junit', 'reports/junit/vitest.xml', '--format', 'html'])).err).toContain(
      '--format must be text, json or markdown',
    );
  });

  it('refuses an invalid test link with file:line:col', async () => {
    repo = fixtureRepo();
    const p = 'clinical-safety/hazards/H-004-dose-unit-mismapped.yml';
    repo.write(p, readFileSync(join(repo.dir, p), 'utf8').replace('  - id: H-004-C02\n', '      - test/gone.spec.ts\n  - id: H-004-C02\n'));
    repo.commit('link a test file that does not exist');
    const r = await evidence(repo.dir, ['--junit', 'reports/**/*.xml']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /H-004-dose-unit-mismapped\.yml:\d+:\d+: control H-004-C01: test file "test\/gone\.spec\.ts" does not exist in the repository/,
    );
  });

  it('clinsafe report --junit puts the results into the CSCR, and refuses them as evidence for another commit', async () => {
    repo = fixtureRepo();
    const first = repo.git('rev-parse', 'HEAD').trim();
    repo.write('NOTES.md', 'later\n');
    const head = repo.commit('a later commit');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: repo.dir };
    expect(await run(['report', '--format', 'md', '--out', 'docs-head', '--junit', 'reports/**/*.xml'], io)).toBe(0);
    const cscr = readFileSync(join(repo.dir, 'docs-head', 'cscr.md'), 'utf8');
    expect(cscr).toContain(`Test results at the release commit \`${head}\`: 1 JUnit report(s), 47 test case(s)`);
    expect(cscr).toMatch(/\| H-002 +\| H-002-C01 +\| verified +\| \*\*failing: a linked test failed at the release commit\*\*/);
    expect(await run(['report', '--format', 'md', '--out', 'docs-first', '--ref', first, '--junit', 'reports/**/*.xml'], io)).toBe(0);
    const old = readFileSync(join(repo.dir, 'docs-first', 'cscr.md'), 'utf8');
    expect(old).toContain(
      `**No test results at the release commit.** The JUnit reports given with --junit are taken to come from the work tree's HEAD (${head}), not from the release commit ${first}`,
    );
    expect(err.join('\n')).toBe('');
  });
});
