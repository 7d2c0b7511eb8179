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
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockActions, zipOf } from './helpers/mock-actions.js';
import { MockGitHub } from './helpers/mock-github.js';
import { filesFromRepo, mockPulls, type PullsState } from './helpers/mock-pulls.js';
import { fixtureRepo, REPO_ROOT, tempDir, type TempRepo } from './helpers/repo.js';

const run = promisify(execFile);
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
let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;
let head: string;
let work: string;

beforeAll(() => {
  bundleDir = tempDir('clinsafe-action-evidence-bundle-');
  bundle = join(bundleDir, 'index.js');
  execFileSync(process.execPath, ['scripts/bundle.mjs', 'action', '--outfile', bundle], { cwd: REPO_ROOT, stdio: 'pipe' });
}, 180_000);

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

beforeEach(async () => {
  repo = fixtureRepo();
  base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('src/gp-connect/mapper.ts', 'export const changed = true;\n');
  head = repo.commit('change the GP Connect mapper'); // H-002, H-003, H-004: their controls link tests
  gh = new MockGitHub();
  gh.gitDir = repo.dir;
  gh.botLogin = 'github-actions[bot]';
  await gh.start();
  pulls = mockPulls(gh);
  pulls.pulls.set(7, {
    number: 7,
    author: 'dev-sam',
    headSha: head,
    baseSha: base,
    labels: [],
    files: filesFromRepo(repo.dir, base, head),
    reviews: [],
    commits: [{ author: { login: 'dev-sam' }, committer: { login: 'dev-sam' } }],
  });
  work = tempDir('clinsafe-action-evidence-');
});

afterEach(async () => {
  await gh.stop();
  repo.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function runAction(eventName: string, payload: Record<string, any>, inputs: Record<string, string>, cwd = work) {
  const eventPath = join(work, 'event.json');
  const outputPath = join(work, 'output');
  const summaryPath = join(work, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/medrec',
    GITHUB_API_URL: gh.baseUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${gh.baseUrl}/graphql`,
    GITHUB_RUN_ID: '5151',
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: work,
    NO_PROXY: '127.0.0.1,localhost',
    'INPUT_GITHUB-TOKEN': 'ghs_test',
    'INPUT_SAFETY-DIR': 'clinical-safety',
    'INPUT_BOT-LOGIN': 'github-actions[bot]',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await run(process.execPath, [bundle], { env, cwd, timeout: 60_000 }));
  } catch (e) {
    ({ code, stdout } = e as { code: number; stdout: string });
  }
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(outputPath, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code, stdout, outputs, summary: readFileSync(summaryPath, 'utf8') };
}

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
