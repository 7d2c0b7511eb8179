/**
 * Natural order of ids (H-2 before H-10) without an ICU collator where it is not needed: making one
 * costs ~8–10 ms of a command's start-up, and `localeCompare` with a locale makes one per call. Two
 * ids of the usual shape with the same prefix (`H-`, `C-`: ASCII letters, `_`, `.`, `-`) and
 * numbers of different value are ordered by the numbers, as the collator orders them; any other
 * pair goes to the collator, made once on first use (test/id-order.test.ts and
 * test/compare-ids.test.ts compare both orders with the collator on random ids).
 */
function naturalOrder(options: Intl.CollatorOptions): (a: string, b: string) => number {
  let collator: Intl.Collator | undefined;
  return (a, b) => {
    const ma = SIMPLE_ID.exec(a);
    const mb = ma && SIMPLE_ID.exec(b);
    if (ma && mb && ma[1] === mb[1]) {
      const na = ma[2]!.replace(LEADING_ZEROS, '');
      const nb = mb[2]!.replace(LEADING_ZEROS, '');
      if (na !== nb) return na.length !== nb.length ? (na.length < nb.length ? -1 : 1) : na < nb ? -1 : 1;
    }
    collator ??= new Intl.Collator('en', options);
    return collator.compare(a, b);
  };
}

const SIMPLE_ID = /^([A-Za-z_.-]+)([0-9]{1,100})$/;
const LEADING_ZEROS = /^0+/;

/** The order of hazard ids in the gate's result: `a.localeCompare(b, 'en', { numeric: true })`. */
export const compareIdsNumeric = naturalOrder({ numeric: true });

/** The order of the hazard log: `a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })`. */
export const compareIds = naturalOrder({ numeric: true, sensitivity: 'base' });
