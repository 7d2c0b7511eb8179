/**
 * Reading an evidence record back (the JSON `clinsafe evidence --out` writes and the Action
 * uploads as the artifact clinsafe-evidence-<sha>), and deciding whether it is evidence for a
 * release commit. Pure. Whoever can push can also upload an artifact, so the record's shape is
 * checked and its commit must be the release commit; anything else is not evidence.
 */
import * as z from 'zod';
import { sameCommit, VERIFICATION_STATES, type EvidenceRecord } from './evidence.js';

const s = z.string().max(10_000);
const n = z.number().int().min(0);
const caseSchema = z.object({
  name: s,
  classname: s,
  file: s.optional(),
  outcome: z.enum(['passed', 'failed', 'skipped']),
  message: s.optional(),
});
const linkSchema = z.object({
  label: s,
  state: z.enum(['passed', 'failed', 'skipped', 'not-found']),
  passed: n,
  failed: n,
  skipped: n,
  cases: z.array(caseSchema).max(100),
});
const controlSchema = z.object({
  hazard: s,
  hazardTitle: s,
  control: s,
  description: s,
  type: s,
  status: s,
  state: z.enum(VERIFICATION_STATES as [string, ...string[]]),
  unsupportedClaim: z.boolean(),
  tests: z.array(linkSchema).max(1000),
});
export const evidenceRecordSchema = z.object({
  format: z.literal('clinsafe-evidence'),
  version: z.literal(1),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  when: s,
  where: z
    .string()
    .regex(/^https:\/\/\S+$/)
    .max(2000)
    .optional(),
  ranAt: s.optional(),
  resultsCommit: s.optional(),
  reports: n,
  testCases: n,
  controls: z.array(controlSchema).max(50_000),
  counts: z.object(Object.fromEntries(VERIFICATION_STATES.map((k) => [k, n])) as Record<(typeof VERIFICATION_STATES)[number], typeof n>),
  unsupportedClaims: n,
  notes: z.array(s).max(100),
});

/** The record, or a sentence saying why it is not one. */
export function parseEvidenceRecord(json: unknown): { record: EvidenceRecord } | { problem: string } {
  const r = evidenceRecordSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    return {
      problem: `is not a clinsafe evidence record (${first ? `${first.path.join('.') || 'top level'}: ${first.message}` : 'wrong shape'})`,
    };
  }
  const { format: _f, version: _v, ...record } = r.data;
  return { record: record as EvidenceRecord };
}

/**
 * Whether a record is evidence for `commit`. A record for another commit is not: the result says
 * so, and the caller shows every linked test as not run at the release commit.
 */
export function evidenceFor(record: EvidenceRecord, commit: string): { record: EvidenceRecord } | { problem: string } {
  if (!sameCommit(record.commit, commit))
    return {
      problem: `the test results are for commit ${record.commit}, not the release commit ${commit}: they are not evidence for this release`,
    };
  if (record.resultsCommit) return { problem: `the record says its results were produced at ${record.resultsCommit}, not at ${commit}` };
  return { record };
}
