/**
 * Risk schemes. Risk is a lookup in a declared matrix (likelihood × severity → rating),
 * never a product of scores. The default is the NHS implementation-guidance scheme
 * (DCB0129 IG tables 7–10); a manufacturer may declare its own in clinsafe.yml.
 */

export interface RiskRating {
  value: number;
  name: string;
  meaning: string;
}

export interface RiskScheme {
  /** `nhs-dcb0129` for the default, `custom` otherwise. */
  id: string;
  name: string;
  /** Least severe first. */
  severities: string[];
  /** Least likely first. */
  likelihoods: string[];
  /** likelihood → severity → rating value */
  matrix: Record<string, Record<string, number>>;
  ratings: RiskRating[];
  /** Residual ratings at or above this need a recorded justification that further reduction is impractical. */
  justifyFrom: number;
  /** Residual ratings at or above this cannot be released (NHS default: 4, "mandatory elimination or control"). */
  unacceptableFrom: number;
  /** Definitions shown in documents, keyed by label (a custom scheme's own words). */
  severityMeanings: Record<string, string>;
  likelihoodMeanings: Record<string, string>;
  /** The severity ladder by number of patients, when the scheme has one (the NHS default does). */
  severityLadder?: SeverityLine[];
  /** Where the definitions come from, printed with them; absent for a manufacturer's own scheme. */
  source?: string;
}

export const NHS_SEVERITIES = ['Minor', 'Significant', 'Considerable', 'Major', 'Catastrophic'] as const;
export const NHS_LIKELIHOODS = ['Very low', 'Low', 'Medium', 'High', 'Very high'] as const;

const NHS_ROWS: Record<(typeof NHS_LIKELIHOODS)[number], number[]> = {
  'Very high': [3, 4, 4, 5, 5],
  High: [2, 3, 3, 4, 5],
  Medium: [2, 2, 3, 3, 4],
  Low: [1, 2, 2, 3, 4],
  'Very low': [1, 1, 2, 2, 3],
};

function nhsMatrix(): Record<string, Record<string, number>> {
  const matrix: Record<string, Record<string, number>> = {};
  for (const likelihood of NHS_LIKELIHOODS) {
    const row: Record<string, number> = {};
    NHS_SEVERITIES.forEach((severity, i) => {
      row[severity] = NHS_ROWS[likelihood][i]!;
    });
    matrix[likelihood] = row;
  }
  return matrix;
}

/** One line of a severity ladder: the consequence, and whether it is graded for one patient or several. */
export interface SeverityLine {
  severity: string;
  consequence: string;
  patients: 'single' | 'multiple';
}

/**
 * The guidance's severity (consequence) ladder, word for word: it grades by the number of patients
 * affected, so every line is printed (a CSO grading from a one-line summary lands on the wrong rating).
 */
const LIFE_CHANGING =
  'Permanent life-changing incapacity and any condition for which the prognosis is death or permanent life-changing incapacity; severe injury or severe incapacity from which recovery is not expected in the short term';
export const NHS_SEVERITY_LADDER: readonly SeverityLine[] = Object.freeze([
  { severity: 'Catastrophic', consequence: 'Death', patients: 'multiple' },
  { severity: 'Catastrophic', consequence: LIFE_CHANGING, patients: 'multiple' },
  { severity: 'Major', consequence: 'Death', patients: 'single' },
  { severity: 'Major', consequence: LIFE_CHANGING, patients: 'single' },
  {
    severity: 'Major',
    consequence: 'Severe injury or severe incapacity from which recovery is expected in the short term',
    patients: 'multiple',
  },
  { severity: 'Major', consequence: 'Severe psychological trauma', patients: 'multiple' },
  {
    severity: 'Considerable',
    consequence: 'Severe injury or severe incapacity from which recovery is expected in the short term',
    patients: 'single',
  },
  { severity: 'Considerable', consequence: 'Severe psychological trauma', patients: 'single' },
  {
    severity: 'Considerable',
    consequence: 'Minor injury or injuries from which recovery is not expected in the short term',
    patients: 'multiple',
  },
  { severity: 'Considerable', consequence: 'Significant psychological trauma', patients: 'multiple' },
  {
    severity: 'Significant',
    consequence: 'Minor injury or injuries from which recovery is not expected in the short term',
    patients: 'single',
  },
  { severity: 'Significant', consequence: 'Significant psychological trauma', patients: 'single' },
  { severity: 'Significant', consequence: 'Minor injury from which recovery is expected in the short term', patients: 'multiple' },
  { severity: 'Significant', consequence: 'Minor psychological upset; inconvenience', patients: 'multiple' },
  {
    severity: 'Minor',
    consequence:
      'Minor injury from which recovery is expected in the short term; minor psychological upset; inconvenience; any negligible consequence',
    patients: 'single',
  },
]) as readonly SeverityLine[];

