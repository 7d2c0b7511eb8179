import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJUnitFiles } from '../src/adapters/junit.js';
import {
  matchEvidence,
  namePattern,
  needsAttention,
  outstandingTestIssues,
  parseTestLink,
  runUrlFromEnv,
  sameCommit,
  testLinkProblem,
  type TestCaseResult,
  type TestLink,
} from '../src/core/evidence.js';
import { evidenceMarkdown, evidenceText } from '../src/core/evidence-summary.js';
import type { Hazard } from '../src/core/folder.js';
import { REPO_ROOT } from './helpers/repo.js';

const SHA = 'a'.repeat(40);
const results = (name: string): TestCaseResult[] =>
  readJUnitFiles([{ path: join(REPO_ROOT, 'fixtures', 'junit', name), label: name }])[0]!.cases;

interface C {
  id: string;
  tests?: (string | TestLink)[];
  status?: 'planned' | 'implemented' | 'verified';
  type?: 'design' | 'test' | 'training' | 'business-process';
}
function hazard(id: string, controls: C[], status = 'open'): Hazard {
  return {
    id,
    title: `hazard ${id}`,
    status,
    controls: controls.map((c) => ({
      id: c.id,
      description: `control ${c.id}`,
      type: c.type ?? 'design',
      owner: 'manufacturer',
      status: c.status ?? 'implemented',
      causes: [],
      evidence: [],
      ...(c.tests ? { tests: c.tests } : {}),
    })),
  } as unknown as Hazard;
}

/** The state of each link of one control per link, for a dialect's report. */
function states(report: string, links: (string | TestLink)[]): string[] {
  const r = matchEvidence({
    hazards: [
      hazard(
        'H-1',
        links.map((l, i) => ({ id: `C${i}`, tests: [l] })),
      ),
    ],
    results: results(report),
    reports: 1,
    commit: SHA,
    when: '2026-11-29T10:00:00Z',
  });
  return r.controls.map((c) => c.tests[0]!.state);
}

describe('matching each runner dialect', () => {
  it('vitest: file, describe glob, exact name, tag, missing', () => {
    expect(
      states('vitest.xml', [
        'test/dose.test.ts',
        'test/dose.test.ts::units > *',
        'test/dose.test.ts::dose limits > uses the latest lab result',
        { tag: 'H-004-C01' },
        'test/dose.test.ts::dose limits > checks the weight',
        'test/other.test.ts',
        { name: 'dose limits > rejects a dose above the maximum [H-004-C01]' },
      ]),
    ).toEqual(['failed', 'passed', 'skipped', 'passed', 'not-found', 'not-found', 'passed']);
  });

  it('jest-junit: absolute file paths match the repository path by suffix', () => {
    expect(
      states('jest-junit.xml', [
        'test/dose.test.js',
        'test/dose.test.js::units *',
        { tag: 'H-004-C01' },
        'test/dose.test.ts',
        'st/dose.test.js',
      ]),
    ).toEqual(['failed', 'passed', 'passed', 'not-found', 'not-found']);
  });

  it('pytest xunit2: the module path in the classname names the file; "classname > name" patterns', () => {
    expect(
      states('pytest-xunit2.xml', [
        'tests/test_dose.py::test_rejects_dose_above_maximum',
        'tests/test_dose.py',
        'tests/test_units.py',
        { file: 'tests/test_dose.py', name: '*TestDoseLimits > test_uses_*' },
        'tests/test_dose_extra.py',
      ]),
    ).toEqual(['passed', 'failed', 'passed', 'skipped', 'not-found']);
  });

  it('pytest xunit1: the file attribute; an error is a failure', () => {
    expect(states('pytest-xunit1.xml', ['tests/test_dose.py::test_warns*', 'tests/test_dose.py::test_rejects*'])).toEqual([
      'failed',
      'passed',
    ]);
  });

  it('Surefire: the class names the file under any source root; nested classes belong to their file', () => {
    const f = 'src/test/java/com/medrec/dose/DoseLimitsTest.java';
    expect(
      states('TEST-com.medrec.dose.DoseLimitsTest.xml', [
        `${f}::rejectsDoseAboveMaximum`,
        f,
        `${f}::writesMicrogramsInFull`,
        `${f}::usesLatestLabResult`,
        'src/test/java/com/medrec/DoseLimitsTest.java',
      ]),
    ).toEqual(['passed', 'failed', 'passed', 'skipped', 'not-found']);
  });

  it('gotestsum: a file link matches the tests of its Go package', () => {
    expect(
      states('gotestsum.xml', [
        'dose/dose_test.go::TestRejectsDoseAboveMaximum',
        'dose/units/units_test.go',
        'dose/dose_test.go',
        'label/label_test.go',
      ]),
    ).toEqual(['passed', 'passed', 'failed', 'not-found']);
  });
});

