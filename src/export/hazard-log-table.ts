/**
 * The hazard log as a spreadsheet in the NHS layout (see core/nhs-layout.ts): rows, CSV and XLSX.
 * Deterministic: the same folder always gives the same bytes. `clinsafe import` reads these back
 * into the same folder (import → export → import round trip).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { acceptabilityCriteria, residualQualifier } from '../core/acceptability.js';
import type { Hazard, SafetyFolder } from '../core/folder.js';
import { isManufacturerOwner } from '../core/owners.js';
import { controlResultText, type ReleaseEvidence } from '../core/evidence-release.js';
import { causeNumber, CONTROL_TYPE_LABELS, controlNumber, HAZARD_LOG_COLUMNS, type ColumnKey } from '../core/nhs-layout.js';
import { addCoverSheet, addDeveloperSheet, DEVELOPER_KEYS, styleLogSheet, type HazardLogIssue } from './hazard-log-sheets.js';

export type { HazardLogIssue };

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

function hazardRows(folder: SafetyFolder, h: Hazard, evidence?: ReleaseEvidence): Row[] {
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

  const rows: Row[] = [];
  const usedActions = new Set<number>();
  const usedCauses = new Set<string>();
  for (const c of h.controls) {
    const number = controlNumber(h.id, c.id);
    const linked = h.actions.map((a, i) => [a, i] as const).filter(([a]) => a.control === c.id);
    c.causes.forEach((id) => usedCauses.add(id));
    const row: Row = {
      ...causeCell(c.causes),
      control: number ? `${number} ${c.description}` : c.description,
      controlId: c.id,
      controlType: CONTROL_TYPE_LABELS[c.type],
      controlOwner: ownerLabel(folder, c.owner),
      controlStatus: c.status,
      evidence: lines(c.evidence),
      ...(evidence ? { testResults: controlResultText(evidence, h.id, c.id) } : {}),
      release: c.introducedIn ?? h.introducedIn ?? '',
    };
    const [firstAction, ...more] = linked;
    if (firstAction) {
      Object.assign(row, actionCells(firstAction[0]));
      usedActions.add(firstAction[1]);
    }
    rows.push(row);
    for (const [a, i] of more) {
      rows.push({ controlId: c.id, ...actionCells(a), release: c.introducedIn ?? h.introducedIn ?? '' });
      usedActions.add(i);
    }
  }
  for (const cause of h.causes) {
    if (!usedCauses.has(cause.id)) rows.push({ ...causeCell([cause.id]), release: h.introducedIn ?? '' });
  }
  h.actions.forEach((a, i) => {
    if (!usedActions.has(i)) rows.push({ ...actionCells(a), release: h.introducedIn ?? '' });
  });
  if (rows.length === 0) rows.push({ release: h.introducedIn ?? '' });
  return rows.map((r, i) => ({ ...common, ...(i === 0 ? first : {}), ...r }));
}

/** `dr-login on 2026-11-01: reason` — read back by `clinsafe import` (PLANNED_ACCEPTANCE). */
export function plannedAcceptanceCell(r: { by: string; on: string; reason: string }): string {
  return `${r.by} on ${r.on}: ${r.reason.replace(/\s+/g, ' ').trim()}`;
}

