/**
 * Golden files for every rendered output: the gate's pull-request comment in each state, every
 * issue and comment body the App writes, and the release documents (CSCR, CRMP, safety
 * requirements, CSO memo) for the MedRec example product. Each is a readable Markdown file in
 * test/golden/, so a wording change is a diff a reviewer reads.
 *
 * After a deliberate wording change, regenerate them all with one command and review the diff:
 *
 *     npx vitest run test/golden.test.ts -u
 *
 * Inputs are fixed (dates, SHAs, logins); nothing here reads the clock, git or the network.
 * The gate results are computed by the real gate from the example product's real safety folder.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { approvalText } from '../src/app/gate-port.js';
import { candidateHazards, incidentGuidance, incidentReviewIssue, periodicReviewIssue } from '../src/app/incident-review-text.js';
import {
  afterMergeIssue,
  refusalComment,
  rejectionComment,
  releaseNotesSection,
  releaseSignOffIssue,
  signOffComment,
} from '../src/app/release-review-text.js';
import { loadFolder, type LoadResult, type SafetyFolder, type Snapshot } from '../src/core/folder.js';
import { evaluateGate, type GateResult } from '../src/core/gate.js';
import { gateProblemTree, noLongerImpactedTree, renderGateComment } from '../src/core/gate-comment.js';
import type { ChangedFile } from '../src/core/impact.js';
import { hazardLogDelta } from '../src/core/hazard-log-delta.js';
import { serialize } from '../src/core/markdown.js';
import { periodicReviewDue } from '../src/core/review-due.js';
import type { Review } from '../src/core/approval.js';
import { type ChangeRecordEntry, type ReleaseInfo, type SignOff } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { readJUnitFiles } from '../src/adapters/junit.js';
import { matchEvidence } from '../src/core/evidence.js';
import { headEvidence, type HeadEvidenceLookup } from '../src/core/head-evidence.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const DIR = 'clinical-safety';
const HEAD = '5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f';
const MERGE = '9c3b1e7d5a2f4c6e8b0a1d3f5e7c9b2a4d6f8e0c';
const RELEASE_SHA = '43a898e47702cc26ed975b0c6678802bd57aecba';
const RUN_URL = 'https://github.com/acme/medrec/actions/runs/4242';
const PR_URL = 'https://github.com/acme/medrec/pull/12';
const RELEASE_URL = 'https://github.com/acme/medrec/releases/tag/v2.5.0';
const ISSUE_URL = 'https://github.com/acme/medrec/issues/31';
const DIGEST = (c: string) => c.repeat(64);

const golden = (name: string) => `./golden/${name}.md`;
/** An issue as a reviewer reads it: its title as the heading, then the body exactly as written. */
const issueFile = (issue: { title: string; body: string }) => `# ${issue.title}\n\n${issue.body}`;

let base: Snapshot;
let folder: SafetyFolder;
let baseLoad: LoadResult;

/** The example snapshot with some files replaced (text) or removed (null). */
function edited(snapshot: Snapshot, edits: Record<string, string | null>): Snapshot {
  const files = snapshot.files
    .filter((f) => edits[f.path] !== null)
    .map((f) => (f.path in edits ? { path: f.path, bytes: Buffer.from(edits[f.path]!) } : f));
  for (const [path, text] of Object.entries(edits))
    if (text !== null && !files.some((f) => f.path === path)) files.push({ path, bytes: Buffer.from(text) });
  return { dir: snapshot.dir, files, exists: (p) => (p in edits ? edits[p] !== null : snapshot.exists(p)) };
}

function text(snapshot: Snapshot, path: string): string {
  const f = snapshot.files.find((x) => x.path === path);
  if (!f?.bytes) throw new Error(`no ${path} in the example product`);
  return Buffer.from(f.bytes).toString('utf8');
}

const H004 = `${DIR}/hazards/H-004-dose-unit-mismapped.yml`;
const H009 = `${DIR}/hazards/H-009-alert-fatigue.yml`;

