/**
 * Bounded, safe reading of XLSX workbooks. The zip is read once, with yauzl: file size, entry
 * count, every entry inflated and counted (declared and real sizes, compression ratio), the size of
 * each sheet's XML, no document type declarations. The XML parts a hazard log needs are kept as
 * they inflate and read into plain cells for the (pure) importer (./xlsx-xml.ts) — no second
 * inflate and no document model. Formulas and oversized cells are reported, never evaluated or
 * truncated. Every failure is a WorkbookError with a plain message.
 */
import yauzl from 'yauzl';
import type { SheetData, WorkbookData } from '../core/workbook.js';
import { dateStyles, readSheet, sharedStrings, SheetLimitError, workbookParts } from './xlsx-xml.js';

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

/** Refuse, from its first bytes, a file that is not an .xlsx zip at all (or is too large to read). */
function checkContainer(bytes: Buffer, file: string, limits: WorkbookLimits): void {
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
}

/** What the walk over the zip's entries has counted so far, and what it keeps. */
interface ZipWalk {
  zip: yauzl.ZipFile;
  file: string;
  limits: WorkbookLimits;
  entries: number;
  /** Inflated bytes of all entries read so far. */
  total: number;
  xml: Map<string, string>;
  fail: (message: string) => void;
}

/** Kept as text: the parts that say what the workbook is (workbook, shared strings, styles) and the worksheets. */
const KEPT_PART = /^(\[Content_Types\]\.xml|xl\/[^/]+\.xml|xl\/_rels\/workbook\.xml\.rels)$/i;

/** Inflate one entry, counting every byte against the limits; keep it when the workbook needs it. */
function readEntry(w: ZipWalk, entry: yauzl.Entry): void {
  const { limits, fail } = w;
  const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.fileName);
  const cap = isSheet ? Math.min(limits.maxSheetXmlBytes, limits.maxEntryBytes) : limits.maxEntryBytes;
  const tooBig = (n: number) =>
    isSheet
      ? `its worksheet ${entry.fileName} is ${fmt(n)} of XML, more than the ${fmt(cap)} limit; a hazard log sheet is far smaller — remove unused rows/columns or split the file`
      : `part ${entry.fileName} inflates to ${fmt(n)}, more than the ${fmt(cap)} limit; it may be a zip bomb — refusing to read it`;
  const bomb = `the workbook inflates to more than ${fmt(limits.maxTotalBytes)}; it may be a zip bomb — refusing to read it`;
  if (entry.uncompressedSize > cap) return fail(tooBig(entry.uncompressedSize));
  if (w.total + entry.uncompressedSize > limits.maxTotalBytes) return fail(bomb);
  if (entry.isEncrypted()) return fail('is encrypted; remove the password in Excel and save it again');
  w.zip.openReadStream(entry, (err, stream) => {
    if (err || !stream)
      return fail(`part ${entry.fileName} cannot be read (${err?.message ?? 'no data'}); open and re-save the workbook in Excel`);
    const keep = isSheet || KEPT_PART.test(entry.fileName);
    const chunks: Buffer[] = [];
    const isXml = /\.(xml|rels|vml)$/i.test(entry.fileName);
    let tail = '';
    let size = 0;
    let stopped = false;
    const stop = (message: string) => {
      stopped = true;
      stream.destroy();
      fail(message);
    };
    stream.on('data', (chunk: Buffer) => {
      if (stopped) return;
      size += chunk.length;
      if (isXml) {
        // Excel never writes a document type declaration; one is how XML entity attacks start.
        const window = tail + chunk.toString('latin1');
        if (/<!(DOCTYPE|ENTITY)/i.test(window))
          return stop(
            `part ${entry.fileName} declares an XML document type (<!DOCTYPE>/<!ENTITY>), which Excel never writes and XML entity attacks use; refusing to read it`,
          );
        tail = window.slice(-16);
      }
      if (size > cap || w.total + size > limits.maxTotalBytes) return stop(size > cap ? tooBig(size) : bomb);
      if (size > MB && entry.compressedSize > 0 && size / entry.compressedSize > limits.maxRatio)
        return stop(`part ${entry.fileName} compresses more than ${limits.maxRatio}:1, as zip bombs do; refusing to read it`);
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
      w.total += size;
      if (keep) w.xml.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
      w.zip.readEntry();
    });
  });
}

/** Check the zip container and inflate its XML parts within the limits. */
export async function checkZip(bytes: Buffer, file: string, limits: WorkbookLimits = DEFAULT_LIMITS): Promise<ZipFacts> {
  checkContainer(bytes, file, limits);
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
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        zip.close();
        reject(new WorkbookError(file, message));
      };
      const walk: ZipWalk = { zip, file, limits, entries: 0, total: 0, xml, fail };
      zip.on('error', (e: Error) =>
        reject(new WorkbookError(file, `is not a readable XLSX workbook (${e.message}); open and re-save it in Excel`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        walk.entries += 1;
        if (walk.entries > limits.maxEntries)
          return fail(
            `holds more than ${limits.maxEntries} parts, far more than a workbook needs; it may be a zip bomb — refusing to read it`,
          );
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        readEntry(walk, entry);
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

/** Read a workbook's bytes into plain cells, within the limits. Throws WorkbookError. */
export async function readWorkbook(bytes: Uint8Array, file: string, limits: WorkbookLimits = DEFAULT_LIMITS): Promise<WorkbookData> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { xml } = await checkZip(buffer, file, limits);
  const parts = workbookParts(xml.get('xl/workbook.xml')!, xml.get('xl/_rels/workbook.xml.rels') ?? '');
  const shared = {
    strings: sharedStrings(xml.get(parts.sharedStringsPath)),
    dates: dateStyles(xml.get(parts.stylesPath)),
    date1904: parts.date1904,
  };
  const sheets: SheetData[] = [];
  try {
    for (const entry of parts.sheets) {
      const sheetXml = xml.get(entry.path);
      if (sheetXml === undefined) continue; // a chart sheet or a missing part: no cells to read
      xml.delete(entry.path);
      sheets.push(readSheet(entry.name, entry.hidden, sheetXml, shared, limits));
    }
  } catch (e) {
    if (e instanceof SheetLimitError) throw new WorkbookError(file, e.message);
    throw e;
  }
  return { file, sheets };
}