describe('verification state of a control', () => {
  const vitest = results('vitest.xml');
  const record = (controls: C[], extra: Partial<Parameters<typeof matchEvidence>[0]> = {}) =>
    matchEvidence({ hazards: [hazard('H-1', controls)], results: vitest, reports: 1, commit: SHA, when: 'now', ...extra });

  it('verified only when every linked test passed; failing over missing over skipped', () => {
    const r = record([
      { id: 'V', tests: ['test/dose.test.ts::units > *', { tag: 'H-004-C01' }], status: 'verified' },
      {
        id: 'F',
        tests: ['test/dose.test.ts::units > *', 'test/dose.test.ts::dose limits > warns*', 'test/nope.test.ts'],
        status: 'verified',
      },
      { id: 'M', tests: ['test/nope.test.ts', 'test/dose.test.ts::dose limits > uses*'] },
      { id: 'S', tests: ['test/dose.test.ts::dose limits > uses*'] },
      { id: 'N', status: 'verified' },
      { id: 'T', status: 'verified', type: 'test' },
      { id: 'P', status: 'planned', tests: ['test/dose.test.ts::dose limits > warns*'] },
    ]);
    expect(r.controls.map((c) => [c.control, c.state, c.unsupportedClaim])).toEqual([
      ['V', 'verified', false],
      ['F', 'failing', true],
      ['M', 'missing', false],
      ['S', 'skipped', false],
      ['N', 'no-tests-linked', false],
      ['T', 'no-tests-linked', true],
      ['P', 'failing', false],
    ]);
    expect(r.counts).toEqual({ verified: 1, failing: 2, missing: 1, skipped: 1, 'no-tests-linked': 2 });
    expect(r.unsupportedClaims).toBe(2);
    expect(needsAttention(r)).toBe(true);
  });

  it('counts a test reported twice by its worst outcome', () => {
    const twice = [...vitest, { ...vitest[3]!, outcome: 'failed' as const, report: 'windows.xml' }];
    const r = matchEvidence({
      hazards: [hazard('H-1', [{ id: 'C', tests: ['test/dose.test.ts::units > *'] }])],
      results: twice,
      reports: 2,
      commit: SHA,
      when: 'now',
    });
    expect(r.controls[0]!.tests[0]).toMatchObject({ state: 'failed', passed: 1, failed: 1 });
  });

  it('results from another commit are not evidence: every linked test is not found', () => {
    const r = record([{ id: 'C', tests: ['test/dose.test.ts::units > *'], status: 'verified' }], { resultsCommit: 'b'.repeat(40) });
    expect(r.controls[0]).toMatchObject({ state: 'missing', unsupportedClaim: true });
    expect(r.resultsCommit).toBe('b'.repeat(40));
    expect(r.notes[0]).toContain('they are not evidence for');
    const same = record([{ id: 'C', tests: ['test/dose.test.ts::units > *'] }], { resultsCommit: SHA.slice(0, 7) });
    expect(same.controls[0]!.state).toBe('verified');
  });

  it('needs no attention when every linked test passed; retired hazards are left out', () => {
    const r = matchEvidence({
      hazards: [
        hazard('H-1', [{ id: 'C', tests: ['test/dose.test.ts::units > *'], status: 'verified' }]),
        hazard('H-2', [{ id: 'X', tests: ['gone.ts'] }], 'retired'),
      ],
      results: vitest,
      reports: 1,
      commit: SHA,
      when: 'now',
    });
    expect(r.controls.map((c) => c.control)).toEqual(['C']);
    expect(needsAttention(r)).toBe(false);
    expect(outstandingTestIssues(r)).toEqual([]);
  });

  it('lists outstanding test issues: failing, skipped, missing tests and unsupported claims', () => {
    const r = record([
      { id: 'F', tests: ['test/dose.test.ts::dose limits > *'], status: 'verified' },
      { id: 'M', tests: ['test/nope.test.ts'] },
      { id: 'T', status: 'verified', type: 'test' },
    ]);
    expect(outstandingTestIssues(r).map((i) => [i.control, i.kind, i.test ?? null, i.detail])).toEqual([
      ['F', 'failing', 'test/dose.test.ts::dose limits > *', '1 of 3 test cases failed'],
      ['F', 'claimed verified without a passing result', null, 'status is verified, results are failing'],
      ['M', 'missing', 'test/nope.test.ts', `no result at ${SHA.slice(0, 12)}`],
      ['T', 'claimed verified without a passing result', null, 'status is verified, type is test, but no test is linked'],
    ]);
  });

  it('text and Markdown summaries carry every state and keep test names as text', () => {
    const hostile = [{ ...vitest[0]!, name: '| @team <!-- x --> **bold**', outcome: 'failed' as const, message: '@everyone' }];
    const r = matchEvidence({
      hazards: [hazard('H-1', [{ id: 'C', tests: [{ name: '|*' }], status: 'verified' }])],
      results: hostile,
      reports: 1,
      commit: SHA,
      when: '2026-11-29T10:00:00Z',
      where: 'https://github.com/o/r/actions/runs/1',
    });
    const md = evidenceMarkdown(r);
    expect(md).not.toContain('@team');
    expect(md).not.toContain('<!--');
    expect(md).toContain('status says verified; the results do not support it');
    expect(md).toContain('https://github.com/o/r/actions/runs/1');
    expect(evidenceText(r).join('\n')).toContain('CLAIMED VERIFIED WITHOUT A PASSING RESULT');
  });
});