function gate(opts: { changes: ChangedFile[]; head?: Snapshot; reviews?: Review[]; labels?: string[] }): GateResult {
  return evaluateGate({
    changes: opts.changes,
    labels: opts.labels ?? [],
    author: 'dev-sam',
    commitAuthors: ['dev-sam'],
    headSha: HEAD,
    base: baseLoad,
    head: opts.head ? loadFolder(opts.head) : baseLoad,
    reviews: opts.reviews ?? [],
    safetyDir: DIR,
  });
}

/** The pull request of the App's end-to-end scenario: dose units, its test, and H-004 re-rated. */
function doseUnitsPull(): { changes: ChangedFile[]; head: Snapshot } {
  // The PR re-rates H-004's residual up to 3 (as delivered too), with the justification a 3 needs.
  const h004 = text(base, H004)
    .replace(/residual:\n {2}severity: Major\n {2}likelihood: Very low/, 'residual:\n  severity: Major\n  likelihood: Low')
    .replace(
      /deliveredResidual:\n {2}severity: Major\n {2}likelihood: Very low/,
      'deliveredResidual:\n  severity: Major\n  likelihood: Low',
    )
    .replace(
      /^status: open$/m,
      'justification: Further reduction needs coded units from every GP system, which is outside our control.\nstatus: open',
    );
  return {
    changes: [
      { status: 'modified', filename: 'src/medications/dose.ts' },
      { status: 'modified', filename: 'test/dose-units.spec.ts' },
      { status: 'modified', filename: H004 },
    ],
    head: edited(base, { [H004]: h004 }),
  };
}

const approvedBy = (login: string, commit = HEAD): Review => ({
  reviewer: login,
  state: 'APPROVED',
  commitId: commit,
  submittedAt: '2026-11-02T09:00:00Z',
});

beforeAll(() => {
  base = snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, DIR));
  baseLoad = loadFolder(base);
  expect(baseLoad.valid).toBe(true);
  folder = baseLoad.folder!;
});

