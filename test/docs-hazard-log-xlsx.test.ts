/** The hazard-log workbook a CSO approves and prints (issue 11 §2, §4): cover, version history, print set-up, colours, Developer sheet. */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { importHazardLog } from '../src/import/nhs.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

let folder: SafetyFolder;
beforeAll(() => {
  folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
});
const release = {
  tag: 'v2.4.0',
  commit: '43a898e47702cc26ed975b0c6678802bd57aecba',
  date: '2026-10-20T09:30:00Z',
  previousTag: 'v2.3.2',
  previousDate: '2026-02-06T12:00:00Z',
};
const approved = {
  state: 'approved' as const,
  cso: { name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
  signedAt: '2026-11-03T15:04:05Z',
};
async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}
const values = (ws: ExcelJS.Worksheet) => (ws.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));

describe('hazard-log workbook', () => {
  it('has a cover sheet with product, version, commit, status and approver, and a version history', async () => {
    const wb = await open(await hazardLogXlsx(folder, { release, signOff: approved }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Cover', 'Hazard Log', 'Risk Matrix', 'Developer']);
    const cover = values(wb.getWorksheet('Cover')!);
    expect(cover).toContainEqual(['Product', 'MedRec']);
    expect(cover).toContainEqual(['Commit', release.commit]);
    expect(cover).toContainEqual(['Status', 'Approved']);
    expect(cover).toContainEqual(['Approver', 'Dr Amara Okafor (Pharmacist, GPhC 2087654), Clinical Safety Officer, 2026-11-03']);
    // no commit is recorded for the previous issue: that cell is blank
    expect(cover).toContainEqual(['v2.3.2', '2026-02-06', undefined, 'Previous issue']);
    expect(cover).toContainEqual(['v2.4.0', '2026-10-20', '43a898e47702', 'Issued with release v2.4.0']);
    const draft = values((await open(await hazardLogXlsx(folder, { release }))).getWorksheet('Cover')!);
    expect(draft).toContainEqual(['Status', 'DRAFT awaiting CSO sign-off: not approved']);
    expect(draft).toContainEqual(['Approver', 'none yet']);
  });

  it('prints on A4 landscape, one page wide, the header row on every page; header filled; risk cells coloured by rating', async () => {
    const ws = (await open(await hazardLogXlsx(folder, { release }))).getWorksheet('Hazard Log')!;
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(ws.pageSetup.printTitlesRow).toBe('1:1');
    expect(ws.getRow(1).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    const header = ws.getRow(1).values as unknown[];
    const residual = header.indexOf('Residual Risk');
    const fills = new Map<number, string>();
    for (let r = 2; r <= ws.rowCount; r++) {
      const c = ws.getRow(r).getCell(residual);
      if (typeof c.value === 'number') fills.set(c.value, (c.fill as ExcelJS.FillPattern).fgColor!.argb!);
    }
    expect(fills.get(2)).toBe('FFCCE5D8');
    expect(fills.get(3)).toBe('FFFFF3B0');
    // the developer-only columns are not in the printed log
    expect(header).not.toContain('Trigger paths');
    expect(header).not.toContain('Draft');
  });

  it('keeps trigger globs and the draft flag on the Developer sheet, and import reads them back', async () => {
    const bytes = await hazardLogXlsx(folder, { release });
    const dev = values((await open(bytes)).getWorksheet('Developer')!);
    expect(dev[0]).toEqual(['Num', 'Draft', 'Trigger paths', 'Trigger labels', 'Control tests']);
    // Each control's test links (issue 15), one "CONTROL: link" line each (test/import-test-links.test.ts reads them back).
    expect(dev.find((r) => r[0] === 'H-004')![4]).toBe(
      'H-004-C01: test/dose-units.spec.ts::dose units (H-004) > *\nH-004-C01: test/gp-connect-mapper.spec.ts',
    );
    const h4 = folder.hazards.find((h) => h.id === 'H-004')!;
    expect(h4.triggers.paths.length).toBeGreaterThan(0);
    expect(dev.find((r) => r[0] === 'H-004')![2]).toBe(h4.triggers.paths.join('\n'));
    const back = importHazardLog(await readWorkbook(bytes, 'log.xlsx'), { scheme: folder.scheme });
    for (const h of folder.hazards) {
      const b = back.hazards.find((x) => x.id === h.id)!;
      expect(b.triggers, h.id).toEqual({ paths: h.triggers.paths, labels: h.triggers.labels });
      expect(b.draft, h.id).toBe(h.draft);
    }
  });
});
