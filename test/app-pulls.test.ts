/**
 * End to end, in app mode: the gate on a pull request (status + one sticky comment), a CSO's
 * approval, the safety review after an impacted merge, and the next release whose change record
 * names that pull request and its approving CSO — then a CSO's rejection of that release.
 * The real app server, signed webhooks over HTTP, GitHub answered by a loopback mock backed by a
 * real git repository of the MedRec example product.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { reviewedInPull } from '../src/app/pulls.js';
import type { PullAssessment } from '../src/app/ports.js';
import { startApp, type RunningApp } from './helpers/app-server.js';
import type { MockRelease } from './helpers/mock-github.js';
import { filesFromRepo, mockPulls, review, type MockPull, type PullsState } from './helpers/mock-pulls.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let app: RunningApp;
let repo: TempRepo;
let pulls: PullsState;
let base: string;
let head: string;
let merge: string;
let pr: MockPull;
let v24: MockRelease;
let v25: MockRelease;

function pullPayload(action: string, extra: Record<string, unknown> = {}) {
  const p = example('pull_request', action === 'closed' ? 'closed' : 'opened');
  p.action = action;
  p.number = pr.number;
  p.pull_request = {
    ...p.pull_request,
    number: pr.number,
    title: pr.title,
    state: action === 'closed' ? 'closed' : 'open',
    user: user(pr.author),
    head: { ...p.pull_request.head, sha: pr.headSha, ref: 'dose-units' },
    base: { ...p.pull_request.base, sha: pr.baseSha, ref: 'main' },
    merged: action === 'closed',
    merge_commit_sha: action === 'closed' ? merge : null,
    labels: [],
    ...extra,
  };
  return p;
}

function reviewPayload(login: string, state: string, commit: string) {
  const p = example('pull_request_review', 'submitted');
  p.pull_request = {
    ...p.pull_request,
    number: pr.number,
    state: 'open',
    user: user(pr.author),
    head: { ...p.pull_request.head, sha: pr.headSha },
    base: { ...p.pull_request.base, sha: pr.baseSha },
  };
  p.review = { ...p.review, user: user(login), state: state.toLowerCase(), commit_id: commit };
  return p;
}

function releasePayload(r: MockRelease) {
  const p = example('release', 'published');
  p.release = { ...p.release, ...app.github.releaseJson(r) };
  return p;
}

beforeAll(async () => {
  repo = fixtureRepo();
  base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('tag', 'v2.4.0');
  repo.git('checkout', '-q', '-b', 'dose-units');
  repo.write(
    'src/medications/dose.ts',
    `${repo.git('show', 'HEAD:src/medications/dose.ts')}\n// Map "microgram" as well as "mcg" to the dm+d unit.\n`,
  );
  repo.write('test/dose-units.spec.ts', `${repo.git('show', 'HEAD:test/dose-units.spec.ts')}\n// Extra case for microgram.\n`);
  head = repo.commit('Map microgram to the dm+d unit');
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', 'dose-units', '-m', 'Merge pull request #12 from acme/dose-units\n\nMap microgram to the dm+d unit');
  merge = repo.git('rev-parse', 'HEAD').trim();
  repo.git('tag', 'v2.5.0');

  app = await startApp(createApp());
  app.github.gitDir = repo.dir;
  pr = {
    number: 12,
    title: 'Map microgram to the dm+d unit | <img src=x onerror=alert(1)> @acme/everyone',
    author: 'dev-sam',
    headSha: head,
    baseSha: base,
    labels: [],
    files: filesFromRepo(repo.dir, base, head),
    reviews: [],
    commits: [{ author: { login: 'dev-sam' }, committer: { login: 'dev-sam' }, sha: head }],
  };
  pulls = mockPulls(app.github, [pr]);
  v24 = app.github.addRelease('v2.4.0', 'MedRec 2.4.0');
  v24.published_at = '2026-10-01T09:00:00Z';
}, 60_000);
afterAll(async () => {
  await app?.stop();
  repo?.cleanup();
});

/**
 * The scenario's steps, each run once. A test calls the step it checks (and so every step before
 * it), so any test also passes when run alone (`-t`), not only after the tests above it.
 */
const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
  let done: Promise<T> | undefined;
  return () => (done ??= step());
};
const opened = once(() => app.deliver('pull_request', pullPayload('opened')));
const approved = once(async () => {
  await opened();
  pr.reviews.push(review('dr-tom-hughes', 'APPROVED', head, 5));
  return app.deliver('pull_request_review', reviewPayload('dr-tom-hughes', 'APPROVED', head));
});
const merged = once(async () => {
  await approved();
  pr.merged = true;
  pr.state = 'closed';
  pr.mergeCommitSha = merge;
  pr.mergedAt = '2026-11-02T10:00:00Z';
  return app.deliver('pull_request', pullPayload('closed'));
});
const released = once(async () => {
  await merged();
  v25 = app.github.addRelease('v2.5.0', 'MedRec 2.5.0');
  v25.published_at = '2026-11-20T09:00:00Z';
  return app.deliver('release', releasePayload(v25));
});

