import JSZip from 'jszip';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readWorkbook, WorkbookError } from '../src/adapters/xlsx.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { importHazardLog } from '../src/import/nhs.js';
import { run } from '../src/cli/program.js';
import { tempDir } from './helpers/repo.js';
import { bigSheetWorkbook, bombWorkbook, lyingBombWorkbook, manyEntriesWorkbook, simpleWorkbook } from './helpers/workbooks.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function importBytes(bytes: Buffer) {
  const dir = tempDir();
  dirs.push(dir);
  writeFileSync(join(dir, 'log.xlsx'), bytes);
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['import', 'log.xlsx', '--out', 'cs'], { out: (s) => out.push(s), err: (s) => err.push(s), cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function rejects(bytes: Buffer, pattern: RegExp) {
  const r = await importBytes(bytes);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/internal error|\n\s+at /); // a message, never a stack trace
  expect(r.out).toBe('');
  return r;
}

describe('hostile workbooks fail cleanly with a message', () => {
  it('a file that is not a zip', async () => {
    await rejects(
      Buffer.from('Num,Hazard Name\nH01,Wrong patient\n'),
      /log\.xlsx: is not an XLSX workbook \(an \.xlsx file is a zip archive, and this is not one\)/,
    );
  });

  it('a CSV (our own export, say) is pointed at .xlsx', async () => {
    await expect(readWorkbook(Buffer.from('\uFEFFNum,Hazard Name\r\n'), 'log.csv')).rejects.toThrow(
      'log.csv: is a text file; clinsafe import reads .xlsx workbooks only',
    );
  });

  it('an old .xls (or password-protected) compound file', async () => {
    const cfb = Buffer.alloc(512);
    cfb.writeUInt32BE(0xd0cf11e0, 0);
    cfb.writeUInt32BE(0xa1b11ae1, 4);
    await rejects(cfb, /old-style \.xls workbook or a password-protected one/);
  });

  it('a zip that is not a workbook, and a truncated one', async () => {
    const zip = new JSZip();
    zip.file('readme.txt', 'hello');
    await rejects(await zip.generateAsync({ type: 'nodebuffer' }), /is a zip archive but not an XLSX workbook/);
    const whole = await simpleWorkbook();
    await rejects(whole.subarray(0, Math.floor(whole.length / 2)), /zip structure is damaged/);
  });

  it('a zip bomb: a part that inflates far beyond any hazard log', async () => {
    await rejects(
      await bombWorkbook(40 * 1024 * 1024),
      /part xl\/media\/image1\.bin inflates to 40\.0 MB, more than the 24\.0 MB limit; it may be a zip bomb/,
    );
  });

  it('a zip bomb whose headers lie about its size is caught while inflating', async () => {
    await rejects(
      await lyingBombWorkbook(40 * 1024 * 1024),
      /part xl\/media\/image1\.bin holds more data than its zip header declares \(1000 bytes\), a zip-bomb trick/,
    );
  });

  it('a part that compresses like a bomb, even under the size limits', async () => {
    await rejects(await bombWorkbook(8 * 1024 * 1024), /part xl\/media\/image1\.bin compresses more than 200:1, as zip bombs do/);
  });

  it('a 50 MB sheet', async () => {
    await rejects(
      await bigSheetWorkbook(50 * 1024 * 1024),
      /its worksheet xl\/worksheets\/sheet1\.xml is 50\.0 MB of XML, more than the 12\.0 MB limit/,
    );
  });

  it('thousands of parts', async () => {
    await rejects(await manyEntriesWorkbook(2_500), /holds more than 2000 parts/);
  });

  it('an XML entity bomb (billion laughs) in the shared strings', async () => {
    const zip = await JSZip.loadAsync(await simpleWorkbook());
    const strings = await zip.file('xl/sharedStrings.xml')!.async('string');
    const entities = [
      '<!ENTITY a "aaaaaaaaaa">',
      ...'bcdefgh'.split('').map((e, i) => `<!ENTITY ${e} "${`&${'abcdefgh'[i]};`.repeat(10)}">`),
    ].join('');
    zip.file(
      'xl/sharedStrings.xml',
      strings.replace('<sst', `<!DOCTYPE sst [${entities}]><sst`).replace('<t>Wrong patient</t>', '<t>&h;</t>'),
    );
    await rejects(
      await zip.generateAsync({ type: 'nodebuffer' }),
      /part xl\/sharedStrings\.xml declares an XML document type \(<!DOCTYPE>\/<!ENTITY>\), which Excel never writes/,
    );
  });

  it('formulas in the hazard log are refused, with their cells', async () => {
    const bytes = await simpleWorkbook((ws) => {
      ws.getCell('I2').value = { formula: 'IF(G2="Major",3,2)', result: 3 } as never;
      ws.getCell('B2').value = { formula: 'HYPERLINK("http://evil.example","Wrong patient")', result: 'Wrong patient' } as never;
    });
    const r = await rejects(
      bytes,
      /sheet "Hazard Log" holds 2 formulas — B2 \(=HYPERLINK\("http:\/\/evil\.example","Wrong p…\), I2 \(=IF\(G2="Major",3,2\)\)/,
    );
    expect(r.err).toContain('Paste Special → Values');
  });

  it('a cell longer than Excel itself allows', async () => {
    await rejects(
      await simpleWorkbook((ws) => (ws.getCell('C2').value = 'x'.repeat(40_000))),
      /sheet "Hazard Log" cell C2 holds 40,000 characters, more than Excel's own limit of 32,767/,
    );
  });

  it('Excel error values cannot be placed', async () => {
    const r = await importBytes(await simpleWorkbook((ws) => (ws.getCell('G2').value = { error: '#REF!' } as never)));
    expect(r.code).toBe(1);
    expect(r.err).toContain('cell holds the Excel error #REF!');
    expect(r.err).toContain('[Hazard Log G2]');
  });

  it('a file larger than the limit is refused before it is parsed', async () => {
    const bytes = await simpleWorkbook();
    await expect(readWorkbook(bytes, 'big.xlsx', { ...DEFAULT_LIMITS, maxFileBytes: 1000 })).rejects.toThrow(WorkbookError);
    await expect(readWorkbook(bytes, 'big.xlsx', { ...DEFAULT_LIMITS, maxFileBytes: 1000 })).rejects.toThrow(
      /the file is \d+ kB, larger than the 1000 bytes/,
    );
  });

  it('and a plain small workbook still imports', async () => {
    const wb = await readWorkbook(await simpleWorkbook(), 'ok.xlsx');
    const r = importHazardLog(wb, { scheme: NHS_DCB0129, manufacturer: ['Acme'] });
    expect(r.incomplete).toBe(false);
    expect(r.written).toEqual({ hazards: 1, causes: 1, controls: 1 });
  });
});
