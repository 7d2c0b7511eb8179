/** The pure gate: trigger index vs the reference glob semantics, approval rules, hazard-log delta. */
import { describe, expect, it } from 'vitest';
import { decideApproval, type Review } from '../src/core/approval.js';
import type { Hazard, SafetyFolder } from '../src/core/folder.js';
import { statusFor, type GateResult } from '../src/core/gate.js';
import { renderGateComment } from '../src/core/gate-comment.js';
import { matchingPatterns } from '../src/core/globs.js';
import { evidenceTouched } from '../src/core/impact.js';
import { compileTriggers, matchPath } from '../src/core/trigger-index.js';
import { hazardLogDelta } from '../src/core/hazard-log-delta.js';
import { NHS_DCB0129 } from '../src/core/risk.js';

function hazard(id: string, paths: string[], extra: Partial<Hazard> = {}): Hazard {
  return {
    id,
    title: `Hazard ${id}`,
    description: 'd',
    clinicalImpact: 'c',
    causes: [],
    existingControls: [],
    initial: { severity: 'Major', likelihood: 'Medium', risk: 3 },
    controls: [],
    residual: { severity: 'Major', likelihood: 'Low', risk: 3 },
    status: 'open',
    operationalConstraints: [],
    actions: [],
    assumptions: [],
    draft: false,
    triggers: { paths, labels: [] },
    file: `clinical-safety/hazards/${id}.yml`,
    ...extra,
  } as Hazard;
}

describe('trigger index', () => {
  it('agrees with the reference semantics (matchingPatterns) on many patterns and paths', () => {
    const patterns = [
      'src/patient/**',
      'src/patient',
      'src/api/server.ts',
      '/docs/',
      '*.sql',
      '**/*.sql',
      'migrations',
      'Dockerfile',
      'src/**/test_*.ts',
      'src/*/index.ts',
      '{src,lib}/core/**',
      '!src/patient/README.md',
      'src/pat?ent/x.ts',
      '.github/workflows/*.yml',
      '*.tar.gz',
      '**/secret/**',
      'src/[ab]*/z.ts',
      '!*.md',
    ];
    const paths = [
      'src/patient/context.ts',
      'src/patient/README.md',
      'src/patient',
      'src/patients/x.ts',
      'src/api/server.ts',
      'src/api/server.ts.bak',
      'docs/a/b.md',
      'x/docs/a.md',
      'db/migrations/001.sql',
      'a.sql',
      'migrations/x.ts',
      'deep/migrations/y/z',
      'Dockerfile',
      'ops/Dockerfile',
      'src/a/b/test_x.ts',
      'src/a/index.ts',
      'src/a/b/index.ts',
      'lib/core/q.ts',
      'src/patent/x.ts',
      '.github/workflows/ci.yml',
      'rel/x.tar.gz',
      'a/secret/b',
      'src/alpha/z.ts',
      'src/charlie/z.ts',
      'README.md',
      'src/patient.ts',
      'src/patientx/a.ts',
      'xmigrations/a',
      'a/migrationsx',
      'a/b/migrations',
      'docs',
      'src/api/server.tsx',
      'src/api',
    ];
    // Hazards get overlapping, ordered slices of the patterns (negations included).
    const hazards = [0, 3, 6, 9, 12].map((s, i) => hazard(`H-${i + 1}`, patterns.slice(s, s + 8)));
    const index = compileTriggers(hazards);
    for (const path of paths) {
      const got = matchPath(index, path);
      hazards.forEach((h, hi) => {
        const want = matchingPatterns(h.triggers.paths, path);
        expect({ path, hazard: h.id, hits: got.get(hi) ?? [] }).toEqual({ path, hazard: h.id, hits: want });
      });
    }
  });

  it('ignores the triggers of retired hazards', () => {
    const index = compileTriggers([hazard('H-1', ['src/**'], { status: 'retired', retiredReason: 'gone' })]);
    expect(matchPath(index, 'src/a.ts').size).toBe(0);
  });
});

