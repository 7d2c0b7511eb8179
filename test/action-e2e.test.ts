/**
 * The committed Action bundle, run as a runner runs it: a child `node action/dist/index.js` with
 * GITHUB_EVENT_PATH / GITHUB_EVENT_NAME / INPUT_* / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY, talking to
 * a loopback mock of the API whose git data comes from a real repository built from the fixture.
 * Event payloads are GitHub's own examples from @octokit/webhooks-examples, adjusted.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockGitHub } from './helpers/mock-github.js';
import { filesFromRepo, mockPulls, review, type PullsState } from './helpers/mock-pulls.js';
import { fixtureRepo, REPO_ROOT, tempDir, type TempRepo } from './helpers/repo.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: { action?: string; [k: string]: unknown }[];
}[];

function example(event: string, action: string): Record<string, any> {
  const e = examples.find((x) => x.name === event)!.examples.find((x) => x.action === action)!;
  return structuredClone(e) as Record<string, any>;
}

let gh: MockGitHub;
let repo: TempRepo;
let pulls: PullsState;
let base: string;
let work: string;

beforeEach(async () => {
  repo = fixtureRepo();
  base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('checkout', '-q', '-b', 'feature');
  gh = new MockGitHub();
  gh.gitDir = repo.dir;
  gh.botLogin = 'github-actions[bot]';
  await gh.start();
  pulls = mockPulls(gh);
  work = tempDir('clinsafe-action-');
});

afterEach(async () => {
  await gh.stop();
  repo.cleanup();
});

async function runAction(eventName: string, payload: Record<string, any>, inputs: Record<string, string> = {}) {
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
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.baseUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${gh.baseUrl}/graphql`,
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: base,
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_WORKFLOW: 'clinical safety',
    GITHUB_ACTOR: 'dev-sam',
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
    ({ stdout } = await run(process.execPath, [join(REPO_ROOT, 'action/dist/index.js')], { env, cwd: work, timeout: 60_000 }));
  } catch (e) {
    const err = e as { code: number; stdout: string };
    code = err.code;
    stdout = err.stdout;
  }
  const outputs: Record<string, string> = {};
  const raw = readFileSync(outputPath, 'utf8');
  for (const m of raw.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code, stdout, outputs, summary: readFileSync(summaryPath, 'utf8') };
}

function openPr(head: string, extra: Partial<Parameters<typeof pulls.pulls.set>[1]> = {}) {
  pulls.pulls.set(7, {
    number: 7,
    author: 'dev-sam',
    headSha: head,
    baseSha: base,
    labels: [],
    files: filesFromRepo(repo.dir, base, head),
    reviews: [],
    commits: [{ author: { login: 'dev-sam' }, committer: { login: 'dev-sam' } }],
    ...extra,
  });
  const payload = example('pull_request', 'opened');
  payload.number = 7;
  payload.pull_request.number = 7;
  payload.pull_request.state = 'open';
  payload.pull_request.head.sha = head;
  payload.pull_request.base.sha = base;
  payload.repository.name = gh.repo;
  payload.repository.full_name = `${gh.owner}/${gh.repo}`;
  payload.repository.owner.login = gh.owner;
  return payload;
}

describe('the bundled Action, run as a runner runs it', () => {
  it('pull_request opened touching a hazard: posts the comment, a pending status, outputs and the job summary', async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    const r = await runAction('pull_request', openPr(head));
    expect(r.code).toBe(0);
    expect(gh.statuses).toEqual([
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
  });

  it('pull_request_review submitted by a CSO on the head: the same comment is updated and the status turns success', async () => {
    repo.write('src/patient/banner.ts', 'export const banner = 2;\n');
    const head = repo.commit('change the banner');
    await runAction('pull_request', openPr(head));
    pulls.pulls.get(7)!.reviews.push(review('dr-amara-okafor', 'APPROVED', head));
    const payload = example('pull_request_review', 'submitted');
    payload.pull_request.number = 7;
    payload.pull_request.state = 'open';
    payload.review.state = 'approved';
    payload.review.user.login = 'dr-amara-okafor';
    payload.repository.full_name = `${gh.owner}/${gh.repo}`;
    const r = await runAction('pull_request_review', payload);
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('approved');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('Approved by Clinical Safety Officer Dr Amara Okafor');
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'success' });
  });

  it('pull_request_target with no safety impact: success and no comment', async () => {
    repo.write('docs/notes.md', 'notes\n');
    const head = repo.commit('docs');
    const r = await runAction('pull_request_target', openPr(head));
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('not-required');
    expect(r.outputs['requires-approval']).toBe('false');
    expect(gh.statuses).toEqual([expect.objectContaining({ sha: head, state: 'success' })]);
    expect(gh.comments).toHaveLength(0);
  });

  it('an API that keeps failing: a failure status, and the job fails with a plain message', async () => {
    repo.write('docs/notes.md', 'notes\n');
    const head = repo.commit('docs');
    const payload = openPr(head);
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/files', () => ({ status: 503, body: { message: 'unavailable' } }));
    const r = await runAction('pull_request', payload);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::clinsafe gate: GitHub's API kept failing \(HTTP 503\)/);
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, state: 'failure' });
    expect(gh.statuses.some((s) => s.state === 'success')).toBe(false);
  }, 60_000);

  it('ignores events it does not handle', async () => {
    const payload = example('pull_request', 'closed');
    const r = await runAction('pull_request', payload);
    expect(r.code).toBe(0);
    expect(gh.requests).toHaveLength(0);
  });
});
