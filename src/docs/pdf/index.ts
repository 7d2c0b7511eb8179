/**
 * mdast → PDF with pdfkit and a layout of our own, in two passes over the same layout code:
 * 1. measure (nothing drawn): where every page breaks, the page of every contents heading, the
 *    page count;
 * 2. draw: pages written to pdfkit's stream one at a time (never buffered), with the contents'
 *    page numbers and "Page N of M" already known.
 * Memory is the tree plus one page, whatever the page count, and the finished file only when it is
 * asked for as a Buffer (`toPdf`); `writePdfTo` hands the bytes out as they are made. The PDF is tagged (structure tree,
 * language, title shown as the window title) and byte-identical for the same input.
 */
import type { Root } from 'mdast';
import { layoutBlocks, BODY } from './blocks.js';
import { compactHeader, contentsEntries, contentsPages, footer, titlePage, type FrontMatter } from './contents.js';
import { loadPdfKit, NULL_SINK, PdfSink, type Sink } from './draw.js';
import { fontFile, pdfSafe } from './fonts.js';
import { Flow, PAGE, TEXT_WIDTH } from './flow.js';

export { pdfSafe } from './fonts.js';
export { toneOf } from './blocks.js';

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

const TOC_DEPTH = 3;

/** Lay the whole document out on `sink`; returns the flow (page count, contents pages). */
function layout(tree: Root, opts: PdfOptions, sink: Sink, known?: { pages: number; headingPages: number[] }): Flow {
  // The first level-1 heading is the title; the rest is the body.
  const body = tree.children.filter((n, i) => !(i === 0 && n.type === 'heading' && n.depth === 1));
  const front: FrontMatter = { title: opts.title, subtitle: opts.subtitle, status: opts.status, footer: opts.footer };
  const flow: Flow = new Flow(sink, (index) => footer(flow, index, known?.pages ?? 0, opts.footer));
  const box = { x: PAGE.margin, w: TEXT_WIDTH };
  if (opts.compact) {
    compactHeader(flow, front);
    layoutBlocks(flow, body, box, { tocDepth: 0, paraGap: 6 }, true);
  } else {
    titlePage(flow, front);
    contentsPages(flow, contentsEntries(body, TOC_DEPTH), known?.headingPages);
    flow.newPage();
    layoutBlocks(flow, body, box, { tocDepth: TOC_DEPTH, paraGap: 6 }, true);
  }
  flow.finish();
  return flow;
}

/** Where the bytes of a PDF go as they are made, in order (a file being written, a hash). */
export interface ByteSink {
  write(chunk: Uint8Array): void;
}

export function toPdf(tree: Root, opts: PdfOptions): Promise<Buffer> {
  return renderer.toPdf(tree, opts);
}

/**
 * The PDF written to `sink` as it is drawn, in blocks of up to 1 MiB: the document is never whole
 * in memory. A chunk is only valid during the call (its memory is reused): copy it or write it out.
 */
export function writePdfTo(tree: Root, opts: PdfOptions, sink: ByteSink): Promise<void> {
  return renderer.writePdfTo(tree, opts, sink);
}

/**
 * The renderer toPdf and writePdfTo use. Only bench/pdf.ts swaps it (for the pdfkit-direct floor),
 * so the floor is measured on the very trees buildDocuments makes, in the same kind of process.
 */
export const renderer = {
  toPdf: (tree: Root, opts: PdfOptions): Promise<Buffer> =>
    Promise.resolve().then(() => {
      const out = new Collector();
      writePdf(tree, opts, out);
      return out.bytes();
    }),
  writePdfTo: (tree: Root, opts: PdfOptions, sink: ByteSink): Promise<void> =>
    Promise.resolve().then(() => {
      const out = new Collector(sink);
      writePdf(tree, opts, out);
      out.flush();
    }),
};