describe('link syntax', () => {
  it('parses shorthand and objects', () => {
    expect(parseTestLink('test/a.test.ts')).toEqual({ file: 'test/a.test.ts' });
    expect(parseTestLink('test/a.test.ts::a > b *')).toEqual({ file: 'test/a.test.ts', name: 'a > b *' });
    expect(parseTestLink({ tag: 'H-1-C1' })).toEqual({ tag: 'H-1-C1' });
  });

  it('name patterns: * and ? are wildcards, everything else literal', () => {
    expect(namePattern('dose (H-004) > [x] *').test('dose (H-004) > [x] anything / at all')).toBe(true);
    expect(namePattern('a.b').test('axb')).toBe(false);
    expect(namePattern('a?c').test('abc')).toBe(true);
    expect(namePattern('a').test('ab')).toBe(false);
  });

  it('refuses links that name nothing, leave the repository, or bracket the tag', () => {
    expect(testLinkProblem({})).toBe('names no test: give a file, a name pattern or a tag');
    expect(testLinkProblem('../x.test.ts')).toMatch(/inside the repository/);
    expect(testLinkProblem('/abs/x.test.ts')).toMatch(/inside the repository/);
    expect(testLinkProblem('https://ci.example/x')).toMatch(/inside the repository/);
    expect(testLinkProblem({ tag: '[H-1]' })).toMatch(/without brackets/);
    expect(testLinkProblem('test/a.test.ts::x')).toBeUndefined();
  });

  it('sameCommit accepts abbreviations of at least 7 hex digits', () => {
    expect(sameCommit('abcdef1', 'abcdef1234')).toBe(true);
    expect(sameCommit('abc', 'abcdef1234')).toBe(false);
    expect(sameCommit('abcdef2', 'abcdef1234')).toBe(false);
  });

  it('builds the run URL only from well-formed GitHub variables', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' };
    expect(runUrlFromEnv(env)).toBe('https://github.com/o/r/actions/runs/42');
    expect(runUrlFromEnv({ ...env, GITHUB_RUN_ATTEMPT: '2' })).toBe('https://github.com/o/r/actions/runs/42/attempts/2');
    expect(runUrlFromEnv({ ...env, GITHUB_REPOSITORY: 'o/r) [x](javascript:' })).toBeUndefined();
    expect(runUrlFromEnv({})).toBeUndefined();
  });
});
