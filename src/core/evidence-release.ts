/**
 * Test evidence at a release (issue 15), pure: what the documents and the sign-off may say about
 * each control's linked tests at the release commit. The safety folder at the release commit
 * decides which tests a control links; a record's result counts only for the same links at the
 * same commit. No record, or one for another commit, means every linked test did not run here.
 */
import {
  matchEvidence,
  outstandingTestIssues,
  sameCommit,
  linkLabel,
  type ControlEvidence,
  type EvidenceHazard,
  type EvidenceRecord,
  type TestIssue,
  VERIFICATION_STATES,
} from './evidence.js';

/** What a front door found: a record, or why there is none. */
export type EvidenceSource = { record: EvidenceRecord } | { missing: string };

/** The evidence at a release: always a record (with no reports when nothing was found), plus whether results were found. */
export interface ReleaseEvidence {
  record: EvidenceRecord;
  /** True when test results for the release commit were found. */
  found: boolean;
}

export const NO_EVIDENCE =
  'No test results were found for this release commit (record them in CI with the clinsafe Action, mode: evidence, or give clinsafe report --junit or --evidence).';

/** The evidence for `commit`: the record's results for the links the folder at `commit` states; everything else is not run. */
export function evidenceAtRelease(hazards: readonly EvidenceHazard[], commit: string, source: EvidenceSource | undefined): ReleaseEvidence {
  const base = matchEvidence({ hazards, results: [], reports: 0, commit, when: '' });
  const none = (why: string): ReleaseEvidence => ({ record: { ...base, notes: [why] }, found: false });
  if (!source) return none(NO_EVIDENCE);
  if ('missing' in source) return none(source.missing);
  const r = source.record;
  if (!sameCommit(r.commit, commit) || r.resultsCommit)
    return none(
      `The test results found are for commit ${r.resultsCommit ?? r.commit}, not the release commit ${commit}: they are not evidence for this release.`,
    );
  const byControl = new Map(r.controls.map((c) => [`${c.hazard}\0${c.control}`, c]));
  const hazardById = new Map<string, (typeof hazards)[number]>();
  for (const h of hazards) if (!hazardById.has(h.id)) hazardById.set(h.id, h);
  const controls = base.controls.map((c): ControlEvidence => {
    const recorded = byControl.get(`${c.hazard}\0${c.control}`);
    const linked = (hazardById.get(c.hazard)?.controls.find((x) => x.id === c.control)?.tests ?? []).map(linkLabel);
    // The folder at the release commit says which tests count; a record's other links are ignored.
    const tests = linked.map((label) => recorded?.tests.find((t) => t.label === label) ?? c.tests.find((t) => t.label === label)!);
    const state = tests.length === 0 ? 'no-tests-linked' : stateOf(tests);
    const unsupportedClaim = c.status === 'verified' && (state === 'no-tests-linked' ? c.type === 'test' : state !== 'verified');
    return { ...c, tests, state, unsupportedClaim };
  });
  const counts = Object.fromEntries(
    VERIFICATION_STATES.map((s) => [s, controls.filter((c) => c.state === s).length]),
  ) as EvidenceRecord['counts'];
  return {
    found: true,
    record: {
      ...r,
      controls,
      counts,
      unsupportedClaims: controls.filter((c) => c.unsupportedClaim).length,
      notes: r.notes,
    },
  };
}

function stateOf(tests: ControlEvidence['tests']): ControlEvidence['state'] {
  if (tests.some((t) => t.state === 'failed')) return 'failing';
  if (tests.some((t) => t.state === 'not-found')) return 'missing';
  if (tests.some((t) => t.state === 'skipped')) return 'skipped';
  return 'verified';
}

const ACCEPT_TEST_ISSUES = /\baccepts?\s+(?:the\s+)?outstanding\s+test\s+issues\b/i;

/** Whether a CSO's sign-off statement explicitly accepts the outstanding test issues. */
export function acceptsTestIssues(statement: string | undefined): boolean {
  return Boolean(statement && ACCEPT_TEST_ISSUES.test(statement));
}

/** The phrase a CSO writes in the sign-off statement to accept them. */
export const ACCEPT_TEST_ISSUES_PHRASE = 'I accept the outstanding test issues';

export interface TestIssueFinding extends TestIssue {
  severity: 'blocks' | 'flags';
  message: string;
}

/** The outstanding test issues as sign-off findings: each blocks until the statement accepts them, then is flagged. */
export function testIssueFindings(e: ReleaseEvidence, statement?: string): TestIssueFinding[] {
  const accepted = acceptsTestIssues(statement);
  return outstandingTestIssues(e.record).map((i) => ({
    ...i,
    severity: accepted ? 'flags' : 'blocks',
    message: `${i.control}: ${i.test ? `linked test ${i.test} — ` : ''}${i.kind} (${i.detail})${accepted ? "; accepted in the CSO's sign-off statement" : `; the sign-off statement must accept it ("${ACCEPT_TEST_ISSUES_PHRASE}")`}`,
  }));
}

/** Sign-off blockers (plain sentences) for a statement: one sentence while test issues remain unaccepted, none once accepted. */
export function testIssueBlockers(e: ReleaseEvidence, statement?: string): string[] {
  const open = testIssueFindings(e, statement).filter((f) => f.severity === 'blocks');
  if (open.length === 0) return [];
  const controls = [...new Set(open.map((f) => f.control))];
  return [
    `${open.length} outstanding test issue${open.length === 1 ? '' : 's'} at ${e.record.commit.slice(0, 12)} (failing, skipped or missing linked tests, or controls claimed verified without a passing result: ${controls.join(', ')}); the sign-off statement must accept them explicitly ("${ACCEPT_TEST_ISSUES_PHRASE}")`,
  ];
}

/** One control's linked tests and results at the release commit, as plain text (hazard log spreadsheet cell). */
type RecordControl = ReleaseEvidence['record']['controls'][number];
/** Each record's controls by hazard and control id, built once: a lookup per cell stays O(1) on a 5,000-control log. */
const controlIndex = new WeakMap<ReleaseEvidence['record'], Map<string, RecordControl>>();
export function recordControl(e: ReleaseEvidence, hazard: string, control: string): RecordControl | undefined {
  let index = controlIndex.get(e.record);
  if (!index) {
    index = new Map();
    for (const x of e.record.controls) if (!index.has(`${x.hazard}\0${x.control}`)) index.set(`${x.hazard}\0${x.control}`, x);
    controlIndex.set(e.record, index);
  }
  return index.get(`${hazard}\0${control}`);
}

export function controlResultText(e: ReleaseEvidence, hazard: string, control: string): string {
  const c = recordControl(e, hazard, control);
  if (!c) return '';
  const claim = c.unsupportedClaim ? ' STATUS SAYS VERIFIED; THE TEST RESULTS AT THE RELEASE COMMIT DO NOT SUPPORT IT.' : '';
  if (c.tests.length === 0) return `no tests linked.${claim}`.trim();
  const tests = c.tests
    .map(
      (t) =>
        `${t.label}: ${t.state === 'not-found' ? 'no result' : `${t.state} (${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped)`}`,
    )
    .join('\n');
  return `${c.state} at ${e.record.commit.slice(0, 12)}.${claim}\n${tests}`;
}
