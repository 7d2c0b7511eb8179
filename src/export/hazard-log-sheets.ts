/**
 * The hazard-log workbook's own furniture (issue 11 §2 and §4): a cover sheet (product, version,
 * commit, status draft/approved, approver) with the version history — the CSO approves each
 * version of the hazard log (DCB0129 3.3.2) — the print set-up (A4 landscape, header row repeated,
 * fit to width), a filled header, risk cells coloured by rating, the declared risk matrix, and the
 * developer-only columns (trigger globs, draft flag, each control's test links) on a sheet of their own. `clinsafe import`
 * reads that sheet back. Each sheet is a list of rows for ./xlsx-writer.ts.
 */
import { acceptabilityCriteria, residualQualifier } from '../core/acceptability.js';
import { testLinkLine } from '../core/evidence.js';
import type { SafetyFolder } from '../core/folder.js';
import type { RiskScheme } from '../core/risk.js';
import type { Style, XRow, XSheet } from './xlsx-writer.js';

export const COVER_SHEET = 'Cover';
export const DEVELOPER_SHEET = 'Developer';
export const RISK_MATRIX_SHEET = 'Risk Matrix';
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

/** The fill of a rating cell: green, yellow, orange, red by the scheme's thresholds. */
export function toneOf(scheme: RiskScheme, value: number): Style {
  if (value >= scheme.unacceptableFrom) return 'unacceptable';
  if (value > scheme.justifyFrom) return 'high';
  return value === scheme.justifyFrom ? 'medium' : 'low';
}

const statusOf = (issue: HazardLogIssue | undefined): string => {
  const s = issue?.signOff;
  if (!s) return 'DRAFT awaiting CSO sign-off: not approved';
  return s.state === 'approved' ? 'Approved' : 'NOT approved: sign-off rejected';
};

const BLANK: XRow = { cells: [] };
const header = (cells: string[]): XRow => ({ cells, cellStyles: cells.map(() => 'header') });

function coverRows(folder: SafetyFolder, issue: HazardLogIssue | undefined): XRow[] {
  const p = folder.config.product;
  const s = issue?.signOff;
  const r = issue?.release;
  const facts: [string, string][] = [
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
  const rows: XRow[] = [{ cells: [`${p.name} hazard log`], style: 'title' }, BLANK];
  for (const [k, v] of facts) rows.push({ cells: [k, v], style: 'wrap', cellStyles: ['boldWrap'] });
  rows.push(BLANK, { cells: ['Version history'], style: 'bold' }, header(['Version', 'Date', 'Commit', 'Change']));
  if (r?.previousTag) rows.push({ cells: [r.previousTag, r.previousDate?.slice(0, 10) ?? 'not known', '', 'Previous issue'] });
  if (r) rows.push({ cells: [r.documentVersion ?? r.tag, r.date.slice(0, 10), r.commit.slice(0, 12), `Issued with release ${r.tag}`] });
  else rows.push({ cells: ['', '', '', 'Exported from the safety folder; not an issued version'] });
  return rows;
}

/** The cover sheet: what this workbook is, its status and approver, and its version history. */
export function coverSheet(folder: SafetyFolder, issue: HazardLogIssue | undefined): XSheet {
  return { name: COVER_SHEET, widths: [26, 70, 16, 50], print: 'portrait', rows: coverRows(folder, issue) };
}

/** Each control's test links (issue 15), one `CONTROL: link` line each (core/evidence.ts testLinkLine); `clinsafe import` reads them back. */
function controlTestsCell(h: SafetyFolder['hazards'][number]): string {
  return h.controls.flatMap((c) => (c.tests ?? []).map((t) => `${c.id}: ${testLinkLine(t)}`)).join('\n');
}

/** The developer-only columns, one row per hazard, on their own sheet. */
export function developerSheet(folder: SafetyFolder): XSheet {
  function* rows(): Generator<XRow> {
    yield header([...DEVELOPER_HEADER]);
    for (const h of folder.hazards)
      yield {
        cells: [h.id, h.draft ? 'yes' : '', h.triggers.paths.join('\n'), h.triggers.labels.join('\n'), controlTestsCell(h)],
        style: 'wrap',
      };
  }
  return { name: DEVELOPER_SHEET, widths: [10, 8, 50, 24, 70], frozenHeader: true, print: 'landscape', rows: rows() };
}

/**
 * The declared risk scheme in force, as the NHS template carries it, with its definitions word for
 * word (the whole severity ladder by number of patients) and the acceptability criteria; then the
 * residual risks that count planned controls.
 */
export function riskMatrixSheet(folder: SafetyFolder): XSheet {
  const { scheme } = folder;
  const rows: XRow[] = [];
  const bold = (cells: (string | number)[]) => rows.push({ cells, style: 'bold' });
  const wrap = (cells: (string | number)[]) => rows.push({ cells, style: 'wrap' });
  bold([scheme.name]);
  wrap([
    scheme.source
      ? `Definitions quoted word for word from the ${scheme.source}.`
      : 'Scheme declared by the manufacturer in clinsafe.yml; definitions are the manufacturer’s own.',
  ]);
  rows.push(BLANK);
  bold(['Likelihood \\ Severity', ...scheme.severities]);
  for (const l of [...scheme.likelihoods].reverse())
    rows.push({ cells: [l, ...scheme.severities.map((s) => scheme.matrix[l]?.[s] ?? '')] });
  rows.push(BLANK);
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
  rows.push(BLANK);
  bold(['Acceptability criteria']);
  for (const c of acceptabilityCriteria(folder)) wrap(['', c]);
  if (Object.values(scheme.likelihoodMeanings).some(Boolean)) {
    rows.push(BLANK);
    bold(['Likelihood', 'Definition']);
    for (const l of [...scheme.likelihoods].reverse()) wrap([l, scheme.likelihoodMeanings[l] ?? '']);
  }
  if (scheme.severityLadder?.length) {
    rows.push(BLANK);
    bold(['Severity', 'Consequence', 'Patients affected']);
    for (const l of scheme.severityLadder)
      wrap([l.severity, l.consequence, l.patients === 'single' ? 'Single patient' : 'Multiple patients']);
  } else if (Object.values(scheme.severityMeanings).some(Boolean)) {
    rows.push(BLANK);
    bold(['Severity', 'Definition']);
    for (const l of [...scheme.severities].reverse()) wrap([l, scheme.severityMeanings[l] ?? '']);
  }
  const qualified = folder.hazards
    .filter((h) => h.status !== 'retired')
    .map((h) => [h.id, residualQualifier(folder, h)] as const)
    .filter(([, q]) => q);
  if (qualified.length) {
    rows.push(BLANK);
    bold(['Hazard', 'Residual risk and planned controls']);
    for (const [id, q] of qualified) wrap([id, q]);
  }
  return { name: RISK_MATRIX_SHEET, widths: [18, 60, ...scheme.severities.slice(2).map(() => 16)], rows };
}
