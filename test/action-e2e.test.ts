/**
 * The Action, bundled from the current source (the build:action command, into a temp file — the
 * committed action/dist is rebuilt by the lead), run as a runner runs it: a child `node index.js`
 * with GITHUB_EVENT_PATH / GITHUB_EVENT_NAME / INPUT_* / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY,
 * talking to a loopback mock of the API whose git data comes from a real repository built from the
 * fixture. Event payloads are GitHub's own examples from @octokit/webhooks-examples, adjusted, for
 * every event of the README's workflow recipe — which is itself checked against what the Action
 * handles.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HANDLED } from '../action/events.js';
import { bundleAction, runBundledAction } from './helpers/action-run.js';
import { pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { review, type MockPull, type PullsState } from './helpers/mock-pulls.js';
import { REPO_ROOT, tempDir, type TempRepo } from './helpers/repo.js';
const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: { action?: string; [k: string]: unknown }[];
}[];

function example(event: string, action: string): Record<string, any> {
  const e = examples.find((x) => x.name === event)!.examples.find((x) => x.action === action)!;
  return structuredClone(e) as Record<string, any>;
}

const CSO = 'dr-amara-okafor';
let bundleDir: string;
let bundle: string;
let h: GateHarness;
let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;
let work: string;

beforeAll(() => {
  bundleDir = tempDir('clinsafe-action-bundle-');
  bundle = join(bundleDir, 'index.js');
  // The same build the committed bundle comes from (npm run build:action), into a temp file.
  const script = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
    'build:action'
  ]!;
  expect(script).toBe('node scripts/bundle.mjs action');
  bundleAction(bundle);
}, 120_000);

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

beforeEach(async () => {
  ({ gh, repo, pulls, base } = h = await startGateHarness({ botLogin: 'github-actions[bot]' }));
  work = tempDir('clinsafe-action-');
});

afterEach(async () => {
  await h.stop();
  rmSync(work, { recursive: true, force: true });
});

const runAction = (eventName: string, payload: Record<string, any>, inputs: Record<string, string> = {}) =>
  runBundledAction({
    bundle,
    work,
    timeoutMs: 60_000,
    apiUrl: gh.baseUrl,
    botLogin: 'github-actions[bot]',
    eventName,
    payload,
    env: {
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_RUN_ID: '4242',
      GITHUB_SHA: base,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKFLOW: 'clinical safety gate',
      GITHUB_ACTOR: 'dev-sam',
    },
    inputs,
  });

function setPull(head: string, extra: Partial<MockPull> = {}) {
  pulls.pulls.set(7, pullFromRepo(repo, { number: 7, author: 'dev-sam', base, head }, { headLabel: 'dev-sam:feature', ...extra }));
}

function withRepository(payload: Record<string, any>): Record<string, any> {
  payload.repository.name = gh.repo;
  payload.repository.full_name = `${gh.owner}/${gh.repo}`;
  payload.repository.owner.login = gh.owner;
  payload.repository.default_branch = 'main';
  return payload;
}

/** A pull_request_target payload for PR #7 at `head`. */
function prEvent(head: string, action = 'opened'): Record<string, any> {
  const payload = example('pull_request', 'opened');
  payload.action = action;
  payload.number = 7;
  payload.pull_request.number = 7;
  payload.pull_request.state = 'open';
  payload.pull_request.head.sha = head;
  payload.pull_request.base.sha = base;
  return withRepository(payload);
}

/** The recipe's review path: the trigger workflow (run by pull_request_review) completed. */
function reviewRun(head: string, pullRequests: { number: number; head: { sha: string } }[]): Record<string, any> {
  const payload = example('workflow_run', 'completed');
  payload.workflow_run.event = 'pull_request_review';
  payload.workflow_run.name = 'clinical safety review trigger';
  payload.workflow_run.head_sha = head;
  payload.workflow_run.head_branch = 'feature';
  payload.workflow_run.head_repository.owner.login = 'dev-sam';
  payload.workflow_run.pull_requests = pullRequests;
  return withRepository(payload);
}

function queued(sha: string, pr: number): Record<string, any> {
  const payload = example('merge_group', 'checks_requested');
  payload.merge_group.head_sha = sha;
  payload.merge_group.head_ref = `refs/heads/gh-readonly-queue/main/pr-${pr}-${base}`;
  payload.merge_group.base_sha = base;
  return withRepository(payload);
}

