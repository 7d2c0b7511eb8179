/**
 * The hazard log as a spreadsheet in the NHS layout (see core/nhs-layout.ts): rows, CSV and XLSX.
 * Deterministic: the same folder always gives the same bytes. `clinsafe import` reads these back
 * into the same folder (import → export → import round trip).
 */
import { residualQualifier } from '../core/acceptability.js';
import type { Hazard, SafetyFolder } from '../core/folder.js';
import { isManufacturerOwner } from '../core/owners.js';
import { controlResultText, type ReleaseEvidence } from '../core/evidence-release.js';
import { causeNumber, CONTROL_TYPE_LABELS, controlNumber, HAZARD_LOG_COLUMNS, type ColumnKey } from '../core/nhs-layout.js';
import { coverSheet, developerSheet, DEVELOPER_KEYS, riskMatrixSheet, toneOf, type HazardLogIssue } from './hazard-log-sheets.js';
import { writeXlsx, type Style, type XNote, type XRow, type XSheet } from './xlsx-writer.js';

export type { HazardLogIssue };
export { RISK_MATRIX_SHEET } from './hazard-log-sheets.js';

type Row = Partial<Record<ColumnKey, string>>;

/** Fixed timestamp written into workbook metadata and zip entries: never "now". */
export const EXPORT_EPOCH = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/**
 * The manufacturer's own controls are written as "<manufacturer> (manufacturer)" — whether the
 * hazard file says `manufacturer` or the manufacturer's name, in any spelling — so a reader sees
 * who it is and `clinsafe import` reads it back as the manufacturer, never as another organisation.
 */
export function manufacturerOwnerCell(folder: SafetyFolder): string {
  return `${folder.config.product.manufacturer.trim()} (manufacturer)`;
}

function ownerLabel(folder: SafetyFolder, owner: string): string {
  return isManufacturerOwner(folder.config, owner) ? manufacturerOwnerCell(folder) : owner;
}

