/**
 * mdast → PDF with pdfmake, in process (no browser): title page, table of contents, page
 * numbers, tables whose header row repeats on every page and whose rows are not split.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { plainText } from './html.js';

const require = createRequire(import.meta.url);

interface PdfMake {
  setFonts(fonts: object): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: object): { getBuffer(): Promise<Buffer> };
}

const fontDir = (): string => join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');

let covered: ((cp: number) => boolean) | undefined;
/** Whether Roboto (regular and medium) has a glyph for a code point; read from the font files with fontkit. */
function hasGlyph(cp: number): boolean {
  if (!covered) {
    const fontkit = require('fontkit') as { openSync(path: string): { hasGlyphForCodePoint(cp: number): boolean } };
    const faces = ['Roboto-Regular.ttf', 'Roboto-Medium.ttf'].map((f) => fontkit.openSync(join(fontDir(), f)));
    const cache = new Map<number, boolean>();
    covered = (c) => {
      let v = cache.get(c);
      if (v === undefined) cache.set(c, (v = faces.every((f) => f.hasGlyphForCodePoint(c))));
      return v;
    };
  }
  return covered(cp);
}

/** Readable stand-ins for symbols common in clinical text that Roboto lacks. */
const SUBSTITUTES: Record<string, string> = {
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '≈': '~',
  '→': '->',
  '←': '<-',
  '↔': '<->',
  '⇒': '=>',
  '✓': '[yes]',
  '✔': '[yes]',
  '✗': '[no]',
  '✘': '[no]',
  '•': '-',
};

/**
 * Text as the PDF can show it. A character the font cannot draw is never dropped silently (in a
 * safety case "≥ 30" must not become " 30"): it becomes a readable substitute or `[U+XXXX]`.
 */
