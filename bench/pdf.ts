/**
 * The PDF renderer against its floor, and its memory at two sizes.
 *
 *   npm run bench:pdf              (BENCH_PDF_SIZES=62,1000, BENCH_PDF_RUNS=1 by default)
 *   node dist/bench/pdf.js clinsafe N   one child: the PDFs for N hazards written into files as
 *                                       `clinsafe report` writes them (writeDocuments + OutputFolder)
 *   node dist/bench/pdf.js buffers N    one child: the same PDFs as Buffers (buildDocuments: the
 *                                       App's and the Action's release assets)
 *   node dist/bench/pdf.js release N    one child: the App's and the Action's release path — written
 *                                       into a private temp folder (withTempArtefacts), then each
 *                                       file read back and hash-checked one at a time (the upload
 *                                       itself is not made: the bytes go nowhere)
 *   node dist/bench/pdf.js floor N      one child: the same files, with the PDFs written by pdfkit directly
 *
 * Each measurement runs in its own child process, so each peak RSS is its own. Both children build
 * the same documents (CSCR, CRMP, safety requirements) from the same synthetic folder; the floor
 * swaps the renderer (src/docs/pdf/index.ts `renderer`) for what a developer writes with pdfkit's
 * own text calls: each block with doc.text, each table row measured with heightOfString and drawn
 * cell by cell — no contents page, no page numbers, no repeated headers, no tags, no protection
 * against orphan headings. The time printed is the time spent inside the renderer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PhrasingContent, Root, RootContent, Table } from 'mdast';
import { emitRow } from './lib/rows.js';
import { syntheticFolder } from './lib/synthetic-folder.js';
import { withTempArtefacts } from '../src/adapters/temp-artefacts.js';
import { clinsafeTemplate } from '../src/adapters/templates.js';
import { OutputFolder } from '../src/cli/commands/report.js';
import { buildDocuments, sha256, writeDocuments } from '../src/docs/build.js';
import { plainText } from '../src/docs/html.js';
import { fontFile, pdfSafe, type Face } from '../src/docs/pdf/fonts.js';
import { renderer, type PdfOptions } from '../src/docs/pdf/index.js';

const require = createRequire(import.meta.url);
const RELEASE = { tag: 'v9.9.9', commit: 'a'.repeat(40), date: '2026-11-01' };

/** The synthetic folder of bench/report.ts: N hazards with 5 controls each. */

const changeRecord = (n: number) =>
  Array.from({ length: 200 }, (_, i) => ({
    pullNumber: i + 1,
    title: `Change ${i + 1}`,
    mergeCommit: 'b'.repeat(40),
    hazards: [`H-${String((i % n) + 1).padStart(4, '0')}`],
    approvals: [],
    source: 'git' as const,
  }));

interface PdfKitDoc {
  x: number;
  y: number;
  page: { height: number };
  addPage(): PdfKitDoc;
  heightOfString(s: string, opts?: object): number;
  font(src: string): PdfKitDoc;
  fontSize(n: number): PdfKitDoc;
  fillColor(c: string): PdfKitDoc;
  text(s: string, xOrOpts?: number | object, y?: number, opts?: object): PdfKitDoc;
  moveDown(n?: number): PdfKitDoc;
  registerFont(name: string, src: string): PdfKitDoc;
  on(ev: string, cb: (b?: Buffer) => void): PdfKitDoc;
  end(): void;
}