describe('approval', () => {
  const base = { required: true, roster: ['dr-a', 'dr-b'], author: 'dev', commitAuthors: ['dev'], headSha: 'h2' };
  const r = (reviewer: string, state: string, commitId = 'h2', at = '2026-11-23T10:00:00Z'): Review => ({
    reviewer,
    state,
    commitId,
    submittedAt: at,
  });

  it('not required when nothing is impacted', () => {
    expect(decideApproval({ ...base, required: false, reviews: [] })).toEqual({ state: 'not-required' });
  });
  it('a later COMMENTED review does not undo an approval; a DISMISSED one does', () => {
    expect(decideApproval({ ...base, reviews: [r('dr-a', 'APPROVED'), r('dr-a', 'COMMENTED', 'h2', '2026-11-23T11:00:00Z')] }).state).toBe(
      'approved',
    );
    expect(decideApproval({ ...base, reviews: [r('dr-a', 'APPROVED'), r('dr-a', 'DISMISSED', 'h2', '2026-11-23T11:00:00Z')] }).state).toBe(
      'pending',
    );
  });
  it('the latest review wins, by time, whatever the list order', () => {
    const reviews = [r('dr-a', 'APPROVED', 'h2', '2026-11-23T12:00:00Z'), r('dr-a', 'CHANGES_REQUESTED', 'h1', '2026-11-23T09:00:00Z')];
    expect(decideApproval({ ...base, reviews }).state).toBe('approved');
  });
  it('roster matching ignores case; the approver must not be a commit author', () => {
    expect(decideApproval({ ...base, reviews: [r('DR-A', 'APPROVED')] }).state).toBe('approved');
    expect(decideApproval({ ...base, commitAuthors: ['dev', 'Dr-A'], reviews: [r('dr-a', 'APPROVED')] })).toMatchObject({
      state: 'pending',
      eligible: ['dr-b'],
    });
  });
  it('requiredApprovals counts distinct eligible CSOs', () => {
    expect(decideApproval({ ...base, requiredApprovals: 2, reviews: [r('dr-a', 'APPROVED')] })).toMatchObject({
      state: 'pending',
      have: ['dr-a'],
      needed: 2,
    });
    expect(decideApproval({ ...base, requiredApprovals: 2, reviews: [r('dr-a', 'APPROVED'), r('dr-b', 'APPROVED')] }).state).toBe(
      'approved',
    );
  });
  it('changes requested by someone off the roster does not block', () => {
    expect(decideApproval({ ...base, reviews: [r('dr-a', 'APPROVED'), r('dev2', 'CHANGES_REQUESTED')] }).state).toBe('approved');
  });
});

describe('hazard-log delta', () => {
  const folder = (hazards: Hazard[]): SafetyFolder => ({
    dir: 'clinical-safety',
    config: {} as never,
    scheme: NHS_DCB0129,
    hazards,
    incidents: [],
    workshops: [],
    templates: {},
  });
  it('reports re-rating, status, controls, evidence and narrowed triggers', () => {
    const ctrl = {
      id: 'C1',
      description: 'd',
      type: 'design' as const,
      owner: 'manufacturer',
      status: 'verified' as const,
      causes: [],
      evidence: ['test/a.test.ts', 'test/b.test.ts'],
    };
    const before = hazard('H-1', ['src/a/**', 'src/b/**'], {
      controls: [ctrl, { ...ctrl, id: 'C2' }],
      triggers: { paths: ['src/a/**', 'src/b/**'], labels: ['x'] },
    });
    const after = hazard('H-1', ['src/a/**'], {
      residual: { severity: 'Major', likelihood: 'Very low', risk: 2 },
      status: 'transferred',
      controls: [
        { ...ctrl, owner: 'Trust', evidence: ['test/a.test.ts'] },
        { ...ctrl, id: 'C3', status: 'planned', evidence: [] },
      ],
      triggers: { paths: ['src/a/**', '!src/a/gen/**'], labels: [] },
    });
    const [c] = hazardLogDelta(folder([before, hazard('H-2', [])]), folder([after, hazard('H-2', []), hazard('H-3', [])]));
    expect(c!.change).toBe('modified');
    const kinds = c!.details.map((d) => d.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'status',
        'risk',
        'control-changed',
        'evidence-removed',
        'control-added',
        'control-removed',
        'triggers-narrowed',
      ]),
    );
    const risk = c!.details.find((d) => d.kind === 'risk');
    expect(risk).toMatchObject({ which: 'residual', direction: 'down', before: { risk: 3 }, after: { risk: 2 } });
    const narrowed = c!.details.find((d) => d.kind === 'triggers-narrowed');
    expect(narrowed).toMatchObject({ removedPaths: ['src/b/**'], addedExclusions: ['!src/a/gen/**'], removedLabels: ['x'] });
  });
  it('added, retired and deleted hazards', () => {
    const delta = hazardLogDelta(
      folder([hazard('H-1', []), hazard('H-2', [])]),
      folder([hazard('H-2', [], { status: 'retired', retiredReason: 'feature removed' }), hazard('H-3', [])]),
    );
    expect(delta.map((d) => [d.id, d.change])).toEqual([
      ['H-1', 'deleted'],
      ['H-2', 'retired'],
      ['H-3', 'added'],
    ]);
  });
  it('evidence the change edits, deletes or renames away', () => {
    const h = hazard('H-1', [], {
      controls: [
        {
          id: 'C1',
          description: 'd',
          type: 'test',
          owner: 'manufacturer',
          status: 'verified',
          causes: [],
          evidence: ['test/a.test.ts', 'https://example.org/report', 'docs/validation/'],
        },
      ],
    });
    const out = evidenceTouched(
      [h],
      [
        { status: 'modified', filename: 'test/a.test.ts' },
        { status: 'renamed', filename: 'docs/old/x.md', previousFilename: 'docs/validation/x.md' },
        { status: 'added', filename: 'test/new.test.ts' },
      ],
    );
    expect(out).toEqual([
      { hazard: 'H-1', control: 'C1', evidence: 'test/a.test.ts', change: 'modified' },
      { hazard: 'H-1', control: 'C1', evidence: 'docs/validation/', change: 'renamed' },
    ]);
  });
});

