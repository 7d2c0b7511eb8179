/**
 * Test results on a pull request's head commit (issue 15), pure: which impacted controls link
 * tests, and each state the gate comment can show — results (failing, missing, skipped, passed),
 * no record yet, an unreadable record, a record for another commit.
 */
import { describe, expect, it } from 'vitest';
import { matchEvidence, type EvidenceHazard, type TestCaseResult } from '../src/core/evidence.js';
import { headEvidenceBlock } from '../src/core/gate-comment-evidence.js';
import { headEvidence, impactedControlsWithTests, needsHeadEvidence } from '../src/core/head-evidence.js';
import { root, serialize } from '../src/core/markdown.js';

const HEAD = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

const hazards: EvidenceHazard[] = [
  {
    id: 'H-001',
    title: 'Wrong patient',
    status: 'open',
    controls: [
      { id: 'H-001-C01', description: 'banner', type: 'design', status: 'verified', tests: ['test/banner.spec.ts'] },
      { id: 'H-001-C02', description: 'training', type: 'training', status: 'implemented' },
      {
        id: 'H-001-C03',
        description: 'context',
        type: 'design',
        status: 'verified',
        tests: ['test/context.spec.ts', { tag: 'H-001-C03' }],
      },
    ],
  },
  {
    id: 'H-002',
    title: 'Stale record',
    status: 'open',
    controls: [
      { id: 'H-002-C01', description: 'refresh', type: 'test', status: 'implemented', tests: ['test/refresh.spec.ts::refresh > *'] },
    ],
  },
  {
    id: 'H-003',
    title: 'Allergy',
    status: 'open',
    controls: [{ id: 'H-003-C01', description: 'allergies', type: 'design', status: 'verified', tests: ['test/allergy.spec.ts'] }],
  },
  {
    id: 'H-004',
    title: 'Retired',
    status: 'retired',
    controls: [{ id: 'H-004-C01', description: 'x', type: 'design', status: 'verified', tests: ['t.ts'] }],
  },
  {
    id: 'H-005',
    title: 'No tests',
    status: 'open',
    controls: [{ id: 'H-005-C01', description: 'doc', type: 'design', status: 'verified' }],
  },
];

const tc = (file: string, name: string, outcome: TestCaseResult['outcome']): TestCaseResult => ({
  report: 'r.xml',
  suite: file,
  classname: file,
  name,
  file,
  outcome,
});

/** The record the CI wrote at `commit`: banner passes, context fails, the C03 tag is missing, refresh skipped, allergy passes. */
function record(commit = HEAD, hs: EvidenceHazard[] = hazards) {
  return matchEvidence({
    hazards: hs,
    results: [
      tc('test/banner.spec.ts', 'banner > shows NHS number', 'passed'),
      tc('test/banner.spec.ts', 'banner > shows date of birth', 'passed'),
      tc('test/context.spec.ts', 'context > refuses a stale write', 'failed'),
      tc('test/context.spec.ts', 'context > keeps the tab', 'passed'),
      tc('test/refresh.spec.ts', 'refresh > reloads', 'skipped'),
      tc('test/allergy.spec.ts', 'allergy > not retrieved', 'passed'),
    ],
    reports: 1,
    commit,
    when: '2026-11-29T10:00:00Z',
    where: 'https://github.com/acme/medrec/actions/runs/77',
  });
}

const all = [{ id: 'H-001' }, { id: 'H-002' }, { id: 'H-003' }];

describe('which impacted controls link tests', () => {
  it('lists only controls with tests, of impacted, non-retired hazards, in hazard order', () => {
    expect(impactedControlsWithTests([{ id: 'H-003' }, { id: 'H-001' }, { id: 'H-004' }, { id: 'H-005' }], hazards)).toEqual([
      { hazard: 'H-003', control: 'H-003-C01' },
      { hazard: 'H-001', control: 'H-001-C01' },
      { hazard: 'H-001', control: 'H-001-C03' },
    ]);
    expect(needsHeadEvidence([{ id: 'H-005' }, { id: 'H-004' }, { id: 'H-999' }], hazards)).toBe(false);
    expect(headEvidence([{ id: 'H-005' }], hazards, HEAD, { absent: 'none' })).toBeUndefined();
  });
});

