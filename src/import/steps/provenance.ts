/**
 * Step 6: the workbook's own cover page and version history, carried into the safety folder as
 * provenance (core/provenance.ts). Read as the workbook states them — label/value pairs of a
 * sheet named like "Cover Page", the amendment table (Version | description) and the reviewer and
 * approver tables (Name | Title | Date | Version) of a sheet named like "Version History" — each
 * entry with its cell. Nothing is inferred: what the sheets do not state is left out.
 */
import type { WorkbookProvenance } from '../../core/provenance.js';
import { cellRef, quoteSheetName, type CellData, type SheetData, type WorkbookData } from '../../core/workbook.js';
import { clean, excelSerialToIso, text } from './text.js';

const COVER_SHEET = /\bcover\b|\bfront page\b|\bdocument (details|information)\b/i;
const HISTORY_SHEET = /version|history|amendment|revision|document control/i;
const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/** A cell's text, cleaned; dates as YYYY-MM-DD. */
const value = (c: CellData | undefined): string | undefined => {
  const t = text(c);
  return t === undefined ? undefined : clean(t) || undefined;
};

/** A date cell as YYYY-MM-DD (date, Excel serial or ISO text), else its text as written. */
function dateText(c: CellData | undefined): string | undefined {
  if (c && typeof c.value === 'number') return excelSerialToIso(c.value) ?? String(c.value);
  return value(c);
}

/** The row's cells with text, left to right, skipping repeats of a merged cell. */
function filledCells(row: readonly CellData[]): { col: number; value: string }[] {
  const out: { col: number; value: string }[] = [];
  row.forEach((c, col) => {
    const v = value(c);
    if (v !== undefined && !c.mergedFrom) out.push({ col, value: v });
  });
  return out;
}

function coverPage(sheet: SheetData): Pick<WorkbookProvenance, 'title' | 'cover'> {
  const q = quoteSheetName(sheet.name);
  let title: string | undefined;
  const cover: WorkbookProvenance['cover'] = [];
  sheet.rows.forEach((row, r) => {
    const cells = row.map((c, col) => ({ col, value: value(c) })).filter((c): c is { col: number; value: string } => !!c.value);
    // The title: the first row whose text spans its cells (a merged heading), long enough to be one.
    if (!title && cells.length > 0 && cells[0]!.value.length >= 15 && cells.every((c) => c.value === cells[0]!.value)) {
      title = cells[0]!.value;
      return;
    }
    // Label/value pairs: a short label with a different value in the next cell to its right.
    for (let i = 0; i + 1 < cells.length; i++) {
      const label = cells[i]!;
      const next = cells[i + 1]!;
      if (label.value.length > 40 || /[.:]$/.test(label.value) || next.col !== label.col + 1 || next.value === label.value) continue;
      const stated = /\bdate\b/i.test(label.value) ? dateText(row[next.col]) : undefined;
      cover.push({ label: label.value, value: stated ?? next.value, cell: `${q}!${cellRef(r + 1, next.col + 1)}` });
      i += 1;
    }
  });
  return { ...(title ? { title } : {}), cover };
}

type Column = 'name' | 'role' | 'date' | 'version' | 'summary';
const HEADER_WORDS: Record<string, Column> = {
  name: 'name',
  'reviewer name': 'name',
  'approver name': 'name',
  'title / responsibility': 'role',
  title: 'role',
  role: 'role',
  responsibility: 'role',
  date: 'date',
  'version date': 'date',
  version: 'version',
  'amendment history': 'summary',
  description: 'summary',
  'summary of changes': 'summary',
  changes: 'summary',
  amendment: 'summary',
};

/** The columns a header row names, or undefined when it is not a table header. */
function tableHeader(row: readonly CellData[]): Map<Column, number> | undefined {
  const cols = new Map<Column, number>();
  filledCells(row).forEach(({ col, value: v }) => {
    const key = HEADER_WORDS[norm(v)];
    if (key && !cols.has(key)) cols.set(key, col);
  });
  const isAmendments = cols.has('version') && cols.has('summary');
  const isPeople = cols.has('name') && cols.has('role');
  return isAmendments || isPeople ? cols : undefined;
}

/** The nearest short heading above row r ("Reviewers", "Approved"), within a few rows. */
function sectionTitle(sheet: SheetData, r: number): string {
  for (let above = r - 1; above >= Math.max(0, r - 3); above--) {
    const cells = filledCells(sheet.rows[above] ?? []);
    if (cells.length === 1 && cells[0]!.value.length <= 30) return cells[0]!.value;
  }
  return '';
}

function historySheet(sheet: SheetData): Pick<WorkbookProvenance, 'versions' | 'reviewers' | 'approvals' | 'distribution'> {
  const q = quoteSheetName(sheet.name);
  const out: Pick<WorkbookProvenance, 'versions' | 'reviewers' | 'approvals' | 'distribution'> = {
    versions: [],
    reviewers: [],
    approvals: [],
  };
  for (let r = 0; r < sheet.rows.length; r++) {
    const cells = filledCells(sheet.rows[r] ?? []);
    if (cells.length === 1 && norm(cells[0]!.value) === 'distribution') {
      const next = filledCells(sheet.rows[r + 1] ?? [])[0];
      if (next) out.distribution = next.value;
      continue;
    }
    const cols = tableHeader(sheet.rows[r] ?? []);
    if (!cols) continue;
    const title = norm(sectionTitle(sheet, r));
    const people = !(cols.has('version') && cols.has('summary') && !cols.has('name'));
    const list: WorkbookProvenance['reviewers'] | undefined = /approv|sign/.test(title)
      ? out.approvals
      : /review/.test(title)
        ? out.reviewers
        : undefined;
    let rr = r + 1;
    for (; rr < sheet.rows.length; rr++) {
      const row = sheet.rows[rr] ?? [];
      if (filledCells(row).length < 2) break;
      if (tableHeader(row) || filledCells(row).some((c) => HEADER_WORDS[norm(c.value)])) continue; // a repeated header
      const at = (k: Column) => (cols.has(k) ? row[cols.get(k)!] : undefined);
      if (!people) {
        const version = value(at('version'));
        const summary = value(at('summary'));
        if (!version || !summary) break;
        const date = dateText(at('date'));
        out.versions.push({ version, ...(date ? { date } : {}), summary, cell: `${q}!${cellRef(rr + 1, cols.get('version')! + 1)}` });
      } else if (list) {
        const name = value(at('name'));
        if (!name) break;
        const role = value(at('role'));
        const date = dateText(at('date'));
        const version = value(at('version'));
        list.push({
          name,
          ...(role ? { role } : {}),
          ...(date ? { date } : {}),
          ...(version ? { version } : {}),
          cell: `${q}!${cellRef(rr + 1, cols.get('name')! + 1)}`,
        });
      }
    }
    r = rr - 1;
  }
  return out;
}

/** The workbook's cover page and version history, or undefined when it has neither. */
export function readProvenance(wb: WorkbookData, workbook: string, skip: string): WorkbookProvenance | undefined {
  const others = wb.sheets.filter((s) => s.name !== skip);
  const cover = others.find((s) => COVER_SHEET.test(s.name));
  const history = others.find((s) => s !== cover && HISTORY_SHEET.test(s.name));
  if (!cover && !history) return undefined;
  const found: WorkbookProvenance = {
    workbook,
    ...(cover ? coverPage(cover) : { cover: [] }),
    ...(history ? historySheet(history) : { versions: [], reviewers: [], approvals: [] }),
  };
  const empty = !found.title && !found.cover.length && !found.versions.length && !found.reviewers.length && !found.approvals.length;
  return empty ? undefined : found;
}
