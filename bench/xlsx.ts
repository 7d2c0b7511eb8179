/**
 * The hazard-log workbook (issue 13, XLSX) against its floor: the same rows and sheets written with
 * exceljs's streaming writer (ExcelJS.stream.xlsx.WorkbookWriter).
 *
 *   npm run bench:xlsx                   sizes 1,000 and 4,000 hazards (5 controls each), 5 pairs each
 *   node dist/bench/xlsx.js clinsafe N   one child: hazardLogXlsx of N hazards
 *   node dist/bench/xlsx.js floor N      one child: the same workbook with exceljs's streaming writer
 *
 * Each measurement is its own child process (its peak RSS is its own), clinsafe and floor in turn.
 * Both children build the same synthetic folder (bench/lib/synthetic-folder.ts) before the clock
 * starts, then make the workbook into an in-memory buffer: clinsafe with `hazardLogXlsx`, the floor
 * by feeding exceljs's streaming writer the rows clinsafe's own table code makes (`hazardLogBody`,
 * the same cover, risk matrix and developer rows), with the same styles, widths, frozen and filtered
 * header, print set-up and notes. The time is the workbook's time; "peak" is the child's max RSS,
 * "growth" that minus the RSS once the folder is built (what the writer itself costs).
 * BENCH_XLSX_MODULE=path/to/hazard-log-table.js times another build of clinsafe (how "before" was
 * measured). BENCH_XLSX_SIZES=1000,4000 and BENCH_XLSX_RUNS=5 change the defaults.
 */
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { emitRow } from './lib/rows.js';
import { median } from './lib/measure.js';
import { syntheticFolder } from './lib/synthetic-folder.js';
import type { SafetyFolder } from '../src/core/folder.js';
import { HAZARD_LOG_COLUMNS } from '../src/core/nhs-layout.js';
import { coverSheet, DEVELOPER_KEYS, developerSheet, riskMatrixSheet, toneOf } from '../src/export/hazard-log-sheets.js';
import { hazardLogBody, hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { residualQualifier } from '../src/core/acceptability.js';
import type { Style, XSheet } from '../src/export/xlsx-writer.js';

const ISSUE = { release: { tag: 'v9.9.9', commit: 'a'.repeat(40), date: '2026-11-01', previousTag: 'v9.9.8', previousDate: '2026-01-01' } };
const FILL = { header: 'FFD9E2EC', low: 'FFCCE5D8', medium: 'FFFFF3B0', high: 'FFFFD0A0', unacceptable: 'FFF4B6B0' } as const;

interface Measure {
  ms: number;
  peakMiB: number;
  baseMiB: number;
  bytes: number;
}

const rssMiB = () => process.memoryUsage().rss / 1048576;
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

/** exceljs's style for one of the writer's style names. */
function excelStyle(s: Style | undefined): Partial<ExcelJS.Style> {
  const wrap: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' };
  const fill = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
  switch (s) {
    case 'title':
      return { font: { bold: true, size: 14 } };
    case 'wrap':
      return { alignment: wrap };
    case 'boldWrap':
      return { font: { bold: true }, alignment: wrap };
    case 'bold':
      return { font: { bold: true } };
    case 'header':
      return { font: { bold: true }, fill: fill(FILL.header) };
    case 'headerWrap':
      return { font: { bold: true }, fill: fill(FILL.header), alignment: wrap };
    case 'low':
    case 'medium':
    case 'high':
    case 'unacceptable':
      return { fill: fill(FILL[s]), alignment: wrap };
    default:
      return {};
  }
}

/** One of clinsafe's sheets (cover, risk matrix, developer), written with exceljs's streaming writer. */
async function floorSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, sheet: XSheet): Promise<void> {
  const ws = wb.addWorksheet(sheet.name, sheet.frozenHeader ? { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] } : {});
  ws.columns = sheet.widths.map((width) => ({ width }));
  if (sheet.print) printSetup(ws, sheet.print);
  for (const row of sheet.rows) {
    const r = ws.addRow(row.cells.map((v) => (v === '' ? undefined : v)));
    row.cells.forEach((v, j) => {
      const st = row.cellStyles?.[j] ?? row.style;
      if (v !== undefined && v !== '' && st) r.getCell(j + 1).style = excelStyle(st);
    });
    r.commit();
  }
  await ws.commit();
}

