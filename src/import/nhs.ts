/**
 * Turn an NHS-style hazard-log sheet (one row per control) back into hazards with their causes
 * and controls. Pure: it gets plain cells (adapters/xlsx.ts) and returns hazard objects plus a
 * report of every normalisation and ambiguity, each tied to a cell. Nothing is silently
 * corrected: a risk rating that disagrees with the declared scheme is kept for the CSO.
 */
import { developerColumns } from './developer-sheet.js';
import type { CellData, SheetData, WorkbookData } from '../adapters/xlsx.js';
import { cellRef } from '../adapters/xlsx.js';
import {
  columnForHeader,
  CONTROL_TYPE_ALIASES,
  HAZARD_LOG_COLUMNS,
  normaliseHeader,
  REQUIRED_COLUMNS,
  type ColumnKey,
} from '../core/nhs-layout.js';
import { describeRisk, riskOf, type RiskScheme } from '../core/risk.js';
import { CONTROL_STATUSES, HAZARD_STATUSES, ID_PATTERN, isRealIsoDate } from '../core/schema.js';

export type FindingKind = 'normalised' | 'ambiguity' | 'risk-disagreement' | 'unplaced';

/** One thing the import had to do or could not decide, with every cell it applies to. */
export interface Finding {
  kind: FindingKind;
  /** Stable code, e.g. `trimmed`, `case-folded`, `cause-number-padded`, `num-mis-keyed`. */
  code: string;
  message: string;
  /** Cell references such as `'Hazard Log'!G12`. */
  cells: string[];
}

export interface ImportedCause {
  id: string;
  description: string;
}
export interface ImportedControl {
  id: string;
  description: string;
  type: 'design' | 'test' | 'training' | 'business-process';
  owner: string;
  status: 'planned' | 'implemented' | 'verified';
  causes: string[];
  evidence: string[];
  introducedIn?: string;
}
export interface ImportedAction {
  summary: string;
  owner: string;
  status: 'open' | 'done';
  due?: string;
  control?: string;
}
/** A hazard in the safety-folder format, keys in the order they are written. */
export interface ImportedHazard {
  id: string;
  title: string;
  description: string;
  clinicalImpact: string;
  causes: ImportedCause[];
  existingControls: string[];
  initial: { severity: string; likelihood: string };
  controls: ImportedControl[];
  residual: { severity: string; likelihood: string };
  status: (typeof HAZARD_STATUSES)[number];
  transferredTo?: string;
  retiredReason?: string;
  justification?: string;
  deliveredResidual?: { severity: string; likelihood: string };
  severityReductionReason?: string;
  acceptedPlannedResidual?: { by: string; on: string; reason: string };
  operationalConstraints: string[];
  actions: ImportedAction[];
  owner?: string;
  assumptions: string[];
  comments?: string;
  introducedIn?: string;
  draft: boolean;
  triggers: { paths: string[]; labels: string[] };
}

export interface Counts {
  hazards: number;
  causes: number;
  controls: number;
}

export interface ImportResult {
  sheet: string;
  headerRow: number;
  /** Column key → column letter, as found. */
  columns: Partial<Record<ColumnKey, string>>;
  manufacturer: string;
  hazards: ImportedHazard[];
  read: Counts & { rows: number; blankRows: number };
  written: Counts;
  findings: Finding[];
  /** True when something could not be placed (the CLI exits 1). */
  incomplete: boolean;
  /** The workbook's own printed risk matrix, when one was found. */
  workbookMatrix?: WorkbookMatrix;
}

/**
 * Find a printed risk matrix in the workbook's other sheets: a row naming every severity of the
 * scheme in adjacent cells, with rows of ratings labelled by likelihood above or below it.
 * Every cell that differs from the declared scheme is reported as a risk disagreement.
 */
function checkWorkbookMatrix(
  wb: WorkbookData,
  scheme: RiskScheme,
  skip: string,
  report: (kind: FindingKind, code: string, message: string, ...cells: string[]) => void,
): WorkbookMatrix | undefined {
  const f = (v: CellData | undefined) => (v && v.value !== null ? fold(String(v.value)) : '');
  const sev = scheme.severities.map(fold);
  const lik = new Map(scheme.likelihoods.map((l) => [fold(l), l]));
  for (const sheet of wb.sheets) {
    if (sheet.name === skip) continue;
    const q = /^[A-Za-z0-9_]+$/.test(sheet.name) ? sheet.name : `'${sheet.name.replace(/'/g, "''")}'`;
    for (let r = 0; r < sheet.rows.length; r++) {
      const row = sheet.rows[r]!;
      const start = row.findIndex((_, c) => sev.every((s, i) => f(row[c + i]) === s));
      if (start < 0) continue;
      let compared = 0;
      let agrees = true;
      let top = r;
      let bottom = r;
      for (
        let rr = Math.max(0, r - scheme.likelihoods.length - 1);
        rr <= Math.min(sheet.rows.length - 1, r + scheme.likelihoods.length + 1);
        rr++
      ) {
        const cells = sheet.rows[rr] ?? [];
        const l = lik.get(f(cells[start - 1]));
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
            report(
              'risk-disagreement',
              'matrix-differs',
              `the workbook's own risk matrix rates ${l} likelihood × ${s} severity ${cell.value}, but the declared scheme (${scheme.name}) gives ${want}; the sheet's ratings were checked against the declared scheme — the CSO must confirm which applies`,
              `${q}!${cellRef(rr + 1, start + i + 1)}`,
            );
          }
        });
      }
      if (compared === 0) continue;
      return {
        sheet: sheet.name,
        range: `${cellRef(top + 1, start)}:${cellRef(bottom + 1, start + scheme.severities.length)}`,
        compared,
        agrees,
      };
    }
  }
  return undefined;
}

/** The risk matrix the workbook itself prints (e.g. its "Risk Matrix" sheet), compared with the declared scheme. */
export interface WorkbookMatrix {
  sheet: string;
  /** e.g. `C2:H7`. */
  range: string;
  /** Cells compared (likelihood × severity pairs found). */
  compared: number;
  agrees: boolean;
}

export interface ImportOptions {
  scheme: RiskScheme;
  /** Sheet name (case and surrounding spaces ignored). */
  sheet?: string;
  /** Header text → column key (or `ignore`), from `--map`. */
  columns?: Record<string, ColumnKey | 'ignore'>;
  /** Extra value spellings, from `--map`: e.g. severity: { Moderate: Considerable }. */
  values?: Partial<Record<'severity' | 'likelihood' | 'controlType' | 'actionStatus', Record<string, string>>>;
  /** Control owners that mean the manufacturer (e.g. from clinsafe.yml product.manufacturer). */
  manufacturer?: string[];
  /**
   * Repository-relative path of the kept copy of the workbook. A manufacturer control whose
   * action the sheet records as closed becomes `implemented`, citing the exact cell as evidence.
   */
  evidenceSource?: string;
  /** Name of the workbook, for notes written into hazards. */
  sourceName?: string;
}

export class ImportError extends Error {}

const MAX_FINDING_CELLS = 10_000;

