/**
 * Step 3: which hazard each row belongs to. Each row's Num becomes a hazard id (filled down when
 * blank); the numbers inside its cause and control cells are split off and left-padded to the
 * sheet's usual length; a row whose Num disagrees with both its hazard name and its cause/control
 * numbers (a drag-filled column) is moved to the hazard those name.
 */
import { ID_PATTERN } from '../../core/schema.js';
import { ImportError } from '../types.js';
import type { Findings } from './findings.js';
import type { RowRecord } from './rows.js';
import { clean, filled, fold, splitNumber } from './text.js';

/** A data row with its hazard id and the numbers split off its cause and control cells. */
export interface NumberedRow {
  record: RowRecord;
  hazardId: string;
  name?: string;
  causeNumber?: string;
  causeText?: string;
  controlNumber?: string;
  controlText?: string;
}

/** Hazard numbers as written → ids (`5` → `H05`), remembering every spelling that gave each id. */
class HazardIds {
  readonly spellings = new Map<string, Set<string>>();
  constructor(private readonly findings: Findings) {}

  read(raw: string | undefined, ref: string): string | undefined {
    if (raw === undefined || !raw.trim()) return undefined;
    const s = clean(raw);
    let id = s;
    if (/^\d+$/.test(s)) id = `H${s.padStart(2, '0')}`;
    else if (/^h\d+$/.test(s)) id = s.toUpperCase();
    else if (!ID_PATTERN.test(s)) {
      id = s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      if (!/^[A-Za-z]/.test(id)) id = `H${id}`;
    }
    if (id !== s) this.findings.add('normalised', 'hazard-id', `hazard number "${s}" written as the id "${id}"`, ref);
    else if (s !== raw) this.findings.add('normalised', 'trimmed', `hazard number "${raw}" trimmed`, ref);
    const forms = this.spellings.get(id) ?? new Set<string>();
    forms.add(s);
    this.spellings.set(id, forms);
    return id || undefined;
  }
}

/** The hazard's number: H05 → 5. */
const digitsOf = (hazardId: string) => {
  const m = /(\d+)$/.exec(hazardId);
  return m ? Number(m[1]) : undefined;
};

/** The hazard number a cause (0506 → 5) or control (050601 → 5) number starts with. */
const hazardPart = (n: string | undefined, own: number) => (n && n.length > own ? Number(n.slice(0, n.length - own)) : undefined);

