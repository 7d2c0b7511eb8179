/**
 * The PDF renderer against its floor, and its memory at two sizes.
 *
 *   npm run bench:pdf                       (BENCH_PDF_SIZES=62,1000 by default)
 *   node dist/bench/pdf.js render N         one child: clinsafe's renderer on the N-hazard documents
 *   node dist/bench/pdf.js floor N          one child: the same trees written with pdfkit directly
 *   node dist/bench/pdf.js build N          one child: buildDocuments({ formats: ['pdf'] }) end to end
 *
 * Each measurement runs in its own child process, so each peak RSS is its own. `render` and `floor`
 * start from the same mdast trees (the CSCR, CRMP and safety requirements of a synthetic folder,
 * read back from clinsafe's Markdown) and time only the writing of the three PDFs. The floor is
 * what a developer writes with pdfkit's own text and table calls: no contents page, no page
 * numbers, no repeated headers, no tags, no protection against orphan headings or lost rows.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PhrasingContent, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Hazard, SafetyFolder } from '../src/core/folder.js';
import { NHS_DCB0129, riskOf } from '../src/core/risk.js';
import { configSchema } from '../src/core/schema.js';
import { buildDocuments } from '../src/docs/build.js';
import { plainText } from '../src/docs/html.js';
import { fontFile, pdfSafe, type Face } from '../src/docs/pdf/fonts.js';
import { toPdf } from '../src/docs/pdf/index.js';

const require = createRequire(import.meta.url);
const RELEASE = { tag: 'v9.9.9', commit: 'a'.repeat(40), date: '2026-11-01' };

/** The synthetic folder of bench/report.ts: N hazards with 5 controls each. */
function syntheticFolder(n: number): SafetyFolder {
  const s = NHS_DCB0129;
  const config = configSchema.parse({
    product: {
      name: 'Synthetic',
      manufacturer: 'Bench Ltd',
      description: 'A synthetic product for benchmarks.',
      version: '9.9.9',
      intendedUse: 'Benchmarking the document generator.',
      clinicalScope: 'None; synthetic.',
      users: ['Benchmarks'],
      careSettings: ['CI'],
      patientGroup: 'None',
      interfaces: [{ name: 'Nothing', direction: 'inbound' }],
    },
    cso: [{ github: 'bench-cso', name: 'Dr Bench', profession: 'Medical practitioner', registration: 'GMC 0000000' }],
    review: { cadenceMonths: 12, lastReviewed: '2026-01-01' },
    lifecycle: [{ phase: 'Live' }],
  });
  const hazards: Hazard[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `H-${String(i).padStart(4, '0')}`;
    const sev = s.severities[i % 5]!;
    const lik = s.likelihoods[(i * 3) % 5]!;
    const rsev = s.severities[Math.max(0, (i % 5) - 1)]!;
    const rlik = s.likelihoods[0]!;
    const controls = Array.from({ length: 5 }, (_, c) => ({
      id: `${id}-C${String(c + 1).padStart(2, '0')}`,
      description: `Control ${c + 1} of hazard ${i}: the system validates the input against the reference data and refuses values that cannot be mapped, telling the user what to check.`,
      type: (['design', 'test', 'training', 'business-process'] as const)[c % 4],
      owner: c === 4 ? 'Deploying organisation' : 'manufacturer',
      status: (['verified', 'implemented', 'planned'] as const)[c % 3],
      causes: ['C1'],
      evidence: c % 3 === 2 ? [] : [`test/hazard-${i}-control-${c + 1}.spec.ts`],
    }));
    hazards.push({
      id,
      title: `Synthetic hazard ${i}: data shown to the clinician is wrong, missing or late`,
      description: `Description of hazard ${i}, a paragraph of text as long as a real hazard description tends to be in a hazard log.`,
      clinicalImpact: 'Delayed or inappropriate treatment; could lead to harm of a single patient.',
      causes: [
        { id: 'C1', description: 'Interface failure' },
        { id: 'C2', description: 'User error' },
      ],
      existingControls: ['Clinical judgement', 'Training'],
      initial: { severity: sev, likelihood: lik, risk: riskOf(s, sev, lik)! },
      controls,
      residual: { severity: rsev, likelihood: rlik, risk: riskOf(s, rsev, rlik)! },
      status: i % 10 === 0 ? 'transferred' : 'open',
      ...(i % 10 === 0 ? { transferredTo: 'Deploying organisation' } : {}),
      operationalConstraints: i % 7 === 0 ? ['Use only with a second source'] : [],
      actions: [{ summary: 'Verify planned control', owner: 'manufacturer', status: 'open' }],
      assumptions: [],
      draft: false,
      triggers: { paths: [`src/module-${i}/**`], labels: [] },
      file: `clinical-safety/hazards/${id}.yml`,
    } as unknown as Hazard);
  }
  return { dir: 'clinical-safety', config, scheme: s, hazards, incidents: [], workshops: [], templates: {} } as SafetyFolder;
}

const changeRecord = (n: number) =>
  Array.from({ length: 200 }, (_, i) => ({
    pullNumber: i + 1,
    title: `Change ${i + 1}`,
    mergeCommit: 'b'.repeat(40),
    hazards: [`H-${String((i % n) + 1).padStart(4, '0')}`],
    approvals: [],
    source: 'git' as const,
  }));

