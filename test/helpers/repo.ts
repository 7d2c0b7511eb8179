/** Real git repositories in a temp dir, for tests. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** The clinsafe checkout (also when this file runs compiled from dist/, as benches do). */
export const REPO_ROOT = packageRoot();
export const EXAMPLE_PRODUCT = join(REPO_ROOT, 'fixtures', 'example-product');

export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  commit(message: string): string;
  cleanup(): void;
}

export function tempDir(prefix = 'clinsafe-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An empty git repository (branch main) with a test identity. */
export function emptyRepo(): TempRepo {
  const dir = tempDir();
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test Dev',
        GIT_AUTHOR_EMAIL: 'dev@example.test',
        GIT_COMMITTER_NAME: 'Test Dev',
        GIT_COMMITTER_EMAIL: 'dev@example.test',
        GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
      },
    });
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A git repository holding a copy of the MedRec example product, committed on main. */
export function fixtureRepo(): TempRepo {
  const repo = emptyRepo();
  cpSync(EXAMPLE_PRODUCT, repo.dir, { recursive: true });
  repo.commit('MedRec 2.4.0');
  return repo;
}
