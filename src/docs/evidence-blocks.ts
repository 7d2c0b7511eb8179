/**
 * Document blocks for test evidence at the release commit (issue 15): the test summary (counts,
 * when and where the tests ran), each control's linked tests and results, the outstanding test
 * issues, and the cell the safety-requirements table shows per control. A control whose status
 * says verified without a passing result at the release commit is flagged wherever it appears.
 * Repository and test-report text only ever enters as text nodes.
 */
import type { PhrasingContent, RootContent } from 'mdast';
import type { ControlEvidence, LinkResult } from '../core/evidence.js';
import {
  ACCEPT_TEST_ISSUES_PHRASE,
  acceptsTestIssues,
  recordControl,
  testIssueFindings,
  type ReleaseEvidence,
} from '../core/evidence-release.js';
import { inlineCode, link, paragraph, strong, text } from '../core/markdown.js';
import { grid, oneLine, type Cell } from './mdast.js';

interface Ctx {
  release: { commit: string };
  evidence?: ReleaseEvidence;
  signOff?: { state: string; statement?: string };
}

const STATE_TEXT: Record<ControlEvidence['state'], string> = {
  verified: 'verified at the release commit: every linked test passed',
  failing: 'failing: a linked test failed at the release commit',
  missing: 'not verified: a linked test has no result at the release commit',
  skipped: 'not verified: a linked test was skipped at the release commit',
  'no-tests-linked': 'no tests linked',
};

const LINK_TEXT: Record<LinkResult['state'], string> = { passed: 'passed', failed: 'failed', skipped: 'skipped', 'not-found': 'no result' };

export const UNSUPPORTED = 'Status says verified; the test results at the release commit do not support it';

function counts(t: LinkResult): string {
  if (t.state === 'not-found') return 'no result';
  return [`${t.passed} passed`, t.failed ? `${t.failed} failed` : '', t.skipped ? `${t.skipped} skipped` : ''].filter(Boolean).join(', ');
}

function stateCell(c: ControlEvidence): PhrasingContent[] {
  const out: PhrasingContent[] = [
    c.state === 'verified' || c.state === 'no-tests-linked' ? text(STATE_TEXT[c.state]) : strong(STATE_TEXT[c.state]),
  ];
  if (c.unsupportedClaim) out.push(text('. '), strong(`${UNSUPPORTED}.`));
  return out;
}

function testsCell(c: ControlEvidence): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  c.tests.forEach((t, i) => {
    if (i) out.push(text('; '));
    out.push(inlineCode(oneLine(t.label)), text(t.state === 'not-found' ? ': no result' : `: ${LINK_TEXT[t.state]} (${counts(t)})`));
  });
  return out.length ? out : [text('none')];
}

/** The evidence of one control, for the safety-requirements table ("Test results at release"). */
export function controlTestCell(ctx: Ctx, hazard: string, control: string): Cell {
  const c = ctx.evidence ? recordControl(ctx.evidence, hazard, control) : undefined;
  if (!c || c.state === 'no-tests-linked') return c?.unsupportedClaim ? [strong(`No tests linked. ${UNSUPPORTED}.`)] : 'no tests linked';
  return [...stateCell(c), text(' — '), ...testsCell(c)];
}

/** When and where the tests ran, and the counts by state. */
export function testSummaryBlock(ctx: Ctx): RootContent[] {
  const e = ctx.evidence;
  if (!e) return [];
  const r = e.record;
  const out: RootContent[] = [];
  if (!e.found) {
    out.push(paragraph(strong('No test results at the release commit. '), text(r.notes.join(' '))));
    out.push(
      paragraph(
        'Controls that link tests are therefore not verified by test results in this release: each linked test is listed below as having no result.',
      ),
    );
  } else {
    const where: PhrasingContent[] = [
      text('Test results at the release commit '),
      inlineCode(r.commit),
      text(`: ${r.reports} JUnit report(s), ${r.testCases} test case(s), recorded ${r.when}`),
    ];
    if (r.ranAt) where.push(text(` (tests started ${r.ranAt})`));
    if (r.where) where.push(text(', in CI run '), link(r.where, r.where));
    where.push(text('.'));
    out.push(paragraph(...where));
    for (const n of r.notes) out.push(paragraph(strong('Note: '), text(n)));
  }
  const c = r.counts;
  out.push(
    paragraph(
      `Controls by verification state at the release commit: ${c.verified} verified, ${c.failing} failing, ${c.missing} with a linked test that has no result, ${c.skipped} with a skipped linked test, ${c['no-tests-linked']} with no tests linked; ${r.unsupportedClaims} claimed verified without a passing result.`,
    ),
  );
  const rows = r.controls.filter((x) => x.tests.length > 0 || x.unsupportedClaim);
  if (rows.length)
    out.push(
      grid(
        ['Hazard', 'Control', 'Status', 'Verification at the release commit', 'Linked tests and results'],
        rows.map((x) => [x.hazard, x.control, x.status, stateCell(x), testsCell(x)]),
      ),
    );
  return out;
}

/** Outstanding test issues: failing, skipped and missing linked tests, and unsupported verification claims. */
export function testIssuesBlock(ctx: Ctx): RootContent[] {
  if (!ctx.evidence) return [];
  const statement = ctx.signOff?.state === 'approved' ? ctx.signOff.statement : undefined;
  const issues = testIssueFindings(ctx.evidence, statement);
  if (issues.length === 0)
    return [
      paragraph(
        'No linked test failed, was skipped or had no result at the release commit, and no control claims a verification the results do not support.',
      ),
    ];
  return [
    paragraph(
      `${issues.length} outstanding test issue${issues.length === 1 ? '' : 's'} at the release commit. `,
      acceptsTestIssues(statement)
        ? text('The Clinical Safety Officer’s sign-off statement accepts them explicitly.')
        : strong(`A sign-off must accept them explicitly: the CSO’s statement must say “${ACCEPT_TEST_ISSUES_PHRASE}”.`),
    ),
    grid(
      ['Hazard', 'Control', 'Linked test', 'Issue', 'Detail'],
      issues.map((i) => [i.hazard, i.control, i.test ? inlineCode(oneLine(i.test)) : '', i.kind, i.detail]),
    ),
  ];
}

/** The requirements table's verification cell: the evidence files, then the test results at the release commit. */
export function verificationCell(evidence: Cell, tests: Cell): Cell {
  const nodes = (c: Cell): PhrasingContent[] => (typeof c === 'string' ? [text(c)] : Array.isArray(c) ? c : [c]);
  return [...nodes(evidence), text('. Tests at release: '), ...nodes(tests)];
}