/** The most common length among the numbers seen (ties: the longer), or the fallback. */
const commonLength = (lengths: Map<number, number>, fallback: number) =>
  [...lengths.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? fallback;

const count = (m: Map<number, number>, n: number) => m.set(n, (m.get(n) ?? 0) + 1);

interface NumberLengths {
  cause: Map<number, number>;
  control: Map<number, number>;
}

/** Each row's hazard id (filled down when blank), name and cause/control numbers. */
function assignHazardIds(records: readonly RowRecord[], ids: HazardIds, findings: Findings, lengths: NumberLengths): NumberedRow[] {
  const rows: NumberedRow[] = [];
  let last: string | undefined;
  for (const record of records) {
    let hazardId = ids.read(record.get('hazardId'), record.ref('hazardId'));
    if (!hazardId) {
      if (!last) {
        findings.add(
          'unplaced',
          'no-hazard',
          'row has no hazard number and no hazard above it to belong to; give it a Num',
          record.ref('hazardId'),
        );
        continue;
      }
      hazardId = last;
      findings.add('normalised', 'filled-down', 'blank hazard number: the row continues the hazard above', record.ref('hazardId'));
    }
    last = hazardId;
    const rawName = record.get('hazardName');
    const cause = record.get('cause');
    const control = record.get('control');
    const cs = filled(cause) ? splitNumber(clean(cause)) : undefined;
    const ct = filled(control) ? splitNumber(clean(control)) : undefined;
    if (cs?.number) count(lengths.cause, cs.number.length);
    if (ct?.number) count(lengths.control, ct.number.length);
    rows.push({
      record,
      hazardId,
      name: filled(rawName) ? clean(rawName) : undefined,
      causeNumber: cs?.number,
      causeText: cs?.text,
      controlNumber: ct?.number,
      controlText: ct?.text,
    });
  }
  return rows;
}

/** Numbers shorter than the sheet's usual length lost a leading zero when typed into Excel. */
function padNumbers(rows: readonly NumberedRow[], lengths: NumberLengths, findings: Findings): void {
  const causeLength = commonLength(lengths.cause, 4);
  const controlLength = commonLength(lengths.control, 6);
  for (const p of rows) {
    if (p.causeNumber && p.causeNumber.length < causeLength) {
      const padded = p.causeNumber.padStart(causeLength, '0');
      findings.add(
        'normalised',
        'cause-number-padded',
        `cause number ${p.causeNumber} read as ${padded} (leading zero lost, as when a number is typed into Excel)`,
        p.record.ref('cause'),
      );
      p.causeNumber = padded;
    }
    if (p.controlNumber && p.controlNumber.length < controlLength) {
      const padded = p.controlNumber.padStart(controlLength, '0');
      findings.add(
        'normalised',
        'control-number-padded',
        `control number ${p.controlNumber} read as ${padded} (leading zero lost)`,
        p.record.ref('control'),
      );
      p.controlNumber = padded;
    }
  }
}

/**
 * Mis-keyed hazard numbers (e.g. a drag-fill that counted H06, H07… down a column): the row's
 * name and its cause/control numbers all say another hazard.
 */
function placeMisKeyedRows(rows: readonly NumberedRow[], findings: Findings): void {
  const namesById = new Map<string, Map<string, number>>();
  for (const p of rows) {
    if (!p.name) continue;
    const m = namesById.get(p.hazardId) ?? new Map<string, number>();
    m.set(fold(p.name), (m.get(fold(p.name)) ?? 0) + 1);
    namesById.set(p.hazardId, m);
  }
  const mainNames = new Map<string, string | undefined>();
  const mainName = (id: string) => {
    if (!mainNames.has(id))
      mainNames.set(id, [...(namesById.get(id) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0]);
    return mainNames.get(id);
  };
  const byDigits = new Map<number, string>();
  for (const id of namesById.keys()) {
    const d = digitsOf(id);
    if (d && !byDigits.has(d)) byDigits.set(d, id);
  }
  for (const p of rows) {
    const evidence = hazardPart(p.causeNumber, 2) ?? hazardPart(p.controlNumber, 4);
    const own = digitsOf(p.hazardId);
    if (evidence === undefined || own === undefined || evidence === own) continue;
    const other = byDigits.get(evidence);
    if (other && p.name && fold(p.name) === mainName(other)) {
      findings.add(
        'ambiguity',
        'num-mis-keyed',
        `hazard number ${p.hazardId} disagrees with the row's hazard name and its cause/control numbers, which belong to ${other}; the row is placed under ${other} — check the sheet`,
        p.record.ref('hazardId'),
      );
      p.hazardId = other;
    } else {
      findings.add(
        'ambiguity',
        'number-prefix',
        `cause/control number ${p.causeNumber ?? p.controlNumber} does not start with the hazard's number (${p.hazardId}); kept under ${p.hazardId}`,
        p.causeNumber ? p.record.ref('cause') : p.record.ref('control'),
      );
    }
  }
}

/** Where the rows came from, for the message when there are none. */
export interface RowsOrigin {
  file: string;
  sheet: string;
  headerRow: number;
}

export function numberRows(records: readonly RowRecord[], findings: Findings, origin: RowsOrigin): NumberedRow[] {
  const ids = new HazardIds(findings);
  const lengths: NumberLengths = { cause: new Map(), control: new Map() };
  const rows = assignHazardIds(records, ids, findings, lengths);
  for (const [id, forms] of ids.spellings) {
    if (forms.size > 1) {
      findings.add(
        'ambiguity',
        'hazard-id-merged',
        `hazard numbers ${[...forms].map((f) => `"${f}"`).join(', ')} all become ${id}; their rows are one hazard — check they are`,
        ...rows.filter((p) => p.hazardId === id).map((p) => p.record.ref('hazardId')),
      );
    }
  }
  if (records.length === 0)
    throw new ImportError(
      `${origin.file}: sheet "${origin.sheet}" has a hazard-log header row (row ${origin.headerRow}) but no hazards below it`,
    );
  padNumbers(rows, lengths, findings);
  placeMisKeyedRows(rows, findings);
  return rows;
}
