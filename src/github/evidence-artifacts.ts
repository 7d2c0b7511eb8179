/**
 * Find the evidence recorded for a commit in the product's CI (issue 15): the workflow runs of
 * that head SHA → their artifacts named clinsafe-evidence-<sha> → the newest unexpired one →
 * download (bounded) → evidence.json. Reads only; whether the record is evidence for the release is
 * decided in core/evidence-record.ts.
 */
import { readZipEntry } from '../adapters/zip-entry.js';
import type { GitHubClient, RepoRef } from './client.js';
import { downloadArtifactZip } from './api/download-artifact.js';
import { runArtifacts } from './api/run-artifacts.js';
import { workflowRunsForSha } from './api/workflow-runs.js';

export const EVIDENCE_LIMITS = {
  /** Workflow runs of the commit whose artifacts are listed. */
  maxRuns: 10,
  /** Bytes of the artifact zip. */
  maxZipBytes: 20 * 1024 * 1024,
  maxEntries: 100,
  /** Bytes of evidence.json inflated. */
  maxJsonBytes: 50 * 1024 * 1024,
};

export type FoundEvidence = { found: true; json: unknown; runUrl: string; artifactId: number } | { found: false; reason: string };

export async function findEvidenceArtifact(
  client: GitHubClient,
  repo: RepoRef,
  sha: string,
  limits = EVIDENCE_LIMITS,
): Promise<FoundEvidence> {
  const name = `clinsafe-evidence-${sha}`;
  const runs = (await workflowRunsForSha(client, repo, sha)).filter((r) => r.status === 'completed').slice(0, limits.maxRuns);
  if (runs.length === 0) return { found: false, reason: `no completed workflow run for commit ${sha}` };
  for (const run of runs) {
    const artifacts = (await runArtifacts(client, repo, run.id, name)).filter((a) => !a.expired);
    artifacts.sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
    const artifact = artifacts[0];
    if (!artifact) continue;
    if (artifact.size_in_bytes > limits.maxZipBytes)
      return {
        found: false,
        reason: `the artifact ${name} is ${artifact.size_in_bytes} bytes, more than the ${limits.maxZipBytes} clinsafe downloads`,
      };
    let bytes: Buffer | undefined;
    try {
      const zip = await downloadArtifactZip(client, repo, artifact.id, limits.maxZipBytes);
      bytes = await readZipEntry(zip, 'evidence.json', { maxEntries: limits.maxEntries, maxEntryBytes: limits.maxJsonBytes });
    } catch (e) {
      return { found: false, reason: `the artifact ${name} of run ${run.html_url}: ${(e as Error).message}` };
    }
    if (!bytes) return { found: false, reason: `the artifact ${name} of run ${run.html_url} holds no evidence.json` };
    try {
      return { found: true, json: JSON.parse(bytes.toString('utf8')) as unknown, runUrl: run.html_url, artifactId: artifact.id };
    } catch {
      return { found: false, reason: `evidence.json in the artifact ${name} of run ${run.html_url} is not JSON` };
    }
  }
  return { found: false, reason: `no workflow run of commit ${sha} uploaded an artifact named ${name}` };
}
