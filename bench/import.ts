/**
 * Import figures (issue 13): `clinsafe import` of generated NHS-layout hazard logs against the floor
 * of reading the same file with exceljs's streaming reader (ExcelJS.stream.xlsx.WorkbookReader,
 * touching every cell), each measurement in a fresh child process (time from the child's start of
 * work; peak = that process's max RSS). Then the time and peak memory of the real CDS API log and of
 * each hostile workbook. Run: npm run bench:import (after npm run build). Prints tables; never
 * fails on a figure.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { emitRow } from './lib/rows.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { importHazardLog } from '../src/import/nhs.js';
import { runImport } from '../src/usecases/import-hazard-log.js';
import { packageRoot } from '../src/paths.js';
import {
  NHS_HEADERS,
  bigSheetWorkbook,
  bombWorkbook,
  lyingBombWorkbook,
  manyEntriesWorkbook,
  simpleWorkbook,
} from '../test/helpers/workbooks.js';

const CDS = () => join(packageRoot(), 'fixtures', 'nhs-cds-api', 'nhs-cds-api-hazard-log-v2.0.xlsx');
const SIZES = [5_000, 20_000];
const RUNS = 5;

const HEADERS = NHS_HEADERS;

/** A hazard log of `rows` control rows: 40 rows (10 causes × 4 controls) per hazard. */
async function largeLog(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Hazard Log');
  ws.addRow(HEADERS);
  for (let i = 0; i < rows; i++) {
    const h = Math.floor(i / 40) + 1;
    const hz = String(h).padStart(2, '0').slice(-2);
    const cause = `${hz}${String(Math.floor((i % 40) / 4) + 1).padStart(2, '0')}`;
    ws.addRow([
      `H${String(h).padStart(3, '0')}`,
      `Hazard ${h}`,
      i % 40 === 0 ? `Description of hazard ${h} `.repeat(5) : null,
      i % 40 === 0 ? 'Clinical impact text '.repeat(5) : null,
      null,
      `${cause} Cause text for ${cause}`,
      'Major',
      'Medium',
      3,
      `${cause}${String((i % 4) + 1).padStart(2, '0')} Control text ${i} `.repeat(3),
      'Design',
      i % 3 ? 'Acme' : 'Deploying organisation',
      'Verify',
      'Closed',
      'Major',
      'Very low',
      2,
      '1.0',
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface Measure {
  ms: number;
  peakMB: number;
  outcome: string;
}

const report = (m: Measure) => process.stdout.write(JSON.stringify(m));
const peakMB = () => process.resourceUsage().maxRSS / 1024;

/** The floor: exceljs's streaming reader over the file, every cell's value touched. */
async function floorChild(file: string): Promise<void> {
  const t0 = performance.now();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(file), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let cells = 0;
  for await (const ws of reader)
    for await (const row of ws as AsyncIterable<ExcelJS.Row>)
      row.eachCell((c) => {
        if (c.value !== undefined) cells += 1;
      });
  report({ ms: performance.now() - t0, peakMB: peakMB(), outcome: `${cells} cells` });
}

/** clinsafe: the whole import (bounded read, import, hazard files, config, report) into a new folder. */
async function clinsafeChild(file: string): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'clinsafe-bench-'));
  const t0 = performance.now();
  try {
    const o = await runImport({ file, out: join(out, 'cs'), root: out, manufacturer: ['Acme', 'NHSD'] });
    const ms = performance.now() - t0;
    report({ ms, peakMB: peakMB(), outcome: o.refused ?? `${o.result.written.hazards} hazards, ${o.result.written.controls} controls` });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

type Case = () => Promise<Buffer>;
const HOSTILE: Record<string, Case> = {
  'real CDS API log (163 rows)': async () => readFileSync(CDS()),
  'not a zip': async () => Buffer.from('Num,Hazard\n'),
  'zip bomb, 40 MB part': () => bombWorkbook(40 * 1024 * 1024),
  'zip bomb, lying headers': () => lyingBombWorkbook(40 * 1024 * 1024),
  'ratio bomb, 8 MB part': () => bombWorkbook(8 * 1024 * 1024),
  '50 MB sheet': () => bigSheetWorkbook(50 * 1024 * 1024),
  '2,500 parts': () => manyEntriesWorkbook(2_500),
  formula: () => simpleWorkbook((ws) => (ws.getCell('I2').value = { formula: 'G2', result: 3 } as never)),
  'huge cell': () => simpleWorkbook((ws) => (ws.getCell('C2').value = 'x'.repeat(40_000))),
};

/** A hostile or real case: read and import in memory, refused or not. */
async function caseChild(file: string): Promise<void> {
  const bytes = readFileSync(file);
  const t0 = performance.now();
  let outcome: string;
  try {
    const wb = await readWorkbook(bytes, 'bench.xlsx');
    const r = importHazardLog(wb, { scheme: NHS_DCB0129, manufacturer: ['Acme', 'NHSD'], evidenceSource: 'cs/sources/bench.xlsx' });
    outcome = `ok: ${r.written.hazards} hazards, ${r.written.controls} controls`;
  } catch (e) {
    outcome = `refused: ${(e as Error).message.slice(0, 60)}…`;
  }
  report({ ms: performance.now() - t0, peakMB: peakMB(), outcome });
}

const self = fileURLToPath(import.meta.url);
const child = (kind: string, file: string): Measure =>
  JSON.parse(execFileSync(process.execPath, [self, kind, file], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Measure;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => `${n.toFixed(0)} MB`;

async function exportFigures(): Promise<string> {
  const dir = join(packageRoot(), 'fixtures', 'example-product');
  const folder = loadFolder(snapshotFromDisk(dir, join(dir, 'clinical-safety'))).folder!;
  const t0 = performance.now();
  const n = 20;
  for (let i = 0; i < n; i++) await hazardLogXlsx(folder);
  return `export MedRec (12 hazards) to xlsx: ${((performance.now() - t0) / n).toFixed(1)} ms per workbook`;
}

async function main(): Promise<void> {
  const [kind, file] = process.argv.slice(2);
  if (kind === 'floor') return floorChild(file!);
  if (kind === 'clinsafe') return clinsafeChild(file!);
  if (kind === 'case') return caseChild(file!);
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-bench-in-'));
  try {
    console.log(
      `clinsafe import vs exceljs's streaming reader (floor) — ${RUNS} fresh processes each, alternating; time: median (best); peak = max RSS`,
    );
    console.log('');
    console.log(
      `${'rows'.padEnd(8)}${'input'.padStart(9)}${'clinsafe'.padStart(17)}${'floor'.padStart(17)}${'ratio'.padStart(14)}${'clinsafe peak'.padStart(15)}${'floor peak'.padStart(12)}  outcome`,
    );
    for (const rows of SIZES) {
      const path = join(dir, `log-${rows}.xlsx`);
      const bytes = await largeLog(rows);
      writeFileSync(path, bytes);
      const ours: Measure[] = [];
      const floor: Measure[] = [];
      for (let i = 0; i < RUNS; i++) {
        floor.push(child('floor', path));
        ours.push(child('clinsafe', path));
      }
      const a = median(ours.map((m) => m.ms));
      const b = median(floor.map((m) => m.ms));
      const bestA = Math.min(...ours.map((m) => m.ms));
      const bestB = Math.min(...floor.map((m) => m.ms));
      const ms = (x: number, best: number) => `${x.toFixed(0)} (${best.toFixed(0)}) ms`;
      emitRow({
        path: `import, ${rows.toLocaleString('en-GB')} rows`,
        clinsafe: `${(a / 1000).toFixed(2)} s`,
        floor: `exceljs streaming reader: ${(b / 1000).toFixed(2)} s, ${mb(Math.max(...floor.map((m) => m.peakMB)))}`,
        ratio: a / b,
        peakMiB: Math.max(...ours.map((m) => m.peakMB)),
        goal: 1.5,
      });
      console.log(
        `${String(rows).padEnd(8)}${`${(bytes.length / 1048576).toFixed(1)} MB`.padStart(9)}${ms(a, bestA).padStart(17)}${ms(b, bestB).padStart(17)}${`${(a / b).toFixed(2)} (${(bestA / bestB).toFixed(2)})×`.padStart(14)}${mb(Math.max(...ours.map((m) => m.peakMB))).padStart(15)}${mb(Math.max(...floor.map((m) => m.peakMB))).padStart(12)}  ${ours[0]!.outcome}`,
      );
    }
    console.log('');
    console.log('other workbooks — read and import in memory, one fresh process each');
    console.log(`${'case'.padEnd(30)}${'input'.padStart(10)}${'time'.padStart(10)}${'peak RSS'.padStart(11)}  outcome`);
    for (const [name, make] of Object.entries(HOSTILE)) {
      const path = join(dir, 'case.xlsx');
      const bytes = await make();
      writeFileSync(path, bytes);
      const r = child('case', path);
      const size = bytes.length >= 1048576 ? `${(bytes.length / 1048576).toFixed(1)} MB` : `${(bytes.length / 1024).toFixed(0)} kB`;
      console.log(
        `${name.padEnd(30)}${size.padStart(10)}${`${r.ms.toFixed(0)} ms`.padStart(10)}${mb(r.peakMB).padStart(11)}  ${r.outcome}`,
      );
    }
    console.log('');
    console.log(await exportFigures());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