/** The floor: a tree written with pdfkit's own text calls, as a developer would write it by hand. */
function floorPdf(tree: Root, opts: PdfOptions): Promise<Buffer> {
  const PDFDocument = require('pdfkit') as new (o: object) => PdfKitDoc;
  const date = new Date(opts.date.length === 10 ? `${opts.date}T00:00:00Z` : opts.date);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 50, left: 40, right: 40 },
    info: { Title: opts.title, CreationDate: date, ModDate: date },
    font: fontFile('R'),
  });
  for (const f of ['R', 'B', 'I', 'BI'] as Face[]) doc.registerFont(f, fontFile(f));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => {
    doc.on('data', (b) => chunks.push(b!));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
  });
  const runs = (nodes: PhrasingContent[], face: Face, out: { text: string; face: Face }[] = []) => {
    for (const n of nodes) {
      if (n.type === 'strong') runs(n.children, 'B', out);
      else if (n.type === 'emphasis') runs(n.children, 'I', out);
      else out.push({ text: pdfSafe(plainText(n)), face });
    }
    return out;
  };
  const table = (t: Table) => {
    const cols = t.children[0]?.children.length ?? 1;
    const size = cols >= 6 ? 7 : cols >= 4 ? 8 : 9;
    const w = 515 / cols;
    t.children.forEach((row, r) => {
      doc.font(r === 0 ? 'B' : 'R').fontSize(size);
      const cells = row.children.map((c) => pdfSafe(plainText(c)));
      const h = Math.max(...cells.map((c) => doc.heightOfString(c, { width: w - 6 }))) + 4;
      if (doc.y + h > doc.page.height - 50) doc.addPage();
      const y = doc.y;
      cells.forEach((c, i) => doc.text(c, 40 + i * w + 3, y + 2, { width: w - 6 }));
      doc.y = y + h;
    });
    doc.x = 40;
    doc.moveDown(0.5);
  };
  const blocks = (nodes: RootContent[]) => {
    for (const n of nodes) {
      if (n.type === 'heading') {
        doc
          .font('B')
          .fontSize([18, 18, 14, 11.5][n.depth] ?? 10)
          .text(pdfSafe(plainText(n)));
        doc.moveDown(0.3);
      } else if (n.type === 'paragraph') {
        const rs = runs(n.children, 'R');
        doc.fontSize(9.5);
        rs.forEach((r, i) => doc.font(r.face).text(r.text, { continued: i < rs.length - 1 }));
        doc.moveDown(0.5);
      } else if (n.type === 'list') {
        doc.font('R').fontSize(9.5);
        for (const item of n.children) doc.text(`- ${pdfSafe(plainText(item))}`);
        doc.moveDown(0.5);
      } else if (n.type === 'table') {
        table(n);
      } else if (n.type === 'blockquote') {
        blocks(n.children);
      } else {
        doc
          .font('R')
          .fontSize(9.5)
          .text(pdfSafe(plainText(n)));
      }
    }
  };
  blocks(tree.children);
  doc.end();
  return done;
}

/**
 * One child. `clinsafe` and `floor` write the PDFs into files as `clinsafe report` does
 * (writeDocuments into the CLI's OutputFolder, a temp folder removed afterwards); `buffers` builds
 * them in memory as Buffers (buildDocuments: what the App and the Action upload as release assets).
 */
