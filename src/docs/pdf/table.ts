/**
 * Tables: column widths measured from the content (never narrower than a column's longest word,
 * so ids do not break), the header row repeated at the top of every page the table continues on
 * (as an Artifact: it is tagged once, as THead), rows kept whole unless a row is taller than a
 * page — then it continues on the next page line by line, so no text is ever dropped.
 */
import type { Table, TableRow } from 'mdast';
import { widthOf } from './fonts.js';
import { breakLines, runsOf, type Line, type Run, type Style } from './inline.js';
import { lineHeight, type Box, type Flow } from './flow.js';

type Align = 'left' | 'center' | 'right';
interface Cell {
  lines: Line[];
  align: Align;
  fill?: string;
}
interface Row {
  cells: Cell[];
  h: number;
}
interface Shape {
  widths: number[];
  size: number;
}

const PAD_X = 3;
const PAD_Y = 2;
const RULE = '#aeb7bd';
const HEADER_FILL = '#e8edee';
/** Risk-matrix cell colours by tone (set on cells by the risk-matrix block). */
const RISK_FILL: Record<string, string> = { low: '#cce5d8', medium: '#fff3b0', high: '#ffd0a0', unacceptable: '#f4b6b0' };

const fontSizeFor = (cols: number): number => (cols >= 6 ? 7 : cols >= 4 ? 8 : 9);

function cellRuns(row: TableRow, c: number, header: boolean, size: number): { runs: Run[]; tone?: string } {
  const cell = row.children[c];
  if (!cell) return { runs: [] };
  const tone = header ? undefined : (cell.data as { tone?: string } | undefined)?.tone;
  const style: Style = { face: header || (tone && RISK_FILL[tone]) ? 'B' : 'R', size, color: '#000000' };
  return { runs: runsOf(cell.children, style), ...(tone && RISK_FILL[tone] ? { tone } : {}) };
}

const shapes = new WeakMap<Table, Shape>();
/** Column widths in points, filling `w`: a column gets at least its longest word, more in proportion to its text. */
function shapeOf(t: Table, w: number): Shape {
  const known = shapes.get(t);
  if (known && Math.abs(known.widths.reduce((a, b) => a + b, 0) - w) < 0.01) return known;
  const cols = t.children.reduce((m, r) => Math.max(m, r.children.length), 0) || 1;
  const size = fontSizeFor(cols);
  const word = new Array<number>(cols).fill(0);
  const whole = new Array<number>(cols).fill(0);
  t.children.forEach((row, r) => {
    for (let c = 0; c < cols; c++) {
      let total = 0;
      for (const run of cellRuns(row, c, r === 0, size).runs) {
        for (const part of run.text.split(' ')) {
          const pw = widthOf(run.style.face, part, size);
          if (pw > word[c]!) word[c] = pw;
          total += pw + size * 0.25;
        }
      }
      if (total > whole[c]!) whole[c] = total;
    }
  });
  // A word wider than a quarter of the page (a URL, a long path) may wrap inside; shorter words never do.
  const min = word.map((x) => Math.min(x, w * 0.25) + 2 * PAD_X + 1);
  const want = whole.map((x, c) => Math.max(min[c]!, Math.min(x, size * 45) + 2 * PAD_X));
  const sumMin = min.reduce((a, b) => a + b, 0);
  const sumWant = want.reduce((a, b) => a + b, 0);
  let widths: number[];
  if (sumMin >= w) widths = min.map((m) => (m * w) / sumMin);
  else if (sumWant <= w) widths = want.map((x) => (x * w) / sumWant);
  else {
    const gap = want.map((x, c) => x - min[c]!);
    const sumGap = gap.reduce((a, b) => a + b, 0);
    widths = min.map((m, c) => m + (gap[c]! * (w - sumMin)) / sumGap);
  }
  const shape = { widths, size };
  shapes.set(t, shape);
  return shape;
}

