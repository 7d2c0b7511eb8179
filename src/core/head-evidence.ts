/**
 * Test results on a pull request's head commit (issue 15), pure: which controls of the impacted
 * hazards link tests, and — from the evidence record the product's CI uploaded for the head commit
 * — which of them have failing, skipped or missing tests. Information for the Clinical Safety
 * Officer in the gate's comment; it never decides the gate (the CSO's approval does).
 *
 * The safety folder at the head decides which tests a control links (a pull request that adds a
 * test link is shown with it); a record's result counts only for those links and only when the
 * record is for the head commit itself.
 */
import { sameCommit, type EvidenceHazard, type EvidenceRecord, type LinkState, type VerificationState } from './evidence.js';
import { evidenceAtRelease } from './evidence-release.js';

/** What the gate's lookup found for the head commit. */
export type HeadEvidenceLookup =
  /** The record in the artifact clinsafe-evidence-<head SHA>. */
  | { record: EvidenceRecord }
  /** No artifact for the head commit (the CI has not uploaded one, or not yet). */
  | { absent: string }
  /** An artifact or the API could not be read: said as it is, never read as a pass. */
  | { problem: string };

export interface HeadLinkResult {
  label: string;
  state: LinkState;
  /** Test cases matched, by outcome. */
  passed: number;
  failed: number;
  skipped: number;
}

export interface HeadControlEvidence {
  hazard: string;
  control: string;
  description: string;
  /** `no-tests-linked` never appears here: only controls that link tests are listed. */
  state: Exclude<VerificationState, 'no-tests-linked'>;
  /** Linked tests by state. */
  counts: { passed: number; failed: number; skipped: number; notFound: number };
  tests: HeadLinkResult[];
}

export type HeadEvidence =
  | {
      kind: 'results';
      headSha: string;
      /** Failing, missing and skipped first, then verified; in hazard order within each. */
      controls: HeadControlEvidence[];
      /** Where the tests ran (the CI run URL), when the record says. */
      where?: string;
      ranAt?: string;
    }
  | { kind: 'absent'; headSha: string; controls: { hazard: string; control: string }[]; reason: string }
  | { kind: 'unreadable'; headSha: string; controls: { hazard: string; control: string }[]; problem: string };

/** The controls of the impacted hazards that link at least one test, in hazard order. */
export function impactedControlsWithTests(
  impacted: readonly { id: string }[],
  hazards: readonly EvidenceHazard[],
): { hazard: string; control: string }[] {
  const out: { hazard: string; control: string }[] = [];
  for (const i of impacted) {
    const h = hazards.find((x) => x.id === i.id);
    if (!h || h.status === 'retired') continue;
    for (const c of h.controls) if ((c.tests ?? []).length) out.push({ hazard: h.id, control: c.id });
  }
  return out;
}

/** Whether the gate needs to look up test results at all (no lookup, no request, when no impacted control links a test). */
export function needsHeadEvidence(impacted: readonly { id: string }[], hazards: readonly EvidenceHazard[]): boolean {
  return impactedControlsWithTests(impacted, hazards).length > 0;
}

const RANK: Record<HeadControlEvidence['state'], number> = { failing: 0, missing: 1, skipped: 2, verified: 3 };

/**
 * The head commit's test results for the impacted controls that link tests; undefined when none
 * links a test. A record for another commit is unreadable (not evidence for the head), never a pass.
 */
export function headEvidence(
  impacted: readonly { id: string }[],
  hazards: readonly EvidenceHazard[],
  headSha: string,
  lookup: HeadEvidenceLookup,
): HeadEvidence | undefined {
  const linked = impactedControlsWithTests(impacted, hazards);
  if (linked.length === 0) return undefined;
  if ('absent' in lookup) return { kind: 'absent', headSha, controls: linked, reason: lookup.absent };
  if ('problem' in lookup) return { kind: 'unreadable', headSha, controls: linked, problem: lookup.problem };
  const r = lookup.record;
  if (!sameCommit(r.commit, headSha) || r.resultsCommit)
    return {
      kind: 'unreadable',
      headSha,
      controls: linked,
      problem: `the record is for commit ${(r.resultsCommit ?? r.commit).slice(0, 12)}, not the head commit ${headSha.slice(0, 12)}`,
    };
  const ids = new Set(impacted.map((i) => i.id));
  const { record } = evidenceAtRelease(
    hazards.filter((h) => ids.has(h.id)),
    headSha,
    { record: r },
  );
  const order = new Map(linked.map((l, i) => [`${l.hazard}\0${l.control}`, i]));
  const controls = record.controls
    .filter((c) => c.state !== 'no-tests-linked' && order.has(`${c.hazard}\0${c.control}`))
    .map((c): HeadControlEvidence => ({
      hazard: c.hazard,
      control: c.control,
      description: c.description,
      state: c.state as HeadControlEvidence['state'],
      counts: {
        passed: c.tests.filter((t) => t.state === 'passed').length,
        failed: c.tests.filter((t) => t.state === 'failed').length,
        skipped: c.tests.filter((t) => t.state === 'skipped').length,
        notFound: c.tests.filter((t) => t.state === 'not-found').length,
      },
      tests: c.tests.map((t) => ({ label: t.label, state: t.state, passed: t.passed, failed: t.failed, skipped: t.skipped })),
    }))
    .sort((a, b) => RANK[a.state] - RANK[b.state] || order.get(`${a.hazard}\0${a.control}`)! - order.get(`${b.hazard}\0${b.control}`)!);
  return {
    kind: 'results',
    headSha,
    controls,
    ...(r.where ? { where: r.where } : {}),
    ...(r.ranAt ? { ranAt: r.ranAt } : {}),
  };
}