describe('status', () => {
  it('never longer than 140 characters and never success on doubt', () => {
    expect(statusFor(undefined, 'x'.repeat(500))).toMatchObject({ state: 'failure' });
    expect(statusFor(undefined, 'x'.repeat(500)).description.length).toBeLessThanOrEqual(140);
    const r = {
      decision: 'error',
      errors: [{ code: 'x', message: 'y'.repeat(400) }],
      impacted: [],
      headSha: 'abc',
    } as unknown as GateResult;
    expect(statusFor(r)).toMatchObject({ state: 'failure' });
    expect(statusFor(r).description.length).toBeLessThanOrEqual(140);
  });
});

describe('comment length', () => {
  const result = (n: number, reasons: number): GateResult =>
    ({
      decision: 'pending',
      requiresApproval: true,
      impacted: Array.from({ length: n }, (_, i) => ({
        id: `H-${i + 1}`,
        title: `Hazard ${i + 1}`,
        residualRisk: 2,
        reasons: Array.from({ length: reasons }, (_, j) => ({
          kind: 'path',
          detail: `src/f${j}.ts matches src/**`,
          file: `src/f${j}.ts`,
          pattern: 'src/**',
        })),
      })),
      safetyFolderChanges: [],
      alwaysImpacted: [],
      suspiciousPaths: [],
      hazardLogChanges: [],
      reverify: [],
      approval: { state: 'pending', eligible: ['dr-a'], have: [], needed: 1, ignored: [] },
      errors: [],
      notes: [],
      headSha: 'a'.repeat(40),
      safetyDir: 'clinical-safety',
      statusContext: 'clinsafe/cso-approval',
      requiredApprovals: 1,
      roster: [{ github: 'dr-a', name: 'Dr A', profession: 'Doctor' }],
      scheme: NHS_DCB0129,
    }) as GateResult;
  it('is short when little is impacted: no collapsed sections', () => {
    const md = renderGateComment(result(1, 1));
    expect(md).not.toContain('<details>');
    expect(md.split('\n').length).toBeLessThan(25);
  });
  it('collapses detail for long pull requests', () => {
    const md = renderGateComment(result(25, 6));
    expect(md).toContain('<summary>15 more hazards</summary>');
    expect(md).toContain('<summary>Every reason, file by file</summary>');
    expect(md).toContain('and 4 more');
  });
  it("stays under GitHub's comment limit for a 3000-file pull request touching hundreds of hazards", () => {
    const md = renderGateComment(result(400, 3000));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('Needs approval by a Clinical Safety Officer');
    expect(md).toContain('390 more hazards');
  });
});
