/**
 * The XLSX reader (adapters/xlsx-xml.ts) reads cells from the XML itself; it must see what exceljs's
 * document model saw (the importer was built against it). The reference below is the mapping the
 * importer used on exceljs cells before, run over the same bytes.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readWorkbook, type CellData } from '../src/adapters/xlsx.js';

function fromExcelJs(cell: ExcelJS.Cell): CellData {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return { value: v };
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return { value: (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('') };
  if ('formula' in o || 'sharedFormula' in o) {
    const r = o.result;
    const value =
      r === undefined || r === null || typeof r === 'object' ? (r instanceof Date ? r : null) : (r as string | number | boolean);
    return { value, formula: String(o.formula ?? o.sharedFormula ?? '') };
  }
  if ('error' in o) return { value: null, error: String(o.error) };
  return { value: String(v) };
}

async function reference(bytes: Buffer): Promise<Record<string, CellData[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: Record<string, CellData[][]> = {};
  for (const ws of wb.worksheets) {
    const rows: CellData[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      const cells: CellData[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const d = fromExcelJs(cell);
        if (cell.isMerged && cell.master.address !== cell.address)
          Object.assign(d, fromExcelJs(cell.master), { mergedFrom: cell.master.address });
        cells[c - 1] = d;
      });
      for (let i = 0; i < cells.length; i++) cells[i] ??= { value: null };
      rows[r - 1] = cells;
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    out[ws.name] = rows;
  }
  return out;
}

describe('reading cells from the XML', () => {
  it('gives what exceljs gives: dates by number format, booleans, errors, formulas (shared too), rich text, escapes, merges', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Log & <more>');
    ws.getCell('A1').value = new Date(Date.UTC(2026, 11, 18));
    ws.getCell('B1').value = 46000;
    ws.getCell('B1').numFmt = 'dd/mm/yyyy';
    ws.getCell('C1').value = 0.25;
    ws.getCell('C1').numFmt = '0%';
    ws.getCell('D1').value = 45292.5;
    ws.getCell('D1').numFmt = '[$-409]h:mm AM/PM';
    ws.getCell('E1').value = '"quoted" 0.5';
    ws.getCell('E1').numFmt = '"d"0.00';
    ws.getCell('A2').value = true;
    ws.getCell('B2').value = { error: '#N/A' } as never;
    ws.getCell('C2').value = { formula: 'A3*2', result: 4 } as never;
    ws.getCell('D2').value = { formula: 'CONCAT("a","b")', result: 'ab' } as never;
    ws.getCell('A3').value = 2;
    ws.getCell('A4').value = { formula: 'A3+1', result: 3 } as never;
    ws.getCell('A5').value = { sharedFormula: 'A4', result: 4 } as never;
    ws.getCell('A6').value = { richText: [{ text: 'Wrong ' }, { text: 'patient', font: { bold: true } }] };
    ws.getCell('B6').value = 'line one\r\nline two & <three> \u000B soft';
    ws.getCell('C6').value = 'café — ✓ 😀';
    ws.getCell('D6').value = '_x0041_ literal';
    ws.getCell('B8').value = 'merged';
    ws.mergeCells('B8:C9');
    ws.getCell('E10').style = { font: { bold: true } };
    wb.addWorksheet('Hidden', { state: 'hidden' }).getCell('A1').value = 1;
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const ours = await readWorkbook(bytes, 'x.xlsx');
    const theirs = await reference(bytes);
    expect(ours.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['Log & <more>', false],
      ['Hidden', true],
    ]);
    for (const s of ours.sheets) {
      const strip = (rows: CellData[][]) => rows.map((r) => r.map(({ rawNumber: _r, ...c }) => c));
      expect(strip(s.rows), s.name).toEqual(theirs[s.name]);
    }
    expect(ours.sheets[0]!.merges).toEqual(['B8:C9']);
    expect(ours.sheets[0]!.rows[0]![1]!.value).toEqual(new Date(Date.UTC(2025, 11, 9)));
    expect(ours.sheets[0]!.rows[4]![0]).toEqual({ value: 4, formula: 'A4' });
  });

  it('reads numbers as the 1904 date system gives them, when the workbook says so', async () => {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('S');
    ws.getCell('A1').value = 100;
    ws.getCell('A1').numFmt = 'yyyy-mm-dd';
    const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    const xml = await zip.file('xl/workbook.xml')!.async('string');
    if (!/date1904="1"/.test(xml)) zip.file('xl/workbook.xml', xml.replace('<workbookPr', '<workbookPr date1904="1"'));
    const bytes = await zip.generateAsync({ type: 'nodebuffer' });
    const ours = await readWorkbook(bytes, 'x.xlsx');
    expect(ours.sheets[0]!.rows[0]![0]).toEqual((await reference(bytes)).S![0]![0]);
    expect(ours.sheets[0]!.rows[0]![0]!.value).toEqual(new Date(Date.UTC(1904, 3, 10)));
  });
});
