/**
 * Reading one cell's value as a scheme term, a version or a date. Each reader reports what it
 * changed (trimmed, case-folded, mapped, a float or date serial read) at the cell's reference.
 */
import type { RiskScheme } from '../../core/risk.js';
import { isRealIsoDate } from '../../core/schema.js';
import type { CellData } from '../../core/workbook.js';
import type { ImportOptions } from '../types.js';
import type { Findings } from './findings.js';
import { clean, excelSerialToIso, fold } from './text.js';

const isBlank = (c: CellData | undefined) => !c || c.value === null || (typeof c.value === 'string' && !c.value.trim());

export class ValueReader {
  constructor(
    private readonly findings: Findings,
    private readonly scheme: RiskScheme,
    private readonly mapped: ImportOptions['values'],
  ) {}

  /** A severity or likelihood of the declared scheme, or undefined (reported unplaced when unreadable). */
  schemeTerm(kind: 'severity' | 'likelihood', raw: string | undefined, ref: string): string | undefined {
    if (raw === undefined || !raw.trim()) return undefined;
    const allowed = kind === 'severity' ? this.scheme.severities : this.scheme.likelihoods;
    const spellings = this.mapped?.[kind];
    const mapped = spellings ? (spellings[clean(raw)] ?? Object.entries(spellings).find(([k]) => fold(k) === fold(raw))?.[1]) : undefined;
    if (mapped && allowed.includes(mapped)) {
      this.findings.add('normalised', 'value-mapped', `${kind} "${clean(raw)}" mapped to "${mapped}" (--map)`, ref);
      return mapped;
    }
    if (allowed.includes(raw)) return raw;
    const hit = allowed.find((a) => fold(a) === fold(raw));
    // "4 - Major", "Major (4)", "5. Very high": a score written beside the label.
    const scored = /^\s*\d+\s*[-–:.)]\s*(.+?)\s*$/.exec(raw)?.[1] ?? /^\s*(.+?)\s*[-–(]\s*\d+\s*\)?\s*$/.exec(raw)?.[1];
    const label = !hit && scored ? allowed.find((a) => fold(a) === fold(scored)) : undefined;
    if (label) {
      this.findings.add(
        'normalised',
        'score-label',
        `${kind} "${clean(raw)}" read as "${label}" (the number beside it is not used: ratings come from the scheme)`,
        ref,
      );
      return label;
    }
    if (hit) {
      if (clean(raw) !== raw && hit === clean(raw)) this.findings.add('normalised', 'trimmed', `${kind} "${raw}" trimmed to "${hit}"`, ref);
      else this.findings.add('normalised', 'case-folded', `${kind} "${raw}" read as "${hit}"`, ref);
      return hit;
    }
    this.findings.add(
      'unplaced',
      'bad-value',
      `${kind} "${clean(raw)}" is not in the declared risk scheme (${allowed.join(', ')}); correct the cell or map the value with --map`,
      ref,
    );
    return undefined;
  }

  /** A release or version as text: a float as its shortest form, a date as YYYY-MM-DD. */
  version(c: CellData | undefined, ref: string): string | undefined {
    if (!c || isBlank(c)) return undefined;
    if (typeof c.value === 'number') {
      const shortest = String(c.value);
      if (c.rawNumber)
        this.findings.add('normalised', 'float-version', `version stored as the float ${c.rawNumber}; written as "${shortest}"`, ref);
      return shortest;
    }
    if (c.value instanceof Date) {
      const iso = c.value.toISOString().slice(0, 10);
      this.findings.add('normalised', 'date-version', `release stored as a date; written as "${iso}"`, ref);
      return iso;
    }
    const s = clean(String(c.value));
    if (s !== String(c.value)) this.findings.add('normalised', 'trimmed', `release "${String(c.value)}" trimmed`, ref);
    return s || undefined;
  }

  /** A date as YYYY-MM-DD from a date cell, an Excel serial, ISO text or UK day/month/year text. */
  date(c: CellData | undefined, ref: string): string | undefined {
    if (!c || isBlank(c)) return undefined;
    if (c.value instanceof Date) return c.value.toISOString().slice(0, 10);
    if (typeof c.value === 'number') {
      const iso = excelSerialToIso(c.value);
      if (iso) {
        this.findings.add('normalised', 'date-serial', `Excel date serial ${c.value} read as ${iso}`, ref);
        return iso;
      }
    }
    const s = clean(String(c.value));
    if (isRealIsoDate(s)) return s;
    const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (uk) {
      const iso = `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}`;
      if (isRealIsoDate(iso)) {
        this.findings.add('normalised', 'uk-date', `date "${s}" read as ${iso} (day/month/year)`, ref);
        return iso;
      }
    }
    this.findings.add('unplaced', 'bad-date', `"${s}" is not a date; write it as YYYY-MM-DD`, ref);
    return undefined;
  }
}
