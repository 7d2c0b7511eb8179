/**
 * Approval rules that cannot be walked around (issue 10 §3): co-authorship is authorship, a CSO's
 * block is lifted only by a CSO, labels are judged by who changed them and when, look-alike paths
 * match, and a forged author e-mail is named for what it is. Pure rules on the MedRec fixture,
 * then the same facts fetched end to end over the loopback GitHub.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { coAuthors, suspiciousPath, type CommitFact, type PullEvent } from '../src/core/approval-facts.js';
import { loadFolder, type LoadResult } from '../src/core/folder.js';
import { evaluateGate, type GateInputs, type Review } from '../src/core/gate.js';
import { renderGateComment } from '../src/core/gate-comment.js';
import { gateOn, pullFromRepo, startGateHarness, type GateHarness } from './helpers/gate-harness.js';
import type { MockGitHub } from './helpers/mock-github.js';
import { review, type PullsState } from './helpers/mock-pulls.js';
import { EXAMPLE_PRODUCT, type TempRepo } from './helpers/repo.js';

const CSO = 'dr-amara-okafor';
const CSO2 = 'dr-tom-hughes';
const DEV = 'dev-sam';
const HEAD = 'h'.repeat(40);

const fixture: LoadResult = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety')));

function withGate(extra: Record<string, unknown>): LoadResult {
  const folder = fixture.folder!;
  return { ...fixture, folder: { ...folder, config: { ...folder.config, gate: { ...folder.config.gate, ...extra } } } };
}

const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z`;
const rv = (reviewer: string, state: string, minute: number, id?: number, commitId = HEAD): Review => ({
  ...(id !== undefined ? { id } : {}),
  reviewer,
  state,
  commitId,
  submittedAt: at(minute),
});
const commit = (sha: string, extra: Partial<CommitFact> = {}): CommitFact => ({
  sha: sha.padEnd(40, '0'),
  authorLogin: DEV,
  authorEmail: 'sam@dev.test',
  authorName: 'Sam Dev',
  committerLogin: DEV,
  committerEmail: 'sam@dev.test',
  message: 'Change the banner',
  ...extra,
});

function gate(i: Partial<GateInputs>) {
  return evaluateGate({
    changes: [{ status: 'modified', filename: 'src/patient/banner.ts' }],
    labels: [],
    author: DEV,
    commitAuthors: [DEV],
    headSha: HEAD,
    base: fixture,
    head: fixture,
    reviews: [],
    safetyDir: 'clinical-safety',
    commits: [commit('c1')],
    events: [],
    ...i,
  });
}

describe('co-authorship is authorship', () => {
  it('reads Co-authored-by: trailers anywhere in the message, any case', () => {
    expect(
      coAuthors('Fix\n\nco-authored-BY:  Dr Amara Okafor <123+dr-amara-okafor@users.noreply.github.com>\nCo-authored-by: X <x@y>'),
    ).toEqual([
      { name: 'Dr Amara Okafor', email: '123+dr-amara-okafor@users.noreply.github.com' },
      { name: 'X', email: 'x@y' },
    ]);
  });

  const trailers: [string, string][] = [
    ['a no-reply address', 'Someone <98765+dr-amara-okafor@users.noreply.github.com>'],
    ['the login as name', 'dr-amara-okafor <elsewhere@example.test>'],
    ['the roster name', 'Dr  Amara Okafor <a.okafor@nhs.test>'],
    ['an e-mail GitHub attributes to the CSO in another commit', 'A <amara@trust.test>'],
  ];
  for (const [how, trailer] of trailers) {
    it(`a CSO named as co-author by ${how} does not count as approver; the message names the commit`, () => {
      const r = gate({
        commits: [
          commit('c1', { message: `Apply suggestions from code review\n\nCo-authored-by: ${trailer}` }),
          ...(how.startsWith('an e-mail') ? [commit('c2', { authorLogin: CSO, authorEmail: 'amara@trust.test' })] : []),
        ],
        reviews: [rv(CSO, 'APPROVED', 5)],
      });
      expect(r.decision).toBe('pending');
      const ignored = r.approval.state === 'pending' ? r.approval.ignored : [];
      expect(ignored[0]).toMatchObject({ login: CSO, reason: 'commit-author' });
      const md = renderGateComment(r);
      if (!how.startsWith('an e-mail')) {
        expect(md).toContain('commit c100000 has a Co-authored-by: trailer naming dr-amara-okafor');
        expect(md).toContain("applying a CSO's suggested change in a review does this");
      }
    });
  }

  it('a co-author who is not a CSO changes nothing; another CSO can still approve', () => {
    const msg = 'Fix\n\nCo-authored-by: Pat <pat@dev.test>';
    expect(gate({ commits: [commit('c1', { message: msg })], reviews: [rv(CSO, 'APPROVED', 5)] }).decision).toBe('approved');
    const r = gate({
      commits: [commit('c1', { message: `${msg}\nCo-authored-by: Dr Amara Okafor <a@b>` })],
      reviews: [rv(CSO2, 'APPROVED', 5)],
    });
    expect(r.decision).toBe('approved');
  });
});

describe('a forged author e-mail is named for what it is', () => {
  it('says which commit and which e-mail stop the CSO counting, not "add a CSO to the roster"', () => {
    // GitHub attributes a commit to whichever account owns its author e-mail: anyone can write that e-mail.
    const forged = commit('f0rged', { authorLogin: CSO, authorEmail: 'amara.okafor@nhs.test', authorName: 'Dr Amara Okafor' });
    const both = commit('f0rge2', { authorLogin: CSO2, authorEmail: 'tom.hughes@nhs.test' });
    const r = gate({ commits: [commit('c1'), forged, both], commitAuthors: [DEV, CSO, CSO2], reviews: [rv(CSO, 'APPROVED', 5)] });
    expect(r.decision).toBe('pending');
    const md = renderGateComment(r).replaceAll('\u2060', '');
    expect(md).toContain('commit f0rged0 gives dr-amara-okafor as its author (author e-mail amara.okafor@nhs.test');
    expect(md).toContain('Anyone can put an e-mail in a commit');
    expect(md).toContain('commit f0rge20 gives dr-tom-hughes as its author (author e-mail tom.hughes@nhs.test');
    expect(md).toContain('Nobody on the roster can approve this pull request as it is');
    expect(md).not.toContain('Add one there first');
  });
});

describe("a CSO's block is lifted only by a CSO", () => {
  const dismissed = (id: number, actor: string, state = 'changes_requested', minute = 20): PullEvent => ({
    event: 'review_dismissed',
    actor,
    createdAt: at(minute),
    reviewId: id,
    dismissedState: state,
  });
  const base = [rv(CSO, 'DISMISSED', 1, 11), rv(CSO2, 'APPROVED', 30, 12)];

  it('a dismissal by someone who is not a CSO leaves the block, and says who dismissed it', () => {
    const r = gate({ reviews: base, events: [dismissed(11, DEV)] });
    expect(r.decision).toBe('blocked');
    expect(r.approval).toMatchObject({ state: 'blocked', by: [CSO], kept: [{ cso: CSO, dismissedBy: DEV }] });
    expect(renderGateComment(r)).toContain(
      `request for changes was dismissed by ${DEV}, who is not a Clinical Safety Officer on the roster`,
    );
  });
  it('a dismissal GitHub has no record of leaves the block', () => {
    expect(gate({ reviews: base, events: [] }).decision).toBe('blocked');
  });
  it('a dismissal by a roster CSO (the same or another) lifts it', () => {
    expect(gate({ reviews: base, events: [dismissed(11, CSO2)] }).decision).toBe('approved');
    expect(gate({ reviews: base, events: [dismissed(11, CSO)] }).decision).toBe('approved');
  });
  it("that CSO's own later approval lifts it; a dismissed approval is just gone", () => {
    expect(gate({ reviews: [rv(CSO, 'CHANGES_REQUESTED', 1, 11), rv(CSO, 'APPROVED', 9, 13)] }).decision).toBe('approved');
    expect(gate({ reviews: [rv(CSO, 'DISMISSED', 1, 11)], events: [dismissed(11, DEV, 'approved')] }).decision).toBe('pending');
  });
});

describe('labels', () => {
  const ev = (event: string, label: string, actor: string, minute: number): PullEvent => ({ event, label, actor, createdAt: at(minute) });
  const docsOnly = { changes: [{ status: 'modified' as const, filename: 'docs/readme.md' }] };

  it('a trigger label removed by someone who is not a CSO still counts', () => {
    const r = gate({
      ...docsOnly,
      labels: [],
      events: [ev('labeled', 'patient-context', DEV, 1), ev('unlabeled', 'patient-context', DEV, 2)],
    });
    expect(r.impacted.map((h) => h.id)).toEqual(['H-001']);
    expect(r.impacted[0]!.reasons[0]!.detail).toBe(`label patient-context (removed by ${DEV}, who is not a CSO, so it still counts)`);
    expect(r.decision).toBe('pending');
  });
  it('removed by a roster CSO, it no longer counts; re-added and removed by a developer, it counts again', () => {
    const csoRemoved = [ev('labeled', 'patient-context', DEV, 1), ev('unlabeled', 'Patient-Context', CSO, 2)];
    expect(gate({ ...docsOnly, events: csoRemoved }).decision).toBe('not-required');
    const again = [...csoRemoved, ev('labeled', 'patient-context', DEV, 3), ev('unlabeled', 'patient-context', DEV, 4)];
    expect(gate({ ...docsOnly, events: again }).decision).toBe('pending');
  });
  it('a trigger label added after the approval is not covered by it', () => {
    const events = [ev('labeled', 'allergies', DEV, 10)];
    const r = gate({ labels: ['allergies'], events, reviews: [rv(CSO, 'APPROVED', 5)] });
    expect(r.impacted.map((h) => h.id)).toEqual(['H-001', 'H-003']);
    expect(r.decision).toBe('pending');
    expect(renderGateComment(r)).toContain(
      'dr-amara-okafor approved before the label allergies was added, which brings in hazard H-003; an approval covers only the hazards impacted when it was given',
    );
    // Added in the same second as the approval: not covered either (GitHub's times are to the second).
    expect(gate({ labels: ['allergies'], events: [ev('labeled', 'allergies', DEV, 5)], reviews: [rv(CSO, 'APPROVED', 5)] }).decision).toBe(
      'pending',
    );
    // Added before the approval, or approved again after it: covered.
    expect(gate({ labels: ['allergies'], events: [ev('labeled', 'allergies', DEV, 4)], reviews: [rv(CSO, 'APPROVED', 5)] }).decision).toBe(
      'approved',
    );
    expect(gate({ labels: ['allergies'], events, reviews: [rv(CSO, 'APPROVED', 5), rv(CSO, 'APPROVED', 11)] }).decision).toBe('approved');
    // When GitHub has no record of the label being added, it is taken as there from the start (no deadlock).
    expect(gate({ labels: ['allergies'], events: [], reviews: [rv(CSO, 'APPROVED', 5)] }).decision).toBe('approved');
  });
});

describe('paths that look alike', () => {
  it('match triggers case-insensitively by default, case-sensitively when configured', () => {
    const changes = [{ status: 'modified' as const, filename: 'SRC/Patient/Banner.ts' }];
    const r = gate({ changes });
    expect(r.impacted.map((h) => h.id)).toContain('H-001');
    expect(r.impacted[0]!.reasons[0]).toMatchObject({ file: 'SRC/Patient/Banner.ts', pattern: 'src/patient/**' });
    const strict = withGate({ caseSensitivePaths: true });
    expect(gate({ changes, base: strict, head: strict }).impacted).toEqual([]);
    // The safety folder itself is always matched case-insensitively.
    expect(
      gate({ changes: [{ status: 'added', filename: 'Clinical-Safety/hazards/H-099.yml' }], base: strict, head: strict })
        .safetyFolderChanges,
    ).toEqual(['Clinical-Safety/hazards/H-099.yml']);
  });
  it('normalise Unicode (NFC) before matching', () => {
    const folder = fixture.folder!;
    const hz = folder.hazards.map((h) => (h.id === 'H-002' ? { ...h, triggers: { ...h.triggers, paths: ['src/caf\u00e9/**'] } } : h));
    const base = { ...fixture, folder: { ...folder, hazards: hz } };
    const r = gate({ base, head: base, changes: [{ status: 'modified', filename: 'src/cafe\u0301/menu.ts' }] });
    expect(r.impacted.map((h) => h.id)).toEqual(['H-002']);
  });
  it('a path with invisible or bidirectional-control characters is impacting: a CSO must look', () => {
    expect(suspiciousPath('src/\u202egnp.ts')).toBe('a bidirectional-control character (U+202E)');
    expect(suspiciousPath('src/pat\u200bient/x.ts')).toBe('an invisible or control character (U+200B)');
    expect(suspiciousPath('src/a\udb40\udc41.ts')).toMatch(/invisible/);
    expect(suspiciousPath('src/café/naïve.ts')).toBeUndefined();
    const r = gate({ changes: [{ status: 'added', filename: 'docs/pat\u200bient.md' }] });
    expect(r.decision).toBe('pending');
    expect(r.suspiciousPaths).toEqual([{ file: 'docs/pat\u200bient.md', why: 'an invisible or control character (U+200B)' }]);
    expect(renderGateComment(r)).toContain('Paths that do not read as they are');
  });
});

describe('the facts are fetched from GitHub (end to end over the loopback API)', () => {
  let h: GateHarness;
  let gh: MockGitHub;
  let repo: TempRepo;
  let pulls: PullsState;
  let baseSha: string;
  beforeEach(async () => {
    ({ gh, repo, pulls, base: baseSha } = h = await startGateHarness());
  });
  afterEach(() => h.stop());
  const run = () => gateOn(gh, { report: 'status' });

  it('co-author trailer, non-CSO dismissal and a label removed by a developer all hold the gate', async () => {
    repo.write('docs/notes.md', 'notes\n');
    const head = repo.commit('docs');
    pulls.pulls.set(
      7,
      pullFromRepo(
        repo,
        { number: 7, author: DEV, base: baseSha, head },
        {
          reviews: [{ ...review(CSO, 'DISMISSED', head, 1) }, review(CSO2, 'APPROVED', head, 30)],
          commits: [
            {
              sha: head,
              author: { login: DEV },
              committer: { login: 'web-flow' },
              commit: { message: 'docs\n\nCo-authored-by: Dr Tom Hughes <tom@nhs.test>', author: { name: 'Sam', email: 'sam@dev.test' } },
            },
          ],
          events: [
            { event: 'labeled', actor: { login: DEV }, created_at: at(0), label: { name: 'patient-context' } },
            { event: 'unlabeled', actor: { login: DEV }, created_at: at(2), label: { name: 'patient-context' } },
            {
              event: 'review_dismissed',
              actor: { login: DEV },
              created_at: at(3),
              dismissed_review: { review_id: 1, state: 'changes_requested' },
            },
          ],
        },
      ),
    );
    const out = await run();
    expect(out.decision).toBe('blocked');
    expect(gh.statuses.at(-1)).toMatchObject({ state: 'failure' });
    const body = gh.comments[0]!.body;
    expect(body).toContain('label `patient-context` (removed by dev-sam, who is not a CSO, so it still counts)');
    expect(body).toContain("dr-amara-okafor's request for changes was dismissed by dev-sam");
    expect(body).toContain('has a Co-authored-by: trailer naming dr-tom-hughes');

    // The CSO dismisses it herself: the block is lifted, but Dr Hughes is still a co-author.
    pulls.pulls.get(7)!.events!.push({
      event: 'review_dismissed',
      actor: { login: CSO },
      created_at: at(4),
      dismissed_review: { review_id: 1, state: 'changes_requested' },
    });
    pulls.pulls.get(7)!.events = pulls.pulls.get(7)!.events!.filter((e) => !(e.event === 'review_dismissed' && e.actor.login === DEV));
    expect((await run()).decision).toBe('pending');
  });

  it('an events listing that fails fails the gate closed (REST, on a GitHub without the GraphQL fields)', async () => {
    pulls.graphql = 'none'; // the GraphQL path's refused read is tested in test/gate-graphql.test.ts
    repo.write('src/patient/banner.ts', 'x\n');
    const head = repo.commit('banner');
    pulls.pulls.set(
      7,
      pullFromRepo(repo, { number: 7, author: DEV, base: baseSha, head, commitSha: true }, { reviews: [review(CSO, 'APPROVED', head)] }),
    );
    // The REST path's events listing (a GraphQL refusal fails closed too: test/gate-graphql.test.ts).
    pulls.graphql = 'blobs';
    gh.on('GET', '/repos/{owner}/{repo}/issues/{n}/events', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    const out = await run();
    expect(out.decision).toBe('error');
    expect(gh.statuses.at(-1)).toMatchObject({ state: 'failure' });
    expect(out.problem).toMatch(/listing the pull request events .* the token needs issues: read/);
  });
});
