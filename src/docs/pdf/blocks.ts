/**
 * Block layout: mdast block nodes placed in the flow, tagged as they are drawn. A heading keeps
 * with what follows it (the first line of a paragraph, a table's header and first row…), so no
 * page ends with a heading.
 */
import type { Blockquote, Heading, List, Paragraph, RootContent } from 'mdast';
import { plainText } from '../html.js';
import { breakLines, codeRuns, runsOf, type Style } from './inline.js';
import { lineHeight, type Box, type Flow } from './flow.js';
import { imageOf, layoutImage } from './image.js';
import { layoutTable, tableLead } from './table.js';

export const BODY: Style = { face: 'R', size: 9.5, color: '#000000' };
const HEADINGS: Record<number, { style: Style; before: number; after: number }> = {
  1: { style: { face: 'B', size: 18, color: '#000000' }, before: 10, after: 8 },
  2: { style: { face: 'B', size: 14, color: '#005eb8' }, before: 14, after: 6 },
  3: { style: { face: 'B', size: 11.5, color: '#000000' }, before: 10, after: 4 },
  4: { style: { face: 'B', size: 10, color: '#000000' }, before: 8, after: 3 },
};
const headingStyle = (depth: number) => HEADINGS[Math.min(depth, 4)]!;

/** Status banners are coloured by what they say; other quotations are neutral. */
export function toneOf(text: string): 'approved' | 'warning' | 'neutral' {
  if (text.startsWith('Approved.')) return 'approved';
  if (text.startsWith('DRAFT') || text.startsWith('NOT ')) return 'warning';
  return 'neutral';
}
const TONES = {
  approved: { fill: '#eef7f1', rule: '#007f3b' },
  warning: { fill: '#fff4d6', rule: '#ffb81c' },
  neutral: { fill: '#f0f4f5', rule: '#768692' },
} as const;

export interface Ctx {
  /** Headings of depth 2..tocDepth are listed in the contents (0: no contents). */
  tocDepth: number;
  /** Space after a paragraph (smaller inside list items). */
  paraGap: number;
}

/** Lay out `nodes`; at the top level each level-2 heading opens a tagged section (Sect). */
export function layoutBlocks(flow: Flow, nodes: readonly RootContent[], box: Box, ctx: Ctx, top = false): void {
  let sect: object | undefined;
  let inSect = false;
  nodes.forEach((n, i) => {
    if (top && n.type === 'heading' && n.depth <= 2) {
      if (inSect) flow.sink.end(sect);
      sect = flow.sink.begin('Sect');
      inSect = true;
    }
    layoutBlock(flow, nodes, i, box, ctx);
  });
  if (inSect) flow.sink.end(sect);
}

function layoutBlock(flow: Flow, nodes: readonly RootContent[], i: number, box: Box, ctx: Ctx): void {
  const n = nodes[i]!;
  switch (n.type) {
    case 'heading':
      return layoutHeading(flow, n, nodes, i, box, ctx);
    case 'paragraph':
      if (isFigure(n)) return layoutFigures(flow, n, box);
      return paragraph(flow, breakLines(runsOf(n.children, BODY), box.w), box, BODY, ctx.paraGap, 'P');
    case 'html':
      return paragraph(flow, breakLines(runsOf([{ type: 'text', value: n.value }], BODY), box.w), box, BODY, ctx.paraGap, 'P');
    case 'code': {
      const style: Style = { face: 'R', size: 8, color: '#212b32', code: true };
      return paragraph(flow, breakLines(codeRuns(n.value, style), box.w), box, style, 6, 'P');
    }
    case 'blockquote':
      return layoutQuote(flow, n, box, ctx);
    case 'list':
      return layoutList(flow, n, box, ctx);
    case 'table':
      return layoutTable(flow, n, box);
    case 'thematicBreak':
      flow.gap(4);
      flow.ensure(8);
      flow.sink.rule(box.x, flow.y, box.x + box.w, flow.y, 0.5, '#000000');
      flow.y += 8;
      return;
    case 'image':
      return layoutFigures(flow, { type: 'paragraph', children: [n] }, box);
    default:
      if ('children' in n) layoutBlocks(flow, n.children as RootContent[], box, ctx);
  }
}

function paragraph(flow: Flow, lines: ReturnType<typeof breakLines>, box: Box, style: Style, after: number, tag: string): void {
  const e = flow.sink.begin(tag);
  flow.lines(lines, box, style);
  flow.sink.end(e);
  flow.gap(after);
}

