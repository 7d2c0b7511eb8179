/**
 * The parts around the body: the title page, the contents with page numbers (known from the
 * measuring pass), the short header of a compact document (the memo), and the page footer with
 * "Page N of M". Everything here is tagged: title H1, contents TOC/TOCI, footer an Artifact.
 */
import type { Heading, RootContent } from 'mdast';
import { plainText } from '../html.js';
import { pdfSafe } from './fonts.js';
import { breakLines, type Style } from './inline.js';
import { lineHeight, PAGE, TEXT_WIDTH, type Box, type Flow } from './flow.js';

export interface FrontMatter {
  title: string;
  subtitle: string[];
  status: string;
  footer: string;
}

const BOX: Box = { x: PAGE.margin, w: TEXT_WIDTH };
const statusColour = (status: string): string => (status.startsWith('Approved') ? '#007f3b' : '#d5281b');

function text(flow: Flow, tag: string, s: string, style: Style, box: Box = BOX): void {
  const e = flow.sink.begin(tag);
  flow.lines(breakLines([{ text: pdfSafe(s), style }], box.w), box, style);
  flow.sink.end(e);
}

export function titlePage(flow: Flow, m: FrontMatter): void {
  flow.newPage();
  flow.y += 160;
  text(flow, 'H1', m.title, { face: 'B', size: 24, color: '#005eb8' });
  flow.y += 16;
  for (const s of m.subtitle) {
    text(flow, 'P', s, { face: 'R', size: 12, color: '#000000' });
    flow.y += 4;
  }
  flow.y += 24;
  text(flow, 'P', m.status, { face: 'B', size: 13, color: statusColour(m.status) });
}

/** The memo's opening: title, subtitle lines and status, on the first page of the body. */
export function compactHeader(flow: Flow, m: FrontMatter): void {
  flow.newPage();
  text(flow, 'H1', m.title, { face: 'B', size: 18, color: '#000000' });
  flow.y += 8;
  for (const s of m.subtitle) text(flow, 'P', s, { face: 'R', size: 9.5, color: '#000000' });
  flow.y += 4;
  text(flow, 'P', m.status, { face: 'B', size: 9.5, color: statusColour(m.status) });
  flow.y += 8;
}

export interface Entry {
  title: string;
  depth: number;
}

/** Headings of depth 2..maxDepth in document order, as the layout meets them. */
export function contentsEntries(nodes: readonly RootContent[], maxDepth: number, out: Entry[] = []): Entry[] {
  for (const n of nodes) {
    if (n.type === 'heading') {
      if (n.depth >= 2 && n.depth <= maxDepth) out.push({ title: plainText(n as Heading), depth: n.depth });
    } else if (n.type !== 'table' && 'children' in n) contentsEntries(n.children as RootContent[], maxDepth, out);
  }
  return out;
}

const ENTRY: Style = { face: 'R', size: 9.5, color: '#000000' };
const NUMBER_WIDTH = 40;

/** The contents pages; `pages` (1-based page per entry) is undefined while measuring. */
export function contentsPages(flow: Flow, entries: readonly Entry[], pages: readonly number[] | undefined): void {
  flow.newPage();
  text(flow, 'H2', 'Contents', { face: 'B', size: 16, color: '#000000' });
  flow.y += 10;
  const toc = flow.sink.begin('TOC');
  const lh = lineHeight(ENTRY.size);
  entries.forEach((entry, i) => {
    const indent = entry.depth > 2 ? 12 : 0;
    if (entry.depth <= 2) flow.gap(2);
    const box: Box = { x: BOX.x + indent, w: BOX.w - indent - NUMBER_WIDTH };
    const lines = breakLines([{ text: pdfSafe(entry.title), style: ENTRY }], box.w);
    flow.ensure(lines.length * lh);
    const y = flow.y;
    const item = flow.sink.begin('TOCI');
    flow.lines(lines, box, ENTRY);
    const page = pages?.[i];
    if (page !== undefined) {
      const num = breakLines([{ text: String(page), style: ENTRY }], NUMBER_WIDTH)[0]!;
      flow.sink.line(BOX.x + BOX.w - num.w, y, num, lh);
      flow.sink.goTo(BOX.x, y, BOX.w, flow.y - y, `h${i}`);
    }
    flow.sink.end(item);
  });
  flow.sink.end(toc);
}

const FOOTER: Style = { face: 'R', size: 7.5, color: '#4c6272' };

export function footer(flow: Flow, index: number, total: number, text: string): void {
  const y = PAGE.height - PAGE.bottom + 16;
  const lh = lineHeight(FOOTER.size);
  breakLines([{ text: pdfSafe(text), style: FOOTER }], BOX.w - 90)
    .slice(0, 2)
    .forEach((l, k) => flow.sink.line(BOX.x, y + k * lh, l, lh, true));
  const num = breakLines([{ text: `Page ${index + 1} of ${total}`, style: FOOTER }], 80)[0]!;
  flow.sink.line(BOX.x + BOX.w - num.w, y, num, lh, true);
}