async function child(mode: string, n: number): Promise<void> {
  let inside = 0n;
  const floor = mode === 'floor';
  const toPdf = floor ? floorPdf : renderer.toPdf;
  const writePdfTo = renderer.writePdfTo;
  renderer.toPdf = async (tree, opts) => {
    const t0 = process.hrtime.bigint();
    const pdf = await toPdf(tree, opts);
    inside += process.hrtime.bigint() - t0;
    return pdf;
  };
  renderer.writePdfTo = async (tree, opts, sink) => {
    const t0 = process.hrtime.bigint();
    if (floor) sink.write(await floorPdf(tree, opts));
    else await writePdfTo(tree, opts, sink);
    inside += process.hrtime.bigint() - t0;
  };
  const input = {
    folder: syntheticFolder(n),
    release: RELEASE,
    changeRecord: changeRecord(n),
    formats: ['pdf' as const],
    defaultTemplates: clinsafeTemplate,
  };
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-bench-pdf-'));
  const t0 = process.hrtime.bigint();
  let arts: { name: string; size: number; sha256: string }[];
  try {
    if (mode === 'buffers') {
      arts = (await buildDocuments(input)).map((a) => ({ name: a.name, size: a.bytes.length, sha256: a.sha256 }));
    } else if (mode === 'release') {
      // As src/app/release-sign-off.ts buildAndAttach: each read back just before its "upload", then let go.
      arts = await withTempArtefacts(async (files) => {
        const written = await writeDocuments(input, files);
        for (const a of written) if (sha256(await files.read(a.name)) !== a.sha256) throw new Error(`${a.name}: SHA-256 differs`);
        return written;
      });
    } else {
      const output = new OutputFolder(dir);
      arts = await writeDocuments(input, output);
      output.commit();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e6;
  const bytes = arts.reduce((s, a) => s + a.size, 0);
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  // BENCH_PDF_HASH=1: each PDF's sha256 on stderr, to check that a memory change left the bytes alone.
  if (process.env.BENCH_PDF_HASH) for (const a of arts) console.error(`${mode} ${n} ${a.name} ${a.sha256}`);
  console.log(
    JSON.stringify({ mode, hazards: n, ms: Math.round(Number(inside) / 1e6), totalMs: Math.round(total), peakRssMb: peak, bytes }),
  );
}

interface Result {
  mode: string;
  hazards: number;
  ms: number;
  totalMs: number;
  peakRssMb: number;
  bytes: number;
}

function run(mode: string, n: number): Result | undefined {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, mode, String(n)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    console.log(`${mode} ${n}: failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    process.exitCode = 1;
    return undefined;
  }
  return JSON.parse(line) as Result;
}

/** The fastest of `runs` runs (the machine is shared), with the highest peak memory seen. */
function best(mode: string, n: number, runs: number): Result | undefined {
  const rs = Array.from({ length: runs }, () => run(mode, n)).filter((r): r is Result => !!r);
  if (!rs.length) return undefined;
  const fastest = rs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)) };
}

const [mode, size] = process.argv.slice(2);
if (mode) {
  await child(mode, Number(size ?? 1000));
} else {
  const sizes = (process.env.BENCH_PDF_SIZES ?? '62,1000').split(',').map(Number);
  const runs = Number(process.env.BENCH_PDF_RUNS ?? 1);
  console.log(`clinsafe PDF bench: node ${process.version}; CSCR + CRMP + safety requirements; best of ${runs} runs`);
  console.log('hazards  path                       in renderer   end to end   peak RSS   PDF bytes');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const results: Result[] = [];
  for (const n of sizes) {
    const ours = best('clinsafe', n, runs);
    const floor = best('floor', n, runs);
    for (const r of [ours, floor]) {
      if (!r) continue;
      results.push(r);
      console.log(
        `${String(n).padStart(7)}  ${(r.mode === 'floor' ? 'floor: pdfkit directly' : 'clinsafe').padEnd(25)}${s(r.ms).padStart(12)}${s(r.totalMs).padStart(13)}${`${r.peakRssMb} MiB`.padStart(11)}${`${(r.bytes / 1048576).toFixed(1)} MiB`.padStart(12)}`,
      );
    }
    if (ours && floor) {
      emitRow({
        path: `PDF (CSCR + CRMP + safety requirements), ${n} hazards`,
        clinsafe: `${s(ours.ms)}`,
        floor: `pdfkit directly: ${s(floor.ms)}, ${floor.peakRssMb} MiB`,
        ratio: ours.ms / floor.ms,
        peakMiB: ours.peakRssMb,
        goal: 1.3,
      });
      console.log(
        `         ratio clinsafe / floor: time in renderer ${(ours.ms / floor.ms).toFixed(2)}x (goal <= 1.3x), peak memory ${(ours.peakRssMb / floor.peakRssMb).toFixed(2)}x`,
      );
    }
  }
  // The in-memory path (every finished PDF held as a Buffer), and the App's/Action's release path (temp folder, one at a time).
  for (const [m, label, what] of [
    ['buffers', 'clinsafe, as Buffers', 'as in-memory Buffers (buildDocuments)'],
    ['release', 'release path (temp dir)', 'on the App/Action release path (temp folder, one at a time)'],
  ] as const) {
    const pair = sizes.length >= 2 ? [best(m, sizes[0]!, runs), best(m, sizes[sizes.length - 1]!, runs)] : [];
    for (const r of pair)
      if (r)
        console.log(
          `${String(r.hazards).padStart(7)}  ${label.padEnd(25)}${s(r.ms).padStart(12)}${s(r.totalMs).padStart(13)}${`${r.peakRssMb} MiB`.padStart(11)}${`${(r.bytes / 1048576).toFixed(1)} MiB`.padStart(12)}`,
        );
    if (pair[0] && pair[1]) {
      const [a, b] = [pair[0], pair[1]];
      emitRow({
        path: `PDF peak memory ${what}, ${b.hazards} vs ${a.hazards} hazards`,
        clinsafe: `${b.peakRssMb} MiB`,
        floor: `the same at ${a.hazards} hazards: ${a.peakRssMb} MiB`,
        ratio: b.peakRssMb / a.peakRssMb,
        peakMiB: b.peakRssMb,
        ...(m === 'release' ? { goal: 2 } : {}),
      });
    }
  }
  const mine = results.filter((r) => r.mode === 'clinsafe');
  if (mine.length >= 2) {
    const [a, b] = [mine[0]!, mine[mine.length - 1]!];
    emitRow({
      path: `PDF peak memory, written to files as clinsafe report does, ${b.hazards} vs ${a.hazards} hazards`,
      clinsafe: `${b.peakRssMb} MiB`,
      floor: `clinsafe at ${a.hazards} hazards: ${a.peakRssMb} MiB`,
      ratio: b.peakRssMb / a.peakRssMb,
      peakMiB: b.peakRssMb,
      goal: 2,
    });
    console.log(
      `memory: ${(b.hazards / a.hazards).toFixed(1)}x the hazards cost ${(b.peakRssMb / a.peakRssMb).toFixed(2)}x the peak memory (goal: 16x the hazards, at most 2x)`,
    );
  }
}
