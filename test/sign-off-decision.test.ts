/** The release decision re-derived from comments, and the clinical blockers to a sign-off (pure). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFolder } from '../src/core/folder.js';
import { signOffBlockers } from '../src/core/sign-off-blockers.js';
import { deriveDecision, type CommandComment } from '../src/core/sign-off-decision.js';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const roster = [
  { github: 'dr-a', name: 'Dr A', profession: 'Pharmacist', registration: 'GPhC 1' },
  { github: 'dr-b', name: 'Dr B', profession: 'Nurse', registration: 'NMC 2' },
];
let nextId = 1;
const c = (login: string, body: string, createdAt: string, extra: Partial<CommandComment> = {}): CommandComment => ({
  id: nextId++,
  login,
  userType: 'User',
  body,
  createdAt,
  updatedAt: createdAt,
  ...extra,
});
const decide = (comments: CommandComment[], blockers: string[] = []) =>
  deriveDecision({ comments, roster, product: 'MedRec', tag: 'v1', notBefore: '2026-01-01T10:00:00Z', blockers });

describe('deriveDecision', () => {
  it('orders by creation time, then id: the first sign-off is final and later commands are refused, each with an outcome', () => {
    const reject = c('dr-b', '/clinsafe reject not yet', '2026-01-01T11:00:00Z');
    const signOff = c('dr-a', '/clinsafe sign-off', '2026-01-01T11:00:00Z', { id: reject.id - 1 });
    const d = decide([reject, signOff]);
    expect(d.current?.commentId).toBe(signOff.id);
    expect(d.current?.signOff.state).toBe('approved');
    expect(d.outcomes.map((o) => [o.comment.id, o.outcome.kind])).toEqual([
      [signOff.id, 'approved'],
      [reject.id, 'refused'],
    ]);
  });

  it('a rejection, then a CSO sign-off, approves; bots, non-CSOs, old and edited comments do not count', () => {
    const d = decide([
      c('dr-a', '/clinsafe sign-off', '2026-01-01T09:00:00Z'), // before the link
      c('clinsafe[bot]', '/clinsafe sign-off', '2026-01-01T11:00:00Z', { userType: 'Bot' }),
      c('dev', '/clinsafe sign-off', '2026-01-01T11:01:00Z'),
      c('dr-b', '/clinsafe reject H-1', '2026-01-01T11:02:00Z'),
      c('dr-a', '/clinsafe sign-off Fine', '2026-01-01T11:03:00Z'),
    ]);
    expect(d.current?.signOff).toMatchObject({ state: 'approved', statement: 'Fine', cso: { github: 'dr-a' } });
    expect(d.outcomes.map((o) => o.outcome.kind)).toEqual(['ignored', 'refused', 'rejected', 'approved']);
  });

  it('an edited CSO comment holds the release until a CSO writes after the edit', () => {
    const approved = c('dr-a', '/clinsafe sign-off', '2026-01-01T11:00:00Z');
    const edited = c('dr-b', 'looks fine', '2026-01-01T11:01:00Z', { updatedAt: '2026-01-01T12:00:00Z' });
    const held = decide([approved, edited]);
    expect(held.current?.signOff).toMatchObject({ state: 'rejected', by: 'clinsafe' });
    const confirmed = decide([approved, edited, c('dr-a', '/clinsafe sign-off', '2026-01-01T12:30:00Z')]);
    expect(confirmed.current?.signOff.state).toBe('approved');
  });

  it('clinical blockers refuse a sign-off, naming each', () => {
    const d = decide([c('dr-a', '/clinsafe sign-off', '2026-01-01T11:00:00Z')], ['H-004 (Dose unit): residual risk 5']);
    expect(d.current).toBeUndefined();
    expect(d.outcomes[0]!.outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('H-004') });
  });
});

describe('signOffBlockers', () => {
  it('names each hazard whose residual risk is never acceptable or lacks its justification', () => {
    const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
    expect(signOffBlockers(folder)).toEqual([]);
    const h = folder.hazards[0]!;
    const bad = {
      ...folder,
      hazards: [
        { ...h, id: 'H-900', residual: { ...h.residual, risk: 5 } },
        { ...h, id: 'H-901', residual: { ...h.residual, risk: 3 }, justification: undefined },
        { ...h, id: 'H-902', residual: { ...h.residual, risk: 5 }, status: 'retired' as const },
      ],
    };
    const blockers = signOffBlockers(bad);
    expect(blockers).toHaveLength(2);
    expect(blockers[0]).toMatch(/^H-900: residual risk 5 .*not acceptable/i);
    expect(blockers[1]).toMatch(/^H-901: .*justification/);
  });

  it('a residual resting on planned controls blocks the sign-off unless the signing CSO states they accept it', () => {
    const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
    // H-003 as it was before it stated its residual as delivered: residual 2 credited for planned controls.
    const h003 = folder.hazards.find((h) => h.id === 'H-003')!;
    const {
      deliveredResidual: _d,
      acceptedPlannedResidual: _a,
      ...rest
    } = h003 as typeof h003 & {
      deliveredResidual?: unknown;
      acceptedPlannedResidual?: unknown;
    };
    const planned = {
      ...folder,
      hazards: folder.hazards.map((h) => (h.id === 'H-003' ? { ...rest, residual: { ...h003.residual, risk: 2 } } : h)),
    };
    const blockers = (statement: string | undefined) => signOffBlockers(planned as typeof folder, { ...(statement ? { statement } : {}) });
    expect(blockers(undefined).some((b) => b.startsWith('H-003: '))).toBe(true);
    const unblocked = decide([c('dr-a', '/clinsafe sign-off', '2026-01-01T11:00:00Z')], []);
    expect(unblocked.current?.signOff.state).toBe('approved'); // no blockers: approves
    const plain = deriveDecision({
      comments: [c('dr-a', '/clinsafe sign-off', '2026-01-01T11:00:00Z')],
      roster,
      product: 'MedRec',
      tag: 'v1',
      notBefore: '2026-01-01T10:00:00Z',
      blockers,
    });
    expect(plain.current).toBeUndefined();
    expect(JSON.stringify(plain.outcomes)).toContain('H-003');
    const accepting = deriveDecision({
      comments: [
        c(
          'dr-a',
          '/clinsafe sign-off I accept the residual risk resting on planned controls for H-003 until release 2.5.',
          '2026-01-01T11:00:00Z',
        ),
      ],
      roster,
      product: 'MedRec',
      tag: 'v1',
      notBefore: '2026-01-01T10:00:00Z',
      blockers,
    });
    expect(accepting.current?.signOff.state).toBe('approved');
  });
});
