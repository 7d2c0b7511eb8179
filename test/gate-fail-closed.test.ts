/**
 * The gate fails closed and decides about exactly the commit it marks (issue 10 §2, issue 14 §3),
 * end to end against the loopback GitHub backed by a real git repository:
 * - pending is the first thing a run writes, on the head SHA of the event;
 * - a failure injected at each API call of a run (every route, from each of its calls on) never
 *   ends in success on that commit;
 * - a head that moves mid-run, or a base that is retargeted, gets no success;
 * - a pull request adding hundreds of files to the safety folder costs no more requests;
 * - a repository without a safety folder: "not yet active", said plainly;
 * - one failing call costs the plugin's retries, not their square.
 */
import { ProbotOctokit } from 'probot';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateOutcome } from '../src/gate/run.js';
import type { GitHubClient } from '../src/github/client.js';
import { gateOn, pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { filesFromRepo, mockClient, review, routePattern, type MockPull, type PullsState } from './helpers/mock-pulls.js';
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
  // These tests name REST routes: they run the REST path (an API without the gate's GraphQL
  // queries). The sweep below runs both paths; test/gate-graphql.test.ts covers GraphQL's own.
  pulls.graphql = 'blobs';
});

afterEach(() => h.stop());

function pr(head: string, extra: Partial<MockPull> = {}): MockPull {
  const p = pullFromRepo(repo, { number: 7, author: DEV, base, head }, extra);
  pulls.pulls.set(p.number, p);
  return p;
}

function change(path: string, content = 'export const changed = true;\n'): string {
  repo.write(path, content);
  return repo.commit(`change ${path}`);
}

const gate = (headSha: string | undefined, client: GitHubClient = mockClient(gh), report: 'status' | 'check-run' = 'status') =>
  gateOn(gh, {
    client,
    report,
    ...(headSha ? { headSha } : {}),
    // With GraphQL, the event's base SHA lets the base configuration come with the pull request.
    ...(headSha && pulls.graphql === 'full' ? { baseSha: base } : {}),
  });
const on = (sha: string) => gh.statuses.filter((s) => s.sha === sha);

