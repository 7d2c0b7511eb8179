/**
 * One row of the `npm run bench` table. Every benchmark calls `emitRow` for each figure it
 * measures against a floor; when run by `bench/all.ts` (env BENCH_ROWS_FILE set) the rows are
 * appended as JSON lines to that file and printed as one table at the end. Run on its own, a
 * benchmark still prints its own table; emitRow then only echoes the row.
 */
import { appendFileSync } from 'node:fs';

export interface BenchRow {
  /** What was measured, e.g. "clinsafe validate, 1,000 hazards". */
  path: string;
  /** clinsafe's figure, with its unit, e.g. "3.70 s wall, 2.28 s cpu". */
  clinsafe: string;
  /** The floor's name and figure, measured in the same run. */
  floor: string;
  /** clinsafe ÷ floor (time unless the path says otherwise). */
  ratio: number;
  /** Peak memory of clinsafe's side in MiB (NaN when not measured). */
  peakMiB: number;
  /** The issue's goal for this ratio, e.g. 1.3 (≤ goal is met); for rates, "≥" goals set higherIsBetter. */
  goal?: number;
  higherIsBetter?: boolean;
  /** `count` when `ratio` is a plain count checked against a goal (API requests, writes), not a ratio: printed without "×". */
  unit?: 'count';
}

/** The ratio cell: "1.23×", or for a count the count itself. */
export function formatFigure(row: BenchRow, value = row.ratio): string {
  return row.unit === 'count' ? String(value) : `${value.toFixed(2)}×`;
}

export function emitRow(row: BenchRow): void {
  const file = process.env.BENCH_ROWS_FILE;
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
  else
    console.log(
      `[row] ${row.path}: ${formatFigure(row)}${row.goal !== undefined ? ` (goal ${row.higherIsBetter ? '≥' : '≤'} ${formatFigure(row, row.goal)})` : ''}`,
    );
}

export function goalMet(row: BenchRow): boolean | undefined {
  if (row.goal === undefined) return undefined;
  return row.higherIsBetter ? row.ratio >= row.goal : row.ratio <= row.goal;
}