describe('the gate comment on a pull request', () => {
  it('not impacted', async () => {
    const r = gate({ changes: [{ status: 'modified', filename: 'README.md' }] });
    expect(r.decision).toBe('not-required');
    await expect(renderGateComment(r, { prNumber: 12, runUrl: RUN_URL })).toMatchFileSnapshot(golden('gate-comment-not-impacted'));
  });

  it('impacted, pending a CSO', async () => {
    const pull = doseUnitsPull();
    // The author's own approval and a stale CSO approval do not count; the comment says why.
    const r = gate({ ...pull, reviews: [approvedBy('dev-sam'), approvedBy('dr-tom-hughes', 'a'.repeat(40))] });
    expect(r.decision).toBe('pending');
    await expect(renderGateComment(r, { prNumber: 12, runUrl: RUN_URL })).toMatchFileSnapshot(golden('gate-comment-pending'));
  });

  it("a transferred hazard's control changes: the CSOs are asked to review, deploying organisations must be told", async () => {
    const H010 = `${DIR}/hazards/H-010-unauthorised-access-or-wrong-user.yml`;
    const before = text(base, H010);
    const first = /(- id: H-010-C01\n\s+description: )([^\n]+)/.exec(before)!;
    const h010 = before.replace(first[0], `${first[1]}Sessions lock after 2 minutes idle on shared workstations (was 10)`);
    expect(h010).not.toBe(before);
    const r = gate({ changes: [{ status: 'modified', filename: H010 }], head: edited(base, { [H010]: h010 }) });
    expect(r.decision).toBe('pending');
    await expect(
      renderGateComment(r, { prNumber: 14, reviewRequest: { requested: ['dr-amara-okafor', 'dr-tom-hughes'] } }),
    ).toMatchFileSnapshot(golden('gate-comment-hand-over'));
    const refused = renderGateComment(r, {
      prNumber: 14,
      reviewRequest: { notRequested: ['dr-amara-okafor'], why: 'the token may not request reviewers (it needs pull-requests: write)' },
    });
    expect(refused).toContain('**Please ask for a review:** clinsafe could not request it');
    expect(refused).toContain('ask Dr Amara Okafor (dr-amara-okafor) to review this pull request');
  });

  it('approved by a CSO on the head commit', async () => {
    const r = gate({ ...doseUnitsPull(), reviews: [approvedBy('dr-tom-hughes')] });
    expect(r.decision).toBe('approved');
    await expect(renderGateComment(r, { prNumber: 12, runUrl: RUN_URL })).toMatchFileSnapshot(golden('gate-comment-approved'));
  });

  it('blocked by a CSO requesting changes', async () => {
    const reviews: Review[] = [
      { reviewer: 'dr-amara-okafor', state: 'CHANGES_REQUESTED', commitId: HEAD, submittedAt: '2026-11-02T09:30:00Z' },
    ];
    const r = gate({ ...doseUnitsPull(), reviews });
    expect(r.decision).toBe('blocked');
    await expect(renderGateComment(r, { prNumber: 12, runUrl: RUN_URL })).toMatchFileSnapshot(golden('gate-comment-blocked'));
  });

  it('error: the pull request deletes a hazard and breaks another', async () => {
    const h009 = text(base, H009).replace(/^title: .*$/m, 'title: [unclosed');
    const head = edited(base, { [H004]: null, [H009]: h009 });
    const r = gate({
      changes: [
        { status: 'removed', filename: H004 },
        { status: 'modified', filename: H009 },
      ],
      head,
    });
    expect(r.decision).toBe('error');
    await expect(renderGateComment(r, { prNumber: 12, runUrl: RUN_URL })).toMatchFileSnapshot(golden('gate-comment-error'));
  });

  it('no longer impacted, and the gate could not run', async () => {
    await expect(serialize(noLongerImpactedTree(12))).toMatchFileSnapshot(golden('gate-comment-no-longer-impacted'));
    const problem =
      'GitHub answered 502 Bad Gateway three times while listing the files of pull request #12; GitHub may be having trouble (https://www.githubstatus.com).';
    await expect(serialize(gateProblemTree(problem, 12))).toMatchFileSnapshot(golden('gate-comment-could-not-run'));
  });
});