function text(c: CellData | undefined): string | undefined {
  if (!c || c.value === null) return undefined;
  if (c.value instanceof Date) return c.value.toISOString().slice(0, 10);
  return String(c.value);
}

const clean = (s: string) => s.replace(/\r\n?/g, '\n').trim();
const fold = (s: string) => clean(s).replace(/\s+/g, ' ').toLowerCase();
/** How clinsafe's export marks the manufacturer's own name in an owner cell. */
const MANUFACTURER_MARK = /\s*\(manufacturer\)$/i;

/** Excel serial day number → ISO date (1900 date system, with Excel's phantom 29 Feb 1900). */
export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const days = Math.floor(serial) - (serial >= 60 ? 25_569 : 25_568);
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Find the hazard-log sheet and its header row. */
function findSheet(
  wb: WorkbookData,
  opts: ImportOptions,
): { sheet: SheetData; headerRow: number; cols: Map<ColumnKey, number>; ignored: number[]; unknown: number[]; findings: Finding[] } {
  const candidates = opts.sheet
    ? wb.sheets.filter((s) => s.name.trim().toLowerCase() === opts.sheet!.trim().toLowerCase())
    : [...wb.sheets].sort((a, b) => Number(normaliseHeader(b.name) === 'hazard log') - Number(normaliseHeader(a.name) === 'hazard log'));
  if (opts.sheet && candidates.length === 0) {
    throw new ImportError(
      `${wb.file}: there is no sheet named "${opts.sheet}"; the sheets are ${wb.sheets.map((s) => `"${s.name}"`).join(', ')}`,
    );
  }
  for (const sheet of candidates) {
    const limit = Math.min(sheet.rows.length, 30);
    for (let r = 0; r < limit; r++) {
      const found = headerColumns(sheet, r, opts);
      if (REQUIRED_COLUMNS.every((k) => found.cols.has(k))) return { sheet, headerRow: r + 1, ...found };
    }
  }
  const want = REQUIRED_COLUMNS.map((k) => HAZARD_LOG_COLUMNS.find((c) => c.key === k)!.header).join(', ');
  throw new ImportError(
    `${wb.file}: no sheet${opts.sheet ? ` "${opts.sheet}"` : ''} has a hazard-log header row (looked in the first 30 rows of ${candidates.map((s) => `"${s.name}"`).join(', ') || 'no sheets'}); it needs columns for ${want}. If your columns are named differently, map them with --map (see docs/import.md)`,
  );
}

function headerColumns(sheet: SheetData, r: number, opts: ImportOptions) {
  const row = sheet.rows[r] ?? [];
  const above = r > 0 ? (sheet.rows[r - 1] ?? []) : [];
  const cols = new Map<ColumnKey, number>();
  const ignored: number[] = [];
  const unknown: number[] = [];
  const findings: Finding[] = [];
  const extra: Record<string, ColumnKey> = {};
  const ignore = new Set<string>();
  for (const [h, k] of Object.entries(opts.columns ?? {})) {
    if (k === 'ignore') ignore.add(normaliseHeader(h));
    else extra[h] = k;
  }
  row.forEach((cell, c) => {
    const h = text(cell);
    if (!h || !h.trim()) return;
    if (ignore.has(normaliseHeader(h))) return void ignored.push(c);
    let key = columnForHeader(h, extra);
    let how = '';
    const group = text(above[c]);
    if (group && group.trim()) {
      const combined = columnForHeader(`${group} ${h}`, extra);
      if (
        combined &&
        (!key ||
          ['initialSeverity', 'initialLikelihood', 'initialRisk', 'residualSeverity', 'residualLikelihood', 'residualRisk'].includes(
            combined,
          ))
      ) {
        key = combined;
        how = ` (with the group heading "${clean(group)}" above it)`;
      }
    }
    if (!key) return void unknown.push(c);
    if (cols.has(key)) {
      findings.push({
        kind: 'ambiguity',
        code: 'duplicate-column',
        message: `header "${clean(h)}" names the same column as ${cellRef(r + 1, cols.get(key)! + 1)}; only the first is read`,
        cells: [cellRef(r + 1, c + 1)],
      });
      return void unknown.push(c);
    }
    cols.set(key, c);
    const canonical = HAZARD_LOG_COLUMNS.find((d) => d.key === key)!.header;
    if (normaliseHeader(h) !== normaliseHeader(canonical)) {
      findings.push({
        kind: 'normalised',
        code: 'header-alias',
        message: `header "${clean(h)}"${how} read as "${canonical}"`,
        cells: [cellRef(r + 1, c + 1)],
      });
    }
  });
  return { cols, ignored, unknown, findings };
}

interface RowRec {
  row: number; // 1-based sheet row
  get(k: ColumnKey): string | undefined;
  cell(k: ColumnKey): CellData | undefined;
  ref(k: ColumnKey): string;
}

/** Leading number of a cause/control cell: "0101 Messaging failure", "060301The …", "\n020402 …". */
function splitNumber(s: string): { number?: string; text: string } {
  const m = /^(\d{2,8})(?:[.)]?\s+|(?=[A-Za-z]))([\s\S]*)$/.exec(s);
  if (!m) return { text: s };
  return { number: m[1]!, text: clean(m[2]!) };
}

