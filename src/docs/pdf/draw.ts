/**
 * Drawing: the layout talks to a Sink. The measuring pass uses NULL_SINK (nothing drawn, only
 * positions counted); the drawing pass uses PdfSink, which writes text straight into pdfkit's page
 * content streams (glyph ids of the subset fonts, no shaping: the widths the layout measured are the
 * widths drawn) and tags everything it draws: content belongs to a structure element, and what is
 * only layout (footers, fills, rules, repeated table headers) is an Artifact.
 */
import { createRequire } from 'node:module';
import { FACES, fontFile, pdfSafe, widthOf, type Face, type FontkitFont } from './fonts.js';
import type { Svg } from './svg.js';
import type { Line } from './inline.js';

const require = createRequire(import.meta.url);

export interface StructOptions {
  scope?: 'Column' | 'Row';
  alt?: string;
  title?: string;
}
/** An opaque structure element (undefined while measuring). */
export type Elem = object | undefined;

export interface Sink {
  readonly drawing: boolean;
  beginPage(): void;
  endPage(): void;
  /** Open a structure element under the current one; content drawn next belongs to it. */
  begin(type: string, opts?: StructOptions): Elem;
  end(e: Elem): void;
  /** A line of text whose top is at `y` and whose height is `lh`. */
  line(x: number, y: number, line: Line, lh: number, artifact?: boolean): void;
  rect(x: number, y: number, w: number, h: number, fill: string): void;
  rule(x1: number, y1: number, x2: number, y2: number, width: number, colour: string): void;
  dot(x: number, y: number, r: number, colour: string): void;
  image(png: Buffer, x: number, y: number, w: number, h: number): void;
  /** A vector picture (svg.ts) with its top left at x, y, its own size times `fit`. */
  vector(svg: Svg, x: number, y: number, fit: number): void;
  /** A named destination at `y` on this page, and an outline (bookmark) entry at `depth` (2 or 3). */
  anchor(name: string, y: number, title: string, depth: number): void;
  /** An internal link over a rectangle, to a named destination. */
  goTo(x: number, y: number, w: number, h: number, name: string): void;
}

export const NULL_SINK: Sink = {
  drawing: false,
  beginPage() {},
  endPage() {},
  begin: () => undefined,
  end() {},
  line() {},
  rect() {},
  rule() {},
  dot() {},
  image() {},
  vector() {},
  anchor() {},
  goTo() {},
};

/** The parts of pdfkit used here (pdfkit ^0.19; its EmbeddedFont internals are used for encoding). */
interface PdfFont {
  id: string;
  font: FontkitFont;
  scale: number;
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
}
interface StructElem {
  add(child: unknown): StructElem;
  end(): void;
}
interface Outline {
  addItem(title: string): Outline;
}
export interface PdfKitDoc {
  page: { fonts: Record<string, unknown>; write(s: string): void; dictionary?: { data: { StructParents?: number } } };
  getStructParentTree(): { get(key: number): unknown; add(key: number, value: unknown): void };
  _font: PdfFont;
  outline: Outline;
  font(src: string): PdfKitDoc;
  addPage(): PdfKitDoc;
  addContent: (s: string) => PdfKitDoc;
  struct(type: string, opts?: object): StructElem;
  addStructure(e: StructElem): PdfKitDoc;
  markStructureContent(tag: string): unknown;
  endMarkedContent(): PdfKitDoc;
  link(x: number, y: number, w: number, h: number, url: string, opts?: object): PdfKitDoc;
  goTo(x: number, y: number, w: number, h: number, name: string, opts?: object): PdfKitDoc;
  addNamedDestination(name: string, ...args: unknown[]): void;
  image(src: Buffer, x: number, y: number, opts: object): PdfKitDoc;
  push: (chunk: Buffer | null) => boolean;
  read(): Buffer | null;
  end(): void;
}
export type PdfKitCtor = new (opts: object) => PdfKitDoc;
export const loadPdfKit = (): PdfKitCtor => require('pdfkit') as PdfKitCtor;

const num = (n: number): string => String(Math.round(n * 100) / 100);
const rgbCache = new Map<string, string>();
function rgb(hex: string): string {
  let v = rgbCache.get(hex);
  if (!v) {
    const n = parseInt(hex.slice(1), 16);
    v = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => String(Math.round((c / 255) * 1000) / 1000)).join(' ');
    rgbCache.set(hex, v);
  }
  return v;
}

/** What a written structure element keeps: pdfkit's parent still checks `data.P` before writing itself. */
const WRITTEN = Object.freeze({ P: true });
const NOTHING = Object.freeze([]) as unknown;

interface Tagged {
  elem: StructElem;
  type: string;
}