/** Where the default scheme's words come from; printed with them. */
export const NHS_SOURCE = 'NHS DCB0129 implementation guidance, tables 7–10, as NHS England republishes them for the UK Core hazard log';

export const NHS_DCB0129: RiskScheme = Object.freeze({
  id: 'nhs-dcb0129',
  name: 'NHS DCB0129 implementation guidance risk matrix (tables 7–10)',
  source: NHS_SOURCE,
  severities: [...NHS_SEVERITIES],
  likelihoods: [...NHS_LIKELIHOODS],
  matrix: nhsMatrix(),
  // Meanings are the guidance's words, verbatim; names are clinsafe's short labels for tables.
  ratings: [
    { value: 1, name: 'Acceptable', meaning: 'Acceptable, no further action required.' },
    {
      value: 2,
      name: 'Acceptable where cost of further reduction outweighs benefit',
      meaning: 'Acceptable where cost of further reduction outweighs benefits gained.',
    },
    {
      value: 3,
      name: 'Undesirable',
      meaning:
        'Undesirable level of risk. Attempts should be made to eliminate or control to reduce risk to an acceptable level. Shall only be acceptable when further risk reduction is impractical.',
    },
    {
      value: 4,
      name: 'Mandatory elimination or control',
      meaning: 'Mandatory elimination or control to reduce risk to an acceptable level.',
    },
    { value: 5, name: 'Unacceptable', meaning: 'Unacceptable level of risk.' },
  ],
  // 3 only with a recorded justification that further reduction is impractical; 4 is not yet an
  // acceptable level ("mandatory elimination or control"), so 4 and 5 are not releasable.
  justifyFrom: 3,
  unacceptableFrom: 4,
  severityMeanings: {},
  severityLadder: [...NHS_SEVERITY_LADDER],
  likelihoodMeanings: {
    'Very high': 'Certain or almost certain; highly likely to occur',
    High: 'Not certain but very possible; reasonably expected to occur in the majority of cases',
    Medium: 'Possible',
    Low: 'Could occur but in the great majority of occasions will not',
    'Very low': 'Negligible or nearly negligible possibility of occurring',
  },
}) as RiskScheme;

/** The rating for a severity and likelihood, or undefined when a label is not in the scheme. */
export function riskOf(scheme: RiskScheme, severity: string, likelihood: string): number | undefined {
  return scheme.matrix[likelihood]?.[severity];
}

export function ratingOf(scheme: RiskScheme, value: number): RiskRating | undefined {
  return scheme.ratings.find((r) => r.value === value);
}

/** "3 — Undesirable" style label for documents and comments. */
export function describeRisk(scheme: RiskScheme, value: number): string {
  const rating = ratingOf(scheme, value);
  return rating ? `${value} — ${rating.name}` : String(value);
}

/**
 * Completeness problems of a custom scheme, each with the path (within `riskScheme`) it concerns.
 * An empty list means the scheme is a complete lookup table.
 */