/** GraphQL queries that read blobs. */
const blobQueries = () => gh.requests.filter((r) => r.path === '/graphql' && /object\(oid: "/.test((r.json as { query: string }).query));

function reset(): void {
  gh.requests.length = 0;
  gh.statuses.length = 0;
  gh.comments.length = 0;
}

describe('pending first', () => {
  it('marks the head commit of the event pending before reading anything', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const out = await gate(head);
    expect(out.decision).toBe('approved');
    // The only read before it: the commit's own statuses (a context already pending or failed is not marked again),
    // after the pull-request query this API refuses (a schema error: nothing read).
    expect(gh.requests[0]).toMatchObject({ method: 'POST', path: '/graphql' });
    expect(gh.requests[1]).toMatchObject({ method: 'GET', path: `/repos/acme/medrec/commits/${head}/status` });
    expect(gh.requests[2]).toMatchObject({ method: 'POST', path: `/repos/acme/medrec/statuses/${head}` });
    expect(on(head).map((s) => [s.state, s.description])).toEqual([
      ['pending', 'clinsafe is evaluating…'],
      ['success', expect.stringContaining(CSO)],
    ]);
  });

  it('a re-run that cannot read the pull request leaves failure, not the earlier success', async () => {
    const head = change('docs/x.md', 'x\n');
    pr(head);
    await gate(head);
    expect(on(head).at(-1)!.state).toBe('success');
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}', () => ({ status: 502, body: { message: 'Bad gateway' } }));
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(
      on(head)
        .slice(-2)
        .map((s) => s.state),
    ).toEqual(['pending', 'failure']);
    expect(on(head).at(-1)!.description).toMatch(/kept failing \(HTTP 502\) while reading pull request #7/);
  });

  it('a check run is started in progress and completed in place (one per evaluation)', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    await gate(head, mockClient(gh), 'check-run');
    expect(gh.requests.filter((r) => r.path.includes('/check-runs')).map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(pulls.checkRuns).toEqual([expect.objectContaining({ head_sha: head, status: 'completed', conclusion: 'success' })]);
  });
});

describe.each(['blobs', 'full'] as const)('a failure injected at each API call of a run never ends in success (GraphQL: %s)', (mode) => {
  beforeEach(() => {
    pulls.graphql = mode;
  });

  /** Fail `route` (a METHOD /pattern) from its `from`-th call on, including every retry. */
  function inject(route: string, from: number): void {
    let seen = 0;
    const [method, pattern] = route.split(' ') as [string, string];
    gh.on(method, '(.*)', (req) => {
      if (routePattern(req.path) !== pattern) return undefined;
      return seen++ >= from ? { status: 500, body: { message: 'injected' } } : undefined;
    });
  }

  /** Every (route, occurrence) of a baseline run, in order. */
  function calls(requests: { method: string; path: string }[]): { route: string; from: number }[] {
    const count = new Map<string, number>();
    return requests.map((r) => {
      const route = `${r.method} ${routePattern(r.path)}`;
      const from = count.get(route) ?? 0;
      count.set(route, from + 1);
      return { route, from };
    });
  }

  // Adding the gate.label is cosmetic (a warning); deleting a duplicate comment is best effort;
  // reading the commit's statuses only saves writes (when it fails, pending and the decision are written).
  const cosmetic = (route: string) => route.endsWith('/labels') || route.startsWith('DELETE ') || route.endsWith('/status');

  async function sweep(head: string, expected: GateOutcome['decision']): Promise<number> {
    reset();
    expect((await gate(head)).decision).toBe(expected);
    expect(on(head).at(-1)!.state).toBe('success');
    const plan = calls(gh.requests).filter((c) => !cosmetic(c.route));
    expect(plan.length).toBeGreaterThan(mode === 'full' ? 4 : 6);
    const mutable = gh as unknown as { routes: unknown[] };
    const routes = [...mutable.routes];
    for (const { route, from } of plan) {
      reset();
      gh.statuses.push({ sha: head, state: 'success', context: 'clinsafe/cso-approval', description: 'an earlier success' });
      mutable.routes.splice(0, mutable.routes.length, ...routes);
      inject(route, from);
      const out = await gate(head);
      const written = on(head).slice(1);
      const why = `${route} #${from + 1}`;
      expect(
        written.some((s) => s.state === 'success'),
        why,
      ).toBe(false);
      if (route === 'POST /repos/acme/medrec/statuses/{sha}' && from === 0) {
        // GitHub refuses the very first status write: nothing can be marked, the job fails.
        expect(out.decision, why).toBe('error');
        expect(out.reported, why).toBe(false);
      } else {
        expect(['pending', 'failure'], why).toContain(written.at(-1)?.state);
        expect(out.decision, why).toBe('error');
      }
    }
    mutable.routes.splice(0, mutable.routes.length, ...routes);
    return plan.length;
  }

  it('no safety impact (normally success): every call in turn', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    await sweep(head, 'not-required');
  }, 120_000);

  it('approved by a CSO, touching the safety folder (base and head read): every call in turn', async () => {
    const cfg = readFileSync(join(repo.dir, 'clinical-safety/clinsafe.yml'), 'utf8');
    const head = change('clinical-safety/clinsafe.yml', cfg.replace('cadenceMonths: 12', 'cadenceMonths: 6'));
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    await sweep(head, 'approved');
  }, 180_000);
});

