/**
 * The gate comment's section on test results at the head commit (issue 15): for each control of
 * the impacted hazards that links tests, whether its tests failed, were skipped, were not found or
 * passed — or that no results are recorded for the head yet, or could not be read. Information for
 * the Clinical Safety Officer: the section never changes the gate's decision.
 */
import type { PhrasingContent, RootContent } from 'mdast';
import type { HeadControlEvidence, HeadEvidence, HeadLinkResult } from './head-evidence.js';
import { heading, inlineCode, link, list, paragraph, strong, table, text } from './markdown.js';
import { capped, oneLine, visible } from './gate-comment-phrases.js';

const MAX_CONTROLS = 30;
const MAX_TESTS = 30;

const STATE_WORDS: Record<HeadControlEvidence['state'], string> = {
  failing: '❌ failing',
  missing: '⚠️ tests not found',
  skipped: '⚠️ skipped',
  verified: '✅ all passed',
};

const LINK_WORDS = { failed: 'failing', skipped: 'skipped', 'not-found': 'not found (no result on this commit)', passed: 'passed' };

const short = (sha: string) => sha.slice(0, 7);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function controlIds(cs: readonly { control: string }[]): string {
  const shown = cs.slice(0, MAX_CONTROLS).map((c) => c.control);
  return `${shown.join(', ')}${cs.length > shown.length ? ` and ${cs.length - shown.length} more` : ''}`;
}

const NOT_A_DECISION =
  "This is information for the Clinical Safety Officer: it does not change this gate's decision, which rests on a CSO's approval.";

function resultsBlock(e: Extract<HeadEvidence, { kind: 'results' }>, compact: boolean): RootContent[] {
  const out: RootContent[] = [];
  const from: PhrasingContent[] = [text('From the test results the CI recorded for head commit '), inlineCode(short(e.headSha))];
  if (e.where) from.push(text(' ('), link(e.where, 'the run'), text(')'));
  from.push(text('. '), text(NOT_A_DECISION));
  out.push(paragraph(...from));
  const bad = e.controls.filter((c) => c.state !== 'verified');
  out.push(
    bad.length
      ? paragraph(
          strong(
            `${plural(bad.length, 'control')} of the impacted hazards ${bad.length === 1 ? 'has' : 'have'} failing, skipped or missing tests`,
          ),
          text(`: ${controlIds(bad)}.`),
        )
      : paragraph(
          text(`Every test linked from ${plural(e.controls.length, 'control')} of the impacted hazards passed on `),
          inlineCode(short(e.headSha)),
          text('.'),
        ),
  );
  const rows = e.controls
    .slice(0, MAX_CONTROLS)
    .map((c) => [
      text(c.control),
      text(c.hazard),
      text(STATE_WORDS[c.state]),
      text(String(c.counts.failed)),
      text(String(c.counts.skipped)),
      text(String(c.counts.notFound)),
      text(String(c.counts.passed)),
    ]);
  out.push(table(['Control', 'Hazard', 'Linked tests on the head commit', 'Failing', 'Skipped', 'Not found', 'Passed'], rows));
  if (e.controls.length > MAX_CONTROLS)
    out.push(paragraph(`… and ${e.controls.length - MAX_CONTROLS} more controls (run clinsafe evidence locally for the full list).`));
  if (!compact && bad.length) {
    const tests = bad.flatMap((c) => c.tests.filter((t) => t.state !== 'passed').map((t) => ({ c, t })));
    out.push(paragraph('Linked tests that did not pass:'));
    out.push(
      list(
        capped(tests, MAX_TESTS, ({ c, t }) => [
          text(`${c.control}: `),
          inlineCode(visible(oneLine(t.label))),
          text(` — ${LINK_WORDS[t.state]}${caseCounts(t)}`),
        ]),
      ),
    );
  }
  return out;
}

function caseCounts(t: HeadLinkResult): string {
  const total = t.passed + t.failed + t.skipped;
  const of = (n: number, what: string) => ` (${n} of ${plural(total, 'test case')} ${what})`;
  return t.state === 'failed' ? of(t.failed, 'failed') : t.state === 'skipped' ? of(t.skipped, 'skipped') : '';
}

/** The section, or nothing when no impacted control links a test. */
export function headEvidenceBlock(e: HeadEvidence | undefined, compact = false): RootContent[] {
  if (!e) return [];
  const out: RootContent[] = [heading(4, 'Test results on the head commit')];
  switch (e.kind) {
    case 'results':
      return [...out, ...resultsBlock(e, compact)];
    case 'absent':
      return [
        ...out,
        paragraph(strong('No test results recorded for head commit '), inlineCode(short(e.headSha)), strong(' yet.')),
        paragraph(
          text(
            `${plural(e.controls.length, 'control')} of the impacted hazards ${e.controls.length === 1 ? 'links' : 'link'} tests (${controlIds(e.controls)}). When the product's CI records them (the clinsafe Action, mode: evidence, uploading the artifact `,
          ),
          inlineCode(`clinsafe-evidence-${e.headSha}`),
          text('), this comment is updated. '),
          text(NOT_A_DECISION),
        ),
      ];
    case 'unreadable':
      return [
        ...out,
        paragraph(strong('Could not read test results: '), text(`${oneLine(e.problem).replace(/[.\s]+$/, '')}.`)),
        paragraph(
          text(
            `Nothing is known about the tests linked from ${plural(e.controls.length, 'control')} of the impacted hazards (${controlIds(e.controls)}) on head commit `,
          ),
          inlineCode(short(e.headSha)),
          text(`: read this as no results, not as passing. ${NOT_A_DECISION}`),
        ),
      ];
  }
}
