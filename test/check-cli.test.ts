import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

async function check(dir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['check', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('clinsafe check in a real git repository', () => {
  it('exits 0 and says so when nothing is impacted', async () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('docs/notes.md', 'hello\n');
    repo.commit('docs');
    const r = await check(repo.dir, ['--base', 'main', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ decision: 'not-required', impacted: [], hazardLogChanges: [], errors: [] });
  });

  it('exits 2 with path, rename and label reasons when hazards are touched', async () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('src/patient/banner.ts', 'export const x = 1;\n');
    repo.git('mv', 'src/audit', 'src/legacy-audit');
    repo.commit('touch patient context, move audit');
    const r = await check(repo.dir, ['--base', 'main', '--label', 'alerts', '--format', 'json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.decision).toBe('approval-required');
    const ids = j.impacted.map((h: { id: string }) => h.id);
    expect(ids).toEqual(expect.arrayContaining(['H-001', 'H-009', 'H-011']));
    const h1 = j.impacted.find((h: { id: string }) => h.id === 'H-001');
    expect(h1.reasons).toContainEqual({ kind: 'path', detail: 'src/patient/banner.ts matches src/patient/**' });
    expect(h1.residualRisk).toBeTypeOf('number');
    const h9 = j.impacted.find((h: { id: string }) => h.id === 'H-009');
    expect(h9.reasons).toContainEqual({ kind: 'label', detail: 'label alerts' });
    const h11 = j.impacted.find((h: { id: string }) => h.id === 'H-011');
    expect(
      h11.reasons.some((x: { kind: string; detail: string }) => x.kind === 'path' && /renamed to src\/legacy-audit/.test(x.detail)),
    ).toBe(true);
  });

  it('reports a safety-folder edit and the risk delta, and prints the comment as markdown', async () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    const path = 'clinical-safety/hazards/H-009-alert-fatigue.yml';
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = readFileSync(join(repo.dir, path), 'utf8');
    const m = /residual:\n {2}severity: (\w+)\n {2}likelihood: ([\w ]+)\n/.exec(text);
    expect(m).not.toBeNull();
    repo.write(
      path,
      text.replace(m![0], `residual:\n  severity: ${m![1]}\n  likelihood: Very low\n`).replace(/\n {2}risk: \d+\n(?=[a-z])/g, '\n'),
    );
    repo.commit('re-rate H-009');
    const r = await check(repo.dir, ['--base', 'main', '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(j.errors).toEqual([]);
    expect(r.code).toBe(2);
    expect(j.impacted.find((h: { id: string }) => h.id === 'H-009').reasons).toEqual([
      { kind: 'hazard-log', detail: 'hazard log entry modified' },
      { kind: 'safety-folder', detail: `${path} is changed` },
    ]);
    const change = j.hazardLogChanges.find((c: { id: string }) => c.id === 'H-009');
    expect(change.change).toBe('modified');
    const md = await check(repo.dir, ['--base', 'main', '--format', 'markdown']);
    expect(md.out).toContain('Needs approval by a Clinical Safety Officer');
    expect(md.out).toContain('edits the safety folder itself');
  });

  it('deleting a hazard file is an error (exit 1)', async () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.git('rm', '-q', 'clinical-safety/hazards/H-012-discontinued-medicines-not-communicated-at-discharge.yml');
    repo.commit('drop H-012');
    const r = await check(repo.dir, ['--base', 'main', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.decision).toBe('approval-required');
    expect(j.hazardLogChanges).toContainEqual(expect.objectContaining({ id: 'H-012', change: 'deleted' }));
    expect(j.errors.join('\n')).toMatch(/H-012 was deleted/);
  });

  it('--head picks the commit; labels repeat; text output names hazards and reasons', async () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('src/auth/session.ts', 'export const s = 2;\n');
    const first = repo.commit('auth');
    repo.write('docs/x.md', 'x\n');
    repo.commit('docs');
    const r = await check(repo.dir, ['--base', 'main', '--head', first, '--label', 'audit', '--label', 'discharge']);
    expect(r.code).toBe(2);
    // H-012 (label discharge) is retired: its triggers no longer count.
    expect(r.out).toMatch(/^! CSO approval needed at [0-9a-f]{7}: touches 2 hazard\(s\)/);
    expect(r.out).toContain('H-010');
    expect(r.out).toContain('src/auth/session.ts matches src/auth/**');
    expect(r.out).toContain('label audit');
    expect(r.out).not.toContain('H-012');
    expect(r.out).toMatch(/may approve: Dr Amara Okafor \(dr-amara-okafor\)/);
    const docsOnly = await check(repo.dir, ['--base', first, '--format', 'text']);
    expect(docsOnly.code).toBe(0);
    expect(docsOnly.out).toMatch(/no clinical safety impact/);
  });

  it('errors already on the base branch need a CSO but do not block the fix (exit 2, not 1)', async () => {
    repo = fixtureRepo();
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const path = 'clinical-safety/hazards/H-009-alert-fatigue.yml';
    const good = readFileSync(join(repo.dir, path), 'utf8');
    repo.write(path, good.replace(/^status: \w+/m, 'status: finished'));
    repo.commit('broken on main');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('docs/x.md', 'x\n');
    repo.commit('docs');
    const r = await check(repo.dir, ['--base', 'main', '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(j.errors).toEqual([]);
    expect(j.decision).toBe('approval-required');
    expect(j.notes[0]).toMatch(
      /base branch has \d+ errors? \(first: clinical-safety\/hazards\/H-009-alert-fatigue.yml:\d+:\d+: status "finished" is not allowed/,
    );
    expect(r.code).toBe(2);
    // The fix itself is reviewable too.
    repo.write(path, good);
    repo.commit('fix');
    const fix = await check(repo.dir, ['--base', 'main', '--format', 'json']);
    expect(JSON.parse(fix.out).errors).toEqual([]);
    expect(fix.code).toBe(2);
  });

  it('outside a git repository: exit 1 with a clear message', async () => {
    const { tempDir } = await import('./helpers/repo.js');
    const r = await check(tempDir(), ['--base', 'main']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not inside a git repository/);
  });

  it('a bad ref is a clear error, not a stack trace', async () => {
    repo = fixtureRepo();
    const r = await check(repo.dir, ['--base', 'no-such-branch']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/"no-such-branch" is not a commit/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
