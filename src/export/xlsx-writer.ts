/**
 * A small SpreadsheetML (XLSX) writer for the workbooks clinsafe generates: text and number cells,
 * a fixed set of cell styles, column widths, a frozen and filtered header row, print set-up (A4,
 * fit to width, title rows), cell notes. Rows are pulled from an iterable as the zip asks for them
 * and deflated once, straight into the zip (yazl), so memory does not grow with the number of rows
 * and there is no second zip pass. Every zip entry has the same fixed date and the entries a fixed
 * order: the bytes depend only on the rows.
 *
 * Strings are written inline (`t="inlineStr"`), as exceljs's streaming writer does: no shared-string
 * table to hold in memory. Characters XML 1.0 cannot carry are dropped (as exceljs does); text that
 * looks like an `_xHHHH_` escape is escaped itself, so it reads back unchanged.
 */
import { Readable } from 'node:stream';
import yazl from 'yazl';

export type Style = 'plain' | 'title' | 'wrap' | 'boldWrap' | 'bold' | 'header' | 'headerWrap' | 'low' | 'medium' | 'high' | 'unacceptable';

/** Index of each style in styles.xml's cellXfs (the order of the `XFS` list below). */
const STYLE_INDEX: Record<Style, number> = {
  plain: 0,
  title: 1,
  wrap: 2,
  boldWrap: 3,
  bold: 4,
  header: 5,
  headerWrap: 6,
  low: 7,
  medium: 8,
  high: 9,
  unacceptable: 10,
};

/** A cell's value; `undefined` and `''` both leave the cell out (a blank cell). */
export type CellValue = string | number | undefined;

export interface XRow {
  cells: readonly CellValue[];
  /** The row's style: its cells' unless `cellStyles` says otherwise, and that of its empty cells. */
  style?: Style;
  cellStyles?: readonly (Style | undefined)[];
}

export interface XNote {
  /** 1-based row, 0-based column. */
  row: number;
  col: number;
  text: string;
}

export interface XSheet {
  name: string;
  widths: readonly number[];
  /** Row 1 frozen (stays in view when scrolling). */
  frozenHeader?: boolean;
  /** An autofilter on row 1 across every column. */
  autoFilter?: boolean;
  /** Printed on A4 in this orientation, fit to one page wide, row 1 repeated on every page. */
  print?: 'landscape' | 'portrait';
  /** Pulled once, as the zip is written. A row with no cells is left out (a blank row). */
  rows: Iterable<XRow>;
  /** Notes on cells; asked for only after every row has been written. */
  notes?: () => readonly XNote[];
}

export interface XWorkbook {
  title: string;
  creator: string;
  /** Written into the core properties as created/modified. */
  date: Date;
  sheets: readonly XSheet[];
  /** 0-based index of the sheet the workbook opens on. */
  activeSheet?: number;
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]/g;
const NEEDS_ESCAPE = /[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|_x[0-9a-fA-F]{4}_/;

/** Text for an XML text node or a double-quoted attribute. */
export function xmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s
    .replace(INVALID_XML, '')
    .replace(/_(x[0-9a-fA-F]{4}_)/g, '_x005F_$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Column letters of a 0-based column index: 0 → A, 26 → AA. */
export function columnName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** ` s="N"` for each style index (the attribute's opening quote closes the cell reference's). */
const STYLE_ATTR = Object.values(STYLE_INDEX).map((i) => `" s="${i}`);
const LETTERS = Array.from({ length: 256 }, (_, i) => columnName(i));
const letter = (i: number) => LETTERS[i] ?? columnName(i);

function rowXml(r: number, row: XRow): string {
  const rowStyle = row.style ? STYLE_INDEX[row.style] : 0;
  const rs = String(r);
  const parts: string[] = [rowStyle ? `<row r="${rs}" s="${rowStyle}" customFormat="1">` : `<row r="${rs}">`];
  const { cells, cellStyles } = row;
  for (let j = 0; j < cells.length; j++) {
    const v = cells[j];
    if (v === undefined || v === '') continue; // an empty cell is no cell
    const st = cellStyles?.[j];
    const s = st ? STYLE_INDEX[st] : rowStyle;
    parts.push('<c r="', letter(j), rs, s ? STYLE_ATTR[s]! : '');
    if (typeof v === 'number') parts.push('"><v>', String(v), '</v></c>');
    else parts.push('" t="inlineStr"><is><t xml:space="preserve">', xmlText(v), '</t></is></c>');
  }
  parts.push('</row>');
  return parts.join('');
}

function colsXml(widths: readonly number[]): string {
  return `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`;
}

const CHUNK = 1 << 16;

/**
 * Strings written into 64 kB buffers as they come: each piece (a row, a note) dies young, so the
 * garbage collector never promotes a growing string of many rows (memory stays flat in rows).
 */
function* inChunks(parts: Iterable<string>): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  for (const s of parts) {
    if (used + s.length * 3 > chunk.length) {
      if (used) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK, s.length * 3));
      used = 0;
    }
    used += chunk.write(s, used);
  }
  if (used) yield chunk.subarray(0, used);
}

