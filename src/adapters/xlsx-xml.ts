/**
 * The XLSX parts a hazard log needs, read straight from their XML: the workbook (sheet names,
 * order, visibility, date system), shared strings, number formats (which numbers are dates) and
 * each worksheet's cells and merged ranges. The parts arrive already inflated and checked by
 * checkZip (adapters/xlsx.ts), so the workbook is inflated once and no document model is built.
 * Values follow exceljs's reading of the same file (dates by number format, shared formulas,
 * rich text joined, `_xHHHH_` escapes) so the importer sees what it always saw.
 */
import { cellRef, type CellData, type SheetData } from '../core/workbook.js';

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text → string: line ends normalised as an XML parser does, entities decoded. */
export function decodeXml(s: string): string {
  const t = s.indexOf('\r') >= 0 ? s.replace(/\r\n?/g, '\n') : s;
  if (t.indexOf('&') < 0) return t;
  return t.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    const named = NAMED[e.toLowerCase()];
    if (named) return named;
    const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const attr = (attrs: string, name: string): string | undefined => {
  const i = attrs.indexOf(` ${name}="`);
  if (i < 0) return undefined;
  const start = i + name.length + 3;
  return attrs.slice(start, attrs.indexOf('"', start));
};

/** The text of a string item (`<si>` or `<is>`): its `<t>` runs joined, phonetic runs left out. */
function stringItem(xml: string): string {
  const body = xml.indexOf('<rPh') >= 0 ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  for (const m of body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += m[1]!;
  return decodeXml(out).replace(/_x([0-9A-F]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function sharedStrings(xml: string | undefined): string[] {
  if (!xml) return [];
  const out: string[] = [];
  for (const m of xml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) out.push(m[1] === undefined ? '' : stringItem(m[1]));
  return out;
}

/** exceljs's test for a date format: date or time letters outside quotes and brackets. */
const isDateFormat = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** For each cell style index (`s`), whether its number format shows a date. */
export function dateStyles(xml: string | undefined): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(/<numFmt\b([^>]*)\/?>/g)) {
    const id = Number(attr(` ${m[1]!}`, 'numFmtId'));
    const code = attr(` ${m[1]!}`, 'formatCode');
    if (code !== undefined) custom.set(id, decodeXml(code));
  }
  const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  return [...xfs.matchAll(/<xf\b([^>]*)\/?>/g)].map((m) => {
    const id = Number(attr(` ${m[1]!}`, 'numFmtId') ?? 0);
    if (!id) return false;
    const code = custom.get(id);
    return code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id);
  });
}

export interface SheetEntry {
  name: string;
  hidden: boolean;
  /** Zip path of its worksheet XML, e.g. `xl/worksheets/sheet1.xml`. */
  path: string;
}

export interface WorkbookParts {
  sheets: SheetEntry[];
  date1904: boolean;
  sharedStringsPath: string;
  stylesPath: string;
}

/** Sheet names, order and visibility, and where the parts are, from workbook.xml and its rels. */
export function workbookParts(workbookXml: string, relsXml: string): WorkbookParts {
  const target = new Map<string, string>();
  let sharedStringsPath = 'xl/sharedStrings.xml';
  let stylesPath = 'xl/styles.xml';
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const a = ` ${m[1]!}`;
    const id = attr(a, 'Id');
    const t = attr(a, 'Target');
    if (!id || !t) continue;
    const path = t.startsWith('/') ? t.slice(1) : `xl/${t}`;
    target.set(id, path);
    const type = attr(a, 'Type') ?? '';
    if (type.endsWith('/sharedStrings')) sharedStringsPath = path;
    if (type.endsWith('/styles')) stylesPath = path;
  }
  const sheets: SheetEntry[] = [];
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const a = ` ${m[1]!}`;
    const name = attr(a, 'name');
    const path = target.get(attr(a, 'r:id') ?? '');
    if (name === undefined || !path) continue;
    const state = attr(a, 'state') ?? 'visible';
    sheets.push({ name: decodeXml(name), hidden: state !== 'visible', path });
  }
  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbookXml);
  return { sheets, date1904, sharedStringsPath, stylesPath };
}

/** Column number (1-based) of a reference such as `AB12`. */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

const rowOf = (ref: string) => Number(/\d+$/.exec(ref)?.[0] ?? 0);

export interface SheetLimits {
  maxRows: number;
  maxColumns: number;
  maxCellChars: number;
}

/** Thrown for a sheet over a limit; the caller names the file. */
export class SheetLimitError extends Error {}

interface CellContext {
  strings: readonly string[];
  dates: readonly boolean[];
  date1904: boolean;
  /** Shared formula index → the master cell's address, as exceljs names a shared formula's clones. */
  sharedMasters: Map<string, string>;
}

