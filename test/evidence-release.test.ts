/**
 * Evidence at a release (issue 15): the documents' wording for every state, the sign-off that must
 * accept outstanding test issues, and the App reading the CI artifact through a loopback GitHub.
 */
import { Octokit } from '@octokit/rest';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readJUnitFiles } from '../src/adapters/junit.js';
import { withEvidence, type Scope } from '../src/app/release-sign-off.js';
import { matchEvidence, type EvidenceHazard, type TestCaseResult } from '../src/core/evidence.js';
import { controlResultText, evidenceAtRelease, NO_EVIDENCE, testIssueBlockers } from '../src/core/evidence-release.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { root, serialize } from '../src/core/markdown.js';
import { deriveDecision } from '../src/core/sign-off-decision.js';
import { controlTestCell, testIssuesBlock, testSummaryBlock } from '../src/docs/evidence-blocks.js';
import { grid } from '../src/docs/mdast.js';
import type { GitHubClient } from '../src/github/client.js';
import { evidenceJson } from '../src/usecases/record-evidence.js';
import type { ReleaseFolder } from '../src/usecases/build-release.js';
import { mockActions, zipOf } from './helpers/mock-actions.js';
import { MockGitHub } from './helpers/mock-github.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const SHA = 'c'.repeat(40);
const hazards: EvidenceHazard[] = [
  {
    id: 'H-1',
    title: 'Dose',
    status: 'open',
    controls: [
      { id: 'V', description: 'v', type: 'design', status: 'verified', tests: ['t/a.test.ts::ok *'] },
      { id: 'F', description: 'f', type: 'design', status: 'verified', tests: ['t/a.test.ts::bad *'] },
      { id: 'M', description: 'm', type: 'design', status: 'implemented', tests: ['t/missing.test.ts'] },
      { id: 'S', description: 's', type: 'design', status: 'verified', tests: ['t/a.test.ts::later *'] },
      { id: 'N', description: 'n', type: 'training', status: 'verified' },
      { id: 'T', description: 't', type: 'test', status: 'verified' },
    ],
  },
];
const result = (name: string, outcome: TestCaseResult['outcome']): TestCaseResult => ({
  report: 'r.xml',
  suite: 't/a.test.ts',
  classname: 't/a.test.ts',
  name,
  file: 't/a.test.ts',
  outcome,
});
const record = (commit = SHA) =>
  matchEvidence({
    hazards,
    results: [result('ok one', 'passed'), result('bad one', 'failed'), result('later one', 'skipped')],
    reports: 1,
    commit,
    when: '2026-11-20T08:55:00Z',
    where: 'https://github.com/o/r/actions/runs/9',
  });
const md = (nodes: Parameters<typeof root>[0]) => serialize(root(nodes));

describe('the documents say, for every state, what the results at the release commit support', () => {
  it('verified, failing, missing, skipped, no tests linked, and unsupported claims', () => {
    const e = evidenceAtRelease(hazards, SHA, { record: record() });
    const ctx = { release: { commit: SHA }, evidence: e };
    const cells = ['V', 'F', 'M', 'S', 'N', 'T'].map((c) => [c, controlTestCell(ctx, 'H-1', c)]);
    const table = md([grid(['Control', 'Test results at release'], cells as [string, string][])]);
    expect(table).toContain(
      '| V       | verified at the release commit: every linked test passed — `t/a.test.ts::ok *`: passed (1 passed)',
    );
    expect(table).toContain(
      '| F       | **failing: a linked test failed at the release commit**. **Status says verified; the test results at the release commit do not support it.** — `t/a.test.ts::bad *`: failed (0 passed, 1 failed)',
    );
    expect(table).toContain(
      '| M       | **not verified: a linked test has no result at the release commit** — `t/missing.test.ts`: no result',
    );
    expect(table).toContain('| S       | **not verified: a linked test was skipped at the release commit**. **Status says verified;');
    expect(table).toContain('| N       | no tests linked ');
    expect(table).toContain(
      '| T       | **No tests linked. Status says verified; the test results at the release commit do not support it.**',
    );
    const summary = md(testSummaryBlock(ctx));
    expect(summary).toContain('in CI run <https://github.com/o/r/actions/runs/9>');
    expect(summary).toContain(
      'Controls by verification state at the release commit: 1 verified, 1 failing, 1 with a linked test that has no result, 1 with a skipped linked test, 2 with no tests linked; 3 claimed verified without a passing result.',
    );
    const issues = md(testIssuesBlock(ctx));
    expect(issues).toContain('6 outstanding test issues at the release commit. **A sign-off must accept them explicitly');
    const accepted = md(
      testIssuesBlock({ ...ctx, signOff: { state: 'approved', statement: 'Fine. I accept the outstanding test issues.' } }),
    );
    expect(accepted).toContain('The Clinical Safety Officer’s sign-off statement accepts them explicitly.');
  });

  it('the hazard log spreadsheet carries each control’s results at the release commit, flagged the same way', () => {
    const e = evidenceAtRelease(hazards, SHA, { record: record() });
    expect(controlResultText(e, 'H-1', 'F')).toBe(
      `failing at ${SHA.slice(0, 12)}. STATUS SAYS VERIFIED; THE TEST RESULTS AT THE RELEASE COMMIT DO NOT SUPPORT IT.\nt/a.test.ts::bad *: failed (0 passed, 1 failed, 0 skipped)`,
    );
    expect(controlResultText(e, 'H-1', 'M')).toBe(`missing at ${SHA.slice(0, 12)}.\nt/missing.test.ts: no result`);
    expect(controlResultText(e, 'H-1', 'N')).toBe('no tests linked.');
  });

  it('results for another commit, or none, are not evidence: the documents say so', () => {
    const other = evidenceAtRelease(hazards, SHA, { record: record('d'.repeat(40)) });
    expect(other.found).toBe(false);
    expect(md(testSummaryBlock({ release: { commit: SHA }, evidence: other }))).toContain(
      `**No test results at the release commit.** The test results found are for commit ${'d'.repeat(40)}, not the release commit ${SHA}: they are not evidence for this release.`,
    );
    expect(other.record.counts).toMatchObject({ verified: 0, missing: 4 });
    const none = evidenceAtRelease(hazards, SHA, undefined);
    expect(none.record.notes).toEqual([NO_EVIDENCE]);
  });

  it('the folder at the release commit decides which tests count: a record cannot drop a linked test', () => {
    const r = record();
    const doctored = { ...r, controls: r.controls.map((c) => (c.control === 'F' ? { ...c, tests: [], state: 'verified' as const } : c)) };
    const e = evidenceAtRelease(hazards, SHA, { record: doctored });
    expect(e.record.controls.find((c) => c.control === 'F')).toMatchObject({ state: 'missing', unsupportedClaim: true });
  });
});