function printSetup(ws: ExcelJS.Worksheet, orientation: 'landscape' | 'portrait'): void {
  ws.pageSetup = {
    paperSize: 9,
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: '1:1',
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
}

/** The floor: the same workbook through ExcelJS.stream.xlsx.WorkbookWriter, into memory. */
async function floorWorkbook(folder: SafetyFolder): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'clinsafe';
  wb.created = new Date(Date.UTC(2000, 0, 1));
  wb.modified = wb.created;
  await floorSheet(wb, coverSheet(folder, ISSUE));
  const keep = HAZARD_LOG_COLUMNS.map((c, i) => ((DEVELOPER_KEYS as readonly string[]).includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const columns = keep.map((i) => HAZARD_LOG_COLUMNS[i]!);
  const riskCols = new Set(columns.map((c, i) => (c.key === 'initialRisk' || c.key === 'residualRisk' ? i : -1)).filter((i) => i >= 0));
  const residualCol = columns.findIndex((c) => c.key === 'residualRisk');
  const ws = wb.addWorksheet('Hazard Log', { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  ws.columns = columns.map((c) => ({ width: c.width }));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  printSetup(ws, 'landscape');
  const head = ws.addRow(columns.map((c) => c.header));
  head.eachCell((c) => (c.style = excelStyle('headerWrap')));
  head.commit();
  const wrap = excelStyle('wrap');
  for (const { hazard, first, cells } of hazardLogBody(folder)) {
    const values = keep.map((k, j) => {
      const v = cells[k]!;
      return riskCols.has(j) && /^\d+$/.test(v) ? Number(v) : v === '' ? undefined : v;
    });
    const row = ws.addRow(values);
    row.eachCell((c, col) => {
      c.style = typeof c.value === 'number' && riskCols.has(col - 1) ? excelStyle(toneOf(folder.scheme, c.value)) : wrap;
    });
    const note = first && hazard.status !== 'retired' ? residualQualifier(folder, hazard) : '';
    if (note) row.getCell(residualCol + 1).note = note;
    row.commit();
  }
  await ws.commit();
  await floorSheet(wb, riskMatrixSheet(folder));
  await floorSheet(wb, developerSheet(folder));
  await wb.commit();
  return Buffer.concat(chunks);
}

/** Flatten every string in the folder in place (a regular expression reads a string only once it is flat). */
function flattenStrings(value: unknown, seen = new Set<object>()): void {
  if (typeof value === 'string') /\u0000/.test(value);
  else if (value && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) flattenStrings(v, seen);
  }
}

async function child(kind: string, n: number): Promise<void> {
  const folder = syntheticFolder(n);
  // The synthetic folder's strings are template literals (cons strings); the first read of each
  // flattens it into a new string in old space. Done here for both sides, as a folder read from
  // YAML already has flat strings, so neither writer is charged for it.
  flattenStrings(folder);
  const make = kind === 'floor' ? floorWorkbook : await clinsafeModule();
  global.gc?.();
  const baseMiB = rssMiB();
  const t0 = performance.now();
  const bytes = await make(folder);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, peakMiB: peakMiB(), baseMiB, bytes: bytes.length } satisfies Measure));
}

async function clinsafeModule(): Promise<(f: SafetyFolder) => Promise<Buffer>> {
  const other = process.env.BENCH_XLSX_MODULE;
  if (!other) return (f) => hazardLogXlsx(f, ISSUE);
  const m = (await import(pathToFileURL(other).href)) as { hazardLogXlsx: typeof hazardLogXlsx };
  return (f) => m.hazardLogXlsx(f, ISSUE);
}

const self = fileURLToPath(import.meta.url);
function run(kind: string, n: number): Measure {
  const r = spawnSync(process.execPath, ['--expose-gc', self, kind, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${kind} ${n} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measure;
}

async function main(): Promise<void> {
  const [kind, n] = process.argv.slice(2);
  if (kind) return child(kind, Number(n));
  const sizes = (process.env.BENCH_XLSX_SIZES ?? '1000,4000').split(',').map(Number);
  const runs = Number(process.env.BENCH_XLSX_RUNS ?? 5);
  console.log(`hazard-log workbook: clinsafe vs exceljs's streaming writer (floor), ${runs} pairs per size after a warm-up, alternating`);
  console.log('| hazards (rows) | clinsafe: time, peak (growth), size | floor: time, peak (growth), size | ratio time | ratio peak |');
  console.log('|---|---|---|---|---|');
  const peaks: number[] = [];
  for (const n of sizes) {
    run('clinsafe', n);
    run('floor', n);
    const a: Measure[] = [];
    const b: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(run('clinsafe', n));
      b.push(run('floor', n));
    }
    const ratio = median(a.map((m, i) => m.ms / b[i]!.ms));
    const sum = (ms: Measure[]) => ({
      ms: median(ms.map((m) => m.ms)),
      peak: Math.max(...ms.map((m) => m.peakMiB)),
      growth: Math.max(...ms.map((m) => m.peakMiB - m.baseMiB)),
      bytes: ms[0]!.bytes,
    });
    const A = sum(a);
    const B = sum(b);
    peaks.push(A.peak);
    const fmt = (m: typeof A) =>
      `${(m.ms / 1000).toFixed(2)} s, ${m.peak.toFixed(0)} MiB (+${m.growth.toFixed(0)}), ${(m.bytes / 1048576).toFixed(2)} MB`;
    console.log(`| ${n} (${n * 5}) | ${fmt(A)} | ${fmt(B)} | ${ratio.toFixed(2)}× | ${(A.peak / B.peak).toFixed(2)}× |`);
    emitRow({
      path: `XLSX hazard log, ${n.toLocaleString('en-GB')} hazards / ${(n * 5).toLocaleString('en-GB')} controls`,
      clinsafe: `${(A.ms / 1000).toFixed(2)} s, peak ${A.peak.toFixed(0)} MiB (+${A.growth.toFixed(0)} over the folder)`,
      floor: `exceljs streaming writer: ${(B.ms / 1000).toFixed(2)} s, peak ${B.peak.toFixed(0)} MiB (+${B.growth.toFixed(0)})`,
      ratio,
      peakMiB: A.peak,
      goal: 1.2,
    });
  }
  if (sizes.length > 1)
    console.log(
      `\npeak memory, ${sizes.at(-1)} vs ${sizes[0]} hazards: ${(peaks.at(-1)! / peaks[0]!).toFixed(2)}× for ${(sizes.at(-1)! / sizes[0]!).toFixed(0)}× the rows (the folder itself is in both)`,
    );
}

await main();
