/** compareIdsNumeric (src/core/id-order.ts) orders as `localeCompare(b, 'en', { numeric: true })`, which it stands in for. */
import { describe, expect, it } from 'vitest';
import { compareIdsNumeric } from '../src/core/id-order.js';

const reference = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

describe('compareIdsNumeric', () => {
  it('gives localeCompare’s sign for 50,000 random pairs of id-like strings', () => {
    const prefixes = ['H-', 'h-', 'C-', 'INC-', 'H_', 'H.', 'H', 'HZ-', 'é-', 'H-1-', '', 'H -'];
    const digits = ['0', '1', '2', '9', '10', '010', '001', '0010', '99', '100', '12345678901234567890', '12345678901234567891'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const id = () => `${prefixes[rnd(prefixes.length)]}${digits[rnd(digits.length)]}${rnd(9) === 0 ? 'a' : ''}`;
    for (let i = 0; i < 50_000; i++) {
      const a = id();
      const b = rnd(3) === 0 ? a.replace(/\d+$/, digits[rnd(digits.length)]!) : id();
      expect(Math.sign(compareIdsNumeric(a, b)), `${a} vs ${b}`).toBe(Math.sign(reference(a, b)));
    }
  });

  it('sorts as localeCompare: H-2 before H-10, case and leading zeros left to the collator', () => {
    const ids = ['H-10', 'H-2', 'H-001', 'H-100', 'h-2', 'H-02', 'H-010', 'HZ-1'];
    expect([...ids].sort(compareIdsNumeric)).toEqual([...ids].sort(reference));
  });
});
