/**
 * Finding the git work tree without starting git (src/adapters/fs.ts workTreeOf): in real
 * repositories, the answer must be git's own `rev-parse --show-toplevel`, or UNCLEAR (then git is asked).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitTopLevel, resolveRoot, UNCLEAR, workTreeOf } from '../src/adapters/fs.js';
import { emptyRepo, tempDir, type TempRepo } from './helpers/repo.js';

const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));

function gitSays(cwd: string, env: NodeJS.ProcessEnv = cleanEnv): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const repos: TempRepo[] = [];
function repo(): TempRepo {
  const r = emptyRepo();
  repos.push(r);
  r.write('src/patient/a.ts', 'x\n');
  r.commit('base');
  return r;
}
afterAll(() => {
  for (const r of repos) r.cleanup();
});

describe('workTreeOf: the work tree from the file system, as git finds it', () => {
  it('at the root and from a subdirectory, the same folder git reports, found without git', () => {
    const r = repo();
    for (const cwd of [r.dir, join(r.dir, 'src'), join(r.dir, 'src', 'patient')]) {
      expect(workTreeOf(cwd, cleanEnv)).toBe(gitSays(cwd));
      expect(workTreeOf(cwd, cleanEnv)).toBe(realpathSync(r.dir));
    }
  });

  it('in a linked worktree (`git worktree add`: .git is a file) the worktree, not the main repository', () => {
    const r = repo();
    const wt = join(tempDir('clinsafe-wt-'), 'linked');
    r.git('worktree', 'add', '-q', '-b', 'side', wt);
    mkdirSync(join(wt, 'docs'));
    for (const cwd of [wt, join(wt, 'src', 'patient'), join(wt, 'docs')]) {
      expect(workTreeOf(cwd, cleanEnv)).toBe(gitSays(cwd));
      expect(workTreeOf(cwd, cleanEnv)).toBe(realpathSync(wt));
    }
  });

  it('in a submodule, the submodule (its git directory names it as its work tree)', () => {
    const lib = repo();
    const r = repo();
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'vendor/lib');
    const sub = join(r.dir, 'vendor', 'lib');
    for (const cwd of [sub, join(sub, 'src', 'patient')]) {
      expect(workTreeOf(cwd, cleanEnv)).toBe(gitSays(cwd));
      expect(workTreeOf(cwd, cleanEnv)).toBe(realpathSync(sub));
    }
    expect(workTreeOf(join(r.dir, 'vendor'), cleanEnv)).toBe(realpathSync(r.dir));
  });

  it('outside any repository: undefined, as git', () => {
    const dir = tempDir('clinsafe-norepo-');
    // Only meaningful when the temp directory itself is not inside a repository.
    if (gitSays(dir) !== undefined) return;
    expect(workTreeOf(dir, cleanEnv)).toBeUndefined();
    expect(gitTopLevel(dir, cleanEnv)).toBeUndefined();
    expect(resolveRoot(join(dir, 'clinical-safety'), undefined, cleanEnv)).toBe(realpathSync(dir));
  });

  it('leaves the answer to git when it could differ: GIT_* variables, inside .git, core.worktree elsewhere, a foreign .git file', () => {
    const r = repo();
    expect(workTreeOf(r.dir, { ...cleanEnv, GIT_DIR: join(r.dir, '.git') })).toBe(UNCLEAR);
    expect(workTreeOf(r.dir, { ...cleanEnv, GIT_WORK_TREE: r.dir })).toBe(UNCLEAR);
    expect(workTreeOf(r.dir, { ...cleanEnv, GIT_CEILING_DIRECTORIES: r.dir })).toBe(UNCLEAR);
    expect(workTreeOf(join(r.dir, '.git', 'refs'), cleanEnv)).toBe(UNCLEAR);
    // Inside the git directory git reports no work tree: gitTopLevel agrees because it asks git.
    expect(gitTopLevel(join(r.dir, '.git', 'refs'), cleanEnv)).toBe(gitSays(join(r.dir, '.git', 'refs')));

    const moved = repo();
    const elsewhere = tempDir('clinsafe-worktree-');
    moved.git('config', 'core.worktree', elsewhere);
    expect(workTreeOf(moved.dir, cleanEnv)).toBe(UNCLEAR);
    expect(gitTopLevel(moved.dir, cleanEnv)).toBe(gitSays(moved.dir));

    const odd = tempDir('clinsafe-oddgit-');
    writeFileSync(join(odd, '.git'), 'not a gitdir line\n');
    expect(workTreeOf(odd, cleanEnv)).toBe(UNCLEAR);
    // A `.git` directory that is no repository: git looks further up; here git is asked.
    const empty = tempDir('clinsafe-emptygit-');
    mkdirSync(join(empty, '.git'));
    expect(workTreeOf(empty, cleanEnv)).toBe(UNCLEAR);
  });

  it('with GIT_DIR and GIT_WORK_TREE set, the answer is git’s', () => {
    const r = repo();
    const other = tempDir('clinsafe-gitenv-');
    const env = { ...cleanEnv, GIT_DIR: join(r.dir, '.git'), GIT_WORK_TREE: other };
    expect(gitSays(other, env)).toBe(realpathSync(other));
    expect(gitTopLevel(other, env)).toBe(realpathSync(other));
  });
});