/** The height a block needs on the page before its first break: what a heading must keep with. */
function leadOf(flow: Flow, nodes: readonly RootContent[], i: number, box: Box, depth = 0): number {
  const n = nodes[i];
  if (!n || depth > 4) return 0;
  switch (n.type) {
    case 'heading': {
      const h = headingStyle(n.depth);
      const lines = breakLines(runsOf(n.children, h.style), box.w).length;
      return h.before + lines * lineHeight(h.style.size) + h.after + leadOf(flow, nodes, i + 1, box, depth + 1);
    }
    case 'paragraph':
      // A picture is drawn whole: a heading keeps with all of it, not with one line of text.
      return isFigure(n) ? figureHeight(flow, n, box) : lineHeight(BODY.size);
    case 'html':
    case 'list':
      return lineHeight(BODY.size);
    case 'code':
      return lineHeight(8);
    case 'blockquote':
      return 10 + lineHeight(BODY.size);
    case 'table':
      return tableLead(n, box);
    default:
      return 0;
  }
}

function layoutHeading(flow: Flow, n: Heading, nodes: readonly RootContent[], i: number, box: Box, ctx: Ctx): void {
  const h = headingStyle(n.depth);
  const lines = breakLines(runsOf(n.children, h.style), box.w);
  const own = lines.length * lineHeight(h.style.size) + h.after;
  flow.gap(h.before);
  flow.ensure(Math.min(own + leadOf(flow, nodes, i + 1, box), flow.bodyHeight));
  if (n.depth >= 2 && n.depth <= ctx.tocDepth && !flow.dry) {
    const index = flow.headingPages.push(flow.page + 1) - 1;
    flow.sink.anchor(`h${index}`, flow.y, plainText(n), n.depth);
  }
  const e = flow.sink.begin(`H${Math.min(n.depth, 6)}`);
  flow.lines(lines, box, h.style);
  flow.sink.end(e);
  flow.gap(h.after);
}

function layoutQuote(flow: Flow, n: Blockquote, box: Box, ctx: Ctx): void {
  const tone = TONES[toneOf(plainText(n))];
  const inner: Box = { x: box.x + 10, w: box.w - 16 };
  flow.gap(4);
  flow.ensure(12 + lineHeight(BODY.size));
  const body = () => {
    flow.y += 6;
    layoutBlocks(flow, n.children, inner, { ...ctx, paraGap: 6 });
  };
  const segments = flow.measure(body);
  const paint = () => {
    const s = segments.shift();
    if (!s || s.y1 <= s.y0) return;
    flow.sink.rect(box.x, s.y0, box.w, s.y1 - s.y0, tone.fill);
    flow.sink.rule(box.x + 2, s.y0, box.x + 2, s.y1, 4, tone.rule);
  };
  paint();
  flow.onPage.push(paint);
  const e = flow.sink.begin('BlockQuote');
  body();
  flow.sink.end(e);
  flow.onPage.pop();
  flow.gap(10);
}

function layoutList(flow: Flow, n: List, box: Box, ctx: Ctx): void {
  const indent = n.ordered ? 16 : 12;
  const inner: Box = { x: box.x + indent, w: box.w - indent };
  const l = flow.sink.begin('L');
  n.children.forEach((item, k) => {
    const li = flow.sink.begin('LI');
    const lh = lineHeight(BODY.size);
    flow.ensure(lh);
    const prefix = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
    const label = n.ordered ? `${(n.start ?? 1) + k}.` : '';
    if (n.ordered || prefix) {
      const line = breakLines([{ text: `${prefix}${label}`, style: BODY }], 1000)[0]!;
      flow.sink.line(n.ordered ? inner.x - 3 - line.w : box.x + 1, flow.y, line, lh, true);
    } else flow.sink.dot(box.x + 4, flow.y + lh * 0.55, 1.4, '#000000');
    const body = flow.sink.begin('LBody');
    layoutBlocks(flow, item.children, prefix && !n.ordered ? { x: inner.x + 14, w: inner.w - 14 } : inner, { ...ctx, paraGap: 2 });
    flow.sink.end(body);
    flow.sink.end(li);
  });
  flow.sink.end(l);
  flow.gap(4);
}

const isFigure = (p: Paragraph): boolean =>
  p.children.some((c) => c.type === 'image') && p.children.every((c) => c.type === 'image' || (c.type === 'text' && !c.value.trim()));

/** The height of a figure paragraph's first picture as layoutImage draws it. */
function figureHeight(flow: Flow, p: Paragraph, box: Box): number {
  const first = p.children.find((c) => c.type === 'image');
  const img = first && imageOf(first.url);
  if (!img) return lineHeight(BODY.size);
  const w = Math.min(img.w, box.w);
  return 4 + Math.min((img.h * w) / img.w, flow.bodyHeight * 0.9);
}

function layoutFigures(flow: Flow, p: Paragraph, box: Box): void {
  for (const c of p.children) {
    if (c.type !== 'image') continue;
    const img = imageOf(c.url);
    if (img) layoutImage(flow, img, c.alt ?? '', box);
    else paragraph(flow, breakLines(runsOf([c], BODY), box.w), box, BODY, 6, 'P');
  }
}