describe('issues and comments the App writes', () => {
  it('the safety review after an impacted merge', async () => {
    const r = gate({ ...doseUnitsPull(), reviews: [approvedBy('dr-tom-hughes', 'a'.repeat(40))] });
    const issue = afterMergeIssue(folder, {
      number: 12,
      title: 'Map microgram to the dm+d unit | <img src=x onerror=alert(1)> @acme/everyone',
      url: PR_URL,
      mergeCommit: MERGE,
      impacted: r.impacted,
      hazardLogChanges: r.hazardLogChanges,
      reverify: r.reverify,
      safetyFolderChanges: r.safetyFolderChanges,
      approval: approvalText(r),
    });
    await expect(issueFile(issue)).toMatchFileSnapshot(golden('issue-after-merge-review'));
  });

  it('the release sign-off issue, and its form when the documents could not be built', async () => {
    const previous = loadFolder(edited(base, { [H004]: text(base, H004).replace(/likelihood: Very low/, 'likelihood: Low') })).folder!;
    const issue = releaseSignOffIssue({
      tag: 'v2.5.0',
      sha: RELEASE_SHA,
      releaseUrl: RELEASE_URL,
      folder,
      previousTag: 'v2.4.0',
      testIssues: 6, // the MedRec fixture report: 2 failing, 1 missing, 3 claims without a passing result
      delta: hazardLogDelta(previous, folder, folder.scheme),
      incidentsSince: folder.incidents,
      changeRecord: [
        {
          pullNumber: 12,
          title: 'Map microgram to the dm+d unit',
          hazards: ['H-004'],
          approvals: [{ login: 'dr-tom-hughes', commit: HEAD }],
        },
        { pullNumber: 15, title: 'Tidy the README', hazards: [], approvals: [] },
        { title: 'Direct commit: bump version to 2.5.0', hazards: [], approvals: [] },
      ],
      assets: [
        { name: 'cscr.md', sha256: DIGEST('1') },
        { name: 'cscr.pdf', sha256: DIGEST('2') },
        { name: 'manifest.json', sha256: DIGEST('3') },
      ],
    });
    await expect(issueFile(issue)).toMatchFileSnapshot(golden('issue-release-sign-off'));

    const broken = loadFolder(edited(base, { [H009]: text(base, H009).replace(/^title: .*$/m, 'title: [unclosed') }));
    const failed = releaseSignOffIssue({
      tag: 'v2.5.0',
      sha: RELEASE_SHA,
      releaseUrl: RELEASE_URL,
      problem: 'the safety folder at this commit is not valid (run clinsafe validate)',
      diagnostics: broken.diagnostics,
      delta: [],
      incidentsSince: [],
      changeRecord: [],
      assets: [],
    });
    await expect(issueFile(failed)).toMatchFileSnapshot(golden('issue-release-sign-off-failed'));
  });

  it('the sign-off, rejection and refusal comments', async () => {
    const cso = folder.config.cso.find((c) => c.github === 'dr-amara-okafor')!;
    const signOff = signOffComment({
      tag: 'v2.5.0',
      sha: RELEASE_SHA,
      cso: { github: cso.github, name: cso.name, profession: cso.profession, registration: cso.registration },
      statement:
        'I am satisfied that the residual clinical risk of MedRec v2.5.0 is acceptable for use as intended. I accept the outstanding test issues.',
      signedAt: '2026-11-23T12:30:00Z',
      cscr: [
        { name: 'cscr.md', sha256: DIGEST('1') },
        { name: 'cscr.pdf', sha256: DIGEST('2') },
      ],
      memo: { name: 'cso-release-memo.pdf', sha256: DIGEST('4') },
    });
    await expect(signOff).toMatchFileSnapshot(golden('comment-sign-off'));
    const rejection = rejectionComment({
      tag: 'v2.5.0',
      sha: RELEASE_SHA,
      by: 'dr-amara-okafor',
      reason: 'The microgram mapping has no dm+d regression run yet',
      at: '2026-11-21T09:00:00Z',
    });
    await expect(rejection).toMatchFileSnapshot(golden('comment-rejection'));
    await expect(
      refusalComment('dev-sam', 'dev-sam is not a Clinical Safety Officer named in clinsafe.yml at this commit'),
    ).toMatchFileSnapshot(golden('comment-refusal'));
  });

  it('the release notes section in each state', async () => {
    const states = [
      releaseNotesSection({ kind: 'awaiting', issueUrl: ISSUE_URL }),
      releaseNotesSection({ kind: 'approved', cso: 'Dr Amara Okafor', at: '2026-11-23' }),
      releaseNotesSection({
        kind: 'rejected',
        by: 'dr-amara-okafor',
        reason: 'The microgram mapping has no dm+d regression run yet',
        at: '2026-11-21',
      }),
      releaseNotesSection({ kind: 'failed', issueUrl: ISSUE_URL }),
    ];
    const file = ['awaiting', 'approved', 'rejected', 'failed'].map((s, i) => `<!-- state: ${s} -->\n\n${states[i]}\n`).join('\n');
    await expect(file).toMatchFileSnapshot(golden('release-notes-section'));
  });

  const incident = {
    number: 31,
    title: 'Penicillin allergy not displayed on reconciliation screen',
    body: 'The patient’s penicillin allergy from the GP record was not displayed when the pharmacist reconciled medicines on admission.',
    user: 'ward-pharmacist',
    createdAt: '2026-11-23T11:00:00Z',
    labels: ['clinical-incident'],
  };

  it('the incident guidance comment, with and without a valid safety folder', async () => {
    await expect(incidentGuidance(folder, incident)).toMatchFileSnapshot(golden('comment-incident-guidance'));
    await expect(
      incidentGuidance(
        undefined,
        incident,
        'the safety folder on main is not valid (run clinsafe validate), so hazards could not be suggested.',
      ),
    ).toMatchFileSnapshot(golden('comment-incident-guidance-no-folder'));
  });

  it('the incident review issue, with candidate hazards and with none', async () => {
    const candidates = candidateHazards(folder, incident);
    expect(candidates.length).toBeGreaterThan(0);
    await expect(
      issueFile(incidentReviewIssue(folder, { number: 31, title: incident.title, url: ISSUE_URL }, candidates)),
    ).toMatchFileSnapshot(golden('issue-incident-review'));
    await expect(
      issueFile(incidentReviewIssue(folder, { number: 32, title: 'Font too small on ward tablets', url: ISSUE_URL }, [])),
    ).toMatchFileSnapshot(golden('issue-incident-review-no-hazard'));
  });

  it('the periodic review issue', async () => {
    const due = periodicReviewDue(folder.config, '2027-03-02');
    expect(due.due).toBe(true);
    await expect(issueFile(periodicReviewIssue(folder, due))).toMatchFileSnapshot(golden('issue-periodic-review'));
  });
});