describe('a sign-off must accept outstanding test issues explicitly', () => {
  const e = evidenceAtRelease(hazards, SHA, { record: record() });
  const cso = { github: 'dr-a', name: 'Dr A', profession: 'Pharmacist', registration: 'GPhC 1' };
  const decide = (body: string) =>
    deriveDecision({
      comments: [{ id: 1, login: 'dr-a', userType: 'User', body, createdAt: '2026-11-21T10:00:00Z' }],
      roster: [cso],
      product: 'MedRec',
      tag: 'v1',
      notBefore: '2026-11-20T00:00:00Z',
      blockers: [],
      blockersFor: (statement) => testIssueBlockers(e, statement),
    });

  it('refuses a sign-off whose statement does not accept them, naming them', () => {
    const d = decide('/clinsafe sign-off');
    expect(d.current).toBeUndefined();
    expect(d.outcomes[0]!.outcome).toEqual({
      kind: 'refused',
      reason: `the safety case has clinical blockers: 6 outstanding test issues at ${SHA.slice(0, 12)} (failing, skipped or missing linked tests, or controls claimed verified without a passing result: F, M, S, T); the sign-off statement must accept them explicitly ("I accept the outstanding test issues")`,
    });
  });

  it('approves when the statement accepts them', () => {
    const d = decide('/clinsafe sign-off Acceptable for release. I accept the outstanding test issues.');
    expect(d.current?.signOff.state).toBe('approved');
  });
});

describe('the App reads the evidence artifact of the release commit', () => {
  let gh: MockGitHub;
  let scope: Scope;
  let at: ReleaseFolder;
  let folder: SafetyFolder;

  beforeEach(async () => {
    gh = new MockGitHub();
    await gh.start();
    const client = new Octokit({ baseUrl: gh.baseUrl, auth: 't', request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
    scope = { client, repo: { owner: gh.owner, repo: gh.repo } } as unknown as Scope;
    const snapshot = snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'));
    const loaded = loadFolder(snapshot);
    folder = loaded.folder!;
    at = { commit: { sha: SHA, date: '2026-11-20T09:00:00Z' }, snapshot, loaded } as unknown as ReleaseFolder;
  });
  afterEach(async () => gh.stop());

  it('finds the MedRec record through workflow runs → artifacts → zip, and the sign-off blockers follow it', async () => {
    const medrec = matchEvidence({
      hazards: folder.hazards,
      results: readJUnitFiles([{ path: join(EXAMPLE_PRODUCT, 'reports/junit/vitest.xml'), label: 'vitest.xml' }])[0]!.cases,
      reports: 1,
      commit: SHA,
      when: '2026-11-20T08:55:00Z',
    });
    const zip = await zipOf({ 'evidence.json': JSON.stringify(evidenceJson(medrec)) });
    mockActions(gh, [{ id: 5, head_sha: SHA, artifacts: [{ id: 50, name: `clinsafe-evidence-${SHA}`, zip }] }]);
    const withIt = await withEvidence(scope, at);
    expect(withIt.evidence && 'record' in withIt.evidence && withIt.evidence.record.counts).toMatchObject({
      verified: 4,
      failing: 2,
      missing: 1,
    });
    const e = evidenceAtRelease(folder.hazards, SHA, withIt.evidence);
    expect(testIssueBlockers(e, undefined)[0]).toMatch(/^6 outstanding test issues/);
  });

  it('no run, or an API failure, is no evidence — said plainly, never a pass', async () => {
    expect((await withEvidence(scope, at)).evidence).toEqual({ missing: NO_EVIDENCE });
    gh.on('GET', `/repos/${gh.owner}/${gh.repo}/actions/runs`, () => ({ status: 500, body: { message: 'boom' } }));
    const failed = await withEvidence(scope, at);
    expect(failed.evidence).toMatchObject({ missing: expect.stringContaining('could not be read: GitHub') });
  });
});
