/**
 * The gate through GraphQL (issue 13): the same rules as the REST path, in fewer requests, end to
 * end against the loopback GitHub backed by a real git repository. The mock answers the gate's
 * queries from the same data as its REST routes (test/helpers/mock-graphql.ts).
 * - the facts: path and rename impact, the safety folder read at base and head, approvals, a
 *   dismissal judged by who did it (issue events), the bot's own sticky comment;
 * - requests: a first run in a handful of requests, a re-run with nothing changed writes nothing;
 * - the commit it marks: a head moved or a review arriving while the facts are read;
 * - completeness: 301 files are paged through REST, more than 3,000 fail closed (on the configured
 *   context too);
 * - an API without those GraphQL fields (or without GraphQL) is read through REST and decides the
 *   same; any other GraphQL error fails closed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSchemaError, loginOf } from '../src/github/api/graphql.js';
import { enableFolderCache } from '../src/github/folder.js';
import { gateOn, pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { review, routePattern, type MockPull, type PullsState } from './helpers/mock-pulls.js';
import type { TempRepo } from './helpers/repo.js';

const CSO = 'dr-amara-okafor';
const CSO2 = 'dr-tom-hughes';
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

function pr(head: string, extra: Partial<MockPull> = {}): MockPull {
  const p = pullFromRepo(repo, { number: 7, author: DEV, base, head, commitSha: true }, extra);
  pulls.pulls.set(p.number, p);
  return p;
}

function change(path: string, content = 'export const changed = true;\n'): string {
  repo.write(path, content);
  return repo.commit(`change ${path}`);
}

const gate = (head: string, extra: { baseSha?: string } = { baseSha: base }) => gateOn(gh, { report: 'status', headSha: head, ...extra });
const on = (sha: string) => gh.statuses.filter((s) => s.sha === sha);
const writes = () => gh.writes().filter((r) => r.path !== '/graphql');
const routes = () => gh.requests.map((r) => `${r.method} ${routePattern(r.path)}`);

describe('the facts through GraphQL', () => {
  it('path impact: pending, one comment, the label, the CSOs asked — in 10 requests; a re-run reads 3 and writes nothing', async () => {
    const head = change('src/patient/banner.ts');
    const p = pr(head);
    const out = await gate(head);
    expect(out.decision).toBe('pending');
    expect(out.impacted.map((h) => h.id)).toContain('H-001');
    expect(routes()).toEqual([
      'POST /graphql', // the pull request and the commit's statuses (none yet): its facts are discarded
      `POST /repos/acme/medrec/statuses/{sha}`, // pending, before any fact is used
      'POST /graphql', // the pull request, labels, reviews, commits, events, files, the base configuration
      `GET /repos/acme/medrec/git/trees/{sha}`,
      'POST /graphql', // the pull request again, its comments, the commit's statuses, the base blobs
      `POST /repos/acme/medrec/pulls/{n}/requested_reviewers`,
      // H-001's controls link tests, but no workflow run on the head has completed: no artifact lookup
      `POST /repos/acme/medrec/issues/{n}/comments`,
      `POST /repos/acme/medrec/issues/{n}/labels`,
      `POST /repos/acme/medrec/statuses/{sha}`,
    ]);
    expect(p.requested).toEqual([CSO, CSO2]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('<!-- clinsafe:gate-comment:pr-7 -->');
    expect(gh.comments[0]!.body).toContain(`**No test results recorded for head commit** \`${head.slice(0, 7)}\` **yet.**`);
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'pending']);

    gh.requests.length = 0;
    const again = await gate(head);
    expect(again.decision).toBe('pending');
    expect(writes()).toEqual([]);
    expect(again.comment?.action).toBe('unchanged');
    // The commit shows pending: the first answer's facts are used (no write was due between the two reads).
    expect(routes()).toEqual(['POST /graphql', `GET /repos/acme/medrec/git/trees/{sha}`, 'POST /graphql']);
  });

  it('a re-run on a commit that shows success marks it pending first, then writes the same success again only if it changed', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    await gate(head);
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'success']);
    await gate(head);
    // Success is never left standing while a run reads: pending, then the decision again.
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'success', 'pending', 'success']);
  });

  it('a rename out of a hazard path is impacted (the comparison gives the old name)', async () => {
    repo.git('mv', 'src/audit', 'src/old-audit');
    const head = repo.commit('move audit out');
    pr(head);
    const out = await gate(head);
    const h = out.impacted.find((x) => x.id === 'H-011');
    expect(h?.reasons.some((r) => r.kind === 'path' && r.detail.includes('renamed to src/old-audit'))).toBe(true);
    expect(gh.requests.filter((r) => r.path.includes('/compare/'))).toHaveLength(1);
  });

  it('an approved edit to the safety folder: base and head read, the blobs in the final query', async () => {
    const cfg = readFileSync(join(repo.dir, 'clinical-safety/clinsafe.yml'), 'utf8');
    const head = change('clinical-safety/clinsafe.yml', cfg.replace('cadenceMonths: 12', 'cadenceMonths: 6'));
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    const out = await gate(head);
    expect(out.decision).toBe('approved');
    expect(out.result?.safetyFolderChanges).toEqual(['clinical-safety/clinsafe.yml']);
    expect(gh.requests.filter((r) => r.path.includes('/git/trees/'))).toHaveLength(2);
    // The first answer (discarded: the commit showed no status, so pending came first), the facts, the final query with the blobs.
    expect(gh.requests.filter((r) => r.path === '/graphql')).toHaveLength(3);
    expect(on(head).at(-1)).toMatchObject({ state: 'success' });
  });

  it("a CSO's block dismissed by a developer stays; dismissed by a CSO it is lifted (issue events through GraphQL)", async () => {
    const head = change('src/patient/banner.ts');
    const dismissed = { ...review(CSO, 'DISMISSED', head), state: 'DISMISSED' as const };
    const event = (actor: string) => ({
      event: 'review_dismissed',
      actor: { login: actor },
      created_at: '2026-11-23T10:30:00Z',
      dismissed_review: { review_id: 1, state: 'changes_requested' },
    });
    pr(head, { reviews: [dismissed], events: [event(DEV)] });
    expect((await gate(head)).decision).toBe('blocked');
    pr(head, { reviews: [dismissed], events: [event(CSO2)] });
    expect((await gate(head)).decision).toBe('pending');
  });

  it('the first run without the event base SHA reads the base blobs before marking a configured context', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    const out = await gate(head, {});
    expect(out.decision).toBe('not-required');
    // The first answer (discarded), the facts, the base blobs, the final query.
    expect(gh.requests.filter((r) => r.path === '/graphql')).toHaveLength(4);
  });
});

describe('a server with folders cached by commit (the App)', () => {
  it('reads nothing after the first query, which is then the last read; a review added meanwhile is seen; a read after it brings the re-read back', async () => {
    enableFolderCache(8);
    try {
      const head = change('src/patient/banner.ts');
      const p = pr(head);
      expect((await gate(head)).decision).toBe('pending');
      gh.requests.length = 0;
      expect((await gate(head)).decision).toBe('pending');
      // One query: the commit shows pending, so its facts are used and, with every folder cached, it is the last read;
      // no workflow run on the head has completed, so no artifact lookup.
      expect(routes()).toEqual(['POST /graphql']);
      expect(writes()).toEqual([]);
      p.reviews.push(review(CSO, 'APPROVED', head));
      gh.requests.length = 0;
      expect((await gate(head)).decision).toBe('approved');
      expect(on(head).at(-1)).toMatchObject({ state: 'success' });
      // A change to the safety folder needs the head folder: a read after the first query, so the pull request is read again.
      const cfg = readFileSync(join(repo.dir, 'clinical-safety/clinsafe.yml'), 'utf8');
      const edit = change('clinical-safety/clinsafe.yml', cfg.replace('cadenceMonths: 12', 'cadenceMonths: 6'));
      pr(edit);
      gh.requests.length = 0;
      expect((await gate(edit)).decision).toBe('pending');
      expect(
        gh.requests.filter((r) => r.path === '/graphql').map((r) => /query (\w+)/.exec((r.json as { query: string }).query)![1]),
      ).toEqual(['ClinsafePullFacts', 'ClinsafePullFacts', 'ClinsafePullRecheck']); // a new commit: pending first, then the facts again
    } finally {
      enableFolderCache(0);
    }
  });
});

describe('pending first, with the statuses in the first query', () => {
  const operations = () =>
    gh.requests.map((r) =>
      r.path === '/graphql' ? /query (\w+)/.exec((r.json as { query: string }).query)![1]! : `${r.method} ${routePattern(r.path)}`,
    );
  const facts = (r: (typeof gh.requests)[number]) => (r.json as { query: string }).query;

  it('a commit that shows success: pending is written, then the facts are read again — the first answer is never judged', async () => {
    const head = change('src/patient/banner.ts');
    const p = pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    gh.statuses.push({ sha: head, state: 'success', context: 'clinsafe/cso-approval', description: 'an earlier success' });
    // Between the first answer and the pending write, a second CSO requests changes: only the second read can see it.
    gh.on('POST', '/repos/{owner}/{repo}/statuses/{sha}', () => {
      if (p.reviews.length === 1) p.reviews.push(review(CSO2, 'CHANGES_REQUESTED', head, 5));
      return undefined;
    });
    const out = await gate(head);
    expect(out.decision).toBe('blocked');
    expect(operations().slice(0, 3)).toEqual(['ClinsafePullFacts', 'POST /repos/acme/medrec/statuses/{sha}', 'ClinsafePullFacts']);
    expect(facts(gh.requests[0]!)).toContain('status { contexts');
    expect(on(head).map((s) => s.state)).toEqual(['success', 'pending', 'failure']);
  });

  it('a commit that shows pending or failure: no write is due, so the first answer is the facts (one query)', async () => {
    for (const state of ['pending', 'failure']) {
      const head = change(`src/patient/banner-${state}.ts`);
      pr(head);
      gh.statuses.push({ sha: head, state, context: 'clinsafe/cso-approval', description: 'shown' });
      gh.requests.length = 0;
      expect((await gate(head)).decision).toBe('pending');
      const ops = operations();
      expect(
        ops.filter((o) => o === 'ClinsafePullFacts'),
        state,
      ).toHaveLength(1);
      expect(ops[0]).toBe('ClinsafePullFacts');
      expect(ops[1], state).not.toBe('POST /repos/acme/medrec/statuses/{sha}'); // the base tree, not a write
    }
  });

  it('a success forged on the context by a workflow (anyone who can push can post one) still gets pending first', async () => {
    const head = change('docs/notes.md', 'notes\n');
    const p = pr(head);
    gh.statuses.push({ sha: head, state: 'success', context: 'clinsafe/cso-approval', description: 'Approved by CSO dr-amara-okafor' });
    gh.on('POST', '/repos/{owner}/{repo}/statuses/{sha}', () => {
      if (!p.labels.includes('patient-context')) p.labels.push('patient-context'); // H-001's trigger label, added meanwhile
      return undefined;
    });
    const out = await gate(head);
    expect(operations().slice(0, 3)).toEqual(['ClinsafePullFacts', 'POST /repos/acme/medrec/statuses/{sha}', 'ClinsafePullFacts']);
    // The label read after pending is what was judged: impacted, so no success.
    expect(out.decision).not.toBe('not-required');
    expect(
      on(head)
        .slice(1)
        .some((s) => s.state === 'success'),
    ).toBe(false);
  });

  it('a first query that fails: pending is written and the facts are read again', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    let n = 0;
    gh.on('POST', '/graphql', () => (n++ === 0 ? { status: 200, body: { errors: [{ message: 'Something went wrong' }] } } : undefined));
    const out = await gate(head);
    expect(out.decision).toBe('not-required');
    expect(operations().slice(0, 3)).toEqual(['ClinsafePullFacts', 'POST /repos/acme/medrec/statuses/{sha}', 'ClinsafePullFacts']);
    expect(on(head).map((s) => s.state)).toEqual(['pending', 'success']);
  });
});

describe('the commit it marks', () => {
  it('a force-push while the facts are read: no success on either commit', async () => {
    const head = change('docs/notes.md', 'notes\n');
    const p = pr(head);
    const pushed = change('src/patient/banner.ts');
    gh.on('GET', '/repos/{owner}/{repo}/git/trees/{sha}', () => {
      p.headSha = pushed;
      return undefined;
    });
    const out = await gate(head);
    expect(out.superseded).toMatch(/head moved to/);
    expect(gh.statuses.map((s) => [s.sha, s.state])).toEqual([[head, 'pending']]);
    expect(gh.comments).toHaveLength(0);
  });

  it('a CSO requests changes while an approval is being evaluated: judged again, blocked', async () => {
    const head = change('src/patient/banner.ts');
    const p = pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    let once = true;
    gh.on('GET', '/repos/{owner}/{repo}/git/trees/{sha}', () => {
      if (once) p.reviews.push(review(CSO2, 'CHANGES_REQUESTED', head, 5));
      once = false;
      return undefined;
    });
    const out = await gate(head);
    expect(out.decision).toBe('blocked');
    expect(on(head).some((s) => s.state === 'success')).toBe(false);
  });
});

describe('every file, or fail closed', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ filename: `src/bulk/f${i}.ts`, status: 'modified' }));

  it('301 files: more than a comparison holds, so the pull request files are paged through REST', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head, { files: [...many(300), { filename: 'src/patient/banner.ts', status: 'modified' }] });
    const out = await gate(head);
    expect(out.impacted.map((h) => h.id)).toContain('H-001');
    expect(gh.requests.filter((r) => r.path.endsWith('/pulls/7/files'))).toHaveLength(4);
  });

  it('more than 3,000 files: failure, on the configured context as well, before any file is listed', async () => {
    const cfg = readFileSync(join(repo.dir, 'clinical-safety/clinsafe.yml'), 'utf8');
    repo.git('checkout', '-q', 'main');
    repo.write('clinical-safety/clinsafe.yml', cfg.replace('statusContext: clinsafe/cso-approval', 'statusContext: acme/safety'));
    base = repo.commit('own context');
    repo.git('checkout', '-q', '-b', 'wide');
    const head = change('docs/notes.md', 'notes\n');
    gh.statuses.push({ sha: head, state: 'success', context: 'acme/safety', description: 'an earlier success' });
    pr(head, { files: many(3001) });
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(out.problem).toMatch(/changes 3001 files, but GitHub lists at most 3000/);
    const safety = on(head).filter((s) => s.context === 'acme/safety');
    expect(safety.map((s) => s.state)).toEqual(['success', 'pending', 'failure']);
    expect(gh.requests.some((r) => r.path.endsWith('/files') || r.path.includes('/compare/'))).toBe(false);
  });
});

describe('APIs without these GraphQL fields', () => {
  it('a schema error (older GitHub Enterprise Server): the same decision through REST', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    pulls.graphql = 'blobs';
    const out = await gate(head);
    expect(out.decision).toBe('approved');
    expect(routes()).toContain('GET /repos/acme/medrec/pulls/{n}/reviews');
    expect(routes()).toContain('GET /repos/acme/medrec/issues/{n}/events');
  });

  it('no GraphQL endpoint (404): REST throughout, the same decision', async () => {
    const head = change('src/patient/banner.ts');
    pr(head, { reviews: [review(CSO, 'APPROVED', head)] });
    pulls.graphql = 'none';
    const out = await gate(head);
    expect(out.decision).toBe('approved');
    expect(gh.requests.filter((r) => r.path.includes('/git/blobs/')).length).toBeGreaterThan(5);
  });

  it('any other GraphQL error (the token may not read events): failure, never the REST path or success', async () => {
    const head = change('docs/notes.md', 'notes\n');
    pr(head);
    gh.on('POST', '/graphql', () => ({
      status: 200,
      body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] },
    }));
    const out = await gate(head);
    expect(out.decision).toBe('error');
    expect(out.problem).toMatch(/refused access while reading pull request #7/);
    expect(on(head).at(-1)!.state).toBe('failure');
    expect(routes()).not.toContain('GET /repos/acme/medrec/pulls/{n}');
  });
});

describe('telling an older schema from a failure', () => {
  it('unknown fields, types and arguments are a schema the API lacks; anything else is not', () => {
    expect(
      isSchemaError({ message: "Field 'timelineItems' doesn't exist on type 'PullRequest'", extensions: { code: 'undefinedField' } }),
    ).toBe(true);
    expect(isSchemaError({ message: "No such type LabeledEvent, so it can't be a fragment condition" })).toBe(true);
    expect(isSchemaError({ message: "Field 'timelineItems' doesn't accept argument 'itemTypes'" })).toBe(true);
    expect(isSchemaError({ type: 'FORBIDDEN', message: 'Resource not accessible by integration' })).toBe(false);
    expect(isSchemaError({ type: 'RATE_LIMITED', message: 'API rate limit exceeded' })).toBe(false);
    expect(isSchemaError({ type: 'NOT_FOUND', message: 'Could not resolve to a PullRequest with the number of 7.' })).toBe(false);
  });

  it("an app's login is spelled as REST spells it, so a user named like the app is not the app", () => {
    expect(loginOf({ __typename: 'Bot', login: 'clinsafe' })).toBe('clinsafe[bot]');
    expect(loginOf({ __typename: 'User', login: 'clinsafe' })).toBe('clinsafe');
    expect(loginOf(null)).toBe('');
  });
});
