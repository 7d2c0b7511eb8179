/** Workbooks made by tests: a messy NHS-style hazard log, and hostile files. */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { join } from 'node:path';
import { REPO_ROOT } from './repo.js';

export const CDS_LOG = join(REPO_ROOT, 'fixtures', 'nhs-cds-api', 'nhs-cds-api-hazard-log-v2.0.xlsx');

const FLOAT_MARK = 1.25; // written by exceljs as "1.25", then replaced in the XML by a float artefact

/**
 * A hazard log the way trusts keep them: an extra sheet first, a title row, a two-row header
 * (Initial / Residual group headings merged above renamed columns), a column only --map knows
 * ("Risk Ref"), merged hazard cells, a blank spacer row, and every normalisation the importer
 * does (trailing spaces, case, mis-keyed cause number, date serial, float version, control type
 * names, another organisation as owner), plus a stated risk that disagrees with the matrix.
 */
export async function messyWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const readme = wb.addWorksheet('Read me');
  readme.getCell('A1').value = 'Acme Health — hazard log. Risk Ref is our hazard number.';
  readme.getCell('A2').value = 'Num';
  const ws = wb.addWorksheet('Risk register');
  ws.getCell('A1').value = 'Acme Health EPR hazard log';
  ws.mergeCells('A1:F1');
  ws.getCell('G2').value = 'Initial';
  ws.mergeCells('G2:I2');
  ws.getCell('O2').value = 'Residual';
  ws.mergeCells('O2:Q2');
  const headers = [
    'Risk Ref', // A → hazardId via --map
    'Hazard', // B
    'Description', // C
    'Clinical Impact', // D
    'Existing Controls', // E
    'Cause', // F
    'Severity', // G (Initial)
    'Likelihood', // H
    'Risk Rating', // I
    'Mitigation', // J
    'Type', // K
    'Owner', // L
    'Action', // M
    'Status', // N
    'Severity', // O (Residual)
    'Likelihood', // P
    'Risk Rating', // Q
    'Version', // R
    'Due date', // S
  ];
  ws.getRow(3).values = headers;
  type V = string | number | Date | null;
  const rows: V[][] = [
    // H01: merged name/description, every normalisation
    [
      1,
      'Wrong patient ',
      'A patient search returns another patient[VT]with a similar name.',
      'Treatment given to the wrong patient.',
      'NHS number on every screen',
      '0101 Patient lookup returns wrong record',
      'major ',
      'MEDIUM',
      3,
      '010101 Search requires two identifiers',
      'Design',
      'Acme Health',
      'Verify search tests',
      'closed ',
      'Major',
      'very low',
      2,
      FLOAT_MARK,
      46000,
    ],
    [
      1,
      'Wrong patient ',
      null,
      null,
      null,
      '101 Patient lookup returns wrong record',
      'Major',
      'Medium',
      3,
      '010102 Deploying sites check local patient matching',
      'Process',
      'Deploying organisation',
      'Risk transferred in hazard log',
      'Closed',
      'Major',
      'Very low',
      2,
      FLOAT_MARK,
      null,
    ],
    [
      null,
      'Wrong patient ',
      null,
      null,
      null,
      '0102 Stale patient context after switching',
      'Major',
      'Medium',
      3,
      '010201 Users trained to check the banner',
      'Training',
      'acme health',
      'Add banner check to training',
      'Open',
      'Major',
      'Very low',
      2,
      FLOAT_MARK,
      new Date(Date.UTC(2026, 11, 18)),
    ],
    [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    // H02: risk disagreement (Significant/Low is 2, the sheet says 3); transferred to a GP practice
    [
      'H02',
      'Allergy not shown',
      'An allergy recorded at the GP is not displayed.',
      'A medicine the patient is allergic to is prescribed.',
      'Pharmacist check',
      '0201 Allergy feed fails silently',
      'Significant',
      'Low',
      3,
      '020101 GP practice keeps allergy records coded',
      'Business process change',
      'GP practice',
      'Risk transferred in hazard log',
      'Closed',
      'Minor',
      'Low',
      1,
      '2.0',
      null,
    ],
    [
      'H02',
      'Allergy not shown',
      null,
      null,
      null,
      '0201 Allergy feed fails silently',
      'Significant',
      'Low',
      3,
      'Practice staff trained on coding allergies',
      'Training',
      'GP practice',
      'Risk transferred in hazard log',
      'Closed',
      'Minor',
      'Low',
      1,
      '2.0',
      null,
    ],
  ];
  rows.forEach((r, i) => (ws.getRow(4 + i).values = r));
  ws.mergeCells('B4:B6');
  ws.mergeCells('C4:C6');
  // The trust's own printed matrix, with one cell that differs from the NHS scheme (Medium × Major: 4, not 3).
  const extra = wb.addWorksheet('Risk Matrix');
  extra.getCell('A1').value = 'Likelihood';
  const grid: (string | number | null)[][] = [
    [null, 'Very high', 3, 4, 4, 5, 5],
    [null, 'High', 2, 3, 3, 4, 5],
    [null, 'Medium', 2, 2, 3, 4, 4],
    [null, 'Low', 1, 2, 2, 3, 4],
    [null, 'Very low', 1, 1, 2, 2, 3],
    [null, null, 'Minor', 'Significant', 'Considerable', 'Major', 'Catastrophic'],
  ];
  grid.forEach((r, i) => (extra.getRow(2 + i).values = r));
  const raw = Buffer.from(await wb.xlsx.writeBuffer());
  // Excel stores some decimals as their float artefact: put 1.1000000000000001 where exceljs wrote 1.25.
  const zip = await JSZip.loadAsync(raw);
  // …and Excel's soft line break, a vertical tab stored as _x000B_, which exceljs cannot write.
  const strings = await zip.file('xl/sharedStrings.xml')!.async('string');
  zip.file('xl/sharedStrings.xml', strings.replace('[VT]', '_x000B_'));
  const names = Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  for (const n of names) {
    const xml = await zip.file(n)!.async('string');
    zip.file(n, xml.replace(/<v>1\.25<\/v>/g, '<v>1.1000000000000001</v>'));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export const MESSY_MAP = `columns:
  Risk Ref: hazardId
manufacturer: Acme Health
`;

/** The NHS hazard-log template's header row, as the workbooks here (and bench/import.ts) write it. */
export const NHS_HEADERS = [
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
];

/** A small valid hazard log with one cell changed by `edit` (and other sheets added by `book`). */
export async function simpleWorkbook(edit?: (ws: ExcelJS.Worksheet) => void, book?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  book?.(wb);
  const ws = wb.addWorksheet('Hazard Log');
  ws.getRow(1).values = [...NHS_HEADERS];
  ws.getRow(2).values = [
    'H01',
    'Wrong patient',
    'Wrong record shown',
    'Wrong treatment',
    'Banner',
    '0101 Lookup error',
    'Major',
    'Medium',
    3,
    '010101 Two identifiers',
    'Design',
    'Acme',
    'Verify',
    'Closed',
    'Major',
    'Very low',
    2,
    '1.0',
  ];
  edit?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The small hazard log after a document-information sheet and a revision history laid out unlike
 * the CDS API log's: a merged title, label/value pairs, a Version | Date | Description table
 * (a date cell, an Excel serial, a text date), then an "Approvals" table under its own heading.
 */
export async function coverWorkbook(): Promise<Buffer> {
  return simpleWorkbook(undefined, (wb) => {
    const info = wb.addWorksheet('Document Information');
    info.getCell('A1').value = 'Acme EPR clinical hazard log';
    info.mergeCells('A1:C1');
    info.getRow(3).values = ['Document Status', 'Draft'];
    info.getRow(4).values = ['Version', 0.3];
    info.getRow(5).values = ['Date', new Date(Date.UTC(2026, 9, 1))];
    const history = wb.addWorksheet('Revision History');
    history.getRow(1).values = ['Version', 'Date', 'Description'];
    history.getRow(2).values = [0.1, new Date(Date.UTC(2026, 8, 1)), 'First draft'];
    history.getRow(3).values = [0.2, 46000, 'After the hazard workshop'];
    history.getRow(4).values = ['0.3', '01/10/2026', 'Reviewed by the CSO'];
    history.getRow(6).values = ['Approvals'];
    history.getRow(7).values = ['Name', 'Role', 'Date'];
    history.getRow(8).values = ['Dr A Smith', 'Clinical Safety Officer', new Date(Date.UTC(2026, 9, 2))];
  });
}

/** A zip whose single worksheet XML is `bytes` long (compresses to almost nothing). */
export async function bigSheetWorkbook(bytes: number): Promise<Buffer> {
  const base = await JSZip.loadAsync(await simpleWorkbook());
  const sheet = Object.keys(base.files).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))!;
  const xml = await base.file(sheet)!.async('string');
  const pad = Buffer.alloc(bytes - Buffer.byteLength(xml), 0x20);
  base.file(sheet, Buffer.concat([Buffer.from(xml.replace('</worksheet>', '')), pad, Buffer.from('</worksheet>')]));
  return base.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** A workbook with an extra part of `bytes` zeros: a zip bomb in miniature. */
export async function bombWorkbook(bytes: number, name = 'xl/media/image1.bin'): Promise<Buffer> {
  const base = await JSZip.loadAsync(await simpleWorkbook());
  base.file(name, Buffer.alloc(bytes, 0));
  return base.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/**
 * The same bomb, but its zip headers lie: they declare the part as 1,000 bytes. Only inflating
 * and counting catches it.
 */
export async function lyingBombWorkbook(bytes: number): Promise<Buffer> {
  const zip = await bombWorkbook(bytes);
  const name = Buffer.from('xl/media/image1.bin');
  const out = Buffer.from(zip);
  // Local file header: signature PK\3\4, uncompressed size at +22; central directory PK\1\2 at +24.
  for (let i = 0; i < out.length - 4; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50 && out.subarray(i + 30, i + 30 + name.length).equals(name)) out.writeUInt32LE(1000, i + 22);
    if (sig === 0x02014b50 && out.subarray(i + 46, i + 46 + name.length).equals(name)) out.writeUInt32LE(1000, i + 24);
  }
  return out;
}

/** A zip with thousands of tiny entries. */
export async function manyEntriesWorkbook(n: number): Promise<Buffer> {
  const base = await JSZip.loadAsync(await simpleWorkbook());
  for (let i = 0; i < n; i++) base.file(`xl/junk/${i}.xml`, '<a/>');
  return base.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}
