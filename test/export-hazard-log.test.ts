import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { HAZARD_LOG_COLUMNS, NHS_HEADERS } from '../src/core/nhs-layout.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { hazardLogCsv, hazardLogRows, hazardLogXlsx, neutraliseCsvCell } from '../src/export/hazard-log-table.js';
import { importHazardLog } from '../src/import/nhs.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

function medrec(): SafetyFolder {
  const r = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety')));
  if (!r.folder) throw new Error('fixture did not load');
  return r.folder;
}

describe('hazardLogRows', () => {
  it('starts with the 18 NHS template headers, then clinsafe columns', () => {
    const [header] = hazardLogRows(medrec());
    expect(header!.slice(0, 18)).toEqual([...NHS_HEADERS]);
    expect(NHS_HEADERS[0]).toBe('Num');
    expect(NHS_HEADERS[17]).toBe('Release introduced');
    expect(header).toHaveLength(HAZARD_LOG_COLUMNS.length);
  });

  it('writes one row per control, and one row for a hazard without controls', () => {
    const folder = medrec();
    const rows = hazardLogRows(folder).slice(1);
    const col = (name: string) => HAZARD_LOG_COLUMNS.findIndex((c) => c.header === name);
    const h4 = folder.hazards.find((h) => h.id === 'H-004')!;
    const h4rows = rows.filter((r) => r[col('Num')] === 'H-004' && r[col('Control ID')] !== '');
    expect(h4rows.map((r) => r[col('Control ID')])).toEqual(h4.controls.map((c) => c.id));
    expect(h4rows[0]![col('Hazard Description')]).toBe(h4.description);
    expect(h4rows[1]![col('Hazard Description')]).toBe('');
    expect(h4rows[0]![col('Control owner')]).toBe('Example Health Ltd (manufacturer)');
    expect(h4rows[0]![col('Initial Risk')]).toBe(String(h4.initial.risk));

    const bare = { ...h4, id: 'H-999', controls: [], causes: [], actions: [] };
    const only = hazardLogRows({ ...folder, hazards: [bare] });
    expect(only).toHaveLength(2);
    expect(only[1]![col('Num')]).toBe('H-999');
  });
});

describe('hazardLogCsv', () => {
  it('is RFC 4180 with BOM and CRLF, quotes only when needed, neutralises formulas, and is deterministic', () => {
    const folder = medrec();
    const h = { ...folder.hazards[0]!, title: '=HYPERLINK("http://evil")', description: 'a, "b"\nc' };
    const csv = hazardLogCsv({ ...folder, hazards: [h] });
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain('"a, ""b""\nc"');
    expect(text.split('\r\n')[0]).toBe(HAZARD_LOG_COLUMNS.map((c) => c.header).join(','));
    expect(hazardLogCsv(folder).equals(hazardLogCsv(folder))).toBe(true);
    expect(neutraliseCsvCell('+1')).toBe("'+1");
    expect(neutraliseCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCsvCell('-2')).toBe("'-2");
    expect(neutraliseCsvCell('plain')).toBe('plain');
  });
});