describe('the commit it marks', () => {
  it('a force-push while the files are listed: no success on either commit', async () => {
    const head = change('docs/notes.md', 'notes\n');
    const p = pr(head);
    const pushed = change('src/patient/banner.ts');
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/files', () => {
      p.headSha = pushed;
      return undefined;
    });
    const out = await gate(head);
    expect(out.superseded).toMatch(/head moved to/);
    expect(out.decision).toBe('pending');
    expect(gh.statuses.map((s) => [s.sha, s.state])).toEqual([[head, 'pending']]);
    expect(gh.comments).toHaveLength(0);
  });

  it('an event for a commit that is no longer the head: stops after pending', async () => {
    const old = change('docs/notes.md', 'notes\n');
    const head = change('docs/more.md', 'more\n');
    pr(head);
    const out = await gate(old);
    expect(out.superseded).toMatch(/not the commit of this event/);
    expect(gh.statuses.map((s) => [s.sha, s.state])).toEqual([[old, 'pending']]);
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => routePattern(r.path))).toEqual([
      '/repos/acme/medrec/commits/{sha}/status',
      '/repos/acme/medrec/pulls/{n}',
    ]);
  });

  it('a CSO requests changes while an approval is being evaluated: blocked, not success', async () => {
    const head = change('src/patient/banner.ts');
    const p = pr(head, { reviews: [review(CSO, 'APPROVED', head, 1)] });
    let once = true;
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/commits', () => {
      if (once) p.reviews.push(review('dr-tom-hughes', 'CHANGES_REQUESTED', head, 2));
      once = false;
      return undefined;
    });
    const out = await gate(head);
    expect(out.decision).toBe('blocked');
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'failure']);
  });

  it('a trigger label added while a change without impact is evaluated: pending, not success', async () => {
    const head = change('docs/notes.md', 'notes\n');
    const p = pr(head);
    let once = true;
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/files', () => {
      if (once) p.labels.push('alerts');
      once = false;
      return undefined;
    });
    const out = await gate(head);
    expect(out.decision).toBe('pending');
    expect(out.impacted.map((h) => h.id)).toEqual(['H-009']);
    expect(on(head).some((s) => s.state === 'success')).toBe(false);
  });

  it('retargeted while evaluated: no success', async () => {
    const head = change('docs/notes.md', 'notes\n');
    const p = pr(head);
    gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/reviews', () => {
      p.baseRef = 'release';
      return undefined;
    });
    const out = await gate(head);
    expect(out.superseded).toMatch(/retargeted to release/);
    expect(on(head).map((s) => s.state)).toEqual(['pending']);
  });

  it('retargeted (pull_request.edited with changes.base): a new evaluation from pending against the new base', async () => {
    // Against a branch whose roster names the author a CSO, the change "passes"…
    repo.git('checkout', '-q', '-b', 'lax', base);
    const cfgPath = 'clinical-safety/clinsafe.yml';
    const cfg = readFileSync(join(repo.dir, cfgPath), 'utf8');
    const lax = change(
      cfgPath,
      cfg.replace(/^cso:\n/m, `cso:\n  - github: mallory\n    name: Mallory\n    profession: Nurse\n    registration: NMC 00A0000A\n`),
    );
    repo.git('checkout', '-q', 'feature');
    const head = change('src/patient/banner.ts');
    pr(head, { baseSha: lax, baseRef: 'lax', files: filesFromRepo(repo.dir, lax, head), reviews: [review('mallory', 'APPROVED', head)] });
    expect((await gate(head)).decision).toBe('approved');
    // …retargeted to main, the same commit is pending again at once, then decided against main's roster.
    pr(head, { reviews: [review('mallory', 'APPROVED', head)] });
    const out = await gate(head);
    expect(out.decision).toBe('pending');
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'success', 'pending', 'pending']);
    expect(on(head)[2]!.description).toBe('clinsafe is evaluating…');
  });
});

