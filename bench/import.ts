/**
 * Import figures: time and peak memory (max RSS of a fresh process per case) for the real CDS API
 * log, a large generated log, the export, and each hostile workbook. Run: npm run bench:import
 * (after npm run build). Prints a table; never fails on a figure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { importHazardLog } from '../src/import/nhs.js';
import { packageRoot } from '../src/paths.js';
import { bigSheetWorkbook, bombWorkbook, lyingBombWorkbook, manyEntriesWorkbook, simpleWorkbook } from '../test/helpers/workbooks.js';

const CDS = () => join(packageRoot(), 'fixtures', 'nhs-cds-api', 'nhs-cds-api-hazard-log-v2.0.xlsx');

async function largeLog(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Hazard Log');
  ws.addRow([
    'Num',
    'Hazard Name',
    'Hazard Description',
    'Potential Clinical Impact',
    'Existing Controls',
    'Possible Causes',
    'Initial Consequence',
    'Initial Likelihood',
    'Initial Risk',
    'Additional controls',
    'Control type',
    'Control owner',
    'Action',
    'Action status',
    'Residual Consequence',
    'Residual Likelihood',
    'Residual Risk',
    'Release introduced',
  ]);
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

type Case = () => Promise<Buffer>;
const CASES: Record<string, Case> = {
  'real CDS API log (163 rows)': async () => readFileSync(CDS()),
  'generated log, 5,000 rows': () => largeLog(5_000),
  'generated log, 20,000 rows': () => largeLog(20_000),
  'not a zip': async () => Buffer.from('Num,Hazard\n'),
  'zip bomb, 40 MB part': () => bombWorkbook(40 * 1024 * 1024),
  'zip bomb, lying headers': () => lyingBombWorkbook(40 * 1024 * 1024),
  'ratio bomb, 8 MB part': () => bombWorkbook(8 * 1024 * 1024),
  '50 MB sheet': () => bigSheetWorkbook(50 * 1024 * 1024),
  '2,500 parts': () => manyEntriesWorkbook(2_500),
  formula: () => simpleWorkbook((ws) => (ws.getCell('I2').value = { formula: 'G2', result: 3 } as never)),
  'huge cell': () => simpleWorkbook((ws) => (ws.getCell('C2').value = 'x'.repeat(40_000))),
};

async function child(name: string): Promise<void> {
  const bytes = await CASES[name]!();
  const rssBefore = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let outcome: string;
  try {
    const wb = await readWorkbook(bytes, 'bench.xlsx');
    const r = importHazardLog(wb, { scheme: NHS_DCB0129, manufacturer: ['Acme', 'NHSD'], evidenceSource: 'cs/sources/bench.xlsx' });
    outcome = `ok: ${r.written.hazards} hazards, ${r.written.controls} controls`;
  } catch (e) {
    outcome = `refused: ${(e as Error).message.slice(0, 60)}…`;
  }
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ name, bytes: bytes.length, ms, rssBeforeMB: rssBefore / 1024, peakMB: peak / 1024, outcome }));
}

async function exportFigures(): Promise<string> {
  const dir = join(packageRoot(), 'fixtures', 'example-product');
  const folder = loadFolder(snapshotFromDisk(dir, join(dir, 'clinical-safety'))).folder!;
  const t0 = performance.now();
  const n = 20;
  for (let i = 0; i < n; i++) await hazardLogXlsx(folder);
  return `export MedRec (12 hazards) to xlsx: ${((performance.now() - t0) / n).toFixed(1)} ms per workbook`;
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (which) return child(which);
  const self = fileURLToPath(import.meta.url);
  console.log('clinsafe import — one fresh node process per case (peak = max RSS of that process, including the generated input)');
  console.log('');
  console.log(`${'case'.padEnd(30)}${'input'.padStart(10)}${'time'.padStart(10)}${'peak RSS'.padStart(11)}  outcome`);
  for (const name of Object.keys(CASES)) {
    const raw = execFileSync(process.execPath, [self, name], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(raw) as { bytes: number; ms: number; peakMB: number; outcome: string };
    const size = r.bytes >= 1048576 ? `${(r.bytes / 1048576).toFixed(1)} MB` : `${(r.bytes / 1024).toFixed(0)} kB`;
    console.log(
      `${name.padEnd(30)}${size.padStart(10)}${`${r.ms.toFixed(0)} ms`.padStart(10)}${`${r.peakMB.toFixed(0)} MB`.padStart(11)}  ${r.outcome}`,
    );
  }
  console.log('');
  console.log(await exportFigures());
}

await main();
