/**
 * The App's side of evidence: find the artifact clinsafe-evidence-<sha> through the Actions API
 * of a loopback GitHub (workflow runs for the head SHA → artifacts → 302 → real zip), bounded,
 * and decide whether the record in it is evidence for the release commit.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchEvidence } from '../src/core/evidence.js';
import { evidenceFor, parseEvidenceRecord } from '../src/core/evidence-record.js';
import type { GitHubClient } from '../src/github/client.js';
import { EVIDENCE_LIMITS, findEvidenceArtifact } from '../src/github/evidence-artifacts.js';
import { evidenceJson } from '../src/usecases/record-evidence.js';
import { mockActions, zipOf, type MockRun } from './helpers/mock-actions.js';
import { MockGitHub } from './helpers/mock-github.js';

const SHA = '1'.repeat(40);
const OTHER = '2'.repeat(40);
let gh: MockGitHub;
let client: GitHubClient;
const repo = { owner: 'acme', repo: 'medrec' };

beforeEach(async () => {
  gh = new MockGitHub();
  await gh.start();
  client = new Octokit({ baseUrl: gh.baseUrl, auth: 't', request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
});
afterEach(async () => gh.stop());

function record(commit = SHA): object {
  return evidenceJson(
    matchEvidence({
      hazards: [
        {
          id: 'H-001',
          title: 'Wrong patient',
          status: 'open',
          controls: [{ id: 'H-001-C01', description: 'banner', type: 'design', status: 'verified', tests: ['test/a.test.ts'] }],
        },
      ],
      results: [{ report: 'r.xml', suite: 's', classname: 'test/a.test.ts', name: 'a > b', file: 'test/a.test.ts', outcome: 'passed' }],
      reports: 1,
      commit,
      when: '2026-11-29T10:00:00Z',
      where: 'https://github.com/acme/medrec/actions/runs/7',
    }),
  );
}

const artifact = async (id: number, json: object | string, extra: Partial<MockRun['artifacts'][number]> = {}) => ({
  id,
  name: `clinsafe-evidence-${SHA}`,
  zip: await zipOf({ 'evidence.json': typeof json === 'string' ? json : JSON.stringify(json), 'evidence.md': '# x\n' }),
  ...extra,
});

describe('finding the evidence artifact of a commit', () => {
  it('follows workflow runs → artifacts → the redirected zip, and reads evidence.json', async () => {
    mockActions(gh, [
      { id: 6, head_sha: SHA, created_at: '2026-11-29T09:00:00Z', artifacts: [] },
      { id: 7, head_sha: SHA, created_at: '2026-11-29T10:00:00Z', artifacts: [await artifact(70, record())] },
      { id: 8, head_sha: OTHER, artifacts: [await artifact(80, record(OTHER))] },
    ]);
    const found = await findEvidenceArtifact(client, repo, SHA);
    expect(found).toMatchObject({ found: true, runUrl: 'https://github.com/acme/medrec/actions/runs/7', artifactId: 70 });
    const paths = gh.requests.map((r) => `${r.path}${r.query.toString() ? `?${r.query}` : ''}`);
    expect(paths).toEqual([
      `/repos/acme/medrec/actions/runs?head_sha=${SHA}&per_page=100`,
      `/repos/acme/medrec/actions/runs/7/artifacts?name=clinsafe-evidence-${SHA}&per_page=100`,
      '/repos/acme/medrec/actions/artifacts/70/zip',
      '/blob-storage/artifact-70.zip',
    ]);
    const parsed = parseEvidenceRecord((found as { json: unknown }).json);
    expect('record' in parsed && evidenceFor(parsed.record, SHA)).toMatchObject({ record: { commit: SHA, counts: { verified: 1 } } });
  });

  it('skips expired artifacts and says plainly when there is none', async () => {
    mockActions(gh, [{ id: 7, head_sha: SHA, artifacts: [await artifact(70, record(), { expired: true })] }]);
    expect(await findEvidenceArtifact(client, repo, SHA)).toEqual({
      found: false,
      reason: `no workflow run of commit ${SHA} uploaded an artifact named clinsafe-evidence-${SHA}`,
    });
    expect(await findEvidenceArtifact(client, repo, OTHER)).toEqual({
      found: false,
      reason: `no completed workflow run for commit ${OTHER}`,
    });
  });

  it('refuses an oversized artifact before downloading it, and a zip bomb while inflating', async () => {
    mockActions(gh, [{ id: 7, head_sha: SHA, artifacts: [await artifact(70, record(), { declaredSize: 21 * 1024 * 1024 })] }]);
    const big = await findEvidenceArtifact(client, repo, SHA);
    expect(big).toMatchObject({ found: false, reason: expect.stringContaining('more than the 20971520 clinsafe downloads') });
    expect(gh.requests.some((r) => r.path.endsWith('/zip'))).toBe(false);

    await gh.stop();
    gh = new MockGitHub();
    await gh.start();
    client = new Octokit({ baseUrl: gh.baseUrl, auth: 't', request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
    const bomb = JSON.stringify({ pad: ' '.repeat(5 * 1024 * 1024) });
    mockActions(gh, [{ id: 7, head_sha: SHA, artifacts: [await artifact(70, bomb)] }]);
    const r = await findEvidenceArtifact(client, repo, SHA, { ...EVIDENCE_LIMITS, maxJsonBytes: 1024 * 1024 });
    expect(r).toMatchObject({
      found: false,
      reason: expect.stringContaining('evidence.json inflates to 5242890 bytes, more than the 1048576'),
    });
  });

  it('a broken zip or a non-JSON record is a reason, not a crash', async () => {
    mockActions(gh, [{ id: 7, head_sha: SHA, artifacts: [{ id: 70, name: `clinsafe-evidence-${SHA}`, zip: Buffer.from('not a zip') }] }]);
    expect(await findEvidenceArtifact(client, repo, SHA)).toMatchObject({
      found: false,
      reason: expect.stringContaining('is not a readable zip'),
    });
  });
});

describe('is the record evidence for the release commit?', () => {
  it('a record for another commit is not evidence for this one', () => {
    const parsed = parseEvidenceRecord(record(OTHER));
    expect('record' in parsed && evidenceFor(parsed.record, SHA)).toEqual({
      problem: `the test results are for commit ${OTHER}, not the release commit ${SHA}: they are not evidence for this release`,
    });
  });

  it('a record of the wrong shape is refused with the field that is wrong', () => {
    expect(parseEvidenceRecord({ format: 'clinsafe-evidence', version: 1, commit: 'HEAD' })).toEqual({
      problem: 'is not a clinsafe evidence record (commit: Invalid string: must match pattern /^[0-9a-f]{40}$/)',
    });
    expect(parseEvidenceRecord({ ...record(), where: 'javascript:alert(1)' })).toMatchObject({ problem: expect.stringContaining('where') });
  });
});
