/**
 * The workbook writer (src/export/xlsx-writer.ts): the same bytes from every build (another time of
 * day, another time zone, another process), one entry per part with fixed dates and order, and
 * hostile text that reads back unchanged through both clinsafe's own reader and exceljs.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { columnName, writeXlsx, xmlText } from '../src/export/xlsx-writer.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const medrec = (): SafetyFolder => loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;

interface ZipEntryFacts {
  name: string;
  date: number;
  time: number;
  method: number;
}

async function entries(bytes: Buffer): Promise<ZipEntryFacts[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const out: ZipEntryFacts[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      out.push({ name: e.fileName, date: e.lastModFileDate, time: e.lastModFileTime, method: e.compressionMethod });
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return out;
}

const TZ = process.env.TZ;
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ;
  else process.env.TZ = TZ;
});

describe('hazard-log workbook bytes', () => {
  it('are identical across rebuilds, in any time zone', async () => {
    const folder = medrec();
    process.env.TZ = 'UTC';
    const a = await hazardLogXlsx(folder);
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: a local-time zip date would move to another day
    const b = await hazardLogXlsx(medrec());
    process.env.TZ = 'America/Los_Angeles';
    const c = await hazardLogXlsx(folder);
    expect(b.equals(a)).toBe(true);
    expect(c.equals(a)).toBe(true);
  });

  it('hold each part once, deflated, dated 2000-01-01 00:00, content types first', async () => {
    const list = await entries(await hazardLogXlsx(medrec()));
    const names = list.map((e) => e.name);
    expect(names[0]).toBe('[Content_Types].xml');
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'xl/workbook.xml',
        'xl/styles.xml',
        'xl/worksheets/sheet2.xml',
        'xl/comments2.xml',
        'xl/drawings/vmlDrawing2.vml',
      ]),
    );
    // DOS date: (2000 - 1980) << 9 | 1 << 5 | 1; time 00:00:00
    for (const e of list) expect([e.name, e.date, e.time, e.method]).toEqual([e.name, (20 << 9) | (1 << 5) | 1, 0, 8]);
  });
});

describe('writeXlsx', () => {
  const hostile = [
    'pipes | and <b>tags</b> & "quotes" \'apos\'',
    '  leading and trailing spaces  ',
    'line one\nline two\n',
    'literal _x0041_ and _x005F_ escapes',
    'control\u0001chars\u0008dropped\u001f',
    'emoji 🩺 and accents é ü',
    '=SUM(A1:A2)',
  ];

  it('writes hostile text that reads back the same through clinsafe’s reader and exceljs', async () => {
    const bytes = await writeXlsx({
      title: 'T & <t>',
      creator: 'clinsafe',
      date: new Date(Date.UTC(2000, 0, 1)),
      sheets: [{ name: "O'Brien & Co", widths: [30, 10], print: 'landscape', rows: hostile.map((t, i) => ({ cells: [t, i] })) }],
    });
    const expected = hostile.map((t) => t.replace(/[\u0001\u0008\u001f]/g, ''));
    const ours = await readWorkbook(bytes, 'w.xlsx');
    expect(ours.sheets[0]!.name).toBe("O'Brien & Co");
    expect(ours.sheets[0]!.rows.map((r) => r.map((c) => c.value))).toEqual(expected.map((t, i) => [t, i]));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("O'Brien & Co");
    // exceljs does not undo the _x005F_ escape Excel defines; everything else reads back as written
    const fromExcelJs = expected.map((_, i) => ws.getRow(i + 1).getCell(1).value);
    expected.forEach((t, i) => {
      if (!t.includes('_x')) expect(fromExcelJs[i]).toBe(t);
    });
    expect(ws.getRow(1).getCell(2).value).toBe(0);
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1, fitToHeight: 0 });
  });

  it('names columns as spreadsheets do and escapes XML', () => {
    expect([0, 25, 26, 38, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AM', 'ZZ', 'AAA']);
    expect(xmlText('a<b>&"c"\u0000')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(xmlText('_x000D_')).toBe('_x005F_x000D_');
    expect(xmlText('plain')).toBe('plain');
  });
});