describe('the gate in app mode', () => {
  it('sets the status pending and writes one sticky comment for an impacting pull request', async () => {
    expect([200, 202]).toContain((await opened()).status);
    const statuses = app.github.statuses.filter((s) => s.sha === head);
    expect(statuses.at(-1)).toMatchObject({ context: 'clinsafe/cso-approval', state: 'pending' });
    const comments = app.github.comments.filter((c) => c.issue_number === 12 && c.user.type === 'Bot');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('H-004');
  });

  it('redelivery writes no second comment and leaves the status as it was', async () => {
    await opened();
    app.github.requests.length = 0;
    await app.deliver('pull_request', pullPayload('opened'));
    expect(app.github.comments.filter((c) => c.issue_number === 12 && c.user.type === 'Bot')).toHaveLength(1);
    expect(app.github.writes().filter((w) => w.path.includes('/comments'))).toEqual([]);
    expect(app.github.statuses.filter((s) => s.sha === head).at(-1)?.state).toBe('pending');
    // Nothing at all is written again, in one read: the pull request with its reviews, commits, events,
    // comments, and the commit's statuses and check suites in one query. The commit shows pending, so no
    // write is due before the facts are used; the folder at the base commit comes from the cache keyed by
    // its SHA, so nothing is read after that query: it is the run's last read for the decision. No
    // workflow run on the head has completed, so the head's test results are not looked up.
    expect(app.github.writes().filter((w) => w.path !== '/graphql')).toEqual([]);
    expect(app.github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /graphql']);
  });

  it('passes once a roster CSO approves the head commit', async () => {
    await approved();
    expect(app.github.statuses.filter((s) => s.sha === head).at(-1)).toMatchObject({ context: 'clinsafe/cso-approval', state: 'success' });
    expect(pulls.checkRuns).toEqual([]);

    // Redelivered review: no second comment, the status stays success.
    const comments = app.github.comments.filter((c) => c.issue_number === 12).length;
    await app.deliver('pull_request_review', reviewPayload('dr-tom-hughes', 'APPROVED', head));
    expect(app.github.comments.filter((c) => c.issue_number === 12).length).toBe(comments);
    expect(app.github.statuses.filter((s) => s.sha === head).at(-1)?.state).toBe('success');
  });
});

describe('the gate as a check run', () => {
  it('reports a check run instead of the status when CLINSAFE_APP_GATE is check-run', async () => {
    const checks = await startApp(createApp({ gateMode: 'check-run' }), app.github);
    try {
      const statusesBefore = app.github.statuses.length;
      await checks.deliver('pull_request', pullPayload('synchronize'));
      expect(pulls.checkRuns).toHaveLength(1);
      expect(pulls.checkRuns[0]).toMatchObject({ head_sha: head, name: 'clinsafe/cso-approval' });
      expect(app.github.statuses.length).toBe(statusesBefore);
    } finally {
      await checks.stopServerOnly();
    }
  });
});

describe('events that can change the decision', () => {
  it('a title edit runs nothing; a retarget (edited with changes.base) starts from pending on the head of the event', async () => {
    app.github.requests.length = 0;
    const statuses = app.github.statuses.length;
    await app.deliver('pull_request', { ...pullPayload('edited'), changes: { title: { from: 'Old title' } } });
    expect(app.github.statuses.length).toBe(statuses);
    expect(app.github.requests.filter((r) => r.path.includes('/pulls/'))).toEqual([]);

    app.github.requests.length = 0;
    await app.deliver('pull_request', { ...pullPayload('edited'), changes: { base: { ref: { from: 'release' }, sha: { from: base } } } });
    const writes = app.github.writes().filter((w) => w.path !== '/graphql');
    expect(writes[0]).toMatchObject({ method: 'POST', path: `/repos/acme/medrec/statuses/${head}` });
    expect(writes[0]!.json).toMatchObject({ state: 'pending', description: 'clinsafe is evaluating…' });
    expect(app.github.statuses.filter((s) => s.sha === head).at(-1)?.state).toBe('success');
  });

  it('merge_group.checks_requested: the queued commit gets the pull request decision', async () => {
    const p = example('merge_group', 'checks_requested');
    p.merge_group = { ...p.merge_group, head_sha: merge, head_ref: `refs/heads/gh-readonly-queue/main/pr-12-${base}`, base_sha: base };
    expect([200, 202]).toContain((await app.deliver('merge_group', p)).status);
    const onQueued = app.github.statuses.filter((s) => s.sha === merge);
    expect(onQueued.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(onQueued.at(-1)!.description).toMatch(/^#12: Approved by CSO/);
  });
});

describe('after an impacted merge', () => {
  it('opens one "Review hazard log after #12" issue for the CSOs, with the hazards and the evidence to re-verify', async () => {
    expect([200, 202]).toContain((await merged()).status);
    const issues = app.github.issues.filter((i) => i.user.type === 'Bot' && i.title === 'Review hazard log after #12');
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.assignees.map((a) => a.login).sort()).toEqual(['dr-amara-okafor', 'dr-tom-hughes']);
    expect(issue.labels.map((l) => l.name)).toContain('clinical-safety-review');
    expect(issue.body).toContain('https://github.com/acme/medrec/pull/12');
    expect(issue.body).toContain('H-004');
    expect(issue.body).toContain('src/medications/dose.ts');
    expect(issue.body).toContain('Evidence to re-verify');
    expect(issue.body).toContain('test/dose-units.spec.ts');
    expect(issue.body).toContain('Dr Tom Hughes');
    // The hostile title renders as text: no HTML, no team ping.
    expect(issue.body).not.toMatch(/(^|[^\\])<img/); // only ever as escaped text (\<img)
    expect(issue.body).not.toMatch(/@acme\/everyone/);

    app.github.requests.length = 0;
    await app.deliver('pull_request', pullPayload('closed'));
    expect(app.github.writes()).toEqual([]);
  });

  it('does not open one when the pull request updated every impacted hazard and a CSO approved its last commit', () => {
    const a: PullAssessment = {
      number: 1,
      title: 't',
      url: 'u',
      merged: true,
      headSha: 'h',
      impacted: [{ id: 'H-004', title: 'x', residualRisk: 2, reasons: [] }],
      hazardLogChanges: [{ id: 'H-004', title: 'x', change: 'modified', details: [] }],
      reverify: [],
      safetyFolderChanges: ['clinical-safety/hazards/H-004.yml'],
      requiresApproval: true,
      approval: { state: 'approved', approvedBy: [{ login: 'dr-tom-hughes' }], commit: 'h', text: '' },
    };
    expect(reviewedInPull(a)).toBe(true);
    expect(reviewedInPull({ ...a, approval: { ...a.approval, commit: 'older' } })).toBe(false);
    expect(reviewedInPull({ ...a, hazardLogChanges: [] })).toBe(false);
    expect(reviewedInPull({ ...a, approval: { state: 'pending', approvedBy: [], text: '' } })).toBe(false);
  });
});

describe('the next release', () => {
  it('records the merged pull request, its hazards and the approving CSO in the change record', async () => {
    expect([200, 202]).toContain((await released()).status);
    const cscr = v25.assets.find((a) => a.name === 'cscr.md')!.data.toString('utf8');
    expect(cscr).toContain('v2.4.0'); // the previous release is the base
    expect(cscr).toMatch(/#12/);
    expect(cscr).toContain('H-004');
    expect(cscr).toMatch(/dr-tom-hughes|Dr Tom Hughes/);
    const issue = app.github.issues.find((i) => i.title === 'Release sign-off: v2.5.0')!;
    expect(issue).toBeDefined();
    expect(issue.body).toContain('since v2.4.0');
  });

  it('a CSO rejection is recorded on the issue, in the CSCR and in the release notes; redelivery changes nothing', async () => {
    await released();
    const issue = app.github.issues.find((i) => i.title === 'Release sign-off: v2.5.0')!;
    const p = example('issue_comment', 'created');
    p.issue = {
      ...p.issue,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: 'open',
      created_at: issue.created_at,
      user: user(issue.user.login, 'Bot'),
      labels: issue.labels,
    };
    delete p.issue.pull_request;
    // The decision is re-derived from the comments on GitHub: the comment is there, as the webhook says.
    const written = app.github.addUserComment(
      issue.number,
      'dr-amara-okafor',
      '/clinsafe reject The microgram mapping has no dm+d regression run yet',
      '2026-11-23T11:00:00Z',
    );
    p.comment = {
      ...p.comment,
      id: written.id,
      body: written.body,
      created_at: written.created_at,
      updated_at: written.created_at,
      user: user('dr-amara-okafor'),
    };
    expect([200, 202]).toContain((await app.deliver('issue_comment', p)).status);
    expect(v25.body).toContain('NOT safety-approved');
    expect(v25.body).toContain('The microgram mapping has no dm+d regression run yet');
    const cscr = v25.assets.find((a) => a.name === 'cscr.md')!.data.toString('utf8');
    expect(cscr).toContain('The microgram mapping has no dm+d regression run yet');
    expect(cscr).not.toContain('DRAFT awaiting CSO sign-off');
    expect(issue.state).toBe('open');
    expect(app.github.comments.filter((c) => c.issue_number === issue.number && c.body.includes('is NOT safety-approved'))).toHaveLength(1);
    expect(v25.assets.find((a) => a.name.startsWith('cso-release-memo'))).toBeUndefined();

    app.github.requests.length = 0;
    await app.deliver('issue_comment', p);
    await app.deliver('release', releasePayload(v25));
    expect(app.github.writes()).toEqual([]);
  });
});
