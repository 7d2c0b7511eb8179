/**
 * mdast → PDF with pdfkit and a layout of our own, in two passes over the same layout code:
 * 1. measure (nothing drawn): where every page breaks, the page of every contents heading, the
 *    page count;
 * 2. draw: pages written to pdfkit's stream one at a time (never buffered), with the contents'
 *    page numbers and "Page N of M" already known.
 * Memory is the tree plus one page, whatever the page count. The PDF is tagged (structure tree,
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

export async function toPdf(tree: Root, opts: PdfOptions): Promise<Buffer> {
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
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', (b) => chunks.push(b));
    doc.on('end', () => resolve());
    doc.on('error', (e) => reject(e ?? new Error('pdfkit failed')));
  });
  const sink = new PdfSink(doc);
  const drawn = layout(tree, opts, sink, known);
  sink.finish();
  if (drawn.page + 1 !== known.pages) {
    throw new Error(`PDF layout is not deterministic: measured ${known.pages} pages, drew ${drawn.page + 1}`);
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