const excelToDate = (v: number, date1904: boolean) => new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/** One `<c>` element's content as the importer sees it. */
function readCell(ref: string, attrs: string, body: string, ctx: CellContext): CellData {
  const t = attr(attrs, 't');
  const style = attr(attrs, 's');
  const isDate = style !== undefined && ctx.dates[Number(style)] === true;
  const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
  const f = /<f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/f>)/.exec(body);
  let value: CellData['value'] = null;
  let error: string | undefined;
  let raw: string | undefined;
  if (t === 'inlineStr') value = stringItem(/<is>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? '');
  else if (v !== undefined) {
    if (t === 's') value = ctx.strings[Number(v)] ?? null;
    else if (t === 'str') value = decodeXml(v);
    else if (t === 'b') value = v === '1' || v === 'true';
    else if (t === 'e') error = decodeXml(v);
    else if (t === 'd') value = new Date(v);
    else {
      const n = parseFloat(v);
      value = isDate ? excelToDate(n, ctx.date1904) : n;
      raw = v;
    }
  }
  const out: CellData = { value };
  if (f) {
    const fa = ` ${f[1]!}`;
    let formula = f[2] !== undefined ? decodeXml(f[2]) : '';
    const si = attr(fa, 'si');
    if (attr(fa, 't') === 'shared' && si !== undefined) {
      if (attr(fa, 'ref')) ctx.sharedMasters.set(si, ref);
      else if (!formula) formula = ctx.sharedMasters.get(si) ?? '';
    }
    out.formula = formula;
    if (error !== undefined) out.value = null;
  } else if (error !== undefined) out.error = error;
  if (raw !== undefined && typeof out.value === 'number' && raw !== '' && String(Number(raw)) !== raw && Number.isFinite(Number(raw)))
    out.rawNumber = raw;
  return out;
}

/** Every merged range's cells after the first take its first cell's content, marked with where it came from. */
function applyMerges(rows: CellData[][], merges: readonly string[]): void {
  for (const range of merges) {
    const [from, to] = range.split(':') as [string, string];
    const c1 = columnOf(from);
    const r1 = rowOf(from);
    const c2 = columnOf(to);
    const r2 = rowOf(to);
    const master = rows[r1 - 1]?.[c1 - 1] ?? { value: null };
    const { rawNumber: _raw, mergedFrom: _from, ...content } = master;
    for (let r = r1; r <= r2; r++) {
      const row = (rows[r - 1] ??= []);
      for (let c = c1; c <= c2; c++) {
        if (r === r1 && c === c1) continue;
        const own = row[c - 1]?.rawNumber;
        row[c - 1] = { ...content, ...(own ? { rawNumber: own } : {}), mergedFrom: from };
      }
    }
  }
}

/** A worksheet's rows of cells. Throws SheetLimitError over a limit. */
export function readSheet(
  name: string,
  hidden: boolean,
  xml: string,
  parts: { strings: readonly string[]; dates: readonly boolean[]; date1904: boolean },
  limits: SheetLimits,
): SheetData {
  const ctx: CellContext = { ...parts, sharedMasters: new Map() };
  const rows: CellData[][] = [];
  const data = /<sheetData\b[^>]*?(?:\/>|>([\s\S]*?)<\/sheetData>)/.exec(xml)?.[1] ?? '';
  let rowNo = 0;
  for (const rm of data.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = attr(` ${rm[1]!}`, 'r');
    rowNo = r ? Number(r) : rowNo + 1;
    if (rowNo > limits.maxRows)
      throw new SheetLimitError(
        `sheet "${name}" has more than the ${limits.maxRows} rows a hazard log needs (row ${rowNo}); delete unused rows`,
      );
    const cells: CellData[] = (rows[rowNo - 1] = []);
    let col = 0;
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = ` ${cm[1]!}`;
      const ref = attr(attrs, 'r');
      col = ref ? columnOf(ref) : col + 1;
      if (col > limits.maxColumns)
        throw new SheetLimitError(
          `sheet "${name}" has more than the ${limits.maxColumns} columns a hazard log needs (cell ${ref ?? cellRef(rowNo, col)}); delete unused columns`,
        );
      cells[col - 1] = readCell(ref ?? cellRef(rowNo, col), attrs, cm[2] ?? '', ctx);
    }
  }
  const merges = [...xml.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"/g)].map((m) => m[1]!).sort();
  applyMerges(rows, merges);
  for (let r = 0; r < rows.length; r++) {
    const cells = (rows[r] ??= []);
    for (let c = 0; c < cells.length; c++) {
      const d = (cells[c] ??= { value: null });
      if (typeof d.value === 'string' && d.value.length > limits.maxCellChars)
        throw new SheetLimitError(
          `sheet "${name}" cell ${cellRef(r + 1, c + 1)} holds ${d.value.length.toLocaleString('en-GB')} characters, more than Excel's own limit of ${limits.maxCellChars.toLocaleString('en-GB')}; it was not written by Excel — shorten it`,
        );
    }
  }
  return { name, hidden, rows, merges };
}
