/**
 * `npm start` as an operator runs it: the built server, configured only by environment variables,
 * answers a signed webhook and refuses a forged one. GitHub is the loopback mock (GHE_HOST).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appPrivateKey, freePort, sign, WEBHOOK_SECRET } from './helpers/app-server.js';
import { MockGitHub } from './helpers/mock-github.js';
import { example, user } from './helpers/payloads.js';
import { groupAlive, startProcess, stopProcess, type Tracked } from './helpers/processes.js';
import { fixtureRepo, REPO_ROOT, type TempRepo } from './helpers/repo.js';

let server: Tracked;
let gh: MockGitHub;
let repo: TempRepo;
let url: string;

beforeAll(async () => {
  repo = fixtureRepo();
  gh = new MockGitHub();
  await gh.start();
  gh.gitDir = repo.dir;
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = startProcess('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      APP_ID: '1',
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      GHE_HOST: gh.baseUrl.replace(/^http:\/\//, ''),
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`npm start did not listen on ${url}:\n${server.output()}`);
}, 30_000);

afterAll(async () => {
  await stopProcess(server);
  await gh?.stop();
  repo?.cleanup();
});

async function post(payload: object, signature?: string) {
  const body = JSON.stringify(payload);
  return fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': signature ?? sign(body),
    },
    body,
  });
}

it('refuses a forged delivery and handles a signed one', async () => {
  const issue = gh.addUserIssue(
    'ward-nurse-1',
    'Allergy not displayed',
    'Penicillin allergy from the GP record was not displayed at reconciliation.',
    ['clinical-incident'],
  );
  const p = example('issues', 'opened');
  p.issue = {
    ...p.issue,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    labels: issue.labels,
    user: user('ward-nurse-1'),
    created_at: issue.created_at,
    html_url: issue.html_url,
  };

  const forged = await post(p, sign(JSON.stringify(p), 'guessed-secret'));
  expect(forged.status).toBeGreaterThanOrEqual(400);
  expect(gh.writes()).toEqual([]);

  const res = await post(p);
  expect(res.status).toBe(200);
  expect(gh.comments.filter((c) => c.issue_number === issue.number && c.user.type === 'Bot')).toHaveLength(1);
}, 30_000);

it('stopping `npm start` ends the server it started, not only npm', async () => {
  const pgid = server.child.pid!;
  const before = await fetch(`${url}/ping`);
  expect(before.ok).toBe(true);
  await stopProcess(server);
  expect(groupAlive(pgid)).toBe(false);
  await expect(fetch(`${url}/ping`)).rejects.toThrow();
});
