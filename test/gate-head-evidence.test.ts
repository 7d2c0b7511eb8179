/**
 * The gate's comment says which impacted controls have failing or missing tests on the head
 * commit (issue 15), end to end over the loopback GitHub: a real git repository of the example
 * product, its real JUnit report matched at the head commit, the record zipped for real and served
 * as the artifact clinsafe-evidence-<head SHA>. The status stays decided by CSO approval alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectEvidence, evidenceArtifactName, evidenceJson } from '../src/usecases/record-evidence.js';
import { mockActions, zipOf, type MockRun } from './helpers/mock-actions.js';
import { gateOn, pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { review, type PullsState } from './helpers/mock-pulls.js';
import type { TempRepo } from './helpers/repo.js';

const CSO = 'dr-amara-okafor';
const DEV = 'dev-sam';

let h: GateHarness;
let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;

beforeEach(async () => {
  ({ gh, repo, pulls, base } = h = await startGateHarness());
});

afterEach(() => h.stop());

function pullWith(path: string, reviews: ReturnType<typeof review>[] = []): string {
  repo.write(path, 'export const changed = true;\n');
  const head = repo.commit(`change ${path}`);
  pulls.pulls.set(7, pullFromRepo(repo, { number: 7, author: DEV, base, head }, { reviews }));
  return head;
}

const gate = () => gateOn(gh, { report: 'status' });
const actionsRequests = () => gh.requests.filter((r) => r.path.includes('/actions/') || r.path.startsWith('/blob-storage/'));

/** The CI's record for `commit`: the example product's real JUnit report, matched at that commit. */
async function ciArtifact(commit: string, id = 501, files?: Record<string, string | Buffer>): Promise<MockRun> {
  const record = await collectEvidence({
    junit: ['reports/junit/*.xml'],
    cwd: repo.dir,
    root: repo.dir,
    commit,
    dir: 'clinical-safety',
    env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/medrec', GITHUB_RUN_ID: '4242' },
    report: () => undefined,
    when: 'from-reports',
  });
  const zip = await zipOf(files ?? { 'evidence.json': JSON.stringify(evidenceJson(record!)), 'evidence.md': '# evidence\n' });
  return { id: 4242, head_sha: commit, event: 'pull_request', artifacts: [{ id, name: evidenceArtifactName(commit), zip }] };
}

describe('the gate comment: test results on the head commit', () => {
  it('no impacted control links tests: no section and not one Actions request', async () => {
    pullWith('src/notifications/tier.ts'); // H-009: its controls link no tests
    const out = await gate();
    expect(out.decision).toBe('pending');
    expect(out.impacted.map((h) => h.id)).toEqual(['H-009']);
    expect(gh.comments[0]!.body).not.toContain('Test results on the head commit');
    expect(actionsRequests()).toEqual([]);
  });

  it('no artifact for the head yet: says so, in one request; the status is still pending', async () => {
    const head = pullWith('src/gp-connect/mapper.ts'); // H-002, H-003, H-004: their controls link tests
    const out = await gate();
    expect(out.decision).toBe('pending');
    const body = gh.comments[0]!.body;
    expect(body).toContain('#### Test results on the head commit');
    expect(body).toContain(`**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`);
    expect(body).toContain('H-004-C01');
    expect(actionsRequests().map((r) => `${r.path}?${r.query}`)).toEqual([
      `/repos/acme/medrec/actions/artifacts?name=clinsafe-evidence-${head}&per_page=10`,
    ]);
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'pending' });
  });

  it("the CI's record: names the controls with failing or missing tests; list + download only", async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    mockActions(gh, [await ciArtifact(head)]);
    const out = await gate();
    expect(out.decision).toBe('pending');
    const body = gh.comments[0]!.body;
    expect(body).toContain('From the test results the CI recorded for head commit');
    expect(body).toContain('[the run](https://github.com/acme/medrec/actions/runs/4242)');
    // The example product's report: the medication table suite fails; dose units and the allergy tag pass.
    expect(body).toContain('**1 control of the impacted hazards has failing, skipped or missing tests**: H-002-C01.');
    expect(body).toMatch(/\| H-002-C01 +\| H-002 +\| ❌ failing +\| 1 +\| 0 +\| 0 +\| 0 +\|/);
    expect(body).toMatch(/\| H-004-C01 +\| H-004 +\| ✅ all passed +\| 0 +\| 0 +\| 0 +\| 2 +\|/);
    expect(body).toContain('- H-002-C01: `test/medication-table.spec.ts` — failing (1 of 1 test case failed)');
    expect(body).not.toContain('No test results recorded');
    // Two API requests: the list and the zip (GitHub answers the zip with a redirect to its storage).
    expect(actionsRequests().map((r) => r.path)).toEqual([
      '/repos/acme/medrec/actions/artifacts',
      '/repos/acme/medrec/actions/artifacts/501/zip',
      '/blob-storage/artifact-501.zip',
    ]);
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'pending' });
  });

  it('failing tests do not block an approved pull request; the section still shows them', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    pulls.pulls.get(7)!.reviews = [review(CSO, 'APPROVED', head)];
    mockActions(gh, [await ciArtifact(head)]);
    const out = await gate();
    expect(out.decision).toBe('approved');
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'success' });
    expect(gh.comments[0]!.body).toContain('#### Test results on the head commit');
  });

  it('a record for another commit uploaded under the head name is not evidence for the head', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    const other = await ciArtifact(base);
    mockActions(gh, [{ ...other, head_sha: head, artifacts: [{ ...other.artifacts[0]!, name: evidenceArtifactName(head) }] }]);
    await gate();
    expect(gh.comments[0]!.body).toContain(
      `**Could not read test results:** the record is for commit ${base.slice(0, 12)}, not the head commit ${head.slice(0, 12)}.`,
    );
  });

  it("an artifact named for the head but uploaded by another commit's run is not looked at", async () => {
    // Any workflow can name its artifact clinsafe-evidence-<any SHA>: only a run of the head itself counts.
    const head = pullWith('src/gp-connect/mapper.ts');
    const forged = await ciArtifact(head);
    mockActions(gh, [{ ...forged, head_sha: base }]);
    await gate();
    expect(gh.comments[0]!.body).toContain(`**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`);
    expect(actionsRequests().map((r) => r.path)).toEqual(['/repos/acme/medrec/actions/artifacts']);
  });

  it('an unreadable artifact or a failing API: "could not read test results", never a pass, never a gate failure', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    mockActions(gh, [await ciArtifact(head, 502, { 'evidence.json': '{ not json' })]);
    let out = await gate();
    expect(out.decision).toBe('pending');
    expect(gh.comments[0]!.body).toContain(
      `**Could not read test results:** evidence.json in the artifact clinsafe-evidence-${head} is not JSON.`,
    );
    expect(gh.comments[0]!.body).toContain('read this as no results, not as passing');

    gh.on('GET', '/repos/acme/medrec/actions/artifacts', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    out = await gate();
    expect(out.decision).toBe('pending');
    expect(out.problem).toBeUndefined();
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'pending' });
    expect(gh.comments[0]!.body).toContain('**Could not read test results:** GitHub refused access while listing the artifacts named');
    expect(gh.comments[0]!.body).toContain('the token needs actions: read');
  });
});

