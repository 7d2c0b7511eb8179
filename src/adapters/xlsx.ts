/**
 * Bounded, safe reading of XLSX workbooks. Before exceljs parses anything the zip is checked with
 * yauzl: file size, entry count, every entry inflated and counted (declared and real sizes,
 * compression ratio), the size of each sheet's XML. Then the workbook is parsed and turned into
 * plain cells for the (pure) importer. Formulas and oversized cells are reported, never
 * evaluated or truncated. Every failure is a WorkbookError with a plain message.
 */
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { cellRef, type CellData, type SheetData, type WorkbookData } from '../core/workbook.js';

export { cellRef, columnLetters, type CellData, type SheetData, type WorkbookData } from '../core/workbook.js';

export interface WorkbookLimits {
  /** Size of the .xlsx file itself. */
  maxFileBytes: number;
  maxEntries: number;
  /** Uncompressed size of any one entry. */
  maxEntryBytes: number;
  /** Uncompressed size of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, checked for entries above 1 MB uncompressed. */
  maxRatio: number;
  /** Uncompressed size of one worksheet's XML. */
  maxSheetXmlBytes: number;
  /** Excel's own limit on the characters in a cell is 32,767. */
  maxCellChars: number;
  maxRows: number;
  maxColumns: number;
}

export const DEFAULT_LIMITS: WorkbookLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxEntries: 2_000,
  maxEntryBytes: 24 * 1024 * 1024,
  maxTotalBytes: 48 * 1024 * 1024,
  maxRatio: 200,
  maxSheetXmlBytes: 12 * 1024 * 1024,
  maxCellChars: 32_767,
  maxRows: 50_000,
  maxColumns: 200,
};

export class WorkbookError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const MB = 1024 * 1024;
const fmt = (n: number) => (n >= MB ? `${(n / MB).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} kB` : `${n} bytes`);

interface ZipFacts {
  /** Entry name → inflated text, kept for the workbook's structure and worksheets. */
  xml: Map<string, string>;
}

