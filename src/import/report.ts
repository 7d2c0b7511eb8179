/**
 * The import report as a Markdown record for the clinical risk management file: what was read,
 * what was written, and every normalisation, ambiguity and risk disagreement with its cells.
 * Built as an mdast tree; sheet text only ever enters as text nodes.
 */
import type { RootContent } from 'mdast';
import { heading, inlineCode, list, paragraph, root, serialize, table } from '../core/markdown.js';
import type { WorkbookProvenance } from '../core/provenance.js';
import type { Finding, ImportResult } from './types.js';

const SECTIONS: [Finding['kind'], string, string][] = [
  ['unplaced', 'Could not be placed', 'Nothing was written while any of these remained.'],
  [
    'risk-disagreement',
    'Risk ratings that disagree with the declared scheme',
    'Kept for the CSO to decide; never corrected. Each affected hazard is marked draft and carries the figure in its comments.',
  ],
  ['ambiguity', 'Ambiguities', 'Placed as described; the CSO should check each against the sheet.'],
  ['normalised', 'Normalisations', 'Mechanical corrections, each at the cells listed.'],
];

export function importReportMarkdown(result: ImportResult, source: string, files: readonly string[]): string {
  const children: RootContent[] = [
    heading(1, 'Import of ', inlineCode(source)),
    paragraph(
      `Hazard log read from sheet "${result.sheet}" (header row ${result.headerRow}) by clinsafe import. Controls owned by "${result.manufacturer}" are the manufacturer's; controls owned by anyone else are transferred.`,
    ),
    table(
      ['', 'read from the sheet', 'written to the folder'],
      [
        ['hazards', String(result.read.hazards), String(result.written.hazards)],
        ['causes', String(result.read.causes), String(result.written.causes)],
        ['controls', String(result.read.controls), String(result.written.controls)],
      ],
    ),
    paragraph(`${result.read.rows} data rows read; ${result.read.blankRows} blank rows skipped.`),
  ];
  const m = result.workbookMatrix;
  if (m)
    children.push(
      paragraph(
        `The workbook's own risk matrix (${m.sheet} ${m.range}, ${m.compared} ratings) ${m.agrees ? 'matches' : 'differs from'} the declared scheme.`,
      ),
    );
  if (result.provenance) children.push(...provenanceSection(result.provenance));
  for (const [kind, title, note] of SECTIONS) {
    const fs = result.findings.filter((f) => f.kind === kind);
    if (fs.length === 0) continue;
    children.push(
      heading(2, title),
      paragraph(note),
      table(
        ['finding', 'cells'],
        fs.map((f) => [f.message, f.cells.join(', ')]),
      ),
    );
  }
  if (files.length) children.push(heading(2, 'Files written'), list(files.map((f) => [inlineCode(f)])));
  return serialize(root(children));
}

/** One sentence: what the workbook's cover page and version history hold. */
export function provenanceSummary(p: WorkbookProvenance): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const status = p.cover.find((c) => /^(document )?status$/i.test(c.label));
  return `The workbook's cover page and version history${status ? ` (status: ${status.value})` : ''}: ${n(p.cover.length, 'cover field')}, ${n(p.versions.length, 'version')}, ${n(p.reviewers.length, 'reviewer')}, ${n(p.approvals.length, 'approval')}.`;
}

function provenanceSection(p: WorkbookProvenance): RootContent[] {
  const out: RootContent[] = [
    heading(2, 'Cover page and version history'),
    paragraph(`${provenanceSummary(p)} Carried into provenance.yml as the workbook states them, each with its cell.`),
  ];
  if (p.title) out.push(paragraph(`Title: ${p.title}`));
  if (p.cover.length)
    out.push(
      table(
        ['cover', 'value', 'cell'],
        p.cover.map((c) => [c.label, c.value, c.cell]),
      ),
    );
  if (p.versions.length)
    out.push(
      table(
        ['version', 'amendment', 'cell'],
        p.versions.map((v) => [v.version, v.summary.replace(/\s+/g, ' '), v.cell]),
      ),
    );
  const people = [...p.approvals.map((a) => ['approved', a] as const), ...p.reviewers.map((r) => ['reviewed', r] as const)];
  if (people.length)
    out.push(
      table(
        ['', 'name', 'role', 'date', 'version', 'cell'],
        people.map(([what, x]) => [what, x.name, x.role ?? '', x.date ?? '', x.version ?? '', x.cell]),
      ),
    );
  return out;
}