const onSha = (sha: string) => gh.statuses.filter((s) => s.sha === sha);

describe('the README recipe', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = (file: string) => {
    const at = readme.indexOf(`\`.github/workflows/${file}\``);
    expect(at).toBeGreaterThan(0);
    const m = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at))!;
    return parse(m[1]!) as {
      name: string;
      on: Record<string, { types?: string[]; workflows?: string[] } | null>;
      permissions: unknown;
      jobs: Record<string, { steps: Record<string, unknown>[] }>;
    };
  };
  const gate = block('clinical-safety.yml');
  const trigger = block('clinical-safety-review-trigger.yml');

  it('runs the gate only on events whose code and token come from the default branch, all of them handled', () => {
    expect(Object.keys(gate.on).sort()).toEqual(['merge_group', 'pull_request_target', 'workflow_run']);
    for (const [event, spec] of Object.entries(gate.on)) {
      expect(HANDLED[event], event).toBeDefined();
      for (const t of spec?.types ?? []) expect(HANDLED[event], `${event}.${t}`).toContain(t);
    }
    // The review trigger, and the CI workflow of docs/evidence.md that records test results for the head commit.
    const evidenceDoc = readFileSync(join(REPO_ROOT, 'docs/evidence.md'), 'utf8');
    const ci = parse(/```yaml\n(name: [\s\S]*?)```/.exec(evidenceDoc)![1]!) as { name: string; on: Record<string, unknown> };
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(gate.on.workflow_run!.workflows).toEqual([trigger.name, ci.name]);
    expect((gate.permissions as Record<string, string>).actions).toBe('read');
    expect((gate.permissions as Record<string, string>).checks).toBe('read');
    const steps = Object.values(gate.jobs).flatMap((j) => j.steps);
    expect(steps.some((s) => String(s.uses ?? '').startsWith('actions/checkout'))).toBe(false);
    expect(steps.some((s) => 'run' in s)).toBe(false);
  });

  it('the review trigger has no permissions and runs no code from the pull request', () => {
    expect(trigger.permissions).toEqual({});
    expect(Object.keys(trigger.on)).toEqual(['pull_request_review']);
    for (const t of trigger.on.pull_request_review!.types!) expect(HANDLED.pull_request_review).toContain(t);
    const steps = Object.values(trigger.jobs).flatMap((j) => j.steps);
    expect(steps.every((s) => !('uses' in s) && !String(s.run).includes('${{'))).toBe(true);
  });
});