export function pdfSafe(s: string): string {
  const t = s.replace(/\u2060/g, '');
  if (/^[\x20-\x7e\n\t]*$/.test(t)) return t;
  let out = '';
  for (const ch of t) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f || ch === '\n' || hasGlyph(cp)) out += ch;
    else out += SUBSTITUTES[ch] ?? `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
  }
  return out;
}

let pdfmake: PdfMake | undefined;
function engine(): PdfMake {
  if (pdfmake) return pdfmake;
  const pm = require('pdfmake') as PdfMake;
  const fonts = fontDir();
  pm.setFonts({
    Roboto: {
      normal: join(fonts, 'Roboto-Regular.ttf'),
      bold: join(fonts, 'Roboto-Medium.ttf'),
      italics: join(fonts, 'Roboto-Italic.ttf'),
      bolditalics: join(fonts, 'Roboto-MediumItalic.ttf'),
    },
  });
  // Documents never load anything from the network or from paths other than the fonts.
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy((p) => p.startsWith(fonts));
  return (pdfmake = pm);
}

/** Strip the mention-defusing word joiner (a PDF pings nobody) and make every character drawable. */
const clean = (s: string): string => pdfSafe(s);

type Inline =
  | string
  | {
      text: Inline[] | string;
      bold?: boolean;
      italics?: boolean;
      font?: string;
      link?: string;
      color?: string;
      decoration?: string;
      background?: string;
    };

function inlines(nodes: PhrasingContent[]): Inline[] {
  return nodes.map((n): Inline => {
    switch (n.type) {
      case 'text':
        return clean(n.value);
      case 'strong':
        return { text: inlines(n.children), bold: true };
      case 'emphasis':
        return { text: inlines(n.children), italics: true };
      case 'inlineCode':
        return { text: clean(n.value), color: '#212b32', background: '#eef1f2' };
      case 'link':
        return /^https?:\/\//i.test(n.url) ? { text: inlines(n.children), link: n.url, color: '#005eb8' } : { text: inlines(n.children) };
      case 'break':
        return '\n';
      default:
        return clean(plainText(n));
    }
  });
}

export interface PdfOptions {
  title: string;
  /** Lines under the title on the title page. */
  subtitle: string[];
  /** Status line on the title page (e.g. DRAFT awaiting CSO sign-off). */
  status: string;
  /** Text in every page footer. */
  footer: string;
  /** ISO date used as the PDF's creation date (reproducible, never "now"). */
  date: string;
  author: string;
  /** A short document (the memo): no title page and no table of contents. */
  compact?: boolean;
}

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

/** Risk-matrix cell colours by tone (set by the risk-matrix block). */
const RISK_FILL = { low: '#cce5d8', medium: '#fff3b0', high: '#ffd0a0', unacceptable: '#f4b6b0' } as const;

function blocks(nodes: RootContent[], tocDepth: number): object[] {
  const out: object[] = [];
  for (const n of nodes) {
    switch (n.type) {
      case 'heading': {
        const style = n.depth <= 1 ? 'h1' : n.depth === 2 ? 'h2' : n.depth === 3 ? 'h3' : 'h4';
        out.push({
          text: inlines(n.children),
          style,
          tocItem: n.depth <= tocDepth && n.depth >= 2,
          headlineLevel: n.depth,
          ...(n.depth === 2 ? { tocMargin: [0, 2, 0, 0] } : { tocMargin: [12, 0, 0, 0] }),
        });
        break;
      }
      case 'paragraph':
        out.push({ text: inlines(n.children), margin: [0, 0, 0, 6] });
        break;
      case 'blockquote': {
        const tone = toneOf(plainText(n));
        out.push({
          table: { widths: ['*'], body: [[{ stack: blocks(n.children, tocDepth), fillColor: TONES[tone].fill, margin: [6, 6, 6, 0] }]] },
          layout: { hLineWidth: () => 0, vLineWidth: (i: number) => (i === 0 ? 4 : 0), vLineColor: () => TONES[tone].rule },
          margin: [0, 4, 0, 10],
        });
        break;
      }
      case 'list': {
        const items = n.children.map((li) => ({ stack: blocks(li.children, tocDepth).map((b) => ({ ...b, margin: [0, 0, 0, 2] })) }));
        out.push(n.ordered ? { ol: items, margin: [0, 0, 0, 6] } : { ul: items, margin: [0, 0, 0, 6] });
        break;
      }
      case 'table': {
        const cols = n.children[0]?.children.length ?? 1;
        const fontSize = cols >= 6 ? 7 : cols >= 4 ? 8 : 9;
        const body = n.children.map((row, r) =>
          row.children.map((c) => {
            if (r === 0) return { text: inlines(c.children), style: 'th', fontSize };
            const tone = (c.data as { tone?: keyof typeof RISK_FILL } | undefined)?.tone;
            return tone && RISK_FILL[tone]
              ? { text: inlines(c.children), fontSize, fillColor: RISK_FILL[tone], bold: true, alignment: 'center' }
              : { text: inlines(c.children), fontSize };
          }),
        );
        const texts = n.children.map((row) => row.children.map((c) => plainText(c)));
        const widths = columnWidths(texts, fontSize);
        // Rows are kept whole unless one is too tall for a page: pdfmake would then drop the row (with
        // dontBreakRows, and with keepWithHeaderRows too), so such a table may split rows instead.
        const tallest = texts.reduce((m, row) => Math.max(m, rowHeight(row, widths, fontSize)), 0);
        out.push({
          table: {
            headerRows: 1,
            ...(tallest < PAGE_BODY_HEIGHT * 0.45 ? { dontBreakRows: true, keepWithHeaderRows: 1 } : {}),
            widths,
            body,
          },
          layout: {
            hLineWidth: () => 0.5,
            vLineWidth: () => 0.5,
            hLineColor: () => '#aeb7bd',
            vLineColor: () => '#aeb7bd',
            fillColor: (row: number) => (row === 0 ? '#e8edee' : null),
            paddingLeft: () => 3,
            paddingRight: () => 3,
            paddingTop: () => 2,
            paddingBottom: () => 2,
          },
          margin: [0, 2, 0, 10],
        });
        break;
      }
      case 'code':
        out.push({ text: clean(n.value), font: 'Roboto', fontSize: 8, background: '#eef1f2', margin: [0, 0, 0, 6] });
        break;
      case 'thematicBreak':
        out.push({ canvas: [{ type: 'line', x1: 0, y1: 0, x2: 515, y2: 0, lineWidth: 0.5 }], margin: [0, 4, 0, 8] });
        break;
      case 'html':
        out.push({ text: clean(n.value) });
        break;
      default:
        if ('children' in n) out.push(...blocks(n.children as RootContent[], tocDepth));
    }
  }
  return out;
}

/** A4 portrait text width in points (595 − margins 2×40) and body height (842 − margins 2×50). */
const TEXT_WIDTH = 515;
const PAGE_BODY_HEIGHT = 742;

/** A generous estimate of a table row's height in points. */
export function rowHeight(cells: string[], widths: number[], fontSize: number): number {
  let lines = 1;
  cells.forEach((t, i) => {
    const perLine = Math.max(1, Math.floor((widths[i] ?? 50) / (fontSize * 0.55)));
    const n = t.split('\n').reduce((sum, part) => sum + Math.max(1, Math.ceil(part.length / perLine)), 0);
    lines = Math.max(lines, n);
  });
  return lines * fontSize * 1.3 + 6;
}

/**
 * Column widths in points: never narrower than a column's longest word (so words do not break
 * mid-way), otherwise in proportion to the column's content, filling the page width.
 */
export function columnWidths(rows: string[][], fontSize: number): number[] {
  const cols = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const avail = TEXT_WIDTH - cols * 7; // cell padding and rules
  const charW = fontSize * 0.5;
  const min: number[] = [];
  const want: number[] = [];
  for (let i = 0; i < cols; i++) {
    let word = 1;
    let longest = 1;
    for (const r of rows) {
      const t = r[i] ?? '';
      longest = Math.max(longest, t.length);
      for (const w of t.split(/\s+/)) word = Math.max(word, w.length);
    }
    // Words longer than 18 characters (paths, URLs) may wrap inside; shorter words never do.
    const floor = (Math.min(word, 18) + 1.5) * charW;
    min.push(floor);
    want.push(Math.max(floor, Math.min(longest, 90) * charW));
  }
  const sumMin = min.reduce((a, b) => a + b, 0);
  if (sumMin >= avail) return min.map((m) => (m * avail) / sumMin);
  const sumWant = want.reduce((a, b) => a + b, 0);
  if (sumWant <= avail) return want.map((w) => (w * avail) / sumWant);
  const extra = avail - sumMin;
  const gap = want.map((w, i) => w - min[i]!);
  const sumGap = gap.reduce((a, b) => a + b, 0);
  return min.map((m, i) => m + (gap[i]! * extra) / sumGap);
}

export async function toPdf(tree: Root, opts: PdfOptions): Promise<Buffer> {
  // The first level-1 heading is the title page; the rest is the body.
  const children = tree.children.filter((n, i) => !(i === 0 && n.type === 'heading' && n.depth === 1));
  const date = new Date(opts.date.length === 10 ? `${opts.date}T00:00:00Z` : opts.date);
  const doc = {
    pageSize: 'A4',
    pageMargins: [40, 50, 40, 50],
    info: {
      title: clean(opts.title),
      author: clean(opts.author),
      subject: clean(opts.subtitle.join(' ')),
      creator: 'clinsafe',
      producer: 'clinsafe (pdfmake)',
      creationDate: date,
      modDate: date,
    },
    defaultStyle: { font: 'Roboto', fontSize: 9.5, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 24, bold: true, color: '#005eb8', margin: [0, 160, 0, 16] },
      subtitle: { fontSize: 12, margin: [0, 0, 0, 4] },
      status: { fontSize: 13, bold: true, margin: [0, 24, 0, 0] },
      h1: { fontSize: 18, bold: true, margin: [0, 10, 0, 8] },
      h2: { fontSize: 14, bold: true, color: '#005eb8', margin: [0, 14, 0, 6] },
      h3: { fontSize: 11.5, bold: true, margin: [0, 10, 0, 4] },
      h4: { fontSize: 10, bold: true, margin: [0, 8, 0, 3] },
      th: { bold: true },
      toc: { fontSize: 16, bold: true, margin: [0, 0, 0, 10] },
    },
    content: opts.compact
      ? [
          { text: clean(opts.title), style: 'h1' },
          ...opts.subtitle.map((s) => ({ text: clean(s) })),
          { text: clean(opts.status), bold: true, margin: [0, 4, 0, 8], color: opts.status.startsWith('Approved') ? '#007f3b' : '#d5281b' },
          ...blocks(children, 0),
        ]
      : [
          { text: clean(opts.title), style: 'title' },
          ...opts.subtitle.map((s) => ({ text: clean(s), style: 'subtitle' })),
          { text: clean(opts.status), style: 'status', color: opts.status.startsWith('Approved') ? '#007f3b' : '#d5281b' },
          { toc: { title: { text: 'Contents', style: 'toc' }, numberStyle: { fontSize: 9.5 } }, pageBreak: 'before' },
          { text: '', pageBreak: 'after' },
          ...blocks(children, 3),
        ],
    footer: (currentPage: number, pageCount: number) => ({
      columns: [
        { text: clean(opts.footer), fontSize: 7.5, color: '#4c6272' },
        { text: `Page ${currentPage} of ${pageCount}`, alignment: 'right', fontSize: 7.5, color: '#4c6272', width: 80 },
      ],
      margin: [40, 16, 40, 0],
    }),
    // A heading never ends a page: move it to the next page when nothing follows it on this one.
    pageBreakBefore: (node: { headlineLevel?: number }, ctx: { getFollowingNodesOnPage(): unknown[] }) =>
      node.headlineLevel !== undefined && node.headlineLevel <= 3 && ctx.getFollowingNodesOnPage().length === 0,
  };
  return engine().createPdf(doc).getBuffer();
}
