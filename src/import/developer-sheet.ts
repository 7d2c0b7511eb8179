/**
 * The Developer sheet clinsafe's own export writes (src/export/hazard-log-sheets.ts): per hazard,
 * the draft flag, the trigger globs and labels, and each control's test links (issue 15), kept
 * off the hazard-log sheet a CSO prints. Read back so import → export → import keeps them.
 */
import { parseTestLinkLine, type TestLink } from '../core/evidence.js';

/** The part of a read workbook this needs (structurally the adapter's WorkbookData). */
interface WorkbookData {
  sheets: { name: string; rows: ({ value: unknown } | undefined)[][] }[];
}

export interface DeveloperColumns {
  draft: boolean;
  paths: string[];
  labels: string[];
  /** Control id → its test links, in the order written. */
  tests: Map<string, (string | TestLink)[]>;
  /** Lines of the control-tests cell that are not `CONTROL: link` (reported by the caller). */
  unreadTests: string[];
  /** The control-tests cell, e.g. `'Developer'!E3`, for findings. */
  testsCell?: string;
}

const cellText = (v: unknown): string =>
  v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
const lines = (s: string): string[] =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

function testsOf(cell: string): { tests: Map<string, (string | TestLink)[]>; unread: string[] } {
  const tests = new Map<string, (string | TestLink)[]>();
  const unread: string[] = [];
  // Not trimmed: a link with surrounding spaces was written as JSON, so the raw line is the link.
  for (const raw of cell.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    const m = /^([^\s:]+): (.+)$/.exec(raw);
    const link = m ? parseTestLinkLine(m[2]!) : undefined;
    if (!m || link === undefined) {
      unread.push(raw.trim());
      continue;
    }
    tests.set(m[1]!, [...(tests.get(m[1]!) ?? []), link]);
  }
  return { tests, unread };
}

/** Hazard id → its developer columns; empty when the workbook has no Developer sheet in clinsafe's layout. */
export function developerColumns(wb: WorkbookData): Map<string, DeveloperColumns> {
  const out = new Map<string, DeveloperColumns>();
  const sheet = wb.sheets.find((s) => s.name.trim().toLowerCase() === 'developer');
  const header = sheet?.rows[0]?.map((c) => cellText(c?.value).trim().toLowerCase());
  if (!sheet || !header || header[0] !== 'num' || header[1] !== 'draft' || header[2] !== 'trigger paths' || header[3] !== 'trigger labels')
    return out;
  // Workbooks exported before issue 15 have no fifth column.
  const withTests = header[4] === 'control tests';
  sheet.rows.slice(1).forEach((row, i) => {
    const id = cellText(row[0]?.value).trim();
    if (!id) return;
    const t = withTests ? testsOf(cellText(row[4]?.value)) : { tests: new Map(), unread: [] };
    out.set(id, {
      draft: /^(yes|true|y|1)$/i.test(cellText(row[1]?.value).trim()),
      paths: lines(cellText(row[2]?.value)),
      labels: lines(cellText(row[3]?.value)),
      tests: t.tests,
      unreadTests: t.unread,
      ...(withTests ? { testsCell: `'${sheet.name}'!E${i + 2}` } : {}),
    });
  });
  return out;
}

/** What applyTestLinks needs of the hazard and of the findings (structurally ImportedHazard and Findings). */
interface HazardWithControls {
  id: string;
  controls: { id: string; tests?: (string | TestLink)[] }[];
}
interface FindingSink {
  add(kind: 'unplaced', code: string, message: string, ...cells: string[]): void;
}

/**
 * Give each control of `h` the test links the Developer sheet lists for it. A link for a control
 * the hazard does not have, or a line that is not `CONTROL: link`, cannot be placed: reported as
 * unplaced (the import is then incomplete), never dropped silently.
 */
export function applyTestLinks(h: HazardWithControls, dev: DeveloperColumns, findings: FindingSink): void {
  const cell = dev.testsCell ? [dev.testsCell] : [];
  for (const [control, links] of dev.tests) {
    const c = h.controls.find((x) => x.id === control);
    if (!c)
      findings.add(
        'unplaced',
        'test-link-unknown-control',
        `${h.id}: the Developer sheet links tests to control ${control}, which the hazard log does not list for ${h.id}; the links are not imported`,
        ...cell,
      );
    else c.tests = [...links];
  }
  for (const line of dev.unreadTests)
    findings.add(
      'unplaced',
      'test-link-unreadable',
      `${h.id}: "${line.slice(0, 120)}" in the Developer sheet's control tests is not "CONTROL: test link"; it is not imported`,
      ...cell,
    );
}