export function importHazardLog(wb: WorkbookData, opts: ImportOptions): ImportResult {
  const { sheet, headerRow, cols, unknown, findings: headerFindings } = findSheet(wb, opts);
  const developer = developerColumns(wb);
  const sheetName = sheet.name;
  const quote = /^[A-Za-z0-9_]+$/.test(sheetName) ? sheetName : `'${sheetName.replace(/'/g, "''")}'`;
  const at = (row: number, col: number) => `${quote}!${cellRef(row, col + 1)}`;
  const grouped = new Map<string, Finding>();
  const seenCells = new Map<Finding, Set<string>>();
  const report = (kind: FindingKind, code: string, message: string, ...cells: string[]) => {
    const key = `${kind}\u0000${code}\u0000${message}`;
    let f = grouped.get(key);
    if (!f) {
      f = { kind, code, message, cells: [] };
      grouped.set(key, f);
      seenCells.set(f, new Set());
    }
    const seen = seenCells.get(f)!;
    for (const c of cells) {
      if (f.cells.length >= MAX_FINDING_CELLS || seen.has(c)) continue;
      seen.add(c);
      f.cells.push(c);
    }
  };
  for (const f of headerFindings) report(f.kind, f.code, f.message, ...f.cells.map((c) => `${quote}!${c}`));

  // Formulas and error values in the hazard-log sheet are refused: clinsafe never evaluates them.
  const formulas: string[] = [];
  sheet.rows.forEach((r, i) =>
    r.forEach((c, j) => {
      if (c.formula !== undefined && !c.mergedFrom)
        formulas.push(`${cellRef(i + 1, j + 1)} (=${c.formula.length > 40 ? `${c.formula.slice(0, 40)}…` : c.formula})`);
    }),
  );
  if (formulas.length > 0) {
    throw new ImportError(
      `${wb.file}: sheet "${sheetName}" holds ${formulas.length} formula${formulas.length === 1 ? '' : 's'} — ${formulas.slice(0, 8).join(', ')}${formulas.length > 8 ? ', …' : ''}. clinsafe does not evaluate formulas or trust their saved results in a hazard log; copy the sheet and Paste Special → Values, then import again`,
    );
  }

  const colIdx = (k: ColumnKey) => cols.get(k);
  const letters = Object.fromEntries([...cols.entries()].map(([k, c]) => [k, cellRef(headerRow, c + 1).replace(/\d+$/, '')])) as Partial<
    Record<ColumnKey, string>
  >;

  // Columns with data that no field takes: that data could not be placed.
  const maxRow = sheet.rows.length;
  for (const c of unknown) {
    const header = clean(text(sheet.rows[headerRow - 1]?.[c]) ?? '');
    const filled: string[] = [];
    for (let r = headerRow; r < maxRow; r++) if (text(sheet.rows[r]?.[c])?.trim()) filled.push(at(r + 1, c));
    if (filled.length > 0)
      report(
        'unplaced',
        'unknown-column',
        `column "${header}" has no place in the hazard log format; map it with --map (to a column, or to ignore) — its ${filled.length} value(s) were not imported`,
        ...filled,
      );
  }

  // Rows
  const records: RowRec[] = [];
  let blankRows = 0;
  const usedCols = [...cols.values()];
  const mergeNoted = new Set<string>();
  for (let r = headerRow; r < maxRow; r++) {
    const cells = sheet.rows[r] ?? [];
    const rowNo = r + 1;
    if (cells.every((c) => !text(c)?.trim())) {
      blankRows += 1;
      report('normalised', 'blank-row', 'blank spacer rows skipped', `${quote}!A${rowNo}`);
      continue;
    }
    for (const c of usedCols) {
      const cell = cells[c];
      if (cell && typeof cell.value === 'string' && /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(cell.value)) {
        const soft = /[\u000B\u000C]/.test(cell.value);
        cells[c] = { ...cell, value: cell.value.replace(/[\u000B\u000C]/g, '\n').replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '') };
        report(
          'normalised',
          'control-character',
          soft ? 'vertical tab (an Excel soft line break) read as a line break' : 'invisible control characters removed',
          at(rowNo, c),
        );
      }
      if (cell?.error)
        report('unplaced', 'cell-error', `cell holds the Excel error ${cell.error}; replace it with the intended value`, at(rowNo, c));
      if (cell?.mergedFrom && !mergeNoted.has(`${cell.mergedFrom}`)) {
        mergeNoted.add(cell.mergedFrom);
        const range = sheet.merges.find((m) => m.startsWith(`${cell.mergedFrom}:`)) ?? cell.mergedFrom;
        report(
          'normalised',
          'merged-cell',
          `merged cells ${range}: the value of ${cell.mergedFrom} is read on every row they span`,
          `${quote}!${cell.mergedFrom}`,
        );
      }
    }
    records.push({
      row: rowNo,
      cell: (k) => {
        const c = colIdx(k);
        return c === undefined ? undefined : cells[c];
      },
      get(k) {
        const v = text(this.cell(k));
        return v === undefined ? undefined : v;
      },
      ref: (k) => at(rowNo, colIdx(k) ?? 0),
    });
  }

  // Value helpers (each reports what it changed)
  const enumValue = (kind: 'severity' | 'likelihood', raw: string | undefined, ref: string): string | undefined => {
    if (raw === undefined || !raw.trim()) return undefined;
    const allowed = kind === 'severity' ? opts.scheme.severities : opts.scheme.likelihoods;
    const mapped = opts.values?.[kind]?.[clean(raw)] ?? Object.entries(opts.values?.[kind] ?? {}).find(([k]) => fold(k) === fold(raw))?.[1];
    if (mapped && allowed.includes(mapped)) {
      report('normalised', 'value-mapped', `${kind} "${clean(raw)}" mapped to "${mapped}" (--map)`, ref);
      return mapped;
    }
    if (allowed.includes(raw)) return raw;
    const hit = allowed.find((a) => fold(a) === fold(raw));
    // "4 - Major", "Major (4)", "5. Very high": a score written beside the label.
    const scored = /^\s*\d+\s*[-–:.)]\s*(.+?)\s*$/.exec(raw)?.[1] ?? /^\s*(.+?)\s*[-–(]\s*\d+\s*\)?\s*$/.exec(raw)?.[1];
    const label = !hit && scored ? allowed.find((a) => fold(a) === fold(scored)) : undefined;
    if (label) {
      report(
        'normalised',
        'score-label',
        `${kind} "${clean(raw)}" read as "${label}" (the number beside it is not used: ratings come from the scheme)`,
        ref,
      );
      return label;
    }
    if (hit) {
      if (clean(raw) !== raw && hit === clean(raw)) report('normalised', 'trimmed', `${kind} "${raw}" trimmed to "${hit}"`, ref);
      else report('normalised', 'case-folded', `${kind} "${raw}" read as "${hit}"`, ref);
      return hit;
    }
    report(
      'unplaced',
      'bad-value',
      `${kind} "${clean(raw)}" is not in the declared risk scheme (${allowed.join(', ')}); correct the cell or map the value with --map`,
      ref,
    );
    return undefined;
  };

  const version = (c: CellData | undefined, ref: string): string | undefined => {
    if (!c || c.value === null || (typeof c.value === 'string' && !c.value.trim())) return undefined;
    if (typeof c.value === 'number') {
      const shortest = String(c.value);
      if (c.rawNumber) report('normalised', 'float-version', `version stored as the float ${c.rawNumber}; written as "${shortest}"`, ref);
      return shortest;
    }
    if (c.value instanceof Date) {
      const iso = c.value.toISOString().slice(0, 10);
      report('normalised', 'date-version', `release stored as a date; written as "${iso}"`, ref);
      return iso;
    }
    const s = clean(String(c.value));
    if (s !== String(c.value)) report('normalised', 'trimmed', `release "${String(c.value)}" trimmed`, ref);
    return s || undefined;
  };

  const dateValue = (c: CellData | undefined, ref: string): string | undefined => {
    if (!c || c.value === null || (typeof c.value === 'string' && !c.value.trim())) return undefined;
    if (c.value instanceof Date) return c.value.toISOString().slice(0, 10);
    if (typeof c.value === 'number') {
      const iso = excelSerialToIso(c.value);
      if (iso) {
        report('normalised', 'date-serial', `Excel date serial ${c.value} read as ${iso}`, ref);
        return iso;
      }
    }
    const s = clean(String(c.value));
    if (isRealIsoDate(s)) return s;
    const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (uk) {
      const iso = `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}`;
      if (isRealIsoDate(iso)) {
        report('normalised', 'uk-date', `date "${s}" read as ${iso} (day/month/year)`, ref);
        return iso;
      }
    }
    report('unplaced', 'bad-date', `"${s}" is not a date; write it as YYYY-MM-DD`, ref);
    return undefined;
  };

  const lines = (s: string | undefined) =>
    (s ?? '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);

  // Hazard ids
  const hazardIdOf = (raw: string | undefined, ref: string): string | undefined => {
    if (raw === undefined || !raw.trim()) return undefined;
    const s = clean(raw);
    let id = s;
    if (/^\d+$/.test(s)) id = `H${s.padStart(2, '0')}`;
    else if (/^h\d+$/.test(s)) id = s.toUpperCase();
    else if (!ID_PATTERN.test(s)) {
      id = s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      if (!/^[A-Za-z]/.test(id)) id = `H${id}`;
    }
    if (id !== s) report('normalised', 'hazard-id', `hazard number "${s}" written as the id "${id}"`, ref);
    else if (s !== raw) report('normalised', 'trimmed', `hazard number "${raw}" trimmed`, ref);
    const forms = rawIds.get(id) ?? new Set<string>();
    forms.add(s);
    rawIds.set(id, forms);
    return id || undefined;
  };
  const rawIds = new Map<string, Set<string>>();
  /** The hazard's number: H05 → 5. */
  const digitsOf = (hid: string) => {
    const m = /(\d+)$/.exec(hid);
    return m ? Number(m[1]) : undefined;
  };
  /** The hazard number a cause (0506 → 5) or control (050601 → 5) number starts with. */
  const hazardPart = (n: string | undefined, own: number) => (n && n.length > own ? Number(n.slice(0, n.length - own)) : undefined);

  // Pass 1: each row's hazard id (filled down when blank) and name.
  interface Pre {
    rec: RowRec;
    hid: string;
    name?: string;
    causeNo?: string;
    causeText?: string;
    controlNo?: string;
    controlText?: string;
  }
  const pre: Pre[] = [];
  let lastHid: string | undefined;
  const causeLens = new Map<number, number>();
  const controlLens = new Map<number, number>();
  for (const rec of records) {
    let hid = hazardIdOf(rec.get('hazardId'), rec.ref('hazardId'));
    if (!hid) {
      if (!lastHid) {
        report('unplaced', 'no-hazard', 'row has no hazard number and no hazard above it to belong to; give it a Num', rec.ref('hazardId'));
        continue;
      }
      hid = lastHid;
      report('normalised', 'filled-down', 'blank hazard number: the row continues the hazard above', rec.ref('hazardId'));
    }
    lastHid = hid;
    const rawName = rec.get('hazardName');
    const cause = rec.get('cause');
    const control = rec.get('control');
    const cs = cause !== undefined && cause.trim() ? splitNumber(clean(cause)) : undefined;
    const ct = control !== undefined && control.trim() ? splitNumber(clean(control)) : undefined;
    if (cs?.number) causeLens.set(cs.number.length, (causeLens.get(cs.number.length) ?? 0) + 1);
    if (ct?.number) controlLens.set(ct.number.length, (controlLens.get(ct.number.length) ?? 0) + 1);
    pre.push({
      rec,
      hid,
      name: rawName?.trim() ? clean(rawName) : undefined,
      causeNo: cs?.number,
      causeText: cs?.text,
      controlNo: ct?.number,
      controlText: ct?.text,
    });
  }
  for (const [id, forms] of rawIds) {
    if (forms.size > 1) {
      report(
        'ambiguity',
        'hazard-id-merged',
        `hazard numbers ${[...forms].map((f) => `"${f}"`).join(', ')} all become ${id}; their rows are one hazard — check they are`,
        ...pre.filter((p) => p.hid === id).map((p) => p.rec.ref('hazardId')),
      );
    }
  }
  if (records.length === 0)
    throw new ImportError(`${wb.file}: sheet "${sheetName}" has a hazard-log header row (row ${headerRow}) but no hazards below it`);
  const common = (m: Map<number, number>, fallback: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? fallback;
  const causeLen = common(causeLens, 4);
  const controlLen = common(controlLens, 6);
  for (const p of pre) {
    if (p.causeNo && p.causeNo.length < causeLen) {
      const padded = p.causeNo.padStart(causeLen, '0');
      report(
        'normalised',
        'cause-number-padded',
        `cause number ${p.causeNo} read as ${padded} (leading zero lost, as when a number is typed into Excel)`,
        p.rec.ref('cause'),
      );
      p.causeNo = padded;
    }
    if (p.controlNo && p.controlNo.length < controlLen) {
      const padded = p.controlNo.padStart(controlLen, '0');
      report(
        'normalised',
        'control-number-padded',
        `control number ${p.controlNo} read as ${padded} (leading zero lost)`,
        p.rec.ref('control'),
      );
      p.controlNo = padded;
    }
  }

  // Names per hazard id (the most common name on its rows).
  const namesById = new Map<string, Map<string, number>>();
  for (const p of pre) {
    if (!p.name) continue;
    const m = namesById.get(p.hid) ?? new Map<string, number>();
    m.set(fold(p.name), (m.get(fold(p.name)) ?? 0) + 1);
    namesById.set(p.hid, m);
  }
  const mainName = (hid: string) => [...(namesById.get(hid) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byDigits = new Map<number, string>();
  for (const hid of namesById.keys()) {
    const d = digitsOf(hid);
    if (d && !byDigits.has(d)) byDigits.set(d, hid);
  }
  // Mis-keyed hazard numbers (e.g. a drag-fill that counted H06, H07… down a column): the row's
  // name and its cause/control numbers all say another hazard.
  for (const p of pre) {
    const evidence = hazardPart(p.causeNo, 2) ?? hazardPart(p.controlNo, 4);
    const own = digitsOf(p.hid);
    if (evidence === undefined || own === undefined || evidence === own) continue;
    const other = byDigits.get(evidence);
    if (other && p.name && fold(p.name) === mainName(other)) {
      report(
        'ambiguity',
        'num-mis-keyed',
        `hazard number ${p.hid} disagrees with the row's hazard name and its cause/control numbers, which belong to ${other}; the row is placed under ${other} — check the sheet`,
        p.rec.ref('hazardId'),
      );
      p.hid = other;
    } else {
      report(
        'ambiguity',
        'number-prefix',
        `cause/control number ${p.causeNo ?? p.controlNo} does not start with the hazard's number (${p.hid}); kept under ${p.hid}`,
        p.causeNo ? p.rec.ref('cause') : p.rec.ref('control'),
      );
    }
  }

  // Manufacturer
  const ownerCounts = new Map<string, number>();
  for (const p of pre) {
    const o = p.rec.get('controlOwner');
    if (o?.trim()) ownerCounts.set(clean(o), (ownerCounts.get(clean(o)) ?? 0) + 1);
  }
  let manufacturerNames = (opts.manufacturer ?? []).map(fold).filter(Boolean);
  let manufacturer = opts.manufacturer?.[0]?.trim() ?? '';
  // clinsafe's export writes the manufacturer's own controls as "<name> (manufacturer)": that names it outright.
  const marked = [...ownerCounts.keys()].find((o) => MANUFACTURER_MARK.test(o));
  if (manufacturerNames.length === 0 && marked) {
    manufacturer = marked.replace(MANUFACTURER_MARK, '');
    manufacturerNames = [fold(manufacturer)];
  }
  if (manufacturerNames.length === 0) {
    const top = [...ownerCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    manufacturer = top ?? 'manufacturer';
    manufacturerNames = [fold(manufacturer)];
    if (top)
      report(
        'ambiguity',
        'manufacturer-guessed',
        `the manufacturer was taken to be "${top}", the most frequent control owner (${ownerCounts.get(top)} rows); controls owned by anyone else are transferred. If that is wrong, pass --manufacturer`,
        `${quote}!${letters.controlOwner ?? 'A'}${headerRow}`,
      );
  }
  manufacturerNames.push('manufacturer');
  manufacturerNames.push(...manufacturerNames.map((n) => `${n} (manufacturer)`));
  const ownerSpelling = new Map<string, string>();

  // Pass 2: build hazards in order of first appearance.
  interface Build {
    h: ImportedHazard;
    rows: Pre[];
    causeKeys: Map<string, string>; // key → cause id
    causeNumbers: Map<string, string[]>; // number → fold(texts)
    controlIds: Set<string>;
    controlByKey: Map<string, ImportedControl>;
    unnumberedCauses: number;
    unnumberedControls: number;
    notes: string[];
  }
  const builds = new Map<string, Build>();
  for (const p of pre) {
    let b = builds.get(p.hid);
    if (!b) {
      b = {
        h: {
          id: p.hid,
          title: '',
          description: '',
          clinicalImpact: '',
          causes: [],
          existingControls: [],
          initial: { severity: '', likelihood: '' },
          controls: [],
          residual: { severity: '', likelihood: '' },
          status: 'open',
          operationalConstraints: [],
          actions: [],
          assumptions: [],
          draft: false,
          triggers: { paths: [], labels: [] },
        },
        rows: [],
        causeKeys: new Map(),
        causeNumbers: new Map(),
        controlIds: new Set(),
        controlByKey: new Map(),
        unnumberedCauses: 0,
        unnumberedControls: 0,
        notes: [],
      };
      builds.set(p.hid, b);
    }
    b.rows.push(p);
  }

  const source = opts.sourceName ?? wb.file;
  const hazards: ImportedHazard[] = [];
  for (const b of builds.values()) {
    const h = b.h;
    const first = <T>(pick: (p: Pre) => T | undefined): [T, Pre] | undefined => {
      for (const p of b.rows) {
        const v = pick(p);
        if (v !== undefined) return [v, p];
      }
      return undefined;
    };
    // Hazard-level text: the first row that has it; a different text later is reported.
    const hazardText = (k: ColumnKey, label: string): string | undefined => {
      let kept: string | undefined;
      let keptRef = '';
      for (const p of b.rows) {
        const raw = p.rec.get(k);
        if (raw === undefined || !raw.trim()) continue;
        const v = clean(raw);
        if (kept === undefined) {
          kept = v;
          keptRef = p.rec.ref(k);
          if (v !== raw && k === 'hazardName') report('normalised', 'trimmed', `hazard name trimmed of surrounding spaces`, p.rec.ref(k));
        } else if (fold(v) !== fold(kept)) {
          if (k === 'hazardName') {
            report(
              'ambiguity',
              'name-differs',
              `${h.id}: this row names the hazard "${v}", but ${keptRef} names it "${kept}"; the first is kept and this row stays under ${h.id}`,
              p.rec.ref(k),
            );
          } else {
            report(
              'unplaced',
              'text-differs',
              `${h.id}: ${label} here differs from ${keptRef}; only the first is kept — make the rows agree`,
              p.rec.ref(k),
            );
          }
        } else if (v !== raw && k === 'hazardName')
          report('normalised', 'trimmed', `hazard name trimmed of surrounding spaces`, p.rec.ref(k));
      }
      return kept;
    };
    const firstRef = (k: ColumnKey) => b.rows[0]!.rec.ref(k);
    h.title = hazardText('hazardName', 'the hazard name') ?? '';
    if (!h.title) {
      h.title = `Hazard ${h.id}`;
      report(
        'ambiguity',
        'missing-text',
        `${h.id} has no hazard name; it is called "${h.title}" until the CSO names it`,
        firstRef('hazardName'),
      );
    }
    const required = (k: ColumnKey, label: string): string => {
      const v = hazardText(k, label);
      if (v) return v;
      report(
        'ambiguity',
        'missing-text',
        `${h.id} has no ${label} in the sheet; a placeholder was written and the hazard marked draft for the CSO`,
        firstRef(k),
      );
      h.draft = true;
      return `Not stated in the imported hazard log (${source}).`;
    };
    h.description = required('description', 'hazard description');
    h.clinicalImpact = required('clinicalImpact', 'potential clinical impact');
    h.existingControls = lines(hazardText('existingControls', 'the existing controls'));

    // Assessments: per row; the hazard keeps the worst, and a disagreement between rows is noted.
    for (const phase of ['initial', 'residual'] as const) {
      const sk: ColumnKey = phase === 'initial' ? 'initialSeverity' : 'residualSeverity';
      const lk: ColumnKey = phase === 'initial' ? 'initialLikelihood' : 'residualLikelihood';
      const rk: ColumnKey = phase === 'initial' ? 'initialRisk' : 'residualRisk';
      const seen = new Map<string, { s: string; l: string; rows: number[] }>();
      const perRow = new Map<Pre, { s?: string; l?: string }>();
      for (const p of b.rows) {
        const s = enumValue('severity', p.rec.get(sk), p.rec.ref(sk));
        const l = enumValue('likelihood', p.rec.get(lk), p.rec.ref(lk));
        perRow.set(p, { s, l });
        if (s && l) {
          const key = `${s}\u0000${l}`;
          const e = seen.get(key) ?? { s, l, rows: [] };
          e.rows.push(p.rec.row);
          seen.set(key, e);
        }
      }
      const options = [...seen.values()];
      if (options.length === 0) {
        report(
          'unplaced',
          'no-assessment',
          `${h.id} has no ${phase} severity and likelihood on any row; the hazard cannot be written until they are given`,
          firstRef(sk),
        );
        continue;
      }
      const rank = (o: { s: string; l: string }) => [
        riskOf(opts.scheme, o.s, o.l) ?? 0,
        opts.scheme.severities.indexOf(o.s),
        opts.scheme.likelihoods.indexOf(o.l),
      ];
      const worst = [...options].sort((a, c) => {
        const ra = rank(a);
        const rc = rank(c);
        return rc[0]! - ra[0]! || rc[1]! - ra[1]! || rc[2]! - ra[2]!;
      })[0]!;
      h[phase] = { severity: worst.s, likelihood: worst.l };
      if (options.length > 1) {
        const list = options.map((o) => `${o.s}/${o.l} (row${o.rows.length > 1 ? 's' : ''} ${o.rows.join(', ')})`).join('; ');
        report(
          'ambiguity',
          'assessment-varies',
          `${h.id}: the rows give different ${phase} assessments — ${list}; the hazard keeps the worst, ${worst.s}/${worst.l}, and is marked draft for the CSO to decide`,
          ...b.rows.map((p) => p.rec.ref(sk)),
        );
        b.notes.push(
          `Imported from ${source}: the rows gave different ${phase} assessments — ${list}. The hazard keeps the worst (${worst.s}/${worst.l}); the CSO must confirm.`,
        );
        h.draft = true;
      }
      for (const p of b.rows) {
        const r = perRow.get(p)!;
        if (
          !r.s &&
          !r.l &&
          (p.rec.get(sk) === undefined || !p.rec.get(sk)!.trim()) &&
          (p.rec.get(lk) === undefined || !p.rec.get(lk)!.trim())
        ) {
          report(
            'normalised',
            'filled-from-hazard',
            `blank ${phase} severity and likelihood: the hazard's ${worst.s}/${worst.l} applies to this row`,
            p.rec.ref(sk),
          );
        }
        const s = r.s ?? worst.s;
        const l = r.l ?? worst.l;
        const stated = p.rec.cell(rk);
        const raw = text(stated);
        if (raw === undefined || !raw.trim()) continue;
        const m = /^\s*(\d+)\b/.exec(raw);
        const derived = riskOf(opts.scheme, s, l);
        if (!m) {
          report(
            'ambiguity',
            'risk-unreadable',
            `${phase} risk "${clean(raw)}" is not a rating number; ignored (risk is looked up from severity and likelihood)`,
            p.rec.ref(rk),
          );
          continue;
        }
        const value = Number(m[1]);
        if (derived !== undefined && value !== derived) {
          const msg = `${h.id}: the sheet states ${phase} risk ${value}, but the declared scheme gives ${describeRisk(opts.scheme, derived)} for ${s} severity and ${l} likelihood`;
          report(
            'risk-disagreement',
            'risk-mismatch',
            `${msg}; kept for the CSO to decide (not corrected) — the hazard is marked draft and the sheet's figure is in its comments`,
            p.rec.ref(rk),
          );
          const note = `Imported from ${source}: the sheet states ${phase} risk ${value} at ${p.rec.ref(rk)}, but ${opts.scheme.name} gives ${derived} for ${s}/${l}. Not corrected: the CSO must decide whether the rating or the severity/likelihood is wrong.`;
          if (!b.notes.includes(note)) b.notes.push(note);
          h.draft = true;
        }
      }
    }

    if (h.initial.severity && h.residual.severity) {
      const ri = riskOf(opts.scheme, h.initial.severity, h.initial.likelihood) ?? 0;
      const rr = riskOf(opts.scheme, h.residual.severity, h.residual.likelihood) ?? 0;
      if (rr > ri) {
        report(
          'risk-disagreement',
          'residual-above-initial',
          `${h.id}: residual risk ${rr} (${h.residual.severity}/${h.residual.likelihood}) is above initial risk ${ri} (${h.initial.severity}/${h.initial.likelihood}); kept as the sheet has it — clinsafe validate will flag it until the CSO corrects the assessment`,
          firstRef('residualSeverity'),
        );
      }
    }

    // Causes
    const causeFor = (p: Pre): string | undefined => {
      const idsCell = p.rec.get('causeIds');
      const cellText = p.rec.get('cause');
      if (idsCell && idsCell.trim()) {
        // clinsafe export: ids given, descriptions in the cause cell in the same order.
        const ids = idsCell.split(/[,\s]+/).filter(Boolean);
        const labelOf = (id: string) => /^C(\d{3,})$/.exec(id)?.[1] ?? id;
        let rest = clean(cellText ?? '');
        ids.forEach((id, i) => {
          const label = labelOf(id);
          if (rest === label) rest = '';
          else if (rest.startsWith(`${label} `) || rest.startsWith(`${label}\n`)) rest = rest.slice(label.length + 1);
          const next = ids[i + 1];
          const cut = next ? rest.indexOf(`\n${labelOf(next)} `) : -1;
          const desc = clean(cut >= 0 ? rest.slice(0, cut) : rest);
          rest = cut >= 0 ? rest.slice(cut + 1) : '';
          if (!b.causeKeys.has(`id:${id}`)) {
            b.causeKeys.set(`id:${id}`, id);
            h.causes.push({ id, description: desc || `Cause ${id}` });
          }
        });
        return ids.join(',');
      }
      if (!p.causeText && !p.causeNo) return undefined;
      const desc = p.causeText ?? '';
      if (p.causeNo) {
        const known = b.causeNumbers.get(p.causeNo) ?? [];
        const same = (t: string) => fold(t).replace(/[\s.;,:]+$/, '');
        const idx = known.findIndex((k) => same(k) === same(desc));
        if (idx >= 0) {
          if (known[idx] !== fold(desc))
            report(
              'normalised',
              'cause-punctuation',
              `${h.id}: cause ${p.causeNo} is written with different final punctuation on different rows; one cause, with the text first written`,
              p.rec.ref('cause'),
            );
          return b.causeKeys.get(`n:${p.causeNo}:${idx}`);
        }
        const id = known.length === 0 ? `C${p.causeNo}` : `C${p.causeNo}-${known.length + 1}`;
        if (known.length > 0)
          report(
            'ambiguity',
            'cause-number-reused',
            `${h.id}: cause number ${p.causeNo} is used for a different cause ("${desc.slice(0, 60)}${desc.length > 60 ? '…' : ''}"); it is kept as a separate cause, ${id}`,
            p.rec.ref('cause'),
          );
        known.push(fold(desc));
        b.causeNumbers.set(p.causeNo, known);
        b.causeKeys.set(`n:${p.causeNo}:${known.length - 1}`, id);
        h.causes.push({ id, description: desc || `Cause ${p.causeNo}` });
        if (!desc) report('ambiguity', 'missing-text', `cause ${p.causeNo} has a number but no text`, p.rec.ref('cause'));
        return id;
      }
      const key = `t:${fold(desc)}`;
      const existing = b.causeKeys.get(key);
      if (existing) return existing;
      b.unnumberedCauses += 1;
      const id = `C-${b.unnumberedCauses}`;
      report('normalised', 'cause-unnumbered', `${h.id}: cause has no number; given the id ${id}`, p.rec.ref('cause'));
      b.causeKeys.set(key, id);
      h.causes.push({ id, description: desc });
      return id;
    };

    // Controls, actions
    const hazardRelease =
      first((p) => version(p.rec.cell('hazardReleased'), p.rec.ref('hazardReleased')))?.[0] ??
      first((p) => version(p.rec.cell('release'), p.rec.ref('release')))?.[0];
    if (hazardRelease) h.introducedIn = hazardRelease;

    for (const p of b.rows) {
      const rowCauses = causeFor(p)?.split(',').filter(Boolean) ?? [];
      const ownerRaw = p.rec.get('controlOwner');
      let owner = ownerRaw?.trim() ? clean(ownerRaw) : undefined;
      if (owner) {
        const f = fold(owner);
        if (manufacturerNames.includes(f)) owner = 'manufacturer';
        else {
          const spelled = ownerSpelling.get(f);
          if (spelled && spelled !== owner) {
            report(
              'normalised',
              'owner-spelling',
              `owner "${owner}" written as "${spelled}", as first spelled in the sheet`,
              p.rec.ref('controlOwner'),
            );
            owner = spelled;
          } else if (!spelled) ownerSpelling.set(f, owner);
          if (ownerRaw !== owner && !spelled) report('normalised', 'trimmed', `owner "${ownerRaw}" trimmed`, p.rec.ref('controlOwner'));
        }
      }
      const actionText = p.rec.get('action')?.trim() ? clean(p.rec.get('action')!) : undefined;
      const statusRaw = p.rec.get('actionStatus');
      let actionStatus: 'open' | 'done' | undefined;
      let statusNote: string | undefined;
      if (statusRaw?.trim()) {
        const mappedStatus = opts.values?.actionStatus?.[clean(statusRaw)];
        const f = fold(mappedStatus ?? statusRaw);
        if (['closed', 'done', 'complete', 'completed'].includes(f)) actionStatus = 'done';
        else if (['open', 'outstanding', 'in progress', 'not started', 'ongoing'].includes(f)) actionStatus = 'open';
        else {
          actionStatus = 'open';
          statusNote = clean(statusRaw);
          report(
            'ambiguity',
            'action-status-text',
            `action status "${statusNote.slice(0, 60)}" is neither Open nor Closed: the action is treated as open and the text is kept in its summary`,
            p.rec.ref('actionStatus'),
          );
        }
        if (!statusNote && statusRaw !== clean(statusRaw))
          report('normalised', 'trimmed', `action status "${statusRaw}" trimmed`, p.rec.ref('actionStatus'));
        else if (!statusNote && (f === 'closed' || f === 'open') && clean(statusRaw) !== (f === 'closed' ? 'Closed' : 'Open')) {
          report(
            'normalised',
            'case-folded',
            `action status "${statusRaw}" read as ${f === 'closed' ? 'Closed' : 'Open'}`,
            p.rec.ref('actionStatus'),
          );
        }
      }
      const rowRelease = version(p.rec.cell('release'), p.rec.ref('release'));

      const idCell = p.rec.get('controlId')?.trim();
      const controlDesc = p.controlText;
      let control: ImportedControl | undefined;
      if (controlDesc !== undefined || p.controlNo) {
        const typeRaw = p.rec.get('controlType');
        let type: ImportedControl['type'] | undefined;
        if (typeRaw?.trim()) {
          const mapped = opts.values?.controlType?.[clean(typeRaw)];
          type =
            CONTROL_TYPE_ALIASES[fold(mapped ?? typeRaw)] ?? (/^business process/i.test(clean(typeRaw)) ? 'business-process' : undefined);
          if (!type)
            report(
              'ambiguity',
              'control-type',
              `control type "${clean(typeRaw)}" is not Design, Test, Training or Business process; written as design — correct it`,
              p.rec.ref('controlType'),
            );
          else if (fold(typeRaw) !== type && !(type === 'business-process' && fold(typeRaw) === 'business process change')) {
            report('normalised', 'control-type', `control type "${clean(typeRaw)}" mapped to ${type}`, p.rec.ref('controlType'));
          }
        } else report('ambiguity', 'control-type', 'control has no type; written as design — correct it', p.rec.ref('controlType'));
        if (!owner) {
          report(
            'ambiguity',
            'control-owner',
            'control has no owner; written as held by the manufacturer — correct it if another organisation holds it',
            p.rec.ref('controlOwner'),
          );
          owner = 'manufacturer';
        }
        let id: string;
        if (idCell) {
          if (b.controlIds.has(idCell)) {
            report(
              'unplaced',
              'duplicate-id',
              `${h.id}: control id ${idCell} is given to two controls; give each its own id`,
              p.rec.ref('controlId'),
            );
            continue;
          }
          id = idCell;
        } else if (p.controlNo) {
          const key = `n:${p.controlNo}:${fold(controlDesc ?? '')}`;
          const same = b.controlByKey.get(key);
          if (same) {
            for (const c of rowCauses) if (!same.causes.includes(c)) same.causes.push(c);
            report(
              'normalised',
              'control-merged',
              `control ${p.controlNo} repeats an earlier row with the same text: one control, linked to each row's cause`,
              p.rec.ref('control'),
            );
            continue;
          }
          id = `${h.id}-${p.controlNo}`;
          let n = 1;
          while (b.controlIds.has(id)) id = `${h.id}-${p.controlNo}-${++n}`;
          if (n > 1)
            report(
              'ambiguity',
              'control-number-reused',
              `${h.id}: control number ${p.controlNo} is already used by a different control; this one is kept as ${id}`,
              p.rec.ref('control'),
            );
        } else {
          b.unnumberedControls += 1;
          id = `${h.id}-X${String(b.unnumberedControls).padStart(2, '0')}`;
          report('normalised', 'control-unnumbered', `control has no number; given the id ${id}`, p.rec.ref('control'));
        }
        if (!ID_PATTERN.test(id)) {
          report(
            'unplaced',
            'bad-id',
            `control id "${id}" is not an identifier (letters and digits joined by - _ or .)`,
            p.rec.ref('controlId'),
          );
          continue;
        }
        if (p.causeNo && p.controlNo && !p.controlNo.startsWith(p.causeNo) && !idCell) {
          report(
            'ambiguity',
            'control-cause-number',
            `control number ${p.controlNo} does not start with its row's cause number ${p.causeNo}; linked to that cause as the row says`,
            p.rec.ref('control'),
          );
        }
        if (rowCauses.length === 0)
          report(
            'ambiguity',
            'control-without-cause',
            `${h.id}: control ${id} has no cause on its row; it is imported without a cause link`,
            p.rec.ref('cause'),
          );
        b.controlIds.add(id);
        const statusCol = p.rec.get('controlStatus')?.trim().toLowerCase();
        let status: ImportedControl['status'] = 'planned';
        const evidence = lines(p.rec.get('evidence'));
        if (statusCol) {
          if ((CONTROL_STATUSES as readonly string[]).includes(statusCol)) status = statusCol as ImportedControl['status'];
          else
            report(
              'ambiguity',
              'control-status',
              `control status "${statusCol}" is not planned, implemented or verified; written as planned`,
              p.rec.ref('controlStatus'),
            );
        } else if (owner === 'manufacturer' && actionStatus === 'done') {
          if (opts.evidenceSource) {
            status = 'implemented';
            evidence.push(`${opts.evidenceSource}#${p.rec.ref('actionStatus')}`);
          } else {
            report(
              'ambiguity',
              'no-evidence',
              'the action is closed but no copy of the workbook is kept to cite as evidence; the control is written as planned',
              p.rec.ref('actionStatus'),
            );
          }
        }
        control = {
          id,
          description: controlDesc || `Control ${p.controlNo ?? id}`,
          type: type ?? 'design',
          owner,
          status,
          causes: rowCauses,
          evidence,
        };
        if (!controlDesc)
          report('ambiguity', 'missing-text', `control ${p.controlNo ?? id} has a number but no text`, p.rec.ref('control'));
        if (rowRelease && rowRelease !== h.introducedIn) control.introducedIn = rowRelease;
        if (p.controlNo) b.controlByKey.set(`n:${p.controlNo}:${fold(controlDesc ?? '')}`, control);
        h.controls.push(control);
      } else if (idCell && !b.controlIds.has(idCell)) {
        report('unplaced', 'unknown-control', `action row names control ${idCell}, which no row defines`, p.rec.ref('controlId'));
      }

      // Action of this row
      if (actionText !== undefined || statusRaw?.trim()) {
        const summary = actionText
          ? statusNote
            ? `${actionText} — ${statusNote}`
            : actionText
          : (statusNote ?? `Action recorded as ${clean(statusRaw ?? '')} without a description`);
        if (!actionText)
          report(
            'ambiguity',
            'action-without-text',
            'action status given without an action; a summary was written from the status',
            p.rec.ref('action'),
          );
        const ownerCol = p.rec.get('actionOwner')?.trim();
        const actionOwner = ownerCol
          ? manufacturerNames.includes(fold(ownerCol))
            ? 'manufacturer'
            : clean(ownerCol)
          : (owner ?? 'manufacturer');
        const a: ImportedAction = { summary, owner: actionOwner, status: actionStatus ?? 'open' };
        if (!statusRaw?.trim())
          report('ambiguity', 'action-status-missing', 'action has no status; treated as open', p.rec.ref('actionStatus'));
        const due = dateValue(p.rec.cell('actionDue'), p.rec.ref('actionDue'));
        if (due) a.due = due;
        const linked = control?.id ?? (idCell && b.controlIds.has(idCell) ? idCell : undefined);
        if (linked) a.control = linked;
        h.actions.push(a);
      }
    }

    // clinsafe columns (present in exported logs): hazard-level fields from the first row.
    const firstVal = (k: ColumnKey) => first((p) => (p.rec.get(k)?.trim() ? clean(p.rec.get(k)!) : undefined))?.[0];
    const statusCol = firstVal('hazardStatus')?.toLowerCase();
    const others = [...new Set(h.controls.filter((c) => c.owner !== 'manufacturer').map((c) => c.owner))];
    const outstanding =
      h.controls.some((c) => c.owner === 'manufacturer' && c.status === 'planned') ||
      h.actions.some((a) => a.owner === 'manufacturer' && a.status === 'open');
    const derived: ImportedHazard['status'] = outstanding ? 'open' : others.length > 0 ? 'transferred' : 'closed';
    const stated =
      statusCol && (HAZARD_STATUSES as readonly string[]).includes(statusCol) ? (statusCol as ImportedHazard['status']) : undefined;
    // A stated status is kept unless it contradicts the controls (closed with the manufacturer's
    // work outstanding, transferred with nobody else holding a control): then the controls decide
    // and the sheet's word is kept in the comments.
    const contradicts = (stated === 'closed' && outstanding) || (stated === 'transferred' && others.length === 0);
    if (stated && !contradicts) h.status = stated;
    else {
      h.status = derived;
      if (statusCol && !stated)
        report(
          'ambiguity',
          'hazard-status',
          `hazard status "${statusCol}" is not open, transferred, closed or retired; derived from the controls instead (${derived})`,
          firstRef('hazardStatus'),
        );
      if (stated) {
        report(
          'ambiguity',
          'hazard-status',
          `${h.id}: the sheet says ${stated}, but ${stated === 'closed' ? "the manufacturer's controls or actions are not all done" : 'no other organisation holds a control'}; written as ${derived} — the CSO must confirm`,
          firstRef('hazardStatus'),
        );
        b.notes.push(
          `Imported from ${source}: the sheet gives the status ${stated} at ${firstRef('hazardStatus')}; the controls say ${derived}, which is what is written. The CSO must confirm.`,
        );
      }
    }
    const transferredTo = firstVal('transferredTo');
    if (transferredTo) h.transferredTo = transferredTo;
    else if (h.status === 'transferred') h.transferredTo = others.join(', ');
    const opt = (k: ColumnKey) => {
      const v = firstVal(k);
      return v === undefined ? undefined : v;
    };
    const retired = opt('retiredReason');
    if (retired) h.retiredReason = retired;
    const justification = opt('justification');
    if (justification) h.justification = justification;
    // clinsafe's own columns for the residual as delivered and the CSO's acceptance (see acceptability.ts).
    const label = (list: string[], v: string | undefined) => list.find((l) => l.toLowerCase() === v?.trim().toLowerCase());
    const dSev = label(opts.scheme.severities, opt('deliveredSeverity'));
    const dLik = label(opts.scheme.likelihoods, opt('deliveredLikelihood'));
    if (dSev && dLik) h.deliveredResidual = { severity: dSev, likelihood: dLik };
    const reduction = opt('severityReductionReason');
    if (reduction) h.severityReductionReason = reduction;
    const accepted = /^(\S+) on (\d{4}-\d{2}-\d{2}): (.+)$/s.exec(opt('plannedResidualAcceptance') ?? '');
    if (accepted) h.acceptedPlannedResidual = { by: accepted[1]!, on: accepted[2]!, reason: accepted[3]! };
    h.operationalConstraints = lines(first((p) => p.rec.get('operationalConstraints') || undefined)?.[0]);
    const hazardOwner = opt('hazardOwner');
    if (hazardOwner) h.owner = hazardOwner;
    h.assumptions = lines(first((p) => p.rec.get('assumptions') || undefined)?.[0]);
    const commentText = first((p) => (p.rec.get('comments')?.trim() ? clean(p.rec.get('comments')!) : undefined))?.[0];
    const comments = [commentText, ...b.notes].filter(Boolean).join('\n\n');
    if (comments) h.comments = comments;
    const draft = firstVal('draft');
    if (draft && /^(yes|true|y|1)$/i.test(draft)) h.draft = true;
    h.triggers = {
      paths: lines(first((p) => p.rec.get('triggerPaths') || undefined)?.[0]),
      labels: lines(first((p) => p.rec.get('triggerLabels') || undefined)?.[0]),
    };
    // clinsafe's export keeps these developer-only columns on its Developer sheet.
    const dev = developer.get(h.id);
    if (dev?.draft) h.draft = true;
    if (dev && !h.triggers.paths.length && !h.triggers.labels.length) h.triggers = { paths: dev.paths, labels: dev.labels };
    if (h.initial.severity && h.residual.severity) hazards.push(h);
  }

  // Counts: what the sheet holds (read) and what is written.
  const allBuilds = [...builds.values()];
  const read = {
    hazards: builds.size,
    causes: allBuilds.reduce((n, b) => n + b.h.causes.length, 0),
    controls: allBuilds.reduce((n, b) => n + b.h.controls.length, 0),
    rows: records.length,
    blankRows,
  };
  const written = {
    hazards: hazards.length,
    causes: hazards.reduce((n, h) => n + h.causes.length, 0),
    controls: hazards.reduce((n, h) => n + h.controls.length, 0),
  };
  const workbookMatrix = checkWorkbookMatrix(wb, opts.scheme, sheetName, report);
  const findings = [...grouped.values()];
  const incomplete =
    findings.some((f) => f.kind === 'unplaced') ||
    written.hazards !== read.hazards ||
    written.causes !== read.causes ||
    written.controls !== read.controls;
  return {
    sheet: sheetName,
    headerRow,
    columns: letters,
    manufacturer,
    hazards,
    read,
    written,
    findings,
    incomplete,
    ...(workbookMatrix ? { workbookMatrix } : {}),
  };
}
