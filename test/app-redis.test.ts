/**
 * Two App instances sharing a real Redis (Debian's redis-server, started and stopped here) receive
 * the same webhook deliveries at the same moment, and converge: one open sign-off issue, one reply
 * comment, one set of release assets. Probot's `redisConfig` (REDIS_URL when deployed) leaves
 * octokit's throttling plugin on and clusters its Bottleneck limiters through Redis; the test
 * reads Bottleneck's keys back from Redis to show the connection was really used.
 *
 * Note: both servers run in this one process (test/helpers/app-server.ts), so they also share the
 * throttling plugin's module-level limiter groups; what makes them converge is not Redis but the
 * marker look-ups before and after every write (src/github/idempotent-writes.ts). Redis shares
 * GitHub's rate limits between instances; it is not a lock.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import { MockGitHub, type MockRelease } from './helpers/mock-github.js';
import { example, user } from './helpers/payloads.js';
import { startRedis, type RunningRedis } from './helpers/redis.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';
import { describeWithTools, REDIS } from './helpers/system-tools.js';

const EXPECTED_ASSETS = ['cscr.md', 'cscr.html', 'cscr.pdf', 'hazard-log.csv', 'hazard-log.xlsx', 'manifest.json'];

describeWithTools([REDIS], 'two App instances sharing a real Redis', () => {
  let redis: RunningRedis;
  let github: MockGitHub;
  let apps: RunningApp[] = [];
  let repo: TempRepo;
  let release: MockRelease;

  beforeAll(async () => {
    redis = await startRedis();
    repo = fixtureRepo();
    repo.git('tag', 'v2.4.0');
    github = new MockGitHub();
    await github.start();
    github.gitDir = repo.dir;
    release = github.addRelease('v2.4.0', 'MedRec 2.4.0');
    release.body = 'Medicines reconciliation improvements.';
    for (let i = 0; i < 2; i++) apps.push(await startApp(createApp({ gateMode: 'off' }), github, { redisConfig: redis.url }));
  }, 60_000);

  afterAll(async () => {
    for (const a of apps) await a.stopServerOnly();
    apps = [];
    await github?.stop();
    repo?.cleanup();
    await redis?.stop(); // the whole process group; the file fails if anything it started is still alive
  }, 30_000);

  /** The same delivery (same id, same signed body) to both instances at once. */
  const both = async (event: string, payload: object) => {
    const delivery = crypto.randomUUID();
    const answers = await Promise.all(apps.map((a) => a.deliver(event, payload, { delivery })));
    for (const r of answers) expect([200, 202], r.body).toContain(r.status);
  };

  it('converges on one sign-off issue and one set of release assets, throttled through Redis', async () => {
    const p = example('release', 'published');
    p.release = { ...p.release, ...github.releaseJson(release), author: user('release-manager') };
    await both('release', p);

    const names = release.assets.map((a) => a.name).sort();
    for (const n of EXPECTED_ASSETS) expect(names).toContain(n);
    expect(new Set(names).size, `duplicate assets: ${names.join(', ')}`).toBe(names.length);

    const signOff = github.issues.filter((i) => i.user.type === 'Bot' && i.title === 'Release sign-off: v2.4.0');
    expect(signOff.filter((i) => i.state === 'open')).toHaveLength(1);
    // A duplicate created in the race closes itself; none may stay open.
    for (const dup of signOff.filter((i) => i.state !== 'open'))
      expect(dup.number).toBeGreaterThan(signOff.find((i) => i.state === 'open')!.number);

    // Redis was really used: Bottleneck's cluster keys for octokit's limiter groups are there.
    expect(Number(await redis.command('DBSIZE'))).toBeGreaterThan(0);
    const keys = (await redis.command('KEYS', 'b_*')) as string[];
    expect(
      keys.some((k) => k.includes('octokit-write')),
      keys.join(', '),
    ).toBe(true);
    expect(
      keys.some((k) => k.includes('octokit-global')),
      keys.join(', '),
    ).toBe(true);
  }, 240_000);

  it('answers one /clinsafe command delivered to both instances with exactly one comment', async () => {
    const issue = github.issues.find((i) => i.user.type === 'Bot' && i.state === 'open' && i.title === 'Release sign-off: v2.4.0')!;
    const p = example('issue_comment', 'created');
    p.issue = {
      ...p.issue,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      user: user(issue.user.login, 'Bot'),
    };
    p.issue.labels = issue.labels;
    delete p.issue.pull_request;
    p.comment = { ...p.comment, id: 9001, body: '/clinsafe sign-off', created_at: '2026-11-23T11:00:00Z', user: user('eager-developer') };
    github.addUserComment(issue.number, 'eager-developer', '/clinsafe sign-off');
    const assetsBefore = release.assets.map((a) => `${a.id}:${a.name}`);

    await both('issue_comment', p);

    const replies = github.comments.filter((c) => c.user.type === 'Bot' && c.issue_number === issue.number);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('was not carried out');
    expect(release.assets.map((a) => `${a.id}:${a.name}`)).toEqual(assetsBefore);
    expect(issue.state).toBe('open');
  }, 240_000);
});
