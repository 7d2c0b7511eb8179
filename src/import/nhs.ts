/**
 * Turn an NHS-style hazard-log sheet (one row per control) back into hazards with their causes
 * and controls. Pure: it gets plain cells (core/workbook.ts, read by adapters/xlsx.ts) and returns
 * hazard objects plus a report of every normalisation and ambiguity, each tied to a cell. Nothing
 * is silently corrected: a risk rating that disagrees with the declared scheme is kept for the CSO.
 *
 * The steps, in order (each in ./steps/): locate the sheet and its header row → read the rows →
 * number them and group them into hazards → per hazard: its text, assessments, causes, controls
 * and actions, status → the workbook's own printed risk matrix → its cover page and version
 * history (provenance). Findings are collected as they
 * are met, in that order.
 */
import { cellRef, type WorkbookData } from '../core/workbook.js';
import { applyTestLinks, developerColumns } from './developer-sheet.js';
import { assessHazard } from './steps/assessment.js';
import { groupByHazard, type HazardBuild, type ImportContext } from './steps/context.js';
import { readControlsAndActions } from './steps/controls.js';
import { Findings } from './steps/findings.js';
import { describeHazard } from './steps/hazard-text.js';
import { finishHazard } from './steps/hazard-status.js';
import { decideManufacturer } from './steps/manufacturer.js';
import { numberRows } from './steps/numbering.js';
import { readProvenance } from './steps/provenance.js';
import { readRows, refuseFormulas, reportUnknownColumns, SheetRefs } from './steps/rows.js';
import { locateSheet } from './steps/sheet.js';
import { ValueReader } from './steps/values.js';
import { checkWorkbookMatrix } from './steps/workbook-matrix.js';
import type { Counts, ImportedHazard, ImportOptions, ImportResult } from './types.js';

export { excelSerialToIso } from './steps/text.js';
export * from './types.js';

const countOf = (hazards: readonly ImportedHazard[]): Counts => ({
  hazards: hazards.length,
  causes: hazards.reduce((n, h) => n + h.causes.length, 0),
  controls: hazards.reduce((n, h) => n + h.controls.length, 0),
});

function buildHazard(b: HazardBuild, ctx: ImportContext): void {
  describeHazard(b, ctx);
  assessHazard(b, ctx);
  readControlsAndActions(b, ctx);
  finishHazard(b, ctx);
}

export function importHazardLog(wb: WorkbookData, opts: ImportOptions): ImportResult {
  const findings = new Findings();
  const layout = locateSheet(wb, opts);
  const { sheet, headerRow, columns } = layout;
  const refs = new SheetRefs(sheet.name);
  for (const f of layout.findings) findings.add(f.kind, f.code, f.message, ...f.cells.map((c) => refs.cell(c)));
  refuseFormulas(wb, layout);
  const letters = Object.fromEntries([...columns.entries()].map(([k, c]) => [k, cellRef(headerRow, c + 1).replace(/\d+$/, '')])) as Partial<
    ImportResult['columns']
  >;
  reportUnknownColumns(layout, refs, findings);
  const { records, blankRows } = readRows(layout, refs, findings);
  const rows = numberRows(records, findings, { file: wb.file, sheet: sheet.name, headerRow });
  const manufacturer = decideManufacturer(rows, opts, findings, refs.cell(`${letters.controlOwner ?? 'A'}${headerRow}`));

  const ctx: ImportContext = {
    opts,
    findings,
    values: new ValueReader(findings, opts.scheme, opts.values),
    source: opts.sourceName ?? wb.file,
    manufacturerNames: manufacturer.names,
    ownerSpelling: new Map(),
  };
  const builds = groupByHazard(rows);
  for (const b of builds) buildHazard(b, ctx);
  // clinsafe's export keeps the developer-only columns (draft flag, triggers) on its Developer sheet.
  const developer = developerColumns(wb);
  for (const { hazard: h } of builds) {
    const dev = developer.get(h.id);
    if (dev?.draft) h.draft = true;
    if (dev && !h.triggers.paths.length && !h.triggers.labels.length) h.triggers = { paths: dev.paths, labels: dev.labels };
    if (dev) applyTestLinks(h, dev, findings);
  }
  const hazards = builds.map((b) => b.hazard).filter((h) => h.initial.severity && h.residual.severity);

  const read = { ...countOf(builds.map((b) => b.hazard)), rows: records.length, blankRows };
  const written = countOf(hazards);
  const workbookMatrix = checkWorkbookMatrix(wb, opts.scheme, sheet.name, findings);
  const provenance = readProvenance(wb, ctx.source, sheet.name);
  const list = findings.list();
  const incomplete =
    list.some((f) => f.kind === 'unplaced') ||
    written.hazards !== read.hazards ||
    written.causes !== read.causes ||
    written.controls !== read.controls;
  return {
    sheet: sheet.name,
    headerRow,
    columns: letters,
    manufacturer: manufacturer.name,
    hazards,
    read,
    written,
    findings: list,
    incomplete,
    ...(workbookMatrix ? { workbookMatrix } : {}),
    ...(provenance ? { provenance } : {}),
  };
}