/** The three PDF documents' trees, read back from clinsafe's Markdown. */
async function trees(n: number): Promise<{ name: string; tree: Root }[]> {
  const arts = await buildDocuments({ folder: syntheticFolder(n), release: RELEASE, changeRecord: changeRecord(n), formats: ['md'] });
  const parser = unified().use(remarkParse).use(remarkGfm);
  return arts
    .filter((a) => a.name.endsWith('.md'))
    .map((a) => ({ name: a.name, tree: parser.runSync(parser.parse(a.bytes.toString('utf8'))) as Root }));
}

interface PdfKitDoc {
  font(src: string): PdfKitDoc;
  fontSize(n: number): PdfKitDoc;
  fillColor(c: string): PdfKitDoc;
  text(s: string, opts?: object): PdfKitDoc;
  moveDown(n?: number): PdfKitDoc;
  table(opts: object): PdfKitDoc;
  registerFont(name: string, src: string): PdfKitDoc;
  on(ev: string, cb: (b?: Buffer) => void): PdfKitDoc;
  end(): void;
}

/** The floor: the same tree written with pdfkit's own text and table calls. */
function floorPdf(tree: Root, title: string): Promise<Buffer> {
  const PDFDocument = require('pdfkit') as new (o: object) => PdfKitDoc;
  const date = new Date('2026-11-01T00:00:00Z');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 50, left: 40, right: 40 },
    info: { Title: title, CreationDate: date, ModDate: date },
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
        const cols = n.children[0]?.children.length ?? 1;
        doc.font('R').fontSize(cols >= 6 ? 7 : cols >= 4 ? 8 : 9);
        doc.table({ data: n.children.map((row) => row.children.map((c) => pdfSafe(plainText(c)))) });
        doc.moveDown(0.5);
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

async function child(mode: string, n: number): Promise<void> {
  const rss = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
  let ms: number;
  let bytes = 0;
  let before = 0;
  if (mode === 'build') {
    const t0 = process.hrtime.bigint();
    const arts = await buildDocuments({ folder: syntheticFolder(n), release: RELEASE, changeRecord: changeRecord(n), formats: ['pdf'] });
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    bytes = arts.reduce((s, a) => s + a.bytes.length, 0);
  } else {
    const docs = await trees(n);
    before = rss();
    const t0 = process.hrtime.bigint();
    for (const d of docs) {
      const pdf =
        mode === 'floor'
          ? await floorPdf(d.tree, d.name)
          : await toPdf(d.tree, {
              title: d.name,
              subtitle: ['Bench Ltd'],
              status: 'DRAFT',
              footer: 'Synthetic',
              date: RELEASE.date,
              author: 'Bench Ltd',
            });
      bytes += pdf.length;
    }
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ mode, hazards: n, ms: Math.round(ms), peakRssMb: peak, rssBeforeMb: before, bytes }));
}

interface Result {
  mode: string;
  hazards: number;
  ms: number;
  peakRssMb: number;
  rssBeforeMb: number;
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

const [mode, size] = process.argv.slice(2);
if (mode) {
  await child(mode, Number(size ?? 1000));
} else {
  const sizes = (process.env.BENCH_PDF_SIZES ?? '62,1000').split(',').map(Number);
  const big = Math.max(...sizes);
  console.log(`clinsafe PDF bench: node ${process.version}; sizes ${sizes.join(', ')} hazards (5 controls each)`);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const render = run('render', big);
  const floor = run('floor', big);
  if (render && floor) {
    console.log(`\nCSCR + CRMP + safety requirements, ${big} hazards, same trees (time to write the three PDFs)`);
    console.log('path                         time      peak RSS   RSS before   output');
    for (const r of [render, floor])
      console.log(
        `${(r.mode === 'render' ? 'clinsafe (src/docs/pdf)' : 'floor: pdfkit directly').padEnd(27)}${s(r.ms).padStart(8)}  ${`${r.peakRssMb} MiB`.padStart(9)}  ${`${r.rssBeforeMb} MiB`.padStart(10)}   ${(r.bytes / 1048576).toFixed(1)} MiB`,
      );
    console.log(
      `ratio (clinsafe / floor): time ${(render.ms / floor.ms).toFixed(2)}x (goal <= 1.3x), peak memory ${(render.peakRssMb / floor.peakRssMb).toFixed(2)}x`,
    );
  }
  console.log(`\nbuildDocuments({ formats: ['pdf'] }) end to end, memory against size`);
  const builds = sizes.map((n) => run('build', n)).filter((r): r is Result => !!r);
  for (const b of builds)
    console.log(
      `${String(b.hazards).padStart(6)} hazards  ${s(b.ms).padStart(8)}  ${`${b.peakRssMb} MiB`.padStart(9)} peak   ${(b.bytes / 1048576).toFixed(1)} MiB of PDF`,
    );
  if (builds.length >= 2) {
    const [a, b] = [builds[0]!, builds[builds.length - 1]!];
    console.log(
      `${(b.hazards / a.hazards).toFixed(1)}x the hazards: ${(b.peakRssMb / a.peakRssMb).toFixed(2)}x the peak memory (goal: 16x the hazards at most 2x)`,
    );
  }
}