/** Check the zip container and inflate its XML parts within the limits. */
export async function checkZip(bytes: Buffer, file: string, limits: WorkbookLimits = DEFAULT_LIMITS): Promise<ZipFacts> {
  if (bytes.length > limits.maxFileBytes)
    throw new WorkbookError(
      file,
      `the file is ${fmt(bytes.length)}, larger than the ${fmt(limits.maxFileBytes)} a hazard log needs; remove embedded images or other sheets and try again`,
    );
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw new WorkbookError(
      file,
      'is an old-style .xls workbook or a password-protected one; open it in Excel, remove any password, and save it as .xlsx (Excel Workbook)',
    );
  }
  if (/\.(csv|tsv|txt)$/i.test(file) && (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50)) {
    throw new WorkbookError(
      file,
      'is a text file; clinsafe import reads .xlsx workbooks only — open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)',
    );
  }
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new WorkbookError(
      file,
      'is not an XLSX workbook (an .xlsx file is a zip archive, and this is not one); save the hazard log as .xlsx (Excel Workbook)',
    );
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, {
      lazyEntries: true,
      validateEntrySizes: true,
      decodeStrings: true,
      strictFileNames: false,
    });
  } catch (e) {
    throw new WorkbookError(
      file,
      `is not a readable XLSX workbook (its zip structure is damaged: ${(e as Error).message}); open and re-save it in Excel`,
    );
  }
  const xml = new Map<string, string>();
  let entries = 0;
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        zip.close();
        reject(new WorkbookError(file, message));
      };
      zip.on('error', (e: Error) =>
        reject(new WorkbookError(file, `is not a readable XLSX workbook (${e.message}); open and re-save it in Excel`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries += 1;
        if (entries > limits.maxEntries)
          return fail(
            `holds more than ${limits.maxEntries} parts, far more than a workbook needs; it may be a zip bomb — refusing to read it`,
          );
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.fileName);
        const cap = isSheet ? Math.min(limits.maxSheetXmlBytes, limits.maxEntryBytes) : limits.maxEntryBytes;
        const tooBig = (n: number) =>
          isSheet
            ? `its worksheet ${entry.fileName} is ${fmt(n)} of XML, more than the ${fmt(cap)} limit; a hazard log sheet is far smaller — remove unused rows/columns or split the file`
            : `part ${entry.fileName} inflates to ${fmt(n)}, more than the ${fmt(cap)} limit; it may be a zip bomb — refusing to read it`;
        if (entry.uncompressedSize > cap) return fail(tooBig(entry.uncompressedSize));
        if (total + entry.uncompressedSize > limits.maxTotalBytes)
          return fail(`the workbook inflates to more than ${fmt(limits.maxTotalBytes)}; it may be a zip bomb — refusing to read it`);
        if (entry.isEncrypted()) return fail('is encrypted; remove the password in Excel and save it again');
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream)
            return fail(`part ${entry.fileName} cannot be read (${err?.message ?? 'no data'}); open and re-save the workbook in Excel`);
          // Kept as text: the parts that say what the workbook is, and worksheets (for numbers as stored).
          const keep = isSheet || /^(\[Content_Types\]\.xml|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels)$/i.test(entry.fileName);
          const chunks: Buffer[] = [];
          const isXml = /\.(xml|rels|vml)$/i.test(entry.fileName);
          let tail = '';
          let size = 0;
          let stopped = false;
          stream.on('data', (chunk: Buffer) => {
            if (stopped) return;
            size += chunk.length;
            if (isXml) {
              // Excel never writes a document type declaration; one is how XML entity attacks start.
              const window = tail + chunk.toString('latin1');
              if (/<!(DOCTYPE|ENTITY)/i.test(window)) {
                stopped = true;
                stream.destroy();
                return fail(
                  `part ${entry.fileName} declares an XML document type (<!DOCTYPE>/<!ENTITY>), which Excel never writes and XML entity attacks use; refusing to read it`,
                );
              }
              tail = window.slice(-16);
            }
            if (size > cap || total + size > limits.maxTotalBytes) {
              stopped = true;
              stream.destroy();
              return fail(
                size > cap
                  ? tooBig(size)
                  : `the workbook inflates to more than ${fmt(limits.maxTotalBytes)}; it may be a zip bomb — refusing to read it`,
              );
            }
            if (size > MB && entry.compressedSize > 0 && size / entry.compressedSize > limits.maxRatio) {
              stopped = true;
              stream.destroy();
              return fail(`part ${entry.fileName} compresses more than ${limits.maxRatio}:1, as zip bombs do; refusing to read it`);
            }
            if (keep) chunks.push(chunk);
          });
          stream.on('error', (e: Error) => {
            if (stopped) return;
            if (/too many bytes/i.test(e.message))
              fail(
                `part ${entry.fileName} holds more data than its zip header declares (${entry.uncompressedSize} bytes), a zip-bomb trick; refusing to read it`,
              );
            else fail(`part ${entry.fileName} is damaged (${e.message}); open and re-save the workbook in Excel`);
          });
          stream.on('end', () => {
            if (stopped) return;
            total += size;
            if (keep) xml.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  if (!xml.has('[Content_Types].xml') || !xml.has('xl/workbook.xml')) {
    throw new WorkbookError(
      file,
      'is a zip archive but not an XLSX workbook (no xl/workbook.xml); save the hazard log from Excel as .xlsx',
    );
  }
  return { xml };
}

const decodeXml = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : m;
  });