describe('reading the head safety folder is bounded', () => {
  it('hundreds of new hazard files: fails closed before fetching one of them', async () => {
    for (let i = 0; i < 300; i++)
      repo.write(`clinical-safety/hazards/H-9${String(i).padStart(3, '0')}-x.yml`, `id: H-9${i}\ntitle: x${i}\n`);
    const head = repo.commit('many hazards');
    pr(head);
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(on(head).at(-1)!.state).toBe('failure');
    expect(on(head).at(-1)!.description).toMatch(/adds or changes 300 files in the safety folder, more than the 100/);
    // Pending, the pull request, the base tree and one batch of base blobs, the listings, the head
    // tree — and not one of the 300 blobs.
    expect(blobQueries()).toHaveLength(1);
    // (+3 on this REST path: the pull-request query the API refuses, and two reads of the commit's statuses.)
    expect(gh.requests.length).toBeLessThan(18);
  });

  it('files the schema does not read cost nothing to list', async () => {
    for (let i = 0; i < 400; i++) repo.write(`clinical-safety/evidence/scan-${i}.txt`, `scan ${i}\n`);
    const head = repo.commit('evidence scans');
    pr(head);
    const out = await gate(head);
    expect(out.decision).toBe('pending');
    expect(blobQueries()).toHaveLength(1);
    expect(gh.requests.filter((r) => r.path.includes('/git/blobs/'))).toEqual([]);
    // 400 files listed in 4 pages; the comment and the label on top.
    expect(gh.requests.length).toBeLessThan(23);
  });

  it('a blob GraphQL cannot give byte for byte (not UTF-8) is read through REST, so its encoding error is reported', async () => {
    const path = 'clinical-safety/hazards/H-009-alert-fatigue.yml';
    const text = readFileSync(join(repo.dir, path), 'utf8');
    repo.write(path, '');
    writeFileSync(
      join(repo.dir, path),
      Buffer.concat([Buffer.from(text.replace(/^title: .*$/m, 'title: Caf'), 'utf8'), Buffer.from([0xe9, 0x0a])]),
    );
    const head = repo.commit('latin-1');
    pr(head);
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(gh.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(1);
    expect(out.result?.errors.map((e) => e.message).join('\n')).toMatch(/H-009-alert-fatigue\.yml.*UTF-8/);
  });
});

describe('bootstrap: no safety folder on the base branch', () => {
  function withoutFolder(): { bare: string } {
    repo.git('checkout', '-q', 'main');
    repo.git('rm', '-r', '-q', 'clinical-safety');
    const bare = repo.commit('before clinsafe');
    repo.git('checkout', '-q', '-B', 'feature');
    return { bare };
  }

  it('the pull request that adds the folder: success "not yet active", said plainly in the comment', async () => {
    const { bare } = withoutFolder();
    repo.git('checkout', base, '--', 'clinical-safety');
    const head = repo.commit('adopt clinsafe');
    pr(head, { baseSha: bare, files: filesFromRepo(repo.dir, bare, head) });
    const out = await gate(head);
    expect(out.notYetActive).toBe(true);
    expect(on(head).at(-1)).toMatchObject({ state: 'success', description: 'clinsafe is not yet active: no clinical-safety/ on main' });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('clinsafe is not yet active on this repository');
    expect(gh.comments[0]!.body).not.toContain('a repository admin must merge');
  });

  it('a pull request that does not add the folder: the status says so, no comment', async () => {
    const { bare } = withoutFolder();
    const head = change('src/patient/banner.ts');
    pr(head, { baseSha: bare, files: filesFromRepo(repo.dir, bare, head) });
    const out = await gate(head);
    expect(out.notYetActive).toBe(true);
    expect(gh.comments).toHaveLength(0);
  });

  it('a base branch without the folder while the default branch has one: failure, not "not yet active"', async () => {
    repo.git('checkout', '-q', '-b', 'old', base);
    repo.git('rm', '-r', '-q', 'clinical-safety');
    const bare = repo.commit('a branch without clinsafe');
    repo.git('checkout', '-q', 'feature');
    const head = change('src/patient/banner.ts');
    pr(head, { baseSha: bare, baseRef: 'old', files: filesFromRepo(repo.dir, bare, head) });
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(on(head).at(-1)!.state).toBe('failure');
    expect(on(head).at(-1)!.description).toMatch(/base branch old has no clinical-safety\/ folder but the default branch main has one/);
  });

  it('a base folder that exists but has no readable clinsafe.yml stays an error', async () => {
    repo.git('checkout', '-q', 'main');
    repo.git('rm', '-q', 'clinical-safety/clinsafe.yml');
    const broken = repo.commit('lose the configuration');
    repo.git('checkout', '-q', '-B', 'feature');
    const head = change('src/patient/banner.ts');
    pr(head, { baseSha: broken, files: filesFromRepo(repo.dir, broken, head) });
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(on(head).at(-1)!.description).toMatch(/safety configuration on the base branch cannot be read/);
  });
});

describe('retries come from Octokit, once', () => {
  const failFiles = () => gh.on('GET', '/repos/{owner}/{repo}/pulls/{n}/files', () => ({ status: 500, body: { message: 'boom' } }));

  it("the Action's client: a call failing every time is made 1 + 3 times", async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    failFiles();
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(gh.requests.filter((r) => r.path.endsWith('/files')).length).toBe(4);
  });

  it("Probot's client (the App): 1 + 3 times, not 16", async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    failFiles();
    const probot = new ProbotOctokit({
      auth: { token: 'ghs_test' },
      baseUrl: gh.baseUrl,
      request: { fetch: globalThis.fetch },
      retry: { retryAfterBaseValue: 1 },
      throttle: { enabled: false },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    }) as unknown as GitHubClient;
    const out = await gate(head, probot);
    expect(out.decision).toBe('error');
    expect(gh.requests.filter((r) => r.path.endsWith('/files')).length).toBe(4);
  });
});

describe('blobs without GraphQL', () => {
  it('an API with no GraphQL endpoint (404): the blobs are read through REST and the gate still decides', async () => {
    const head = change('src/patient/banner.ts');
    pr(head);
    gh.on('POST', '/graphql', () => ({ status: 404, body: { message: 'Not Found' } }));
    const out = await gate(head);
    expect(out.decision).toBe('pending');
    expect(gh.requests.filter((r) => r.path.includes('/git/blobs/')).length).toBeGreaterThan(5);
  });
});
