/**
 * A workbook as plain cells: what the XLSX adapter (adapters/xlsx.ts) reads and the pure importer
 * (import/) works on. Owned by the core so the importer never imports from an adapter. Pure.
 */

/** A cell's content as the importer sees it. */
export interface CellData {
  /** Text, number, boolean or date; null when empty. */
  value: string | number | boolean | Date | null;
  /** The formula, when the cell holds one (its saved result is in value). */
  formula?: string;
  /** Excel error value such as #REF!. */
  error?: string;
  /** The number exactly as stored in the file when it is not its shortest form (e.g. 1.1000000000000001). */
  rawNumber?: string;
  /** Set on every cell of a merged range after the first: the range's top-left reference. */
  mergedFrom?: string;
}

export interface SheetData {
  name: string;
  hidden: boolean;
  /** rows[r][c] is cell (r+1, c+1); trailing empty cells omitted. */
  rows: CellData[][];
  /** Merged ranges such as `B2:B9`. */
  merges: string[];
}

export interface WorkbookData {
  file: string;
  sheets: SheetData[];
}

/** Column letters for a 1-based column number: 1 → A, 28 → AB. */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** `I12` for row 12, column 9 (both 1-based). */
export function cellRef(row: number, col: number): string {
  return `${columnLetters(col)}${row}`;
}

/** A sheet name as a cell reference writes it: `Log`, or `'Hazard Log'` (quotes doubled inside). */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}