export class PdfSink implements Sink {
  readonly drawing = true;
  private readonly fonts = {} as Record<Face, PdfFont>;
  private readonly glyphs = new Map<Face, Map<number, string>>();
  private readonly stack: Tagged[];
  private marked: Tagged | undefined;
  private h2Outline: Outline | undefined;

  /** The current page's content operators, written to pdfkit once per page (not one Buffer per operator). */
  private content: string[] = [];

  constructor(private readonly doc: PdfKitDoc) {
    doc.addContent = (s: string) => {
      this.content.push(s);
      return doc;
    };
    for (const face of FACES) {
      doc.font(fontFile(face));
      this.fonts[face] = doc._font;
      this.glyphs.set(face, new Map());
    }
    const root = doc.struct('Document');
    doc.addStructure(root);
    this.stack = [{ elem: root, type: 'Document' }];
  }

  beginPage(): void {
    this.doc.addPage();
  }
  endPage(): void {
    this.unmark();
    if (this.content.length) this.doc.page.write(this.content.join('\n'));
    this.content = [];
    this.slimParentTree();
  }

  /**
   * The structure tree's page index (which element owns each marked sequence on the page) is
   * written only at the very end, as the array of the owners' object references. Once the page is
   * done that array is final, so keep just its text — `[12 0 R 13 0 R …]`, exactly what pdfkit
   * would write for it — behind a reference-like object that pdfkit writes with its toString: a few
   * hundred bytes a page instead of an object per marked sequence (at 2,500 pages, 150,000 of them).
   */
  private slimParentTree(): void {
    const key = this.doc.page.dictionary?.data.StructParents;
    if (key === undefined) return;
    const tree = this.doc.getStructParentTree();
    const owners = tree.get(key);
    if (!Array.isArray(owners)) return; // not a page's list, or already kept as text (finish ends the last page again)
    const ref = (owners as unknown[]).find((o) => o) as object | undefined;
    if (!ref) return;
    const text = `[${owners.map(String).join(' ')}]`;
    tree.add(key, Object.create(Object.getPrototypeOf(ref) as object, { toString: { value: () => text } }));
  }
  /** Close the structure tree (after the last page). */
  finish(): void {
    this.endPage();
    this.stack[0]!.elem.end();
  }

  begin(type: string, opts: StructOptions = {}): Elem {
    const elem = this.doc.struct(type, opts);
    this.stack[this.stack.length - 1]!.elem.add(elem);
    const t = { elem, type };
    this.stack.push(t);
    return t;
  }
  end(e: Elem): void {
    const t = e as Tagged;
    if (this.marked === t) this.unmark();
    const i = this.stack.lastIndexOf(t);
    if (i > 0) this.stack.length = i;
    t.elem.end();
    // Written out: from now on pdfkit only needs the element's object number (the page's parent
    // tree lists it until the end), so drop the dictionary it keeps — memory stays flat.
    const written = t.elem as unknown as { _flushed?: boolean; dictionary?: { data: object; buffer: unknown } };
    if (written._flushed && written.dictionary) {
      written.dictionary.data = WRITTEN;
      written.dictionary.buffer = NOTHING;
    }
  }

  private mark(t: Tagged): void {
    if (this.marked === t) return;
    this.unmark();
    const content = this.doc.markStructureContent(t.type);
    this.marked = t;
    this.pending = content;
  }
  private pending: unknown;
  private unmark(): void {
    if (!this.marked) return;
    this.doc.endMarkedContent();
    this.marked.elem.add(this.pending);
    this.marked = undefined;
  }
  private artifact(draw: () => void): void {
    this.unmark();
    this.doc.addContent('/Artifact BMC');
    draw();
    this.doc.addContent('EMC');
  }