/** The worksheet XML, piece by piece, pulled as the zip deflates it. */
function* sheetParts(sheet: XSheet, hasNotes: boolean, notesOut: { notes: readonly XNote[] }): Generator<string> {
  yield (
    HEAD +
    `<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    (sheet.print ? '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' : '') +
    (sheet.frozenHeader
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
      : '') +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    colsXml(sheet.widths) +
    '<sheetData>'
  );
  let r = 0;
  for (const row of sheet.rows) {
    r += 1;
    if (row.cells.length > 0) yield rowXml(r, row);
  }
  let tail = '</sheetData>';
  if (sheet.autoFilter) tail += `<autoFilter ref="A1:${letter(sheet.widths.length - 1)}1"/>`;
  if (sheet.print)
    tail +=
      '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>' +
      `<pageSetup paperSize="9" orientation="${sheet.print}" fitToWidth="1" fitToHeight="0"/>`;
  notesOut.notes = sheet.notes?.() ?? [];
  if (hasNotes) tail += '<legacyDrawing r:id="rId1"/>';
  yield tail + '</worksheet>';
}

const FILLS = ['FFD9E2EC', 'FFCCE5D8', 'FFFFF3B0', 'FFFFD0A0', 'FFF4B6B0'];
const TOP_WRAP = '<alignment vertical="top" wrapText="1"/>';
/** cellXfs in STYLE_INDEX order: [fontId, fillId, wrap]. Fonts: 0 normal, 1 bold 14, 2 bold. Fills 2.. as FILLS. */
const XFS: [number, number, boolean][] = [
  [0, 0, false],
  [1, 0, false],
  [0, 0, true],
  [2, 0, true],
  [2, 0, false],
  [2, 2, false],
  [2, 2, true],
  [0, 3, true],
  [0, 4, true],
  [0, 5, true],
  [0, 6, true],
];

function stylesXml(): string {
  const fills = FILLS.map((c) => `<fill><patternFill patternType="solid"><fgColor rgb="${c}"/></patternFill></fill>`).join('');
  const xfs = XFS.map(
    ([font, fill, wrap]) =>
      `<xf numFmtId="0" fontId="${font}" fillId="${fill}" borderId="0" xfId="0"${font ? ' applyFont="1"' : ''}${fill ? ' applyFill="1"' : ''}` +
      (wrap ? ` applyAlignment="1">${TOP_WRAP}</xf>` : '/>'),
  ).join('');
  return (
    HEAD +
    `<styleSheet xmlns="${MAIN_NS}">` +
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    `<fills count="${FILLS.length + 2}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${fills}</fills>` +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${XFS.length}">${xfs}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

function workbookXml(wb: XWorkbook): string {
  const sheets = wb.sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  const titles = wb.sheets
    .map((s, i) =>
      s.print ? `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${xmlText(`${quoteSheet(s.name)}!$1:$1`)}</definedName>` : '',
    )
    .join('');
  return (
    HEAD +
    `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    `<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="20000" windowHeight="12000" firstSheet="0" activeTab="${wb.activeSheet ?? 0}"/></bookViews>` +
    `<sheets>${sheets}</sheets>` +
    (titles ? `<definedNames>${titles}</definedNames>` : '') +
    '<calcPr calcId="171027"/></workbook>'
  );
}

const rels = (items: [string, string][]) =>
  HEAD +
  `<Relationships xmlns="${PKG_REL_NS}">` +
  items.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${type}" Target="${target}"/>`).join('') +
  '</Relationships>';

const OD = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function contentTypesXml(wb: XWorkbook, noted: number[]): string {
  const ct = 'application/vnd.openxmlformats-officedocument';
  const over = (part: string, type: string) => `<Override PartName="${part}" ContentType="${type}"/>`;
  return (
    HEAD +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    (noted.length ? `<Default Extension="vml" ContentType="${ct}.vmlDrawing"/>` : '') +
    over('/xl/workbook.xml', `${ct}.spreadsheetml.sheet.main+xml`) +
    wb.sheets.map((_, i) => over(`/xl/worksheets/sheet${i + 1}.xml`, `${ct}.spreadsheetml.worksheet+xml`)).join('') +
    noted.map((i) => over(`/xl/comments${i + 1}.xml`, `${ct}.spreadsheetml.comments+xml`)).join('') +
    over('/xl/styles.xml', `${ct}.spreadsheetml.styles+xml`) +
    over('/docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml') +
    over('/docProps/app.xml', `${ct}.extended-properties+xml`) +
    '</Types>'
  );
}

function coreXml(wb: XWorkbook): string {
  const when = wb.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    HEAD +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${xmlText(wb.creator)}</dc:creator><dc:title>${xmlText(wb.title)}</dc:title><cp:lastModifiedBy>${xmlText(wb.creator)}</cp:lastModifiedBy>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

function appXml(wb: XWorkbook): string {
  const names = wb.sheets.map((s) => `<vt:lpstr>${xmlText(s.name)}</vt:lpstr>`).join('');
  return (
    HEAD +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<Application>clinsafe</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${wb.sheets.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${wb.sheets.length}" baseType="lpstr">${names}</vt:vector></TitlesOfParts></Properties>`
  );
}

function* commentsParts(notes: readonly XNote[]): Generator<string> {
  yield HEAD + `<comments xmlns="${MAIN_NS}"><authors><author>clinsafe</author></authors><commentList>`;
  for (const n of notes)
    yield `<comment ref="${letter(n.col)}${n.row}" authorId="0"><text><r><t xml:space="preserve">${xmlText(n.text)}</t></r></text></comment>`;
  yield '</commentList></comments>';
}

/** The legacy drawing Excel needs to show notes: one hidden text box per note, anchored beside its cell. */
function* vmlParts(notes: readonly XNote[], sheetNo: number): Generator<string> {
  yield (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${sheetNo}"/></o:shapelayout>` +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
  );
  for (const [i, n] of notes.entries())
    yield (
      `<v:shape id="_x0000_s${sheetNo * 1024 + i + 1}" type="#_x0000_t202" style="position:absolute;margin-left:105pt;margin-top:10pt;width:140pt;height:60pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
      '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>' +
      `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${n.col + 1}, 15, ${n.row - 1}, 10, ${n.col + 3}, 15, ${n.row + 3}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${n.row - 1}</x:Row><x:Column>${n.col}</x:Column></x:ClientData></v:shape>`
    );
  yield '</xml>';
}

/**
 * Write the workbook: one zip pass, entries deflated once (level 6) in a fixed order, every entry
 * dated 2000-01-01 00:00 in DOS time (no extended timestamps, so no time zone gets in).
 * Resolves to the .xlsx bytes.
 */
export function writeXlsx(wb: XWorkbook): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const opts = { mtime: new Date(2000, 0, 1, 0, 0, 0), mode: 0o100644, forceDosTimestamp: true, compress: true };
  const text = (s: string, name: string) => zip.addBuffer(Buffer.from(s, 'utf8'), name, opts);
  // Sheets that will carry notes are known before their rows are written (the relationship and the
  // content type come first), so a sheet declares notes by having a `notes` function.
  const noted = wb.sheets.flatMap((s, i) => (s.notes ? [i] : []));
  text(contentTypesXml(wb, noted), '[Content_Types].xml');
  text(
    rels([
      [`${OD}/officeDocument`, 'xl/workbook.xml'],
      ['http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml'],
      [`${OD}/extended-properties`, 'docProps/app.xml'],
    ]),
    '_rels/.rels',
  );
  text(appXml(wb), 'docProps/app.xml');
  text(coreXml(wb), 'docProps/core.xml');
  text(workbookXml(wb), 'xl/workbook.xml');
  text(
    rels([
      ...wb.sheets.map((_, i): [string, string] => [`${OD}/worksheet`, `worksheets/sheet${i + 1}.xml`]),
      [`${OD}/styles`, 'styles.xml'],
    ]),
    'xl/_rels/workbook.xml.rels',
  );
  text(stylesXml(), 'xl/styles.xml');
  wb.sheets.forEach((sheet, i) => {
    const n = i + 1;
    const out = { notes: [] as readonly XNote[] };
    const hasNotes = noted.includes(i);
    zip.addReadStreamLazy(`xl/worksheets/sheet${n}.xml`, opts, (cb) => cb(null, Readable.from(inChunks(sheetParts(sheet, hasNotes, out)))));
    if (!hasNotes) return;
    text(
      rels([
        [`${OD}/comments`, `../comments${n}.xml`],
        [`${OD}/vmlDrawing`, `../drawings/vmlDrawing${n}.vml`],
      ]),
      `xl/worksheets/_rels/sheet${n}.xml.rels`,
    );
    // Asked for when the zip reaches them, after the sheet's rows (and so its notes) are written.
    zip.addReadStreamLazy(`xl/comments${n}.xml`, opts, (cb) => cb(null, Readable.from(inChunks(commentsParts(out.notes)))));
    zip.addReadStreamLazy(`xl/drawings/vmlDrawing${n}.vml`, opts, (cb) => cb(null, Readable.from(inChunks(vmlParts(out.notes, n)))));
  });
  zip.end();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