function rowOf(t: Table, r: number, shape: Shape): Row {
  const row = t.children[r]!;
  const cells = shape.widths.map((cw, c): Cell => {
    const { runs, tone } = cellRuns(row, c, r === 0, shape.size);
    const align: Align = tone ? 'center' : (t.align?.[c] ?? 'left') || 'left';
    return { lines: runs.length ? breakLines(runs, cw - 2 * PAD_X) : [], align, ...(tone ? { fill: RISK_FILL[tone] } : {}) };
  });
  const lines = cells.reduce((m, c) => Math.max(m, c.lines.length, 1), 1);
  return { cells, h: lines * lineHeight(shape.size) + 2 * PAD_Y };
}

/** What a heading before this table must keep with it: the header row and the first body row (or part of it). */
export function tableLead(t: Table, box: Box): number {
  const shape = shapeOf(t, box.w);
  const head = rowOf(t, 0, shape).h;
  const first = t.children.length > 1 ? rowOf(t, 1, shape).h : 0;
  return 2 + head + Math.min(first, 4 * lineHeight(shape.size) + 2 * PAD_Y);
}

export function layoutTable(flow: Flow, t: Table, box: Box): void {
  if (!t.children.length) return;
  const shape = shapeOf(t, box.w);
  const lh = lineHeight(shape.size);
  const xs = shape.widths.reduce<number[]>((acc, cw) => [...acc, acc[acc.length - 1]! + cw], [box.x]);
  const header = rowOf(t, 0, shape);
  const sink = () => flow.sink;

  const draw = (row: Row, from: number, to: number, h: number, tags: string | undefined) => {
    const y = flow.y;
    row.cells.forEach((c, i) => {
      const fill = tags === 'TH' || !tags ? HEADER_FILL : c.fill;
      if (fill) sink().rect(xs[i]!, y, shape.widths[i]!, h, fill);
    });
    row.cells.forEach((c, i) => {
      const e = tags ? sink().begin(tags, tags === 'TH' ? { scope: 'Column' } : {}) : undefined;
      c.lines.slice(from, to).forEach((l, k) => {
        const cw = shape.widths[i]! - 2 * PAD_X;
        const dx = c.align === 'right' ? cw - l.w : c.align === 'center' ? (cw - l.w) / 2 : 0;
        sink().line(xs[i]! + PAD_X + dx, y + PAD_Y + k * lh, l, lh, !tags);
      });
      if (tags) sink().end(e);
    });
    sink().rule(box.x, y, box.x + box.w, y, 0.5, RULE);
    sink().rule(box.x, y + h, box.x + box.w, y + h, 0.5, RULE);
    for (const x of xs) sink().rule(x, y, x, y + h, 0.5, RULE);
    flow.y += h;
  };
  const tagged = (type: string, body: () => void) => {
    const e = sink().begin(type);
    body();
    sink().end(e);
  };

  flow.gap(2);
  flow.ensure(tableLead(t, box) - 2);
  const table = sink().begin('Table');
  tagged('THead', () => tagged('TR', () => draw(header, 0, Infinity, header.h, 'TH')));
  const repeat = () => draw(header, 0, Infinity, header.h, undefined);
  flow.onPage.push(repeat);
  tagged('TBody', () => {
    for (let r = 1; r < t.children.length; r++) {
      const row = rowOf(t, r, shape);
      tagged('TR', () => {
        if (flow.fits(row.h)) return draw(row, 0, Infinity, row.h, 'TD');
        if (row.h <= flow.bodyHeight - header.h) {
          flow.newPage();
          return draw(row, 0, Infinity, row.h, 'TD');
        }
        // Taller than a page: as many lines as fit here, the rest on the following pages.
        const total = row.cells.reduce((m, c) => Math.max(m, c.lines.length), 0);
        let from = 0;
        let fresh = false;
        while (from < total) {
          let room = Math.floor((flow.bottom - flow.y - 2 * PAD_Y) / lh);
          if (room < 2 && !fresh) {
            flow.newPage();
            fresh = true;
            continue;
          }
          room = Math.max(room, 1);
          fresh = false;
          const to = Math.min(total, from + room);
          draw(row, from, to, (to - from) * lh + 2 * PAD_Y, 'TD');
          from = to;
          if (from < total) flow.newPage();
        }
      });
    }
  });
  flow.onPage.pop();
  sink().end(table);
  flow.gap(10);
}
