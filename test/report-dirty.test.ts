/**
 * `clinsafe report --junit` and a work tree that is not the release commit (issue 15): changed,
 * staged or deleted tracked files mean the tests ran on uncommitted code, so report refuses and
 * writes nothing; untracked files are named in a warning (the reports and the output folder are
 * untracked too, and left out). A real git repository of the example product.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePorcelain } from '../src/cli/commands/report-worktree.js';
import { run } from '../src/cli/program.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

async function report(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['report', '--format', 'md', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: repo.dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('clinsafe report --junit on a work tree with changes', () => {
  it('a modified tracked file: refused, naming it, and no document written', async () => {
    repo = fixtureRepo();
    const head = repo.git('rev-parse', 'HEAD').trim();
    repo.write('src/gp-connect/mapper.ts', 'export const uncommitted = true;\n');
    const r = await report(['--out', 'release-docs', '--junit', 'reports/**/*.xml']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `--junit: the work tree has uncommitted changes to 1 tracked file (src/gp-connect/mapper.ts), so the tests did not run on the release commit ${head.slice(0, 12)} and their results are not evidence for it.`,
    );
    expect(r.err).toContain('or pass --evidence with the record your CI made at the release commit');
    expect(existsSync(join(repo.dir, 'release-docs'))).toBe(false);
    // Without --junit nothing is read from the work tree: the documents are built as before.
    expect((await report(['--out', 'release-docs'])).code).toBe(0);
  });

  it('a staged new file and a deleted file are changes too', async () => {
    repo = fixtureRepo();
    repo.write('src/new.ts', 'export const n = 1;\n');
    repo.git('add', 'src/new.ts');
    rmSync(join(repo.dir, 'src/patient/banner.ts'), { force: true });
    const r = await report(['--out', 'release-docs', '--junit', 'reports/**/*.xml']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /uncommitted changes to 2 tracked files \((src\/new\.ts, src\/patient\/banner\.ts|src\/patient\/banner\.ts, src\/new\.ts)\)/,
    );
  });

  it('untracked files: a warning naming them (not the reports, not the output folder), and the documents are built', async () => {
    repo = fixtureRepo();
    // A second report written by this run (untracked, as reports usually are).
    repo.write('reports/junit/extra.xml', readFileSync(join(repo.dir, 'reports/junit/vitest.xml'), 'utf8'));
    repo.write('scratch.ts', 'export const scratch = 1;\n');
    const first = await report(['--out', 'release-docs', '--junit', 'reports/**/*.xml']);
    expect(first.code).toBe(0);
    expect(first.err).toBe(
      'warning: --junit: 1 untracked file is in the work tree (scratch.ts); if the tests used it, the results are not those of the release commit alone',
    );
    const again = await report(['--out', 'release-docs', '--junit', 'reports/**/*.xml']);
    expect(again.err).not.toContain('release-docs/');
    expect(existsSync(join(repo.dir, 'release-docs', 'cscr.md'))).toBe(true);
  });

  it('reads git status -z, renames included', () => {
    expect(parsePorcelain(' M a.ts\0R  new.ts\0old.ts\0?? b.ts\0D  c.ts\0')).toEqual({
      changed: ['a.ts', 'new.ts', 'c.ts'],
      untracked: ['b.ts'],
    });
  });
});
