/**
 * The Developer sheet clinsafe's own export writes (src/export/hazard-log-sheets.ts): per hazard,
 * the draft flag and the trigger globs and labels, kept off the hazard-log sheet a CSO prints.
 * Read back so import → export → import keeps them.
 */
/** The part of a read workbook this needs (structurally the adapter's WorkbookData). */
interface WorkbookData {
  sheets: { name: string; rows: ({ value: unknown } | undefined)[][] }[];
}

export interface DeveloperColumns {
  draft: boolean;
  paths: string[];
  labels: string[];
}

const cellText = (v: unknown): string =>
  v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
const lines = (s: string): string[] =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** Hazard id → its developer columns; empty when the workbook has no Developer sheet in clinsafe's layout. */
export function developerColumns(wb: WorkbookData): Map<string, DeveloperColumns> {
  const out = new Map<string, DeveloperColumns>();
  const sheet = wb.sheets.find((s) => s.name.trim().toLowerCase() === 'developer');
  const header = sheet?.rows[0]?.map((c) => cellText(c?.value).trim().toLowerCase());
  if (!sheet || !header || header[0] !== 'num' || header[1] !== 'draft' || header[2] !== 'trigger paths' || header[3] !== 'trigger labels')
    return out;
  for (const row of sheet.rows.slice(1)) {
    const id = cellText(row[0]?.value).trim();
    if (!id) continue;
    out.set(id, {
      draft: /^(yes|true|y|1)$/i.test(cellText(row[1]?.value).trim()),
      paths: lines(cellText(row[2]?.value)),
      labels: lines(cellText(row[3]?.value)),
    });
  }
  return out;
}