export function schemeProblems(scheme: {
  severities: string[];
  likelihoods: string[];
  ratings: RiskRating[];
  matrix: Record<string, Record<string, number>>;
  justifyFrom: number;
  unacceptableFrom: number;
}): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const dupes = (list: string[], key: string) => {
    const seen = new Set<string>();
    list.forEach((label, i) => {
      if (seen.has(label)) problems.push({ path: [key, i], message: `"${label}" is listed twice in ${key}; each label must be unique` });
      seen.add(label);
    });
  };
  dupes(scheme.severities, 'severities');
  dupes(scheme.likelihoods, 'likelihoods');
  const ratingValues = new Set<number>();
  scheme.ratings.forEach((r, i) => {
    if (ratingValues.has(r.value))
      problems.push({ path: ['ratings', i, 'value'], message: `rating ${r.value} is defined twice; each rating value must be unique` });
    ratingValues.add(r.value);
  });
  for (const likelihood of scheme.likelihoods) {
    const row = scheme.matrix[likelihood];
    if (!row) {
      problems.push({
        path: ['matrix'],
        message: `matrix has no row for likelihood "${likelihood}"; every likelihood needs a row with a rating for each severity (${scheme.severities.join(', ')})`,
      });
      continue;
    }
    for (const severity of scheme.severities) {
      const value = row[severity];
      if (value === undefined) {
        problems.push({
          path: ['matrix', likelihood],
          message: `matrix row "${likelihood}" has no rating for severity "${severity}"; the lookup must be complete`,
        });
      } else if (!ratingValues.has(value)) {
        problems.push({
          path: ['matrix', likelihood, severity],
          message: `rating ${value} is not defined in ratings; use one of ${[...ratingValues].join(', ')}`,
        });
      }
    }
    for (const severity of Object.keys(row)) {
      if (!scheme.severities.includes(severity)) {
        problems.push({
          path: ['matrix', likelihood, severity],
          message: `"${severity}" is not one of the declared severities (${scheme.severities.join(', ')})`,
        });
      }
    }
  }
  for (const likelihood of Object.keys(scheme.matrix)) {
    if (!scheme.likelihoods.includes(likelihood)) {
      problems.push({
        path: ['matrix', likelihood],
        message: `"${likelihood}" is not one of the declared likelihoods (${scheme.likelihoods.join(', ')})`,
      });
    }
  }
  // Monotonic: a more severe or more likely hazard is never rated lower.
  for (let l = 0; l < scheme.likelihoods.length; l++) {
    for (let s = 0; s < scheme.severities.length; s++) {
      const here = scheme.matrix[scheme.likelihoods[l]!]?.[scheme.severities[s]!];
      const right = scheme.matrix[scheme.likelihoods[l]!]?.[scheme.severities[s + 1] ?? ''];
      const up = scheme.matrix[scheme.likelihoods[l + 1] ?? '']?.[scheme.severities[s]!];
      if (here !== undefined && right !== undefined && right < here) {
        problems.push({
          path: ['matrix', scheme.likelihoods[l]!, scheme.severities[s + 1]!],
          message: `rating falls from ${here} to ${right} as severity rises; severities are listed least severe first and a more severe hazard is never rated lower`,
        });
      }
      if (here !== undefined && up !== undefined && up < here) {
        problems.push({
          path: ['matrix', scheme.likelihoods[l + 1]!, scheme.severities[s]!],
          message: `rating falls from ${here} to ${up} as likelihood rises; likelihoods are listed least likely first and a more likely hazard is never rated lower`,
        });
      }
    }
  }
  if (!ratingValues.has(scheme.justifyFrom) && ![...ratingValues].some((v) => v > scheme.justifyFrom)) {
    problems.push({
      path: ['justifyFrom'],
      message: `justifyFrom ${scheme.justifyFrom} is above every rating; use one of ${[...ratingValues].join(', ')}`,
    });
  }
  if (scheme.unacceptableFrom < scheme.justifyFrom) {
    problems.push({
      path: ['unacceptableFrom'],
      message: `unacceptableFrom (${scheme.unacceptableFrom}) is below justifyFrom (${scheme.justifyFrom}); an unacceptable rating always needs justification too`,
    });
  }
  return problems;
}