describe('the release documents of the example product', () => {
  const release: ReleaseInfo = {
    tag: 'v2.5.0',
    commit: RELEASE_SHA,
    date: '2026-11-20T09:00:00Z',
    previousTag: 'v2.4.0',
    previousCommit: '703e3c5fded7a9b8c7d6e5f4a3b2c1d0e9f8a7b6',
    previousDate: '2026-02-06T12:00:00Z',
    lifecyclePhase: 'Major release',
  };
  const changeRecord: ChangeRecordEntry[] = [
    {
      pullNumber: 12,
      title: 'Map microgram to the dm+d unit',
      mergeCommit: MERGE,
      mergedAt: '2026-11-02T10:00:00Z',
      hazards: ['H-004'],
      approvals: [{ login: 'dr-tom-hughes', name: 'Dr Tom Hughes', commit: HEAD }],
      source: 'github',
    },
    {
      title: 'Bump version to 2.5.0',
      mergeCommit: 'd'.repeat(40),
      mergedAt: '2026-11-19T16:00:00Z',
      hazards: [],
      approvals: [],
      source: 'github',
    },
  ];
  const approved: SignOff = {
    state: 'approved',
    cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
    statement:
      'I am satisfied that the residual clinical risk of MedRec v2.5.0 is acceptable for use as intended. I accept the outstanding test issues.',
    signedAt: '2026-11-23T12:30:00Z',
  };
  const rejected: SignOff = {
    state: 'rejected',
    by: 'dr-amara-okafor',
    reason: 'The microgram mapping has no dm+d regression run yet',
    at: '2026-11-21T09:00:00Z',
  };

  /** The fixture's JUnit report (a real vitest run: two failing suites, one linked test never written) as if recorded in CI at the release commit. */
  const evidence = () => ({
    record: matchEvidence({
      hazards: folder.hazards,
      results: readJUnitFiles([{ path: join(EXAMPLE_PRODUCT, 'reports/junit/vitest.xml'), label: 'reports/junit/vitest.xml' }])[0]!.cases,
      reports: 1,
      commit: RELEASE_SHA,
      when: '2026-11-20T08:55:00Z',
      where: 'https://github.com/example-health/medrec/actions/runs/4242',
      ranAt: '2026-11-20T08:50:00Z',
    }),
  });

  /** The safety folder at v2.4.0: H-004 was rated Low likelihood, H-009 did not exist yet. */
  const previousFolder = () =>
    loadFolder(edited(base, { [H004]: text(base, H004).replace(/likelihood: Very low/, 'likelihood: Low'), [H009]: null })).folder!;

  async function markdown(signOff?: SignOff, withEvidence = true): Promise<Map<string, string>> {
    const arts = await buildDocuments({
      folder,
      release,
      changeRecord,
      previousFolder: previousFolder(),
      formats: ['md'],
      ...(signOff ? { signOff } : {}),
      ...(withEvidence ? { evidence: evidence() } : {}),
    });
    return new Map(arts.filter((a) => a.name.endsWith('.md')).map((a) => [a.name, a.bytes.toString('utf8')]));
  }

  it('draft (awaiting CSO sign-off)', async () => {
    const docs = await markdown();
    expect([...docs.keys()]).toEqual(['cscr.md', 'crmp.md', 'safety-requirements.md']);
    for (const [name, md] of docs) await expect(md).toMatchFileSnapshot(golden(`draft-${name.replace(/\.md$/, '')}`));
  });

  it('approved by a CSO (with the CSO release memo)', async () => {
    const docs = await markdown(approved);
    expect([...docs.keys()]).toEqual(['cscr.md', 'crmp.md', 'safety-requirements.md', 'cso-release-memo.md']);
    for (const [name, md] of docs) await expect(md).toMatchFileSnapshot(golden(`approved-${name.replace(/\.md$/, '')}`));
  });

  it('rejected by a CSO (the CSCR says so)', async () => {
    const docs = await markdown(rejected, false); // no test results supplied: the CSCR says so
    await expect(docs.get('cscr.md')).toMatchFileSnapshot(golden('rejected-cscr'));
  });
});

