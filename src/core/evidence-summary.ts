/**
 * The evidence record (core/evidence.ts) as words: a Markdown summary (CLI --format markdown, the
 * Action's job summary) and plain text lines (CLI). Repository text is always a text node.
 */
import type { PhrasingContent, RootContent, Table, TableCell, TableRow } from 'mdast';
import type { ControlEvidence, EvidenceRecord, LinkState, VerificationState } from './evidence.js';
import { heading, inlineCode, link, list, paragraph, root, serialize, strong, text } from './markdown.js';

/** What each state means, in the words every output uses. */
export const STATE_WORDS: Record<VerificationState, string> = {
  verified: 'verified: every linked test passed',
  failing: 'failing: a linked test failed',
  missing: 'missing: a linked test has no result',
  skipped: 'skipped: a linked test was skipped',
  'no-tests-linked': 'no tests linked',
};

export const LINK_WORDS: Record<LinkState, string> = {
  passed: 'passed',
  failed: 'FAILED',
  skipped: 'skipped',
  'not-found': 'not found',
};

const MAX_ROWS = 500;

/** One line, control characters shown visibly: user text never breaks a table row or a list item. */
function oneLine(s: string): string {
  return s
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function countsLine(r: EvidenceRecord): string {
  const c = r.counts;
  return `${c.verified} verified, ${c.failing} failing, ${c.missing} missing, ${c.skipped} skipped, ${c['no-tests-linked']} with no tests linked; ${r.unsupportedClaims} claimed verified without a passing result`;
}

function linkCounts(t: ControlEvidence['tests'][number]): string {
  if (t.state === 'not-found') return 'no result';
  return [`${t.passed} passed`, t.failed ? `${t.failed} failed` : '', t.skipped ? `${t.skipped} skipped` : ''].filter(Boolean).join(', ');
}

/** Plain text for the terminal: one block per control that links tests or claims too much. */
export function evidenceText(r: EvidenceRecord): string[] {
  const lines: string[] = [];
  lines.push(
    `evidence at ${r.commit.slice(0, 12)}: ${r.reports} JUnit report(s), ${r.testCases} test case(s)${r.where ? `, ran at ${r.where}` : ''}`,
  );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const c of r.controls) {
    if (c.tests.length === 0 && !c.unsupportedClaim) continue;
    const mark = c.state === 'verified' ? '✓' : c.state === 'no-tests-linked' ? '·' : '✗';
    lines.push(
      `${mark} ${c.hazard} ${c.control} (${c.status}) — ${STATE_WORDS[c.state]}${c.unsupportedClaim ? ' — CLAIMED VERIFIED WITHOUT A PASSING RESULT' : ''}`,
    );
    for (const t of c.tests) {
      lines.push(`    ${LINK_WORDS[t.state].padEnd(9)} ${t.label}  (${linkCounts(t)})`);
      for (const k of t.cases.filter((x) => x.outcome !== 'passed').slice(0, 5))
        lines.push(`              ${k.outcome}: ${k.name}${k.message ? ` — ${k.message}` : ''}`);
    }
  }
  lines.push(`controls: ${countsLine(r)}`);
  return lines.map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?'));
}

function stateCell(c: ControlEvidence): PhrasingContent[] {
  const out: PhrasingContent[] = [c.state === 'verified' ? text(c.state) : strong(c.state)];
  if (c.unsupportedClaim) out.push(text(' — '), strong('status says verified; the results do not support it'));
  return out;
}

function testsCell(c: ControlEvidence): PhrasingContent[] {
  if (c.tests.length === 0) return [text('none')];
  const out: PhrasingContent[] = [];
  c.tests.forEach((t, i) => {
    if (i) out.push(text('; '));
    out.push(inlineCode(oneLine(t.label)), text(`: ${LINK_WORDS[t.state]} (${linkCounts(t)})`));
  });
  return out;
}

/** The Markdown summary: counts, then one row per control that links tests or claims too much. */
export function evidenceMarkdownTree(r: EvidenceRecord, title = 'Verification evidence'): RootContent[] {
  const out: RootContent[] = [heading(2, title)];
  const where: PhrasingContent[] = [text(`Test results at commit `), inlineCode(r.commit), text(`, recorded ${r.when}`)];
  if (r.where) where.push(text(', run '), link(r.where, r.where));
  where.push(text(`: ${r.reports} JUnit report(s), ${r.testCases} test case(s).`));
  out.push(paragraph(...where));
  for (const n of r.notes) out.push(paragraph(strong('Note: '), text(n)));
  out.push(paragraph(text(`Controls: ${countsLine(r)}.`)));
  const rows = r.controls.filter((c) => c.tests.length > 0 || c.unsupportedClaim);
  if (rows.length === 0) {
    out.push(paragraph('No control links a test yet (see docs/evidence.md).'));
    return out;
  }
  out.push(
    richTable(
      ['Hazard', 'Control', 'Status', 'Verification state', 'Linked tests'],
      rows.slice(0, MAX_ROWS).map((c) => [[text(c.hazard)], [text(c.control)], [text(c.status)], stateCell(c), testsCell(c)]),
    ),
  );
  if (rows.length > MAX_ROWS) out.push(paragraph(`… and ${rows.length - MAX_ROWS} more controls (see the JSON record).`));
  const bad = rows.flatMap((c) => c.tests.flatMap((t) => t.cases.filter((k) => k.outcome !== 'passed').map((k) => ({ c, k }))));
  if (bad.length) {
    out.push(heading(3, 'Failed and skipped test cases'));
    out.push(
      list(
        bad
          .slice(0, 50)
          .map(({ c, k }) => [
            text(`${c.hazard} ${c.control} — ${k.outcome}: ${oneLine(k.name)}${k.message ? ` — ${oneLine(k.message)}` : ''}`),
          ]),
      ),
    );
  }
  return out;
}

/** A table whose cells hold several phrasing nodes (markdown.ts `table` takes one per cell). */
function richTable(header: string[], rows: PhrasingContent[][][]): Table {
  return {
    type: 'table',
    align: header.map(() => null),
    children: [header.map((h) => [text(h)]), ...rows].map((cells): TableRow => ({
      type: 'tableRow',
      children: cells.map((children): TableCell => ({ type: 'tableCell', children })),
    })),
  };
}

export function evidenceMarkdown(r: EvidenceRecord): string {
  return serialize(root(evidenceMarkdownTree(r)));
}