/** The hazard log as a table of text: header row first; one row per control (a hazard with no controls still gets one row). */
export function hazardLogRows(folder: SafetyFolder, evidence?: ReleaseEvidence): string[][] {
  const header = HAZARD_LOG_COLUMNS.map((c) => c.header);
  const body = folder.hazards.flatMap((h) => hazardRows(folder, h, evidence)).map((r) => HAZARD_LOG_COLUMNS.map((c) => r[c.key] ?? ''));
  return [header, ...body];
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
 * The hazard log as an XLSX workbook in the NHS layout: sheet "Hazard Log", frozen and filtered
 * header row, wrapped text, column widths to suit; risk ratings as numbers, everything else as
 * text (versions stay "1.10", never 1.1). Metadata and zip entry dates are fixed, so the bytes
 * depend only on the folder.
 */
export async function hazardLogXlsx(folder: SafetyFolder, issue?: HazardLogIssue, evidence?: ReleaseEvidence): Promise<Buffer> {
  // Developer-only columns (trigger globs, draft flag) live on the Developer sheet, not in the log.
  const keep = HAZARD_LOG_COLUMNS.map((c, i) => ((DEVELOPER_KEYS as readonly string[]).includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const COLUMNS = keep.map((i) => HAZARD_LOG_COLUMNS[i]!);
  const rows = hazardLogRows(folder, evidence).map((r) => keep.map((i) => r[i]!));
  const wb = new ExcelJS.Workbook();
  wb.creator = 'clinsafe';
  wb.lastModifiedBy = 'clinsafe';
  wb.created = EXPORT_EPOCH;
  wb.modified = EXPORT_EPOCH;
  wb.title = `${folder.config.product.name} hazard log`;
  addCoverSheet(wb, folder, issue);
  const ws = wb.addWorksheet(HAZARD_LOG_SHEET, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  ws.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  const riskCols = new Set(COLUMNS.map((c, i) => (c.key === 'initialRisk' || c.key === 'residualRisk' ? i : -1)).filter((i) => i >= 0));
  // Where the residual counts planned controls, its cell carries a note saying so (the cell itself
  // stays a number, so the log imports back unchanged).
  const idCol = COLUMNS.findIndex((c) => c.key === 'hazardId');
  const residualCol = COLUMNS.findIndex((c) => c.key === 'residualRisk');
  const notes = new Map(folder.hazards.filter((h) => h.status !== 'retired').map((h) => [h.id, residualQualifier(folder, h)]));
  const noted = new Set<string>();
  rows.forEach((r, i) => {
    const values = r.map((v, j) => (i > 0 && riskCols.has(j) && /^\d+$/.test(v) ? Number(v) : v));
    const row = ws.addRow(values);
    row.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) row.font = { bold: true };
    const id = r[idCol] ?? '';
    const note = i > 0 ? notes.get(id) : undefined;
    if (note && !noted.has(id)) {
      row.getCell(residualCol + 1).note = note;
      noted.add(id);
    }
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  styleLogSheet(
    ws,
    folder.scheme,
    [...riskCols].map((i) => i + 1),
  );
  addRiskMatrix(wb, folder);
  addDeveloperSheet(wb, folder);
  // Opens on the hazard log itself; the cover sheet is the first tab.
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 1, visibility: 'visible' }];
  const raw = Buffer.from(await wb.xlsx.writeBuffer());
  return rezip(raw);
}

export const RISK_MATRIX_SHEET = 'Risk Matrix';

/**
 * Second sheet: the declared risk scheme in force, as the NHS template carries it, with its
 * definitions word for word (the whole severity ladder by number of patients) and the
 * acceptability criteria; then the residual risks that count planned controls.
 */
function addRiskMatrix(wb: ExcelJS.Workbook, folder: SafetyFolder): void {
  const { scheme } = folder;
  const ws = wb.addWorksheet(RISK_MATRIX_SHEET);
  ws.columns = [{ width: 18 }, { width: 60 }, ...scheme.severities.slice(2).map(() => ({ width: 16 }))];
  const bold = (values: (string | number)[]) => {
    ws.addRow(values).font = { bold: true };
  };
  const wrap = (values: (string | number)[]) => {
    ws.addRow(values).alignment = { wrapText: true, vertical: 'top' };
  };
  bold([scheme.name]);
  wrap([
    scheme.source
      ? `Definitions quoted word for word from the ${scheme.source}.`
      : 'Scheme declared by the manufacturer in clinsafe.yml; definitions are the manufacturer’s own.',
  ]);
  ws.addRow([]);
  bold(['Likelihood \\ Severity', ...scheme.severities]);
  for (const l of [...scheme.likelihoods].reverse()) ws.addRow([l, ...scheme.severities.map((s) => scheme.matrix[l]?.[s] ?? '')]);
  ws.addRow([]);
  bold(['Rating', 'Definition', 'Acceptable as a residual risk for release?']);
  for (const r of [...scheme.ratings].reverse())
    wrap([
      r.value,
      r.meaning,
      r.value >= scheme.unacceptableFrom
        ? 'Not acceptable for release'
        : r.value >= scheme.justifyFrom
          ? 'Only with a recorded justification that further risk reduction is impractical'
          : 'Acceptable',
    ]);
  ws.addRow([]);
  bold(['Acceptability criteria']);
  for (const c of acceptabilityCriteria(folder)) wrap(['', c]);
  if (Object.values(scheme.likelihoodMeanings).some(Boolean)) {
    ws.addRow([]);
    bold(['Likelihood', 'Definition']);
    for (const l of [...scheme.likelihoods].reverse()) wrap([l, scheme.likelihoodMeanings[l] ?? '']);
  }
  if (scheme.severityLadder?.length) {
    ws.addRow([]);
    bold(['Severity', 'Consequence', 'Patients affected']);
    for (const l of scheme.severityLadder)
      wrap([l.severity, l.consequence, l.patients === 'single' ? 'Single patient' : 'Multiple patients']);
  } else if (Object.values(scheme.severityMeanings).some(Boolean)) {
    ws.addRow([]);
    bold(['Severity', 'Definition']);
    for (const l of [...scheme.severities].reverse()) wrap([l, scheme.severityMeanings[l] ?? '']);
  }
  const qualified = folder.hazards
    .filter((h) => h.status !== 'retired')
    .map((h) => [h.id, residualQualifier(folder, h)] as const)
    .filter(([, q]) => q);
  if (qualified.length) {
    ws.addRow([]);
    bold(['Hazard', 'Residual risk and planned controls']);
    for (const [id, q] of qualified) wrap([id, q]);
  }
}

/** Re-pack a zip with every entry dated EXPORT_EPOCH, in name order, so output is byte-stable. */
async function rezip(bytes: Buffer): Promise<Buffer> {
  const input = await JSZip.loadAsync(bytes);
  const out = new JSZip();
  const names = Object.keys(input.files)
    .filter((n) => !input.files[n]!.dir)
    .sort((a, b) => (a === '[Content_Types].xml' ? -1 : b === '[Content_Types].xml' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    out.file(name, await input.files[name]!.async('uint8array'), { date: EXPORT_EPOCH, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
}
