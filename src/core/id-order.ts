/**
 * The order of hazard ids in the gate's result: `a.localeCompare(b, 'en', { numeric: true })`.
 * `localeCompare` with a locale builds an ICU collator at every call (~8 ms for the first, in a
 * `clinsafe check` of ~0.2 s). Two ids of the usual shape with the same prefix (`H-`: ASCII letters,
 * `_`, `.`, `-`) and numbers of different value are ordered by the numbers, as the collator orders
 * them; any other pair goes to one collator made on first use (test/id-order.test.ts compares the
 * two on random ids).
 */
export function compareIdsNumeric(a: string, b: string): number {
  const ma = SIMPLE_ID.exec(a);
  const mb = ma && SIMPLE_ID.exec(b);
  if (ma && mb && ma[1] === mb[1]) {
    const na = ma[2]!.replace(LEADING_ZEROS, '');
    const nb = mb[2]!.replace(LEADING_ZEROS, '');
    if (na !== nb) return na.length !== nb.length ? (na.length < nb.length ? -1 : 1) : na < nb ? -1 : 1;
  }
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b);
}

const SIMPLE_ID = /^([A-Za-z_.-]+)([0-9]{1,100})$/;
const LEADING_ZEROS = /^0+/;
let collator: Intl.Collator | undefined;