function hazardRows(folder: SafetyFolder, h: Hazard, evidence?: ReleaseEvidence): string[][] {
  const lines = (items: readonly string[]) => items.join('\n');
  const common: Row = {
    hazardId: h.id,
    hazardName: h.title,
    initialSeverity: h.initial.severity,
    initialLikelihood: h.initial.likelihood,
    initialRisk: String(h.initial.risk),
    residualSeverity: h.residual.severity,
    residualLikelihood: h.residual.likelihood,
    residualRisk: String(h.residual.risk),
  };
  const first: Row = {
    description: h.description,
    clinicalImpact: h.clinicalImpact,
    existingControls: lines(h.existingControls),
    hazardStatus: h.status,
    transferredTo: h.transferredTo ?? '',
    retiredReason: h.retiredReason ?? '',
    justification: h.justification ?? '',
    operationalConstraints: lines(h.operationalConstraints),
    hazardOwner: h.owner ?? '',
    assumptions: lines(h.assumptions),
    comments: h.comments ?? '',
    hazardReleased: h.introducedIn ?? '',
    draft: h.draft ? 'yes' : '',
    triggerPaths: lines(h.triggers.paths),
    triggerLabels: lines(h.triggers.labels),
    deliveredSeverity: h.deliveredResidual?.severity ?? '',
    deliveredLikelihood: h.deliveredResidual?.likelihood ?? '',
    residualBasis: h.status === 'retired' ? '' : residualQualifier(folder, h),
    severityReductionReason: h.severityReductionReason ?? '',
    plannedResidualAcceptance: h.acceptedPlannedResidual ? plannedAcceptanceCell(h.acceptedPlannedResidual) : '',
  };
  const causeById = new Map(h.causes.map((c) => [c.id, c]));
  const causeCell = (ids: readonly string[]): Row => ({
    cause: ids.map((id) => `${causeNumber(id) ?? id} ${causeById.get(id)?.description ?? ''}`.trim()).join('\n'),
    causeIds: ids.join(', '),
  });
  const actionCells = (a: Hazard['actions'][number]): Row => ({
    action: a.summary,
    actionStatus: a.status === 'done' ? 'Closed' : 'Open',
    actionOwner: ownerLabel(folder, a.owner),
    actionDue: a.due ?? '',
  });

  // Each row is an array in column order from the start, its cells written in place: no object
  // spreads per row (they made a new hidden class per row, which the garbage collector keeps in old
  // space until its next full collection — memory that grew with the number of rows).
  const rows: string[][] = [];
  const row = (...parts: Row[]): string[] => {
    const cells = toCells(common, ...parts);
    rows.push(cells);
    return cells;
  };
  const usedActions = new Set<number>();
  const usedCauses = new Set<string>();
  for (const c of h.controls) {
    const number = controlNumber(h.id, c.id);
    const linked = h.actions.map((a, i) => [a, i] as const).filter(([a]) => a.control === c.id);
    c.causes.forEach((id) => usedCauses.add(id));
    const release = c.introducedIn ?? h.introducedIn ?? '';
    const [firstAction, ...more] = linked;
    const cells = row(causeCell(c.causes), {
      control: number ? `${number} ${c.description}` : c.description,
      controlId: c.id,
      controlType: CONTROL_TYPE_LABELS[c.type],
      controlOwner: ownerLabel(folder, c.owner),
      controlStatus: c.status,
      evidence: lines(c.evidence),
      release,
    });
    if (evidence) put(cells, { testResults: controlResultText(evidence, h.id, c.id) });
    if (firstAction) {
      put(cells, actionCells(firstAction[0]));
      usedActions.add(firstAction[1]);
    }
    for (const [a, i] of more) {
      put(row({ controlId: c.id, release }), actionCells(a));
      usedActions.add(i);
    }
  }
  for (const cause of h.causes) {
    if (!usedCauses.has(cause.id)) row(causeCell([cause.id]), { release: h.introducedIn ?? '' });
  }
  h.actions.forEach((a, i) => {
    if (!usedActions.has(i)) row(actionCells(a), { release: h.introducedIn ?? '' });
  });
  if (rows.length === 0) row({ release: h.introducedIn ?? '' });
  put(rows[0]!, first);
  return rows;
}

const COLUMN_INDEX = new Map(HAZARD_LOG_COLUMNS.map((c, i) => [c.key, i]));

/** Write a part's values into a row's cells (the hazard's own columns, a control's, an action's: no two parts share a column). */
function put(cells: string[], part: Row): void {
  for (const key in part) {
    const i = COLUMN_INDEX.get(key as ColumnKey);
    if (i !== undefined) cells[i] = part[key as ColumnKey] ?? '';
  }
}

/** The cells of one row in column order, from its parts. */
function toCells(...parts: Row[]): string[] {
  const out = new Array<string>(HAZARD_LOG_COLUMNS.length).fill('');
  for (const part of parts) put(out, part);
  return out;
}

/** `dr-login on 2026-11-01: reason` — read back by `clinsafe import` (PLANNED_ACCEPTANCE). */
export function plannedAcceptanceCell(r: { by: string; on: string; reason: string }): string {
  return `${r.by} on ${r.on}: ${r.reason.replace(/\s+/g, ' ').trim()}`;
}

/** The hazard log's body rows as text, hazard by hazard, one row per control (a hazard with no controls still gets one row). */
export function* hazardLogBody(
  folder: SafetyFolder,
  evidence?: ReleaseEvidence,
): Generator<{ hazard: Hazard; first: boolean; cells: string[] }> {
  for (const h of folder.hazards) {
    let first = true;
    for (const cells of hazardRows(folder, h, evidence)) {
      yield { hazard: h, first, cells };
      first = false;
    }
  }
}

/** The hazard log as a table of text: header row first; one row per control (a hazard with no controls still gets one row). */
export function hazardLogRows(folder: SafetyFolder, evidence?: ReleaseEvidence): string[][] {
  const header = HAZARD_LOG_COLUMNS.map((c) => c.header);
  return [header, ...[...hazardLogBody(folder, evidence)].map((r) => r.cells)];
}

