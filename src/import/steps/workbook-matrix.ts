/**
 * Step 5: the workbook's own printed risk matrix, if it has one: a row naming every severity of
 * the scheme in adjacent cells, with rows of ratings labelled by likelihood above or below it.
 * Every cell that differs from the declared scheme is reported as a risk disagreement.
 */
import type { RiskScheme } from '../../core/risk.js';
import { cellRef, quoteSheetName, type CellData, type SheetData, type WorkbookData } from '../../core/workbook.js';
import type { WorkbookMatrix } from '../types.js';
import type { Findings } from './findings.js';
import { fold } from './text.js';

const folded = (v: CellData | undefined) => (v && v.value !== null ? fold(String(v.value)) : '');

/** The matrix whose severity row is row r, starting at column `start`; undefined when no rating is found. */
function compareMatrixAt(sheet: SheetData, r: number, start: number, scheme: RiskScheme, findings: Findings): WorkbookMatrix | undefined {
  const quoted = quoteSheetName(sheet.name);
  const likelihoods = new Map(scheme.likelihoods.map((l) => [fold(l), l]));
  let compared = 0;
  let agrees = true;
  let top = r;
  let bottom = r;
  const from = Math.max(0, r - scheme.likelihoods.length - 1);
  const to = Math.min(sheet.rows.length - 1, r + scheme.likelihoods.length + 1);
  for (let rr = from; rr <= to; rr++) {
    const cells = sheet.rows[rr] ?? [];
    const l = likelihoods.get(folded(cells[start - 1]));
    if (!l) continue;
    scheme.severities.forEach((s, i) => {
      const cell = cells[start + i];
      if (!cell || typeof cell.value !== 'number') return;
      compared += 1;
      top = Math.min(top, rr);
      bottom = Math.max(bottom, rr);
      const want = scheme.matrix[l]?.[s];
      if (cell.value !== want) {
        agrees = false;
        findings.add(
          'risk-disagreement',
          'matrix-differs',
          `the workbook's own risk matrix rates ${l} likelihood × ${s} severity ${cell.value}, but the declared scheme (${scheme.name}) gives ${want}; the sheet's ratings were checked against the declared scheme — the CSO must confirm which applies`,
          `${quoted}!${cellRef(rr + 1, start + i + 1)}`,
        );
      }
    });
  }
  if (compared === 0) return undefined;
  return {
    sheet: sheet.name,
    range: `${cellRef(top + 1, start)}:${cellRef(bottom + 1, start + scheme.severities.length)}`,
    compared,
    agrees,
  };
}

/** The first printed matrix in any sheet but `skip` (the hazard log itself). */
export function checkWorkbookMatrix(wb: WorkbookData, scheme: RiskScheme, skip: string, findings: Findings): WorkbookMatrix | undefined {
  const severities = scheme.severities.map(fold);
  for (const sheet of wb.sheets) {
    if (sheet.name === skip) continue;
    for (let r = 0; r < sheet.rows.length; r++) {
      const row = sheet.rows[r]!;
      const start = row.findIndex((_, c) => severities.every((s, i) => folded(row[c + i]) === s));
      if (start < 0) continue;
      const found = compareMatrixAt(sheet, r, start, scheme, findings);
      if (found) return found;
    }
  }
  return undefined;
}
