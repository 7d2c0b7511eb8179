/**
 * The page flow: where the next block goes, when a page ends, what happens at the top of a new
 * page (a table's header row, a quotation's background). The same flow runs twice — measuring
 * (NULL_SINK) and drawing (PdfSink) — and makes the same decisions both times, so the measuring
 * pass knows every page number before anything is drawn and no page is kept in memory.
 */
import { NULL_SINK, type Sink } from './draw.js';
import type { Line, Style } from './inline.js';

/** A4 portrait in points, with the margins of the documents. */
export const PAGE = { width: 595.28, height: 841.89, margin: 40, top: 50, bottom: 50 } as const;
export const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;

/** Line height for a font size: Roboto's ascent + descent, times 1.15. */
export const lineHeight = (size: number): number => size * 1.172 * 1.15;

export interface Box {
  x: number;
  w: number;
}
export interface Segment {
  page: number;
  y0: number;
  y1: number;
}

export class Flow {
  /** 0-based index of the current page; -1 before the first. */
  page = -1;
  y: number = PAGE.top;
  readonly top = PAGE.top;
  readonly bottom = PAGE.height - PAGE.bottom;
  readonly bodyHeight = PAGE.height - PAGE.top - PAGE.bottom;
  /** Called, innermost last, at the top of every new page (table header rows, backgrounds). */
  onPage: Array<() => void> = [];
  /** 1-based page of each contents heading, in document order (filled while not in a dry run). */
  readonly headingPages: number[] = [];
  private dryRun: Segment[] | undefined;
  private segStart = 0;

  constructor(
    public sink: Sink,
    /** Draws the page footer of page `index` (drawing pass only). */
    private readonly footer: (index: number) => void,
  ) {}

  get dry(): boolean {
    return this.dryRun !== undefined;
  }

  newPage(): void {
    if (this.dryRun) {
      this.dryRun.push({ page: this.page, y0: this.segStart, y1: this.y });
      this.segStart = this.top;
    } else if (this.page >= 0) {
      if (this.sink.drawing) this.footer(this.page);
      this.sink.endPage();
    }
    this.page++;
    this.y = this.top;
    if (!this.dryRun) this.sink.beginPage();
    for (const f of [...this.onPage]) f();
  }

  /** Close the last page. */
  finish(): void {
    if (this.page >= 0 && this.sink.drawing) this.footer(this.page);
    this.sink.endPage();
  }

  fits(h: number): boolean {
    return this.y + h <= this.bottom + 0.01;
  }
  atTop(): boolean {
    return this.y <= this.top + 0.01;
  }
  /** Start a new page unless `h` points fit on this one (or this page is still empty). */
  ensure(h: number): void {
    if (!this.fits(h) && !this.atTop()) this.newPage();
  }
  /** Vertical space that disappears at the top of a page. */
  gap(h: number): void {
    if (!this.atTop()) this.y = Math.min(this.y + h, this.bottom);
  }

  /**
   * Where `fn` would put its content, page by page, without drawing anything or recording headings:
   * used to paint a background before the content it sits behind.
   */
  measure(fn: () => void): Segment[] {
    const saved = { page: this.page, y: this.y, sink: this.sink, dryRun: this.dryRun, segStart: this.segStart };
    const heads = this.headingPages.length;
    this.dryRun = [];
    this.segStart = this.y;
    this.sink = NULL_SINK;
    try {
      fn();
      this.dryRun.push({ page: this.page, y0: this.segStart, y1: this.y });
      return this.dryRun;
    } finally {
      this.headingPages.length = heads;
      Object.assign(this, saved);
    }
  }

  /** Draw lines at `box`, breaking pages between lines. */
  lines(lines: readonly Line[], box: Box, style: Style, align: 'left' | 'center' | 'right' = 'left'): void {
    const lh = lineHeight(style.size);
    for (const l of lines) {
      if (!this.fits(lh)) this.newPage();
      const dx = align === 'right' ? box.w - l.w : align === 'center' ? (box.w - l.w) / 2 : 0;
      this.sink.line(box.x + dx, this.y, l, lh);
      this.y += lh;
    }
  }
}
