/**
 * Step 2: read the data rows under the header. Formulas are refused outright; columns nobody maps
 * are reported unplaced; blank rows are skipped; control characters, Excel errors and merged
 * cells are reported at their cells. Each row becomes a RowRecord that reads a column by its key.
 */
import type { ColumnKey } from '../../core/nhs-layout.js';
import { cellRef, columnLetters, quoteSheetName, type CellData, type WorkbookData } from '../../core/workbook.js';
import { ImportError } from '../types.js';
import type { Findings } from './findings.js';
import type { SheetLayout } from './sheet.js';
import { clean, text } from './text.js';

/** Cell references in one sheet, written as the report gives them: `'Hazard Log'!G12`. */
export class SheetRefs {
  readonly quoted: string;
  /** `'Hazard Log'!G` by 0-based column, made once per column. */
  private readonly prefixes: string[] = [];
  constructor(readonly sheetName: string) {
    this.quoted = quoteSheetName(sheetName);
  }
  /** Row 1-based, column 0-based (as the rows arrays are indexed). */
  at(row: number, col: number): string {
    return `${(this.prefixes[col] ??= `${this.quoted}!${columnLetters(col + 1)}`)}${row}`;
  }
  /** A reference already written without the sheet (`B4`). */
  cell(ref: string): string {
    return `${this.quoted}!${ref}`;
  }
}

/** One data row of the hazard-log sheet, read by column key. */
export class RowRecord {
  constructor(
    /** 1-based sheet row. */
    readonly row: number,
    private readonly cells: readonly CellData[],
    private readonly columns: ReadonlyMap<ColumnKey, number>,
    private readonly refs: SheetRefs,
  ) {}
  cell(k: ColumnKey): CellData | undefined {
    const c = this.columns.get(k);
    return c === undefined ? undefined : this.cells[c];
  }
  get(k: ColumnKey): string | undefined {
    return text(this.cell(k));
  }
  /** The cell reference of column k on this row (column A when the sheet has no such column). */
  ref(k: ColumnKey): string {
    return this.refs.at(this.row, this.columns.get(k) ?? 0);
  }
}

export interface SheetRows {
  records: RowRecord[];
  blankRows: number;
}

const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** clinsafe never evaluates formulas nor trusts their saved results in a hazard log. */
export function refuseFormulas(wb: WorkbookData, layout: SheetLayout): void {
  const formulas: string[] = [];
  layout.sheet.rows.forEach((r, i) =>
    r.forEach((c, j) => {
      if (c.formula !== undefined && !c.mergedFrom)
        formulas.push(`${cellRef(i + 1, j + 1)} (=${c.formula.length > 40 ? `${c.formula.slice(0, 40)}…` : c.formula})`);
    }),
  );
  if (formulas.length > 0) {
    throw new ImportError(
      `${wb.file}: sheet "${layout.sheet.name}" holds ${formulas.length} formula${formulas.length === 1 ? '' : 's'} — ${formulas.slice(0, 8).join(', ')}${formulas.length > 8 ? ', …' : ''}. clinsafe does not evaluate formulas or trust their saved results in a hazard log; copy the sheet and Paste Special → Values, then import again`,
    );
  }
}

/** Columns with data that no field takes: that data could not be placed. */
export function reportUnknownColumns(layout: SheetLayout, refs: SheetRefs, findings: Findings): void {
  const { sheet, headerRow } = layout;
  for (const c of layout.unknown) {
    const header = clean(text(sheet.rows[headerRow - 1]?.[c]) ?? '');
    const filledCells: string[] = [];
    for (let r = headerRow; r < sheet.rows.length; r++) if (text(sheet.rows[r]?.[c])?.trim()) filledCells.push(refs.at(r + 1, c));
    if (filledCells.length > 0)
      findings.add(
        'unplaced',
        'unknown-column',
        `column "${header}" has no place in the hazard log format; map it with --map (to a column, or to ignore) — its ${filledCells.length} value(s) were not imported`,
        ...filledCells,
      );
  }
}

/** Report (and, for control characters, clean in place) what is wrong with one used cell. */
function checkCell(cells: CellData[], c: number, rowNo: number, ctx: RowReading): void {
  const { refs, findings } = ctx;
  const cell = cells[c];
  if (cell && typeof cell.value === 'string' && CONTROL_CHARACTER.test(cell.value)) {
    const soft = /[\u000B\u000C]/.test(cell.value);
    cells[c] = { ...cell, value: cell.value.replace(/[\u000B\u000C]/g, '\n').replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '') };
    findings.add(
      'normalised',
      'control-character',
      soft ? 'vertical tab (an Excel soft line break) read as a line break' : 'invisible control characters removed',
      refs.at(rowNo, c),
    );
  }
  if (cell?.error)
    findings.add(
      'unplaced',
      'cell-error',
      `cell holds the Excel error ${cell.error}; replace it with the intended value`,
      refs.at(rowNo, c),
    );
  if (cell?.mergedFrom && !ctx.mergesNoted.has(cell.mergedFrom)) {
    ctx.mergesNoted.add(cell.mergedFrom);
    const range = ctx.layout.sheet.merges.find((m) => m.startsWith(`${cell.mergedFrom}:`)) ?? cell.mergedFrom;
    findings.add(
      'normalised',
      'merged-cell',
      `merged cells ${range}: the value of ${cell.mergedFrom} is read on every row they span`,
      refs.cell(cell.mergedFrom),
    );
  }
}

interface RowReading {
  layout: SheetLayout;
  refs: SheetRefs;
  findings: Findings;
  mergesNoted: Set<string>;
}

export function readRows(layout: SheetLayout, refs: SheetRefs, findings: Findings): SheetRows {
  const { sheet, headerRow, columns } = layout;
  const ctx: RowReading = { layout, refs, findings, mergesNoted: new Set() };
  const usedColumns = [...columns.values()];
  const records: RowRecord[] = [];
  let blankRows = 0;
  for (let r = headerRow; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r] ?? [];
    const rowNo = r + 1;
    if (cells.every((c) => !text(c)?.trim())) {
      blankRows += 1;
      findings.add('normalised', 'blank-row', 'blank spacer rows skipped', refs.cell(`A${rowNo}`));
      continue;
    }
    for (const c of usedColumns) checkCell(cells, c, rowNo, ctx);
    records.push(new RowRecord(rowNo, cells, columns, refs));
  }
  return { records, blankRows };
}
