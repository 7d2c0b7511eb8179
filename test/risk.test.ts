import { describe, expect, it } from 'vitest';
import { describeRisk, NHS_DCB0129, riskOf, schemeProblems } from '../src/core/risk.js';

// The matrix exactly as printed in DESIGN.md / NHS DCB0129 implementation guidance table 9.
const TABLE = `
likelihood \\ severity | Minor | Significant | Considerable | Major | Catastrophic
Very high | 3 | 4 | 4 | 5 | 5
High      | 2 | 3 | 3 | 4 | 5
Medium    | 2 | 2 | 3 | 3 | 4
Low       | 1 | 2 | 2 | 3 | 4
Very low  | 1 | 1 | 2 | 2 | 3
`;

const rows = TABLE.trim()
  .split('\n')
  .map((l) => l.split('|').map((c) => c.trim()));
const severities = rows[0]!.slice(1);
const cells = rows.slice(1).flatMap((r) => severities.map((s, i) => ({ likelihood: r[0]!, severity: s, expected: Number(r[i + 1]) })));

describe('NHS DCB0129 risk matrix', () => {
  it('has 25 cells', () => expect(cells).toHaveLength(25));

  it.each(cells)('$likelihood likelihood × $severity severity → $expected', ({ likelihood, severity, expected }) => {
    expect(riskOf(NHS_DCB0129, severity, likelihood)).toBe(expected);
  });

  it('is a lookup, not a product of scores', () => {
    // Catastrophic (5) × Very low (1) would be 5 as a product; the matrix says 3.
    expect(riskOf(NHS_DCB0129, 'Catastrophic', 'Very low')).toBe(3);
    // Minor (1) × Very high (5) would be 5; the matrix says 3.
    expect(riskOf(NHS_DCB0129, 'Minor', 'Very high')).toBe(3);
  });

  it('rejects labels outside the scheme', () => {
    expect(riskOf(NHS_DCB0129, 'Severe', 'Low')).toBeUndefined();
    expect(riskOf(NHS_DCB0129, 'Major', 'low')).toBeUndefined();
  });

  it('names each rating with its meaning', () => {
    expect(describeRisk(NHS_DCB0129, 5)).toBe('5 — Unacceptable');
    expect(describeRisk(NHS_DCB0129, 1)).toBe('1 — Acceptable');
    expect(NHS_DCB0129.ratings.map((r) => r.value)).toEqual([1, 2, 3, 4, 5]);
  });

  it('passes its own completeness check', () => {
    expect(schemeProblems(NHS_DCB0129)).toEqual([]);
  });
});

describe('custom scheme completeness', () => {
  const base = () => ({
    severities: ['Low', 'High'],
    likelihoods: ['Unlikely', 'Likely'],
    ratings: [
      { value: 1, name: 'OK', meaning: 'fine' },
      { value: 2, name: 'Bad', meaning: 'reduce' },
    ],
    matrix: { Unlikely: { Low: 1, High: 2 }, Likely: { Low: 2, High: 2 } } as Record<string, Record<string, number>>,
    justifyFrom: 2,
    unacceptableFrom: 2,
  });

  it('accepts a complete table', () => expect(schemeProblems(base())).toEqual([]));

  it('reports a missing cell', () => {
    const s = base();
    delete s.matrix.Likely!.High;
    expect(schemeProblems(s).map((p) => p.message)).toContain(
      'matrix row "Likely" has no rating for severity "High"; the lookup must be complete',
    );
  });

  it('reports a missing row', () => {
    const s = base();
    delete s.matrix.Likely;
    expect(schemeProblems(s)[0]!.message).toMatch(/no row for likelihood "Likely"/);
  });

  it('reports an undefined rating and an unknown label', () => {
    const s = base();
    s.matrix.Unlikely!.High = 7;
    s.matrix.Unlikely!.Medium = 1;
    const messages = schemeProblems(s).map((p) => p.message);
    expect(messages.some((m) => m.includes('rating 7 is not defined'))).toBe(true);
    expect(messages.some((m) => m.includes('"Medium" is not one of the declared severities'))).toBe(true);
  });

  it('reports an inverted scale', () => {
    const s = base();
    s.matrix = { Unlikely: { Low: 2, High: 1 }, Likely: { Low: 2, High: 2 } };
    expect(schemeProblems(s).some((p) => p.message.includes('as severity rises'))).toBe(true);
  });
});
