/**
 * The import report as a Markdown record for the clinical risk management file: what was read,
 * what was written, and every normalisation, ambiguity and risk disagreement with its cells.
 * Built as an mdast tree; sheet text only ever enters as text nodes.
 */
import type { RootContent } from 'mdast';
import { heading, inlineCode, list, paragraph, root, serialize, table } from '../core/markdown.js';
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