describe('the lookup only when a workflow run on the head could have uploaded the record', () => {
  // As the App and the Action run it: the event names the head commit, so the first query carries its check suites.
  const gateAt = (head: string, runCompleted?: boolean) =>
    gateOn(gh, { report: 'status', headSha: head, baseSha: base, ...(runCompleted ? { runCompleted } : {}) });
  const none = (head: string) => `**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`;

  it('no workflow run on the head has completed: "none recorded yet", and not one Actions request', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    const running = await ciArtifact(head);
    mockActions(gh, [{ ...running, status: 'in_progress' }]); // its artifact may already be listed: still not looked up
    const out = await gateAt(head);
    expect(out.decision).toBe('pending');
    expect(gh.comments[0]!.body).toContain(none(head));
    expect(gh.comments[0]!.body).toContain('H-004-C01');
    expect(actionsRequests()).toEqual([]);
  });

  it('a completed workflow run on the head: the record is looked up and shown', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    mockActions(gh, [await ciArtifact(head)]);
    await gateAt(head);
    expect(gh.comments[0]!.body).toContain('From the test results the CI recorded for head commit');
    expect(actionsRequests().map((r) => r.path)[0]).toBe('/repos/acme/medrec/actions/artifacts');
  });

  it('a completed run that uploaded nothing: one lookup, "none recorded yet"', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    mockActions(gh, [{ id: 77, head_sha: head, event: 'pull_request', artifacts: [] }]);
    await gateAt(head);
    expect(gh.comments[0]!.body).toContain(none(head));
    expect(actionsRequests().map((r) => r.path)).toEqual(['/repos/acme/medrec/actions/artifacts']);
  });

  it('check suites the token may not read (no checks: read): unknown, so the record is looked up; the gate still decides', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    mockActions(gh, [await ciArtifact(head)]);
    pulls.checkSuites = 'forbidden';
    const out = await gateAt(head);
    expect(out.decision).toBe('pending');
    expect(out.problem).toBeUndefined();
    expect(gh.comments[0]!.body).toContain('From the test results the CI recorded for head commit');
  });

  it('a workflow_run event (results may have just arrived): looked up whatever the check suites show', async () => {
    const head = pullWith('src/gp-connect/mapper.ts');
    const running = await ciArtifact(head);
    mockActions(gh, [{ ...running, status: 'in_progress' }]);
    await gateAt(head, true);
    expect(gh.comments[0]!.body).toContain('From the test results the CI recorded for head commit');
  });
});
