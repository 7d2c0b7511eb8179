/**
 * The hazard-log workbook's own furniture (issue 11 §2 and §4): a cover sheet (product, version,
 * commit, status draft/approved, approver) with the version history — the CSO approves each
 * version of the hazard log (DCB0129 3.3.2) — the print set-up (A4 landscape, header row repeated,
 * fit to width), a filled header, risk cells coloured by rating, and the developer-only columns
 * (trigger globs, draft flag, each control's test links) on a sheet of their own. `clinsafe import` reads that sheet back.
 */
import type ExcelJS from 'exceljs';
import { testLinkLine } from '../core/evidence.js';
import type { SafetyFolder } from '../core/folder.js';
import type { RiskScheme } from '../core/risk.js';

export const COVER_SHEET = 'Cover';
export const DEVELOPER_SHEET = 'Developer';
/** Columns only developers need: they move from the hazard-log sheet to the Developer sheet. */
export const DEVELOPER_KEYS = ['draft', 'triggerPaths', 'triggerLabels'] as const;
export const DEVELOPER_HEADER = ['Num', 'Draft', 'Trigger paths', 'Trigger labels', 'Control tests'] as const;

/** The release a workbook is issued for, and its approval; absent for a plain export. */
export interface HazardLogIssue {
  release: { tag: string; commit: string; date: string; previousTag?: string; previousDate?: string; documentVersion?: string };
  signOff?:
    | { state: 'approved'; cso: { name: string; profession: string; registration: string }; signedAt: string }
    | { state: 'rejected'; by: string; at: string };
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E2EC' } };
const TONE_FILL = { low: 'FFCCE5D8', medium: 'FFFFF3B0', high: 'FFFFD0A0', unacceptable: 'FFF4B6B0' } as const;

function toneOf(scheme: RiskScheme, value: number): keyof typeof TONE_FILL {
  if (value >= scheme.unacceptableFrom) return 'unacceptable';
  if (value > scheme.justifyFrom) return 'high';
  return value === scheme.justifyFrom ? 'medium' : 'low';
}

/** A4 landscape, the header row on every page, one page wide. */
export function printSetup(ws: ExcelJS.Worksheet, titleRows = '1:1'): void {
  ws.pageSetup = {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: titleRows,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
}

/** Header row filled and bold; rating cells (numbers) filled by the rating's tone. */
export function styleLogSheet(ws: ExcelJS.Worksheet, scheme: RiskScheme, riskColumns: number[]): void {
  const header = ws.getRow(1);
  header.eachCell((c) => {
    c.fill = HEADER_FILL;
    c.font = { bold: true };
  });
  for (let r = 2; r <= ws.rowCount; r++)
    for (const col of riskColumns) {
      const cell = ws.getRow(r).getCell(col);
      if (typeof cell.value === 'number')
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: TONE_FILL[toneOf(scheme, cell.value)] } };
    }
  printSetup(ws);
}

const statusOf = (issue: HazardLogIssue | undefined): string => {
  const s = issue?.signOff;
  if (!s) return 'DRAFT awaiting CSO sign-off: not approved';
  return s.state === 'approved' ? 'Approved' : 'NOT approved: sign-off rejected';
};

/** The cover sheet: what this workbook is, its status and approver, and its version history. */
export function addCoverSheet(wb: ExcelJS.Workbook, folder: SafetyFolder, issue: HazardLogIssue | undefined): void {
  const ws = wb.addWorksheet(COVER_SHEET);
  ws.columns = [{ width: 26 }, { width: 70 }, { width: 16 }, { width: 50 }];
  const p = folder.config.product;
  const s = issue?.signOff;
  const r = issue?.release;
  ws.addRow([`${p.name} hazard log`]).font = { bold: true, size: 14 };
  ws.addRow([]);
  const rows: [string, string][] = [
    ['Product', p.name],
    ['Manufacturer', p.manufacturer],
    ['Product version', p.version ?? 'not stated'],
    ['Release', r?.tag ?? 'not issued for a release (plain export)'],
    ['Commit', r?.commit ?? 'not issued for a release'],
    ['Document version', r ? (r.documentVersion ?? r.tag) : 'none'],
    ['Status', statusOf(issue)],
    [
      'Approver',
      s?.state === 'approved'
        ? `${s.cso.name} (${s.cso.profession}, ${s.cso.registration}), Clinical Safety Officer, ${s.signedAt.slice(0, 10)}`
        : s?.state === 'rejected'
          ? `rejected by ${s.by} on ${s.at.slice(0, 10)}`
          : 'none yet',
    ],
  ];
  for (const [k, v] of rows) {
    const row = ws.addRow([k, v]);
    row.getCell(1).font = { bold: true };
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  ws.addRow([]);
  ws.addRow(['Version history']).font = { bold: true };
  const head = ws.addRow(['Version', 'Date', 'Commit', 'Change']);
  head.eachCell((c) => {
    c.fill = HEADER_FILL;
    c.font = { bold: true };
  });
  if (r?.previousTag) ws.addRow([r.previousTag, r.previousDate?.slice(0, 10) ?? 'not known', '', 'Previous issue']);
  if (r) ws.addRow([r.documentVersion ?? r.tag, r.date.slice(0, 10), r.commit.slice(0, 12), `Issued with release ${r.tag}`]);
  else ws.addRow(['', '', '', 'Exported from the safety folder; not an issued version']);
  printSetup(ws, '1:1');
  ws.pageSetup.orientation = 'portrait';
}

/** Each control's test links (issue 15), one `CONTROL: link` line each (core/evidence.ts testLinkLine); `clinsafe import` reads them back. */
function controlTestsCell(h: SafetyFolder['hazards'][number]): string {
  return h.controls.flatMap((c) => (c.tests ?? []).map((t) => `${c.id}: ${testLinkLine(t)}`)).join('\n');
}

/** The developer-only columns, one row per hazard, on their own sheet. */
export function addDeveloperSheet(wb: ExcelJS.Workbook, folder: SafetyFolder): void {
  const ws = wb.addWorksheet(DEVELOPER_SHEET, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  ws.columns = [{ width: 10 }, { width: 8 }, { width: 50 }, { width: 24 }, { width: 70 }];
  ws.addRow([...DEVELOPER_HEADER]);
  for (const h of folder.hazards)
    ws.addRow([h.id, h.draft ? 'yes' : '', h.triggers.paths.join('\n'), h.triggers.labels.join('\n'), controlTestsCell(h)]).alignment = {
      wrapText: true,
      vertical: 'top',
    };
  ws.getRow(1).eachCell((c) => {
    c.fill = HEADER_FILL;
    c.font = { bold: true };
  });
  printSetup(ws);
}
