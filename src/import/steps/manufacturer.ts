/**
 * Who the manufacturer is: the names given (--manufacturer, --map, clinsafe.yml), else the most
 * frequent control owner in the sheet — a guess, reported as an ambiguity.
 */
import type { ImportOptions } from '../types.js';
import type { Findings } from './findings.js';
import type { NumberedRow } from './numbering.js';
import { clean, fold } from './text.js';

/** How clinsafe's export marks the manufacturer's own name in an owner cell. */
const MANUFACTURER_MARK = /\s*\(manufacturer\)$/i;

export interface Manufacturer {
  /** As the report names it. */
  name: string;
  /** Folded owner names that mean the manufacturer, `manufacturer` included. */
  names: string[];
}

/** `headerCell` is the Control owner header (where a guess is reported). */
export function decideManufacturer(
  rows: readonly NumberedRow[],
  opts: ImportOptions,
  findings: Findings,
  headerCell: string,
): Manufacturer {
  const ownerCounts = new Map<string, number>();
  for (const p of rows) {
    const o = p.record.get('controlOwner');
    if (o?.trim()) ownerCounts.set(clean(o), (ownerCounts.get(clean(o)) ?? 0) + 1);
  }
  let names = (opts.manufacturer ?? []).map(fold).filter(Boolean);
  let name = opts.manufacturer?.[0]?.trim() ?? '';
  // clinsafe's export writes the manufacturer's own controls as "<name> (manufacturer)": that names it outright.
  const marked = [...ownerCounts.keys()].find((o) => MANUFACTURER_MARK.test(o));
  if (names.length === 0 && marked) {
    name = marked.replace(MANUFACTURER_MARK, '');
    names = [fold(name)];
  }
  if (names.length === 0) {
    const top = [...ownerCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    name = top ?? 'manufacturer';
    names = [fold(name)];
    if (top)
      findings.add(
        'ambiguity',
        'manufacturer-guessed',
        `the manufacturer was taken to be "${top}", the most frequent control owner (${ownerCounts.get(top)} rows); controls owned by anyone else are transferred. If that is wrong, pass --manufacturer`,
        headerCell,
      );
  }
  names.push('manufacturer');
  names.push(...names.map((n) => `${n} (manufacturer)`));
  return { name, names };
}
