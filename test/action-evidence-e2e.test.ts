/**
 * Evidence through the bundled Action (issue 15), run as a runner runs it (a child `node index.js`
 * built from the current source into a temp file, INPUT_* / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY,
 * a loopback GitHub whose git data is a real repository of the example product):
 *
 *   1. the gate on pull_request_target: no test results recorded for the head yet;
 *   2. the product's CI: `mode: evidence` after the tests — the record folder, outputs, job summary;
 *   3. the upload: `actions/upload-artifact` is GitHub's own action (not bundled into clinsafe's) and
 *      talks to GitHub's artifact service, which this loopback does not imitate; the test zips the
 *      folder as that action does (the files at the zip's root) and the loopback serves it as the
 *      artifact of the CI run;
 *   4. the gate on workflow_run (the CI completed): the same comment now shows the results.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleAction, runBundledAction } from './helpers/action-run.js';
import { pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import { mockActions, zipOf } from './helpers/mock-actions.js';
import type { MockGitHub } from './helpers/mock-github.js';
import type { PullsState } from './helpers/mock-pulls.js';
import { tempDir, type TempRepo } from './helpers/repo.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: { action?: string; [k: string]: unknown }[];
}[];

function example(event: string, action: string): Record<string, any> {
  const e = examples.find((x) => x.name === event)!.examples.find((x) => x.action === action)!;
  const p = structuredClone(e) as Record<string, any>;
  p.repository.name = 'medrec';
  p.repository.full_name = 'acme/medrec';
  p.repository.owner.login = 'acme';
  p.repository.default_branch = 'main';
  return p;
}

let bundleDir: string;
let bundle: string;
let h: GateHarness;
let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;
let head: string;
let work: string;

beforeAll(() => {
  bundleDir = tempDir('clinsafe-action-evidence-bundle-');
  bundle = join(bundleDir, 'index.js');
  bundleAction(bundle);
}, 180_000);

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

beforeEach(async () => {
  ({ gh, repo, pulls, base } = h = await startGateHarness({ botLogin: 'github-actions[bot]' }));
  repo.write('src/gp-connect/mapper.ts', 'export const changed = true;\n');
  head = repo.commit('change the GP Connect mapper'); // H-002, H-003, H-004: their controls link tests
  pulls.pulls.set(7, pullFromRepo(repo, { number: 7, author: 'dev-sam', base, head }));
  work = tempDir('clinsafe-action-evidence-');
});

afterEach(async () => {
  await h.stop();
  rmSync(work, { recursive: true, force: true });
});

const runAction = (eventName: string, payload: Record<string, any>, inputs: Record<string, string>, cwd = work) =>
  runBundledAction({
    bundle,
    work,
    cwd,
    timeoutMs: 60_000,
    apiUrl: gh.baseUrl,
    botLogin: 'github-actions[bot]',
    eventName,
    payload,
    env: { GITHUB_REPOSITORY: 'acme/medrec', GITHUB_RUN_ID: '5151', GITHUB_WORKSPACE: repo.dir },
    inputs,
  });

function prEvent(): Record<string, any> {
  const p = example('pull_request', 'opened');
  p.number = 7;
  p.pull_request.number = 7;
  p.pull_request.state = 'open';
  p.pull_request.head.sha = head;
  p.pull_request.base.sha = base;
  return p;
}

/** The CI workflow (docs/evidence.md, `name: ci`, on pull_request) completed for the head. */
function ciCompleted(): Record<string, any> {
  const p = example('workflow_run', 'completed');
  p.workflow_run.event = 'pull_request';
  p.workflow_run.name = 'ci';
  p.workflow_run.id = 5151;
  p.workflow_run.head_sha = head;
  p.workflow_run.head_branch = 'feature';
  p.workflow_run.pull_requests = [{ number: 7, head: { sha: head } }];
  return p;
}

describe('evidence through the bundled Action', () => {
  it('the CI records the head commit’s results; once uploaded, the gate comment shows them', async () => {
    // 1. The gate runs before the CI has finished.
    let r = await runAction('pull_request_target', prEvent(), {});
    expect(r.code).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain(`**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`);

    // 2. The product's CI, after its tests: mode: evidence in the checkout of the head.
    r = await runAction('pull_request', prEvent(), { mode: 'evidence', junit: 'reports/**/*.xml' }, repo.dir);
    expect(r.code).toBe(0);
    expect(r.outputs['artifact-name']).toBe(`clinsafe-evidence-${head}`);
    expect(r.outputs['needs-attention']).toBe('true');
    expect(r.stdout).toMatch(/::warning::clinsafe evidence: linked tests failed/);
    expect(r.summary).toContain('## Verification evidence');
    const dir = r.outputs['evidence-dir']!;
    expect(readdirSync(dir).sort()).toEqual(['evidence.json', 'evidence.md']);
    const record = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as { commit: string; where: string };
    expect(record).toMatchObject({ commit: head, where: 'https://github.com/acme/medrec/actions/runs/5151' });

    // 3. actions/upload-artifact's part: the folder's files at the root of a zip, as the run's artifact.
    const zip = await zipOf(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))])));
    mockActions(gh, [{ id: 5151, head_sha: head, event: 'pull_request', artifacts: [{ id: 61, name: r.outputs['artifact-name']!, zip }] }]);

    // 4. The gate again, on workflow_run of the CI: the one comment now says what the CI recorded.
    r = await runAction('workflow_run', ciCompleted(), {});
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('pending');
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(body).not.toContain('No test results recorded');
    expect(body).toContain('[the run](https://github.com/acme/medrec/actions/runs/5151)');
    expect(body).toContain('**1 control of the impacted hazards has failing, skipped or missing tests**: H-002-C01.');
    expect(r.summary).toContain('#### Test results on the head commit');
    expect(gh.statuses.filter((s) => s.sha === head).at(-1)).toMatchObject({ state: 'pending' });
  }, 120_000);
});