function writePdf(tree: Root, opts: PdfOptions, out: Collector): void {
  const measured = layout(tree, opts, NULL_SINK);
  const known = { pages: measured.page + 1, headingPages: measured.headingPages };

  const date = new Date(opts.date.length === 10 ? `${opts.date}T00:00:00Z` : opts.date);
  const PDFDocument = loadPdfKit();
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.margin, right: PAGE.margin },
    autoFirstPage: false,
    bufferPages: false,
    compress: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    font: fontFile(BODY.face),
    info: {
      Title: pdfSafe(opts.title),
      Author: pdfSafe(opts.author),
      Subject: pdfSafe(opts.subtitle.join(' ')),
      Creator: 'clinsafe',
      Producer: 'clinsafe (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  // pdfkit hands each piece of the file to Readable#push; taken here directly (synchronously), the
  // bytes of every finished page leave pdfkit at once instead of queueing in the stream's buffer.
  const header = doc.read(); // what the constructor wrote already: "%PDF-1.7" and the binary marker
  if (header) out.add(header);
  let ended = false;
  doc.push = (chunk: Buffer | null) => {
    if (chunk === null) ended = true;
    else out.add(chunk);
    return true;
  };
  const sink = new PdfSink(doc);
  const drawn = layout(tree, opts, sink, known);
  sink.finish();
  if (drawn.page + 1 !== known.pages) {
    throw new Error(`PDF layout is not deterministic: measured ${known.pages} pages, drew ${drawn.page + 1}`);
  }
  doc.end();
  if (!ended) throw new Error('pdfkit did not finish the PDF');
}

/**
 * The PDF bytes, gathered in 1 MiB blocks: pdfkit emits one small Buffer per object line, and
 * keeping hundreds of thousands of them would cost more memory than the PDF itself. With a sink,
 * each full block is handed to it and then reused: one block, whatever the size of the PDF.
 *
 * The blocks are reused from one document to the next (a document set is rendered back to back):
 * a 1 MiB block is an ArrayBuffer of its own, freed only by a full garbage collection, so fresh
 * blocks for every document left the previous document's blocks lying in memory while the next
 * was drawn. The spare blocks are let go once rendering stops (the next turn of the event loop).
 */
class Collector {
  private static readonly BLOCK = 1 << 20;
  private static spare: Buffer[] = [];
  private static releasing = false;
  private readonly full: Buffer[] = [];
  private block = Collector.take();
  private used = 0;
  constructor(private readonly sink?: ByteSink) {}
  private static take(): Buffer {
    return Collector.spare.pop() ?? Buffer.allocUnsafe(Collector.BLOCK);
  }
  add(b: Buffer): void {
    if (b.length > Collector.BLOCK / 4) {
      this.seal();
      if (this.sink) this.sink.write(b);
      else this.full.push(Buffer.from(b));
      return;
    }
    if (this.used + b.length > Collector.BLOCK) this.seal();
    b.copy(this.block, this.used);
    this.used += b.length;
  }
  private seal(): void {
    if (this.sink) {
      if (this.used) this.sink.write(this.block.subarray(0, this.used));
      this.used = 0;
      return;
    }
    if (this.used) this.full.push(this.block.subarray(0, this.used));
    else Collector.spare.push(this.block);
    this.block = Collector.take();
    this.used = 0;
  }
  /** The rest, to the sink; the block goes back for the next document. */
  flush(): void {
    this.seal();
    Collector.spare.push(this.block);
    this.releaseSoon();
  }
  bytes(): Buffer {
    this.seal();
    const pdf = Buffer.concat(this.full);
    // Only whole blocks go back (a large piece copied on its own is not one).
    for (const b of this.full)
      if (b.buffer.byteLength === Collector.BLOCK && b.byteOffset === 0) Collector.spare.push(Buffer.from(b.buffer, 0, Collector.BLOCK));
    Collector.spare.push(this.block);
    this.full.length = 0;
    this.releaseSoon();
    return pdf;
  }
  private releaseSoon(): void {
    if (Collector.releasing) return;
    Collector.releasing = true;
    setImmediate(() => {
      Collector.spare = [];
      Collector.releasing = false;
    }).unref();
  }
}