/** Numbers stored in a form other than their shortest (1.1000000000000001), by sheet name and cell. */
function rawNumbers(xml: Map<string, string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const rels = xml.get('xl/_rels/workbook.xml.rels') ?? '';
  const target = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[1]!)?.[1];
    const t = /\bTarget="([^"]*)"/.exec(m[1]!)?.[1];
    if (id && t) target.set(id, t.startsWith('/') ? t.slice(1) : `xl/${t}`);
  }
  for (const m of (xml.get('xl/workbook.xml') ?? '').matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1];
    const rid = /\br:id="([^"]*)"/.exec(m[1]!)?.[1];
    const path = rid ? target.get(rid) : undefined;
    const sheet = path ? xml.get(path) : undefined;
    if (!name || !sheet) continue;
    const found = new Map<string, string>();
    for (const c of sheet.matchAll(/<c\b([^>]*?)(?<!\/)>(?:(?!<\/c>|<c\b)[\s\S])*?<v>([^<]*)<\/v>/g)) {
      const attrs = c[1]!;
      if (/\bt="(s|str|inlineStr|b|e)"/.test(attrs)) continue;
      const raw = c[2]!;
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      if (ref && raw !== '' && Number.isFinite(Number(raw)) && String(Number(raw)) !== raw) found.set(ref, raw);
    }
    out.set(decodeXml(name), found);
  }
  return out;
}

function cellData(cell: ExcelJS.Cell): CellData {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return { value: v };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return { value: (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('') };
    if ('formula' in o || 'sharedFormula' in o) {
      const result = o.result as unknown;
      const value =
        result === undefined || result === null || typeof result === 'object'
          ? result instanceof Date
            ? result
            : null
          : (result as string | number | boolean);
      return { value, formula: String(o.formula ?? o.sharedFormula ?? '') };
    }
    if ('error' in o) return { value: null, error: String(o.error) };
    if ('text' in o) {
      const t = o.text as unknown;
      if (typeof t === 'string') return { value: t };
      if (t && typeof t === 'object' && Array.isArray((t as { richText?: unknown }).richText)) {
        return { value: (t as { richText: { text?: string }[] }).richText.map((r) => r.text ?? '').join('') };
      }
    }
  }
  return { value: String(v) };
}

/** Read a workbook's bytes into plain cells, within the limits. Throws WorkbookError. */
export async function readWorkbook(bytes: Uint8Array, file: string, limits: WorkbookLimits = DEFAULT_LIMITS): Promise<WorkbookData> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { xml } = await checkZip(buffer, file, limits);
  const raw = rawNumbers(xml);
  xml.clear();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (e) {
    throw new WorkbookError(
      file,
      `could not be read as a workbook (${(e as Error).message.split('\n')[0]}); open and re-save it in Excel as .xlsx`,
    );
  }
  const sheets: SheetData[] = [];
  for (const ws of wb.worksheets) {
    if (ws.rowCount > limits.maxRows)
      throw new WorkbookError(
        file,
        `sheet "${ws.name}" has ${ws.rowCount} rows, more than the ${limits.maxRows} limit; delete unused rows`,
      );
    if (ws.columnCount > limits.maxColumns)
      throw new WorkbookError(
        file,
        `sheet "${ws.name}" has ${ws.columnCount} columns, more than the ${limits.maxColumns} limit; delete unused columns`,
      );
    // The public model (worksheet.model) lists merged ranges as `A1:A3`.
    const merges = ws.model.merges.filter(Boolean).sort();
    const rows: CellData[][] = [];
    const rawHere = raw.get(ws.name);
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      const cells: CellData[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const d = cellData(cell);
        if (cell.isMerged && cell.master.address !== cell.address) {
          const m = cellData(cell.master);
          Object.assign(d, m, { mergedFrom: cell.master.address });
        }
        if (typeof d.value === 'string' && d.value.length > limits.maxCellChars) {
          throw new WorkbookError(
            file,
            `sheet "${ws.name}" cell ${cellRef(r, c)} holds ${d.value.length.toLocaleString('en-GB')} characters, more than Excel's own limit of ${limits.maxCellChars.toLocaleString('en-GB')}; it was not written by Excel — shorten it`,
          );
        }
        const rawNum = rawHere?.get(cellRef(r, c));
        if (rawNum && typeof d.value === 'number') d.rawNumber = rawNum;
        cells[c - 1] = d;
      });
      for (let i = 0; i < cells.length; i++) cells[i] ??= { value: null };
      rows[r - 1] = cells;
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    sheets.push({ name: ws.name, hidden: ws.state !== 'visible', rows, merges });
  }
  return { file, sheets };
}
