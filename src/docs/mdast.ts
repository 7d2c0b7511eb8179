/** mdast helpers for the documents, on top of the shared builders in core/markdown.ts. */
import type { Paragraph, PhrasingContent, Table, TableCell, TableRow } from 'mdast';
import { emphasis, inlineCode, link, paragraph, text } from '../core/markdown.js';
import { isUrl } from '../core/folder.js';
import { isRecordOnlyEvidence } from '../core/imported-evidence.js';

export type Cell = string | PhrasingContent | PhrasingContent[];

/** Whitespace that `oneLine` changes: any but a single space between words. */
const NOT_ONE_LINE = /[^\S ]| {2}|^ | $/;

/**
 * Collapse YAML folded/literal text to one line (table cells cannot hold line breaks): the same
 * text as `s.replace(/\s+/g, ' ').trim()`. Text already on one line is returned as it is (the
 * folder's own string, not a copy), and other text is joined into a flat string: V8 builds
 * `replace(/\s+/g, ' ')`'s result as a rope of one piece per word, ten times the text's size,
 * which a 1,000-hazard document tree held for every table cell.
 */
export const oneLine = (s: string): string => (NOT_ONE_LINE.test(s) ? s.trim().split(/\s+/).join(' ') : s);

function cellChildren(c: Cell): PhrasingContent[] {
  if (typeof c === 'string') return [text(oneLine(c))];
  return Array.isArray(c) ? c : [c];
}

/** A GFM table whose cells may hold several phrasing nodes; header cells become `<th>` in HTML. */
export function grid(header: string[], rows: Cell[][]): Table {
  const row = (cells: Cell[]): TableRow => ({
    type: 'tableRow',
    children: cells.map((c): TableCell => ({ type: 'tableCell', children: cellChildren(c) })),
  });
  return { type: 'table', align: header.map(() => null), children: [row(header), ...rows.map(row)] };
}

/** Paragraphs from free text, split on blank lines. */
export function paras(s: string | undefined): Paragraph[] {
  if (!s) return [];
  return s
    .split(/\n\s*\n/)
    .map((p) => oneLine(p))
    .filter(Boolean)
    .map((p) => paragraph(p));
}

/** Separate phrasing nodes with a text separator. */
export function joined(items: PhrasingContent[], sep = ', '): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  items.forEach((n, i) => {
    if (i > 0) out.push(text(sep));
    out.push(n);
  });
  return out;
}

/** Evidence references: URLs as links, repository paths as code. */
export function evidenceCell(evidence: string[]): Cell {
  if (evidence.length === 0) return 'none';
  return joined(evidence.map((e) => (isUrl(e) ? link(e, e) : isRecordOnlyEvidence(e) ? recordOnly(e) : inlineCode(e))));
}

/** A spreadsheet cell cited as evidence is a record that an action was closed, never verification. */
const recordOnly = (e: string): PhrasingContent =>
  emphasis(inlineCode(e), ' (a record that the action was closed; not verification evidence)');