  private encode(face: Face, text: string): string {
    const f = this.fonts[face];
    const cache = this.glyphs.get(face)!;
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let g = cache.get(cp);
      if (g === undefined) {
        const glyph = f.font.glyphForCodePoint(cp);
        const gid = f.subset.includeGlyph(glyph.id);
        f.widths[gid] ??= glyph.advanceWidth * f.scale;
        f.unicode[gid] ??= glyph.codePoints.length ? glyph.codePoints : [cp];
        cache.set(cp, (g = gid.toString(16).padStart(4, '0')));
      }
      hex += g;
    }
    return hex;
  }

  line(x: number, y: number, line: Line, lh: number, artifact = false): void {
    if (!line.frags.length) return;
    const size = line.frags[0]!.style.size;
    const baseline = y + (lh - size * 1.172) / 2 + size * 0.928;
    const top = this.stack[this.stack.length - 1]!;
    let cx = x;
    const draw = () => {
      for (const f of line.frags) {
        const s = f.style;
        if (s.code && f.text.trim()) this.fill(cx - 0.5, y + 0.5, f.w + 1, lh - 1, '#eef1f2');
        let link: Tagged | undefined;
        if (s.link && !artifact) {
          link = this.begin('Link') as Tagged;
          this.mark(link);
        } else if (!artifact) this.mark(top);
        const font = this.fonts[s.face];
        this.doc.page.fonts[font.id] ??= font.ref();
        this.doc.addContent(
          `${rgb(s.color)} rg BT /${font.id} ${num(s.size)} Tf 1 0 0 -1 ${num(cx)} ${num(baseline)} Tm <${this.encode(s.face, f.text)}> Tj ET`,
        );
        if (link) {
          this.unmark();
          this.doc.link(cx, y, f.w, lh, s.link!, { structParent: link.elem });
          this.end(link);
        }
        cx += f.w;
      }
    };
    if (artifact) this.artifact(draw);
    else draw();
  }
  private fill(x: number, y: number, w: number, h: number, colour: string): void {
    const wasMarked = this.marked;
    this.artifact(() => this.doc.addContent(`${rgb(colour)} rg ${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`));
    if (wasMarked) this.mark(wasMarked);
  }
  rect(x: number, y: number, w: number, h: number, colour: string): void {
    this.artifact(() => this.doc.addContent(`${rgb(colour)} rg ${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`));
  }
  rule(x1: number, y1: number, x2: number, y2: number, width: number, colour: string): void {
    this.artifact(() => this.doc.addContent(`${num(width)} w ${rgb(colour)} RG ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`));
  }
  dot(x: number, y: number, r: number, colour: string): void {
    // A circle from four Bézier arcs.
    const k = r * 0.5523;
    this.artifact(() =>
      this.doc.addContent(
        `${rgb(colour)} rg ${num(x + r)} ${num(y)} m ${num(x + r)} ${num(y + k)} ${num(x + k)} ${num(y + r)} ${num(x)} ${num(y + r)} c ` +
          `${num(x - k)} ${num(y + r)} ${num(x - r)} ${num(y + k)} ${num(x - r)} ${num(y)} c ` +
          `${num(x - r)} ${num(y - k)} ${num(x - k)} ${num(y - r)} ${num(x)} ${num(y - r)} c ` +
          `${num(x + k)} ${num(y - r)} ${num(x + r)} ${num(y - k)} ${num(x + r)} ${num(y)} c f`,
      ),
    );
  }
  image(png: Buffer, x: number, y: number, w: number, h: number): void {
    this.mark(this.stack[this.stack.length - 1]!);
    this.doc.image(png, x, y, { width: w, height: h });
  }
  vector(svg: Svg, x: number, y: number, fit: number): void {
    this.mark(this.stack[this.stack.length - 1]!);
    const ops: string[] = [`q ${num(svg.scale * fit)} 0 0 ${num(svg.scale * fit)} ${num(x)} ${num(y)} cm`];
    for (const it of svg.items) {
      if (it.kind === 'rect') {
        const box = `${num(it.x)} ${num(it.y)} ${num(it.w)} ${num(it.h)} re`;
        if (it.fill) ops.push(`${rgb(it.fill)} rg ${box} f`);
        if (it.stroke) ops.push(`${num(it.strokeWidth)} w ${rgb(it.stroke)} RG ${box} S`);
      } else if (it.kind === 'line') {
        ops.push(`${num(it.strokeWidth)} w ${rgb(it.stroke)} RG ${num(it.x1)} ${num(it.y1)} m ${num(it.x2)} ${num(it.y2)} l S`);
      } else {
        const face: Face = it.bold ? 'B' : 'R';
        const text = pdfSafe(it.text);
        const w = widthOf(face, text, it.size);
        const x0 = it.anchor === 'middle' ? it.x - w / 2 : it.anchor === 'end' ? it.x - w : it.x;
        const font = this.fonts[face];
        this.doc.page.fonts[font.id] ??= font.ref();
        ops.push(
          `${rgb(it.fill)} rg BT /${font.id} ${num(it.size)} Tf 1 0 0 -1 ${num(x0)} ${num(it.y)} Tm <${this.encode(face, text)}> Tj ET`,
        );
      }
    }
    ops.push('Q');
    this.doc.addContent(ops.join('\n'));
  }
  anchor(name: string, y: number, title: string, depth: number): void {
    this.doc.addNamedDestination(name, 'XYZ', null, y, null);
    if (depth <= 2) this.h2Outline = this.doc.outline.addItem(title);
    else (this.h2Outline ?? this.doc.outline).addItem(title);
  }
  goTo(x: number, y: number, w: number, h: number, name: string): void {
    this.doc.goTo(x, y, w, h, name);
  }
}
