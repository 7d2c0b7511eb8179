/**
 * Evidence that only records a spreadsheet cell. `clinsafe import` marks a manufacturer control
 * `implemented` when the hazard log's action-status cell says Closed, and cites that exact cell
 * (`clinical-safety/sources/log.xlsx#'Hazard Log'!N2`) so the claim can be traced. That cell is a
 * record that someone closed an action, not verification that the control works: such a control
 * lacks verification evidence until a test or document is added. `clinsafe validate` warns, and
 * the documents label the cell as a record, never as verification. Pure.
 */
import type { Diagnostic } from './diagnostics.js';
import { positionOf, type ParsedYaml } from './yaml-core.js';

/** A cell reference into a spreadsheet: `path/log.xlsx#'Hazard Log'!N2` or `log.xlsx#Sheet1!A1`. */
const SPREADSHEET_CELL = /\.(xlsx|xlsm|xls|ods|csv)#(?:'(?:[^']|'')+'|[^!#]+)![A-Z]{1,3}\d+$/i;

export function isRecordOnlyEvidence(evidence: string): boolean {
  return SPREADSHEET_CELL.test(evidence);
}

/** A control lacks verification evidence when it claims more than planned and cites only spreadsheet cells. */
export function lacksVerification(control: { status: string; evidence: readonly string[] }): boolean {
  return control.status !== 'planned' && control.evidence.length > 0 && control.evidence.every(isRecordOnlyEvidence);
}

interface HazardLike {
  id: string;
  file: string;
  controls: readonly { id: string; status: string; evidence: readonly string[] }[];
}

/** One warning per control whose only evidence is a spreadsheet cell, at its evidence list. */
export function recordOnlyEvidenceWarnings(hazards: readonly HazardLike[], sources: ReadonlyMap<string, ParsedYaml>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of hazards) {
    const parsed = sources.get(h.id);
    h.controls.forEach((c, i) => {
      if (!lacksVerification(c)) return;
      out.push({
        file: h.file,
        ...(parsed ? positionOf(parsed, ['controls', i, 'evidence']) : { line: 1, col: 1 }),
        severity: 'warning',
        code: 'evidence-record-only',
        message: `control ${c.id} is ${c.status} on the strength of a spreadsheet cell only (${c.evidence[0]}): that records its action as closed, not that the control was verified; add the test or document that verifies it (keep the cell as the record)`,
      });
    });
  }
  return out;
}