describe('the gate comment: test results on the head commit (issue 15)', () => {
  /** The fixture's real JUnit report, as the CI recorded it for the pull request's head commit. */
  const recorded = (): HeadEvidenceLookup => ({
    record: matchEvidence({
      hazards: folder.hazards,
      results: readJUnitFiles([{ path: join(EXAMPLE_PRODUCT, 'reports/junit/vitest.xml'), label: 'reports/junit/vitest.xml' }])[0]!.cases,
      reports: 1,
      commit: HEAD,
      when: '2026-11-29T10:05:00Z',
      where: RUN_URL,
    }),
  });
  // The GP Connect mapper touches H-002, H-003 and H-004, whose controls link tests.
  const mapperPull = () => gate({ changes: [{ status: 'modified', filename: 'src/gp-connect/mapper.ts' }] });
  const comment = (r: GateResult, lookup: HeadEvidenceLookup) =>
    renderGateComment(r, { prNumber: 12, runUrl: RUN_URL, headEvidence: headEvidence(r.impacted, folder.hazards, HEAD, lookup)! });

  it('results: a failing control named, each linked test that did not pass listed', async () => {
    const r = mapperPull();
    expect(r.decision).toBe('pending');
    await expect(comment(r, recorded())).toMatchFileSnapshot(golden('gate-comment-head-evidence-results'));
  });

  it('every linked test passed (approved by a CSO)', async () => {
    const r = gate({ changes: [{ status: 'modified', filename: 'src/medications/dose.ts' }], reviews: [approvedBy('dr-tom-hughes')] });
    expect(r.decision).toBe('approved');
    await expect(comment(r, recorded())).toMatchFileSnapshot(golden('gate-comment-head-evidence-passed'));
  });

  it('no results recorded yet, and results that could not be read', async () => {
    const r = mapperPull();
    await expect(comment(r, { absent: `no artifact named clinsafe-evidence-${HEAD}` })).toMatchFileSnapshot(
      golden('gate-comment-head-evidence-absent'),
    );
    await expect(comment(r, { problem: `evidence.json in the artifact clinsafe-evidence-${HEAD} is not JSON` })).toMatchFileSnapshot(
      golden('gate-comment-head-evidence-unreadable'),
    );
  });
});