describe('the bundled Action, run as a runner runs it', () => {
  it('pull_request_target opened touching a hazard: pending first, the comment, outputs and the job summary', async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    setPull(head);
    const r = await runAction('pull_request_target', prEvent(head));
    expect(r.code).toBe(0);
    // Before pending: one query carrying the commit's own statuses (none yet), so pending is written and its facts
    // are not used; the facts are read again after it.
    expect(gh.requests[0]).toMatchObject({ method: 'POST', path: '/graphql' });
    expect(gh.requests[1]).toMatchObject({ method: 'POST', path: `/repos/acme/medrec/statuses/${head}` });
    expect(gh.requests[2]).toMatchObject({ method: 'POST', path: '/graphql' });
    expect(gh.statuses).toEqual([
      expect.objectContaining({ sha: head, state: 'pending', description: 'clinsafe is evaluating…' }),
      {
        sha: head,
        state: 'pending',
        context: 'clinsafe/cso-approval',
        description: expect.stringMatching(/needs approval by a Clinical Safety Officer/),
        target_url: 'https://github.com/acme/medrec/actions/runs/4242',
      },
    ]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('Needs approval by a Clinical Safety Officer');
    expect(r.outputs.decision).toBe('pending');
    expect(r.outputs['requires-approval']).toBe('true');
    const impacted = JSON.parse(r.outputs.impacted!) as { id: string }[];
    expect(impacted.map((h) => h.id)).toContain('H-001');
    expect(r.summary).toContain('Hazards this change touches');
  }, 60_000);

  it('workflow_run after a CSO review (same-repository pull request): the status on the head turns success', async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    setPull(head);
    await runAction('pull_request_target', prEvent(head));
    pulls.pulls.get(7)!.reviews.push(review(CSO, 'APPROVED', head));
    const r = await runAction('workflow_run', reviewRun(head, [{ number: 7, head: { sha: head } }]));
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('approved');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('Approved by Clinical Safety Officer Dr Amara Okafor');
    // The second run finds the commit pending already, so it does not mark it again: it decides.
    expect(onSha(head).map((s) => s.state)).toEqual(['pending', 'pending', 'success']);
    expect(gh.requests.some((r) => r.path === '/repos/acme/medrec/pulls')).toBe(false);
  }, 60_000);

  it("workflow_run for a fork's pull request (GitHub lists no pull request): found by its head, then decided", async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    setPull(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const r = await runAction('workflow_run', reviewRun(head, []));
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('approved');
    expect(gh.requests.find((x) => x.path === '/repos/acme/medrec/pulls')?.query.get('head')).toBe('dev-sam:feature');
    expect(onSha(head).at(-1)).toMatchObject({ state: 'success' });
  }, 60_000);

  it('pull_request_target edited: a title edit does nothing; a retarget is a new evaluation from pending', async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    setPull(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const title = prEvent(head, 'edited');
    title.changes = { title: { from: 'old' } };
    expect((await runAction('pull_request_target', title)).code).toBe(0);
    expect(gh.requests).toHaveLength(0);
    const retarget = prEvent(head, 'edited');
    retarget.changes = { base: { ref: { from: 'lax' }, sha: { from: base } } };
    const r = await runAction('pull_request_target', retarget);
    expect(r.outputs.decision).toBe('approved');
    expect(onSha(head).map((s) => s.state)).toEqual(['pending', 'success']);
  }, 60_000);

  it('an event whose head is no longer the pull request head: pending stays, no success, the job passes with a notice', async () => {
    repo.write('docs/notes.md', 'notes\n');
    const old = repo.commit('docs');
    repo.write('docs/more.md', 'more\n');
    const head = repo.commit('more docs');
    setPull(head);
    const r = await runAction('pull_request_target', prEvent(old, 'synchronize'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/::notice::clinsafe gate: the pull request's head is now/);
    expect(gh.statuses.map((s) => [s.sha, s.state])).toEqual([[old, 'pending']]);
  }, 60_000);

  it("merge_group: the queued commit gets the pull request's decision, derived afresh", async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    repo.git('checkout', '-q', '-b', 'gh-readonly-queue/main/pr-7', base);
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge pull request #7');
    const queuedSha = repo.git('rev-parse', 'HEAD').trim();
    setPull(head);
    // Not approved: the queued commit fails (the queue drops the entry rather than waiting forever).
    let r = await runAction('merge_group', queued(queuedSha, 7));
    expect(onSha(queuedSha).map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(onSha(queuedSha).at(-1)!.description).toMatch(/pull request #7 is not cleared/);
    expect(r.code).toBe(1);
    // Approved on its head: success on the queued commit; nothing on the pull request's head, no comment.
    pulls.pulls.get(7)!.reviews.push(review(CSO, 'APPROVED', head));
    r = await runAction('merge_group', queued(queuedSha, 7));
    expect(r.code).toBe(0);
    expect(onSha(queuedSha).at(-1)).toMatchObject({ state: 'success', description: expect.stringMatching(/^#7: Approved by CSO/) });
    expect(onSha(head)).toEqual([]);
    expect(gh.comments).toHaveLength(0);
  }, 60_000);

  it('an API that keeps failing: pending, then failure, and the job fails with a plain message', async () => {
    repo.write('docs/notes.md', 'notes\n');
    const head = repo.commit('docs');
    setPull(head);
    gh.on('POST', '/graphql', () => ({ status: 503, body: { message: 'unavailable' } }));
    const r = await runAction('pull_request_target', prEvent(head));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::clinsafe gate: GitHub's API kept failing \(HTTP 503\)/);
    // The first query (1 + 3 retries: unreadable, so pending is written), then the facts again (1 + 3).
    expect(gh.requests.filter((x) => x.path === '/graphql')).toHaveLength(8);
    expect(onSha(head).map((s) => s.state)).toEqual(['pending', 'failure']);
  }, 90_000);

  it('ignores events it does not handle', async () => {
    const payload = example('pull_request', 'closed');
    const r = await runAction('pull_request_target', payload);
    expect(r.code).toBe(0);
    expect(gh.requests).toHaveLength(0);
  });
});
