import { describe, expect, it } from 'vitest';
import { distinctOrganisations, organisationKey, ownerKind } from '../src/core/owners.js';
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

// The guidance's definitions, as DESIGN.md §2 carries them (NHS implementation guidance tables 7–10).
const RATINGS = `
5 | Unacceptable level of risk.
4 | Mandatory elimination or control to reduce risk to an acceptable level.
3 | Undesirable level of risk. Attempts should be made to eliminate or control to reduce risk to an acceptable level. Shall only be acceptable when further risk reduction is impractical.
2 | Acceptable where cost of further reduction outweighs benefits gained.
1 | Acceptable, no further action required.
`;
const LADDER = `
Catastrophic | Death | multiple
Catastrophic | Permanent life-changing incapacity and any condition for which the prognosis is death or permanent life-changing incapacity; severe injury or severe incapacity from which recovery is not expected in the short term | multiple
Major | Death | single
Major | Permanent life-changing incapacity and any condition for which the prognosis is death or permanent life-changing incapacity; severe injury or severe incapacity from which recovery is not expected in the short term | single
Major | Severe injury or severe incapacity from which recovery is expected in the short term | multiple
Major | Severe psychological trauma | multiple
Considerable | Severe injury or severe incapacity from which recovery is expected in the short term | single
Considerable | Severe psychological trauma | single
Considerable | Minor injury or injuries from which recovery is not expected in the short term | multiple
Considerable | Significant psychological trauma | multiple
Significant | Minor injury or injuries from which recovery is not expected in the short term | single
Significant | Significant psychological trauma | single
Significant | Minor injury from which recovery is expected in the short term | multiple
Significant | Minor psychological upset; inconvenience | multiple
Minor | Minor injury from which recovery is expected in the short term; minor psychological upset; inconvenience; any negligible consequence | single
`;
const table = (t: string) =>
  t
    .trim()
    .split('\n')
    .map((l) => l.split(' | '));

describe('the guidance’s definitions, word for word (issue 11 §1)', () => {
  it('every rating definition', () => {
    expect([...NHS_DCB0129.ratings].reverse().map((r) => [String(r.value), r.meaning])).toEqual(table(RATINGS));
  });

  it('the whole severity ladder, single and multiple patients', () => {
    expect(NHS_DCB0129.severityLadder!.map((l) => [l.severity, l.consequence, l.patients])).toEqual(table(LADDER));
  });

  it('every likelihood definition', () => {
    expect(NHS_DCB0129.likelihoodMeanings).toEqual({
      'Very high': 'Certain or almost certain; highly likely to occur',
      High: 'Not certain but very possible; reasonably expected to occur in the majority of cases',
      Medium: 'Possible',
      Low: 'Could occur but in the great majority of occasions will not',
      'Very low': 'Negligible or nearly negligible possibility of occurring',
    });
  });

  it('acceptability: 4 and 5 are not releasable, 3 needs a recorded justification', () => {
    expect(NHS_DCB0129.unacceptableFrom).toBe(4);
    expect(NHS_DCB0129.justifyFrom).toBe(3);
    expect(NHS_DCB0129.source).toMatch(/implementation guidance/);
  });
});

describe('organisations', () => {
  const config = {
    product: { manufacturer: 'Example Health Ltd' },
    otherManufacturers: [{ name: 'Example EPMA Systems Ltd', standard: 'DCB0129' }],
  } as Parameters<typeof ownerKind>[0];

  it('the manufacturer is the word or its own name, in any case or punctuation', () => {
    for (const o of ['manufacturer', 'Manufacturer', 'Example Health Ltd', 'EXAMPLE HEALTH LTD.', ' example  health ltd '])
      expect(ownerKind(config, o), o).toBe('manufacturer');
    expect(ownerKind(config, 'Example Health')).toBe('deploying-organisation');
  });

  it('another manufacturer is not a deploying organisation', () => {
    expect(ownerKind(config, 'example epma systems ltd')).toBe('other-manufacturer');
    expect(ownerKind(config, 'Deploying organisation')).toBe('deploying-organisation');
  });

  it('names are folded for case, punctuation and plural, and listed once in first spelling', () => {
    expect(organisationKey('Deploying Organisations.')).toBe(organisationKey('deploying organisation'));
    expect(organisationKey("Trust's IT")).toBe(organisationKey('trust it'));
    expect(distinctOrganisations(['Deploying organisation', 'deploying organisations', 'DEPLOYING ORGANISATION.', 'GP practice'])).toEqual([
      'Deploying organisation',
      'GP practice',
    ]);
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
