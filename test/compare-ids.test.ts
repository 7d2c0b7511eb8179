/** compareIds's fast path (src/core/folder-load.ts) orders as the ICU collator it stands in for. */
import { describe, expect, it } from 'vitest';
import { compareIds } from '../src/core/folder-load.js';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

describe('compareIds', () => {
  it('gives the collator’s sign for 50,000 random pairs of id-like strings', () => {
    const prefixes = ['H-', 'h-', 'C-', 'INC-', 'H_', 'H.', 'H', 'HZ-', 'é-', 'H-1-', '', 'H -'];
    const digits = ['0', '1', '2', '9', '10', '010', '001', '0010', '99', '100', '12345678901234567890', '12345678901234567891'];
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const id = () => `${prefixes[rnd(prefixes.length)]}${digits[rnd(digits.length)]}${rnd(9) === 0 ? 'a' : ''}`;
    for (let i = 0; i < 50_000; i++) {
      const a = id();
      const b = rnd(3) === 0 ? a.replace(/\d+$/, digits[rnd(digits.length)]!) : id();
      expect(Math.sign(compareIds(a, b)), `${a} vs ${b}`).toBe(Math.sign(collator.compare(a, b)));
    }
  });

  it('natural order: H-2 before H-10, H-010 with H-10 left to the collator', () => {
    expect(['H-10', 'H-2', 'H-001', 'H-100'].sort(compareIds)).toEqual(['H-001', 'H-2', 'H-10', 'H-100']);
    expect(Math.sign(compareIds('H-010', 'H-10'))).toBe(Math.sign(collator.compare('H-010', 'H-10')));
  });
});
