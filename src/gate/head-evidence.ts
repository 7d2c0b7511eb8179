/**
 * The gate's look-up of test results for a pull request's head commit (issue 15). Only when a
 * control of an impacted hazard links tests and a workflow run on the head commit may have
 * uploaded them (otherwise no request at all); then at most two
 * requests: the repository's artifacts named clinsafe-evidence-<head SHA>, and the newest one's zip
 * (bounded as for a release). Whatever fails becomes a sentence in the comment — never a pass, never
 * a failure of the gate: the decision rests on a CSO's approval, not on these results.
 */
import { readZipEntry } from '../adapters/zip-entry.js';
import type { EvidenceHazard } from '../core/evidence.js';
import { parseEvidenceRecord } from '../core/evidence-record.js';
import { headEvidence, needsHeadEvidence, type HeadEvidence, type HeadEvidenceLookup } from '../core/head-evidence.js';
import { downloadArtifactZip } from '../github/api/download-artifact.js';
import { explainApiError } from '../github/api/errors.js';
import { listArtifactsByName } from '../github/api/list-artifacts-by-name.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { EVIDENCE_LIMITS } from '../github/evidence-artifacts.js';
import { evidenceArtifactName } from '../core/evidence-artifact.js';

function explain(e: unknown, what: string): string {
  const status = (e as { status?: unknown } | null)?.status;
  if (status === 403 || status === 404)
    return `GitHub refused access while ${what} (HTTP ${status}); the token needs actions: read (the App's permission, or the gate workflow's permissions)`;
  if (status === 410) return `the artifact has expired (HTTP 410) while ${what}; re-run the CI of the head commit`;
  if (typeof status === 'number' || (e instanceof Error && /fetch|network|socket|ECONN|ETIMEDOUT/i.test(e.message)))
    return explainApiError(e, what);
  return `${what}: ${e instanceof Error ? e.message : String(e)}`;
}

/** Find and read the record for `sha`: two requests at most. */
export async function lookUpHeadEvidence(
  client: GitHubClient,
  repo: RepoRef,
  sha: string,
  limits = EVIDENCE_LIMITS,
): Promise<HeadEvidenceLookup> {
  const name = evidenceArtifactName(sha);
  let artifacts;
  try {
    artifacts = await listArtifactsByName(client, repo, name);
  } catch (e) {
    return { problem: explain(e, `listing the artifacts named ${name}`) };
  }
  const usable = artifacts
    .filter((a) => !a.expired && a.workflow_run?.head_sha === sha)
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
  const artifact = usable[0];
  if (!artifact)
    return {
      absent: artifacts.length
        ? `every artifact named ${name} has expired or belongs to a run of another commit`
        : `no artifact named ${name}`,
    };
  if (artifact.size_in_bytes > limits.maxZipBytes)
    return { problem: `the artifact ${name} is ${artifact.size_in_bytes} bytes, more than the ${limits.maxZipBytes} clinsafe downloads` };
  let bytes: Buffer | undefined;
  try {
    const zip = await downloadArtifactZip(client, repo, artifact.id, limits.maxZipBytes);
    bytes = await readZipEntry(zip, 'evidence.json', { maxEntries: limits.maxEntries, maxEntryBytes: limits.maxJsonBytes });
  } catch (e) {
    return { problem: explain(e, `downloading the artifact ${name}`) };
  }
  if (!bytes) return { problem: `the artifact ${name} holds no evidence.json` };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { problem: `evidence.json in the artifact ${name} is not JSON` };
  }
  const parsed = parseEvidenceRecord(json);
  if ('problem' in parsed) return { problem: `evidence.json in the artifact ${name} ${parsed.problem}` };
  return { record: parsed.record };
}

/** Why nothing is looked up when no workflow run on the head commit has completed yet. */
export const NO_RUN_COMPLETED = 'no workflow run on the head commit has completed yet';

/**
 * The head commit's test results for the impacted controls that link tests, for the comment;
 * undefined (and no request made) when none links a test. `runCompleted: false` — the first query
 * showed no completed workflow run on the head, so none can have uploaded the record yet — says
 * "none recorded yet" without a request (the run that uploads it re-runs the gate when it
 * completes: the App's workflow_run.completed handler, the Action's workflow_run trigger). Never throws.
 */
export async function headEvidenceFor(
  client: GitHubClient,
  repo: RepoRef,
  headSha: string,
  impacted: readonly { id: string }[],
  hazards: readonly EvidenceHazard[],
  runCompleted?: boolean,
): Promise<HeadEvidence | undefined> {
  try {
    if (!needsHeadEvidence(impacted, hazards)) return undefined;
    if (runCompleted === false) return headEvidence(impacted, hazards, headSha, { absent: NO_RUN_COMPLETED });
    return headEvidence(impacted, hazards, headSha, await lookUpHeadEvidence(client, repo, headSha));
  } catch (e) {
    // A bug here must not cost the CSO the comment: say it, as no results.
    return headEvidence(impacted, hazards, headSha, { problem: `an internal error in clinsafe (${(e as Error)?.message ?? String(e)})` });
  }
}
