/**
 * The values of the safety-file format that code needs without the zod schemas themselves (which
 * are in schema.ts and re-export these): the closed lists, the provenance file's name and the
 * mapping from a declared risk scheme to the one in force. No zod here, so the CLI's cached load
 * can use them without loading it (engines.ts).
 */
import { NHS_DCB0129, type RiskScheme } from './risk.js';

export const CONTROL_TYPES = ['design', 'test', 'training', 'business-process'] as const;
export const CONTROL_STATUSES = ['planned', 'implemented', 'verified'] as const;
export const HAZARD_STATUSES = ['open', 'transferred', 'closed', 'retired'] as const;

/** Whether `value` is a real calendar date written YYYY-MM-DD (the schemas' date check; the fast accept names it, schema-fast.ts). */
export function isRealIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  // Three values, not an array destructured (an iterator per date in a cold run).
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Names the hazard and incident schemas' variant for a risk scheme: they depend on its severities and likelihoods only. */
export function schemaNameOf(scheme: Pick<RiskScheme, 'severities' | 'likelihoods'>): string {
  return JSON.stringify([scheme.severities, scheme.likelihoods]);
}

/** The file in the safety folder that records where an imported hazard log came from. */
export const PROVENANCE_FILE = 'provenance.yml';

/** A custom scheme as clinsafe.yml declares it (already shape-checked): schema.ts's `Config['riskScheme']` fits. */
export type DeclaredScheme =
  | 'nhs-dcb0129'
  | (Pick<
      RiskScheme,
      'name' | 'severities' | 'likelihoods' | 'matrix' | 'ratings' | 'justifyFrom' | 'unacceptableFrom' | 'severityLadder'
    > & {
      severityMeanings?: Record<string, string> | undefined;
      likelihoodMeanings?: Record<string, string> | undefined;
    });

/** Turn a declared custom scheme (already shape-checked) into a RiskScheme. */
export function toRiskScheme(declared: DeclaredScheme): RiskScheme {
  if (declared === 'nhs-dcb0129') return NHS_DCB0129;
  return {
    id: 'custom',
    name: declared.name,
    severities: declared.severities,
    likelihoods: declared.likelihoods,
    matrix: declared.matrix,
    ratings: [...declared.ratings].sort((a, b) => a.value - b.value),
    justifyFrom: declared.justifyFrom,
    unacceptableFrom: declared.unacceptableFrom,
    severityMeanings: declared.severityMeanings ?? {},
    likelihoodMeanings: declared.likelihoodMeanings ?? {},
    ...(declared.severityLadder ? { severityLadder: declared.severityLadder } : {}),
  };
}