describe('the head commit results for the impacted controls', () => {
  it('gives every state, failing first, with linked tests counted by state', () => {
    const e = headEvidence(all, hazards, HEAD, { record: record() });
    expect(e).toMatchObject({ kind: 'results', headSha: HEAD, where: 'https://github.com/acme/medrec/actions/runs/77' });
    if (e?.kind !== 'results') throw new Error('results expected');
    expect(e.controls.map((c) => [c.control, c.state, c.counts])).toEqual([
      ['H-001-C03', 'failing', { passed: 0, failed: 1, skipped: 0, notFound: 1 }],
      ['H-002-C01', 'skipped', { passed: 0, failed: 0, skipped: 1, notFound: 0 }],
      ['H-001-C01', 'verified', { passed: 1, failed: 0, skipped: 0, notFound: 0 }],
      ['H-003-C01', 'verified', { passed: 1, failed: 0, skipped: 0, notFound: 0 }],
    ]);
    expect(e.controls[0]!.tests).toEqual([
      { label: 'test/context.spec.ts', state: 'failed', passed: 1, failed: 1, skipped: 0 },
      { label: '[H-001-C03]', state: 'not-found', passed: 0, failed: 0, skipped: 0 },
    ]);
  });

  it('a missing linked test: the control is missing, not passed', () => {
    const withMissing: EvidenceHazard[] = [
      {
        id: 'H-003',
        title: 'Allergy',
        status: 'open',
        controls: [
          {
            id: 'H-003-C01',
            description: 'a',
            type: 'design',
            status: 'verified',
            tests: ['test/allergy.spec.ts', 'test/never-written.spec.ts'],
          },
        ],
      },
    ];
    const e = headEvidence([{ id: 'H-003' }], withMissing, HEAD, { record: record(HEAD, withMissing) });
    expect(e?.kind === 'results' && e.controls.map((c) => [c.state, c.counts])).toEqual([
      ['missing', { passed: 1, failed: 0, skipped: 0, notFound: 1 }],
    ]);
  });

  it('the folder at the head decides the links: a link the record does not know has no result', () => {
    // The record was made with the base folder; the pull request adds a link to H-003-C01.
    const head = hazards.map((h) =>
      h.id === 'H-003' ? { ...h, controls: [{ ...h.controls[0]!, tests: ['test/allergy.spec.ts', 'test/new.spec.ts'] }] } : h,
    );
    const e = headEvidence([{ id: 'H-003' }], head, HEAD, { record: record() });
    expect(e?.kind === 'results' && e.controls[0]).toMatchObject({ state: 'missing', counts: { passed: 1, notFound: 1 } });
  });

  it('no record yet: absent, naming the controls that link tests', () => {
    expect(headEvidence(all, hazards, HEAD, { absent: 'no artifact named clinsafe-evidence-x' })).toEqual({
      kind: 'absent',
      headSha: HEAD,
      reason: 'no artifact named clinsafe-evidence-x',
      controls: [
        { hazard: 'H-001', control: 'H-001-C01' },
        { hazard: 'H-001', control: 'H-001-C03' },
        { hazard: 'H-002', control: 'H-002-C01' },
        { hazard: 'H-003', control: 'H-003-C01' },
      ],
    });
  });

  it('an unreadable record is unreadable, never a pass', () => {
    expect(headEvidence(all, hazards, HEAD, { problem: 'the zip is broken' })).toMatchObject({
      kind: 'unreadable',
      problem: 'the zip is broken',
    });
  });

  it('a record for another commit (or produced at another) is not evidence for the head', () => {
    expect(headEvidence(all, hazards, HEAD, { record: record(OTHER) })).toMatchObject({
      kind: 'unreadable',
      problem: `the record is for commit ${OTHER.slice(0, 12)}, not the head commit ${HEAD.slice(0, 12)}`,
    });
    expect(headEvidence(all, hazards, HEAD, { record: { ...record(), resultsCommit: OTHER } })).toMatchObject({ kind: 'unreadable' });
  });
});

describe('the comment section', () => {
  const md = (e: Parameters<typeof headEvidenceBlock>[0], compact = false) => serialize(root(headEvidenceBlock(e, compact)));

  it('names the controls with failing, skipped or missing tests and lists the tests that did not pass', () => {
    const text = md(headEvidence(all, hazards, HEAD, { record: record() }));
    expect(text).toContain('#### Test results on the head commit');
    expect(text).toContain('**2 controls of the impacted hazards have failing, skipped or missing tests**: H-001-C03, H-002-C01.');
    expect(text).toMatch(/\| H-001-C03 \| H-001 +\| ❌ failing +\| 1 +\| 0 +\| 1 +\| 0 +\|/);
    expect(text).toContain('H-002-C01: `test/refresh.spec.ts::refresh > *` — skipped (1 of 1 test case skipped)');
    expect(text).toContain('H-001-C03: `[H-001-C03]` — not found (no result on this commit)');
    expect(text).toContain('[the run](https://github.com/acme/medrec/actions/runs/77)');
    expect(text).toContain("it does not change this gate's decision");
    // Compact: the table stays, the per-test list goes.
    expect(md(headEvidence(all, hazards, HEAD, { record: record() }), true)).not.toContain('Linked tests that did not pass');
  });

  it('all passed, absent, unreadable', () => {
    expect(md(headEvidence([{ id: 'H-003' }], hazards, HEAD, { record: record() }))).toContain(
      'Every test linked from 1 control of the impacted hazards passed on `aaaaaaa`.',
    );
    expect(md(headEvidence(all, hazards, HEAD, { absent: 'none' }))).toContain(
      '**No test results recorded for head commit** `aaaaaaa` **yet.**',
    );
    expect(md(headEvidence(all, hazards, HEAD, { problem: 'GitHub refused access (HTTP 403).' }))).toContain(
      '**Could not read test results:** GitHub refused access (HTTP 403).',
    );
    expect(md(undefined)).toBe('');
  });

  it('a hostile test label stays literal text', () => {
    const h: EvidenceHazard[] = [
      {
        id: 'H-009',
        title: 't',
        status: 'open',
        controls: [
          { id: 'H-009-C01', description: 'd', type: 'design', status: 'verified', tests: ['test/x.ts::@everyone <img src=x> `|` *'] },
        ],
      },
    ];
    const text = md(headEvidence([{ id: 'H-009' }], h, HEAD, { record: record(HEAD, h) }));
    // In a code span: shown literally, no HTML, no mention.
    expect(text).toContain('H-009-C01: ``test/x.ts::@everyone <img src=x> `|` *`` — not found');
    expect(text.replace(/``[^\n]*``/g, '')).not.toMatch(/<img|@everyone/);
  });
});