describe('hazardLogXlsx', () => {
  it('writes the NHS layout with frozen, filtered header and wrapped text, byte-for-byte deterministic', async () => {
    const folder = medrec();
    const a = await hazardLogXlsx(folder);
    await new Promise((r) => setTimeout(r, 1100));
    const b = await hazardLogXlsx(folder);
    expect(a.equals(b)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(a as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Hazard Log')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Num');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getRow(2).alignment?.wrapText ?? ws.getRow(2).getCell(3).alignment?.wrapText).toBe(true);
    expect(typeof ws.getRow(2).getCell(9).value).toBe('number');
    expect(ws.rowCount).toBe(hazardLogRows(folder).length);
    expect(wb.created?.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    // the scheme in force, on its own sheet: Major × Medium is 3, Catastrophic × Very high is 5
    const m = wb.getWorksheet('Risk Matrix')!;
    expect(m.getRow(2).getCell(1).value).toMatch(/^Definitions quoted word for word from the NHS DCB0129 implementation guidance/);
    expect(m.getRow(4).values).toEqual([
      undefined,
      'Likelihood \\ Severity',
      'Minor',
      'Significant',
      'Considerable',
      'Major',
      'Catastrophic',
    ]);
    expect(m.getRow(5).values).toEqual([undefined, 'Very high', 3, 4, 4, 5, 5]);
    expect(m.getRow(7).getCell(5).value).toBe(3); // Medium × Major
    // The guidance's words, verbatim, with the acceptability in force; the whole severity ladder.
    const cells = (m.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(cells).toContainEqual([
      3,
      'Undesirable level of risk. Attempts should be made to eliminate or control to reduce risk to an acceptable level. Shall only be acceptable when further risk reduction is impractical.',
      'Only with a recorded justification that further risk reduction is impractical',
    ]);
    expect(cells).toContainEqual([
      4,
      'Mandatory elimination or control to reduce risk to an acceptable level.',
      'Not acceptable for release',
    ]);
    expect(cells).toContainEqual(['Major', 'Death', 'Single patient']);
    expect(cells).toContainEqual(['Catastrophic', 'Death', 'Multiple patients']);
    expect(cells.filter((r) => ['Single patient', 'Multiple patients'].includes(r[2] as string))).toHaveLength(15);
    expect(cells).toContainEqual(['Medium', 'Possible']);
    // The residual that counts planned controls says so, next to the number (which stays a number).
    const log = wb.getWorksheet('Hazard Log')!;
    const header = log.getRow(1).values as unknown[];
    const at = (name: string) => header.indexOf(name);
    const h3 = log.getRows(2, log.rowCount - 1)!.find((r) => r.getCell(at('Num')).value === 'H-003')!;
    expect(h3.getCell(at('Residual Risk')).value).toBe(2);
    expect(String(h3.getCell(at('Residual Risk')).note)).toContain('H-003-C03, C04');
    expect(h3.getCell(at('Residual risk basis')).value).toBe(
      'Once planned controls H-003-C03, C04 are in place; as delivered in this release: Major / Low, risk 3',
    );
    expect(h3.getCell(at('Residual Consequence as delivered')).value).toBe('Major');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Cover', 'Hazard Log', 'Risk Matrix', 'Developer']);
  });
});

describe('the manufacturer in the exported log (issue 11 §3)', () => {
  it('is written as "<name> (manufacturer)" in any spelling, and imports back as the manufacturer with no --manufacturer', async () => {
    const folder = medrec();
    // A log where deploying organisations hold most controls, and the manufacturer is named by its own name.
    const hazards = folder.hazards.map((h, i) => ({
      ...h,
      controls: h.controls.map((c, j) =>
        j === 0
          ? { ...c, owner: i % 2 ? 'EXAMPLE HEALTH LTD.' : 'manufacturer' }
          : { ...c, owner: 'Deploying organisation', status: 'planned' as const },
      ),
    }));
    const f: SafetyFolder = { ...folder, hazards };
    const rows = hazardLogRows(f);
    const owner = HAZARD_LOG_COLUMNS.findIndex((c) => c.key === 'controlOwner');
    const owners = new Set(rows.slice(1).map((r) => r[owner]));
    expect(owners).toEqual(new Set(['Example Health Ltd (manufacturer)', 'Deploying organisation', '']));
    const wb = await readWorkbook(await hazardLogXlsx(f), 'log.xlsx');
    const r = importHazardLog(wb, { scheme: folder.scheme });
    expect(r.manufacturer).toBe('Example Health Ltd');
    for (const h of r.hazards) {
      const first = h.controls[0];
      if (first) expect(first.owner, h.id).toBe('manufacturer');
    }
  });
});