/** A cell a spreadsheet would read as a formula (=, +, -, @, or a leading tab/CR) gets a leading apostrophe. */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(value: string): string {
  const v = neutraliseCsvCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * RFC 4180 CSV: UTF-8 with a byte-order mark (so Excel reads the encoding right), CRLF after every
 * record, fields quoted only when they hold a comma, quote or line break; formula-like cells
 * neutralised. Deterministic.
 */
export function hazardLogCsv(folder: SafetyFolder, evidence?: ReleaseEvidence): Buffer {
  const text = hazardLogRows(folder, evidence)
    .map((r) => r.map(csvField).join(','))
    .map((line) => `${line}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export const HAZARD_LOG_SHEET = 'Hazard Log';

/**
 * The hazard-log sheet: frozen and filtered header row, wrapped text, column widths to suit; risk
 * ratings as numbers filled by their rating's tone, everything else as text (versions stay "1.10",
 * never 1.1); the developer-only columns left out. Rows are made hazard by hazard as the zip asks
 * for them. Where the residual counts planned controls, its cell carries a note saying so (the cell
 * itself stays a number, so the log imports back unchanged).
 */
function logSheet(folder: SafetyFolder, evidence?: ReleaseEvidence): XSheet {
  // Developer-only columns (trigger globs, draft flag) live on the Developer sheet, not in the log.
  const keep = HAZARD_LOG_COLUMNS.map((c, i) => ((DEVELOPER_KEYS as readonly string[]).includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const columns = keep.map((i) => HAZARD_LOG_COLUMNS[i]!);
  const riskCols = new Set(columns.map((c, i) => (c.key === 'initialRisk' || c.key === 'residualRisk' ? i : -1)).filter((i) => i >= 0));
  const residualCol = columns.findIndex((c) => c.key === 'residualRisk');
  const qualifier = (h: Hazard) => (h.status === 'retired' ? '' : residualQualifier(folder, h));
  const notes: XNote[] = [];
  function* rows(): Generator<XRow> {
    const head = columns.map((c) => c.header);
    yield { cells: head, style: 'boldWrap', cellStyles: head.map(() => 'headerWrap') };
    let r = 1;
    for (const { hazard, first, cells } of hazardLogBody(folder, evidence)) {
      r += 1;
      const styles: (Style | undefined)[] = [];
      const values = keep.map((k, j) => {
        const v = cells[k]!;
        if (riskCols.has(j) && /^\d+$/.test(v)) {
          const n = Number(v);
          styles[j] = toneOf(folder.scheme, n);
          return n;
        }
        return v === '' ? undefined : v;
      });
      if (first) {
        const note = qualifier(hazard);
        if (note) notes.push({ row: r, col: residualCol, text: note });
      }
      yield { cells: values, style: 'wrap', cellStyles: styles };
    }
  }
  const noted = folder.hazards.some((h) => qualifier(h));
  return {
    name: HAZARD_LOG_SHEET,
    widths: columns.map((c) => c.width),
    frozenHeader: true,
    autoFilter: true,
    print: 'landscape',
    rows: rows(),
    ...(noted ? { notes: () => notes } : {}),
  };
}

/**
 * The hazard log as an XLSX workbook in the NHS layout: a cover sheet, the "Hazard Log" sheet, the
 * risk matrix in force and the Developer sheet. Written in one deterministic zip pass
 * (./xlsx-writer.ts) with the rows streamed: the bytes depend only on the folder, and memory does
 * not grow with the number of rows beyond the finished file.
 */
export async function hazardLogXlsx(folder: SafetyFolder, issue?: HazardLogIssue, evidence?: ReleaseEvidence): Promise<Buffer> {
  return writeXlsx({
    title: `${folder.config.product.name} hazard log`,
    creator: 'clinsafe',
    date: EXPORT_EPOCH,
    // Opens on the hazard log itself; the cover sheet is the first tab.
    activeSheet: 1,
    sheets: [coverSheet(folder, issue), logSheet(folder, evidence), riskMatrixSheet(folder), developerSheet(folder)],
  });
}
