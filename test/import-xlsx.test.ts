import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { cellRef, columnLetters, readWorkbook } from '../src/adapters/xlsx.js';

describe('readWorkbook', () => {
  it('keeps a number as stored (1.1000000000000001) on its own cell only, not on an empty styled cell before it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.getCell('A1').style = { font: { bold: true } };
    ws.getCell('B1').value = 1.25;
    ws.getCell('C1').value = 2;
    const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    expect(xml).toContain('<c r="A1" s="1"/>');
    zip.file('xl/worksheets/sheet1.xml', xml.replace('<v>1.25</v>', '<v>1.1000000000000001</v>'));
    const read = await readWorkbook(await zip.generateAsync({ type: 'nodebuffer' }), 's.xlsx');
    expect(read.sheets[0]!.rows[0]).toEqual([{ value: null }, { value: 1.1, rawNumber: '1.1000000000000001' }, { value: 2 }]);
  });

  it('reads rich text, merged cells (with their origin) and hidden sheets', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Log');
    ws.getCell('A1').value = { richText: [{ text: 'Wrong ' }, { text: 'patient', font: { bold: true } }] };
    ws.mergeCells('A1:A3');
    wb.addWorksheet('Secret', { state: 'hidden' });
    const read = await readWorkbook(Buffer.from(await wb.xlsx.writeBuffer()), 'r.xlsx');
    expect(read.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['Log', false],
      ['Secret', true],
    ]);
    expect(read.sheets[0]!.merges).toEqual(['A1:A3']);
    expect(read.sheets[0]!.rows.map((r) => r[0])).toEqual([
      { value: 'Wrong patient' },
      { value: 'Wrong patient', mergedFrom: 'A1' },
      { value: 'Wrong patient', mergedFrom: 'A1' },
    ]);
  });
});

describe('cell references', () => {
  it('names columns as Excel does', () => {
    expect([1, 26, 27, 52, 53, 702, 703].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
    expect(cellRef(12, 9)).toBe('I12');
  });
});
