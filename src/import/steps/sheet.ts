/**
 * Step 1: locate the hazard-log sheet and its header row. A sheet called "Hazard Log" is tried
 * first (or the one --sheet names); the header is the first of its first 30 rows that names every
 * required column, through the layout's aliases, --map, and group headings in the row above.
 */
import { columnForHeader, HAZARD_LOG_COLUMNS, normaliseHeader, REQUIRED_COLUMNS, type ColumnKey } from '../../core/nhs-layout.js';
import { cellRef, type SheetData, type WorkbookData } from '../../core/workbook.js';
import { ImportError, type Finding, type ImportOptions } from '../types.js';
import { clean, text } from './text.js';

/** How many rows from the top are searched for the header row. */
const HEADER_SEARCH_ROWS = 30;

/** Columns that a group heading above ("Initial", "Residual") may decide. */
const GROUPED_COLUMNS: readonly ColumnKey[] = [
  'initialSeverity',
  'initialLikelihood',
  'initialRisk',
  'residualSeverity',
  'residualLikelihood',
  'residualRisk',
];

export interface HeaderColumns {
  /** Column key → 0-based column index. */
  columns: Map<ColumnKey, number>;
  /** 0-based indexes of headed columns --map says to ignore. */
  ignored: number[];
  /** 0-based indexes of headed columns no field takes. */
  unknown: number[];
  /** Header aliases read, duplicate columns: cell references without the sheet name. */
  findings: Finding[];
}

export interface SheetLayout extends HeaderColumns {
  sheet: SheetData;
  /** 1-based row of the header. */
  headerRow: number;
}

function candidateSheets(wb: WorkbookData, wanted: string | undefined): SheetData[] {
  if (wanted) return wb.sheets.filter((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  const isLog = (s: SheetData) => Number(normaliseHeader(s.name) === 'hazard log');
  return [...wb.sheets].sort((a, b) => isLog(b) - isLog(a));
}

export function locateSheet(wb: WorkbookData, opts: ImportOptions): SheetLayout {
  const candidates = candidateSheets(wb, opts.sheet);
  if (opts.sheet && candidates.length === 0) {
    throw new ImportError(
      `${wb.file}: there is no sheet named "${opts.sheet}"; the sheets are ${wb.sheets.map((s) => `"${s.name}"`).join(', ')}`,
    );
  }
  for (const sheet of candidates) {
    const limit = Math.min(sheet.rows.length, HEADER_SEARCH_ROWS);
    for (let r = 0; r < limit; r++) {
      const found = headerColumns(sheet, r, opts);
      if (REQUIRED_COLUMNS.every((k) => found.columns.has(k))) return { sheet, headerRow: r + 1, ...found };
    }
  }
  const want = REQUIRED_COLUMNS.map((k) => HAZARD_LOG_COLUMNS.find((c) => c.key === k)!.header).join(', ');
  throw new ImportError(
    `${wb.file}: no sheet${opts.sheet ? ` "${opts.sheet}"` : ''} has a hazard-log header row (looked in the first ${HEADER_SEARCH_ROWS} rows of ${candidates.map((s) => `"${s.name}"`).join(', ') || 'no sheets'}); it needs columns for ${want}. If your columns are named differently, map them with --map (see docs/import.md)`,
  );
}

/** --map's columns split into header → key and the headers to ignore. */
function mappedHeaders(opts: ImportOptions): { extra: Record<string, ColumnKey>; ignore: Set<string> } {
  const extra: Record<string, ColumnKey> = {};
  const ignore = new Set<string>();
  for (const [h, k] of Object.entries(opts.columns ?? {})) {
    if (k === 'ignore') ignore.add(normaliseHeader(h));
    else extra[h] = k;
  }
  return { extra, ignore };
}

/** The columns row r (0-based) names, if it were the header row. */
function headerColumns(sheet: SheetData, r: number, opts: ImportOptions): HeaderColumns {
  const row = sheet.rows[r] ?? [];
  const above = r > 0 ? (sheet.rows[r - 1] ?? []) : [];
  const out: HeaderColumns = { columns: new Map(), ignored: [], unknown: [], findings: [] };
  const { extra, ignore } = mappedHeaders(opts);
  row.forEach((cell, c) => {
    const h = text(cell);
    if (!h || !h.trim()) return;
    if (ignore.has(normaliseHeader(h))) return void out.ignored.push(c);
    let key = columnForHeader(h, extra);
    let how = '';
    const group = text(above[c]);
    if (group && group.trim()) {
      const combined = columnForHeader(`${group} ${h}`, extra);
      if (combined && (!key || GROUPED_COLUMNS.includes(combined))) {
        key = combined;
        how = ` (with the group heading "${clean(group)}" above it)`;
      }
    }
    if (!key) return void out.unknown.push(c);
    if (out.columns.has(key)) {
      out.findings.push({
        kind: 'ambiguity',
        code: 'duplicate-column',
        message: `header "${clean(h)}" names the same column as ${cellRef(r + 1, out.columns.get(key)! + 1)}; only the first is read`,
        cells: [cellRef(r + 1, c + 1)],
      });
      return void out.unknown.push(c);
    }
    out.columns.set(key, c);
    const canonical = HAZARD_LOG_COLUMNS.find((d) => d.key === key)!.header;
    if (normaliseHeader(h) !== normaliseHeader(canonical)) {
      out.findings.push({
        kind: 'normalised',
        code: 'header-alias',
        message: `header "${clean(h)}"${how} read as "${canonical}"`,
        cells: [cellRef(r + 1, c + 1)],
      });
    }
  });
  return out;
}
