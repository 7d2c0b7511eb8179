/**
 * Real git repositories of the example product at size, for the whole-process benchmarks: its
 * hazards cloned to `count` (ids H-001 …, triggers kept), committed by a fixed identity.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleProductDir } from '../../src/paths.js';

const gitEnv = {
  ...process.env,
  GITHUB_ACTIONS: '',
  CI: '',
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@example.com',
};

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env: gitEnv, maxBuffer: 1 << 28 }).toString('utf8');

/** A new repository (no commits yet) holding the example product with `count` hazards. */
export function productWith(count: number, prefix = 'clinsafe-bench-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(exampleProductDir(), dir, { recursive: true });
  const hz = join(dir, 'clinical-safety', 'hazards');
  const names = readdirSync(hz).sort();
  const texts = names.map((f) => readFileSync(join(hz, f), 'utf8'));
  for (const f of names) rmSync(join(hz, f));
  for (let i = 0; i < count; i++) {
    const oldId = names[i % names.length]!.slice(0, 5);
    const id = `H-${String(i + 1).padStart(3, '0')}`;
    writeFileSync(join(hz, `${id}-bench.yml`), texts[i % texts.length]!.split(oldId).join(id));
  }
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

export function writeFiles(dir: string, paths: string[], content: (p: string) => string): void {
  for (const p of paths) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content(p));
  }
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}
