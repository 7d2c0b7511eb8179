/**
 * Test results that arrive after the gate ran (issue 15), in app mode: the real App server gets a
 * signed workflow_run.completed for the CI run that uploaded clinsafe-evidence-<head SHA>, runs the
 * gate again for the pull request whose head that is, and the one sticky comment now shows the
 * results. A run that uploaded no evidence re-runs nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { collectEvidence, evidenceArtifactName, evidenceJson } from '../src/usecases/record-evidence.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import { mockActions, zipOf, type MockRun } from './helpers/mock-actions.js';
import { pullFromRepo } from './helpers/gate-harness.js';
import { mockPulls, type MockPull } from './helpers/mock-pulls.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let app: RunningApp;
let repo: TempRepo;
let pr: MockPull;
let head: string;

beforeEach(async () => {
  repo = fixtureRepo();
  const base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('checkout', '-q', '-b', 'mapper');
  repo.write('src/gp-connect/mapper.ts', 'export const changed = true;\n');
  head = repo.commit('change the GP Connect mapper');
  app = await startApp(createApp());
  app.github.gitDir = repo.dir;
  pr = pullFromRepo(repo, { number: 21, author: 'dev-sam', base, head, commitSha: true }, { headLabel: 'contributor:mapper' });
  mockPulls(app.github, [pr]);
}, 60_000);

afterEach(async () => {
  await app?.stop();
  repo?.cleanup();
});

function opened() {
  const p = example('pull_request', 'opened');
  p.number = pr.number;
  p.pull_request = {
    ...p.pull_request,
    number: pr.number,
    state: 'open',
    user: user(pr.author),
    head: { ...p.pull_request.head, sha: head, ref: 'mapper' },
    base: { ...p.pull_request.base, sha: pr.baseSha, ref: 'main' },
    labels: [],
  };
  return p;
}

function workflowRun(runId: number, pulls: { number: number; head: { sha: string } }[], fork?: { owner: string; branch: string }) {
  const p = example('workflow_run', 'completed');
  p.workflow_run = {
    ...p.workflow_run,
    id: runId,
    name: 'ci',
    event: 'pull_request',
    status: 'completed',
    conclusion: 'failure',
    head_sha: head,
    head_branch: fork?.branch ?? 'mapper',
    pull_requests: pulls,
    head_repository: { ...(p.workflow_run?.head_repository ?? {}), owner: { login: fork?.owner ?? 'acme' } },
  };
  return p;
}

async function ciRun(id: number): Promise<MockRun> {
  const record = await collectEvidence({
    junit: ['reports/junit/*.xml'],
    cwd: repo.dir,
    root: repo.dir,
    commit: head,
    dir: 'clinical-safety',
    env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/medrec', GITHUB_RUN_ID: String(id) },
    report: () => undefined,
  });
  const zip = await zipOf({ 'evidence.json': JSON.stringify(evidenceJson(record!)) });
  return { id, head_sha: head, event: 'pull_request', artifacts: [{ id: id * 10, name: evidenceArtifactName(head), zip }] };
}

const botComments = () => app.github.comments.filter((c) => c.issue_number === pr.number && c.user.type === 'Bot');

describe('workflow_run.completed in app mode', () => {
  it('a CI run that uploaded the head commit’s test results updates the one gate comment', async () => {
    await app.deliver('pull_request', opened());
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]!.body).toContain(`**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`);

    // No workflow run on the head had completed: "none yet", without looking.
    expect(app.github.requests.filter((r) => r.path.includes('/actions/'))).toEqual([]);

    // The check suite may still show the run in progress (GitHub's views catch up): the event itself says it
    // completed, so the record is looked up whatever the first query shows.
    mockActions(app.github, [{ ...(await ciRun(4242)), status: 'in_progress' }]);
    const statusesBefore = app.github.statuses.length;
    const res = await app.deliver('workflow_run', workflowRun(4242, [{ number: pr.number, head: { sha: head } }]));
    expect([200, 202]).toContain(res.status);
    expect(botComments()).toHaveLength(1);
    const body = botComments()[0]!.body;
    expect(body).not.toContain('No test results recorded');
    expect(body).toContain('[the run](https://github.com/acme/medrec/actions/runs/4242)');
    expect(body).toContain('**1 control of the impacted hazards has failing, skipped or missing tests**: H-002-C01.');
    // The decision is the gate's as before: pending a CSO. The commit already shows it, so nothing is written again.
    expect(app.github.statuses.slice(statusesBefore)).toEqual([]);
    expect(app.github.statuses.filter((s) => s.sha === head).at(-1)).toMatchObject({ state: 'pending' });
  });

  it('a run that uploaded no evidence for its head re-runs nothing: one request, no write', async () => {
    await app.deliver('pull_request', opened());
    mockActions(app.github, [{ id: 77, head_sha: head, artifacts: [] }]);
    app.github.requests.length = 0;
    await app.deliver('workflow_run', workflowRun(77, [{ number: pr.number, head: { sha: head } }]));
    expect(app.github.requests.filter((r) => !r.path.includes('/access_tokens')).map((r) => r.path)).toEqual([
      '/repos/acme/medrec/actions/runs/77/artifacts',
    ]);
    expect(app.github.writes()).toEqual([]);
  });

  it('an installation that refuses the artifact listing (no actions: read yet): the delivery succeeds and nothing is written', async () => {
    await app.deliver('pull_request', opened());
    app.github.on('GET', '/repos/acme/medrec/actions/runs/{id}/artifacts', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    const writes = app.github.writes().length;
    const res = await app.deliver('workflow_run', workflowRun(4242, [{ number: pr.number, head: { sha: head } }]));
    expect([200, 202]).toContain(res.status);
    expect(app.github.writes().length).toBe(writes);
  });

  it("a fork's run (GitHub lists no pull request) finds the open pull request by its head", async () => {
    await app.deliver('pull_request', opened());
    mockActions(app.github, [await ciRun(4343)]);
    await app.deliver('workflow_run', workflowRun(4343, [], { owner: 'contributor', branch: 'mapper' }));
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]!.body).toContain('[the run](https://github.com/acme/medrec/actions/runs/4343)');
  });
});
