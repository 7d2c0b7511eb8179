/**
 * `clinsafe check` through validate's parse cache (src/adapters/check-cache.ts): the safety folder at
 * base and head comes from git blobs, each file's parse and schema check is kept by a SHA-256 of its
 * bytes, so a warm run parses nothing that did not change and prints exactly what a cold run prints;
 * `--no-cache` and CLINSAFE_NO_CACHE=1 neither read nor write it. Real git repositories in temp dirs;
 * the cache's own report (CLINSAFE_CACHE_DEBUG=1) says what it did.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCacheFile } from '../src/cli/commands/check-report.js';
import { run } from '../src/cli/program.js';
import { runWithCacheReport, visible, type CacheRun } from './helpers/cache-run.js';
import { fixtureRepo, REPO_ROOT, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

type Out = CacheRun;

const check = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<Out> => runWithCacheReport('check', cwd, args, env);
const HAZARDS = 'clinical-safety/hazards';

/** A feature branch that edits a hazard (with a schema error), adds one, and touches a trigger. */
function changedProduct(): TempRepo {
  const r = fixtureRepo();
  r.git('checkout', '-q', '-b', 'feature');
  const files = readdirSync(join(r.dir, HAZARDS)).sort();
  const path = join(r.dir, HAZARDS, files[0]!);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(/likelihood: \w+( \w+)?/, 'likelihood: Likely');
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  r.write('src/patient/banner.ts', 'export const x = 1;\n');
  r.commit('feature: edit a hazard, touch the patient banner');
  return r;
}

const cacheFile = (r: TempRepo) => checkCacheFile(r.dir, 'clinical-safety', {});

describe('check: the parse cache', () => {
  it('a warm run prints byte for byte what a cold run prints, in every format, and parses nothing', async () => {
    repo = changedProduct();
    for (const format of ['text', 'json', 'github', 'markdown']) {
      const args = ['--base', 'main', '--format', format];
      const cold = await check(repo.dir, [...args, '--no-cache']);
      expect(cold.cache).toBe('');
      const first = await check(repo.dir, args);
      const warm = await check(repo.dir, args);
      expect(visible(first)).toEqual(visible(cold));
      expect(visible(warm)).toEqual(visible(cold));
      expect(warm.cache).toMatch(/^clinsafe cache: [1-9]\d* hits, 0 misses, file loaded, not written/);
      expect(cold.code).toBe(1); // the head has a schema error
    }
    // The head's schema error keeps its line:col when nothing was parsed.
    const gh = await check(repo.dir, ['--base', 'main', '--format', 'github']);
    expect(gh.out).toMatch(/::error file=clinical-safety\/hazards\/[^,]+\.yml,line=\d+,col=\d+/);
    expect(gh.cache).toMatch(/ 0 misses/);
  });

  it("keeps a file of its own beside validate's: run in turn, each stays warm", async () => {
    repo = changedProduct();
    const quiet = { out: () => {}, err: () => {}, cwd: repo.dir };
    expect(await run(['validate'], { ...quiet, env: {} })).toBe(1);
    const first = await check(repo.dir, ['--base', 'main']);
    expect(first.cache).toMatch(/^clinsafe cache: 0 hits, \d+ misses, file absent, written/);
    expect(await run(['validate'], { ...quiet, env: {} })).toBe(1);
    const again = await check(repo.dir, ['--base', 'main']);
    expect(again.cache).toMatch(/^clinsafe cache: \d+ hits, 0 misses, file loaded, not written/);
    expect(existsSync(cacheFile(repo))).toBe(true);
    expect(readdirSync(join(repo.dir, '.git', 'clinsafe-cache'))).toHaveLength(2);
  });

  it('--no-cache and CLINSAFE_NO_CACHE=1 neither read nor write it', async () => {
    repo = changedProduct();
    const dir = join(repo.dir, '.git', 'clinsafe-cache');
    await check(repo.dir, ['--base', 'main', '--no-cache']);
    await check(repo.dir, ['--base', 'main'], { CLINSAFE_NO_CACHE: '1' });
    expect(existsSync(dir)).toBe(false);
    const on = await check(repo.dir, ['--base', 'main']);
    expect(on.cache).toMatch(/0 hits, \d+ misses, file absent, written/);
    const before = statSync(cacheFile(repo)).mtimeMs;
    repo.write(`${HAZARDS}/H-999-new.yml`, 'id: H-999\n');
    repo.commit('a new hazard');
    const off = await check(repo.dir, ['--base', 'main', '--no-cache']);
    expect(off.cache).toBe('');
    expect(statSync(cacheFile(repo)).mtimeMs).toBe(before);
  });

  it('from the built binary, a warm run of a valid change loads no parser and prints the same', () => {
    repo = fixtureRepo();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('src/patient/banner.ts', 'export const x = 1;\n');
    repo.commit('touch the patient banner');
    const bin = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
    const run1 = (args: string[]) => {
      const r = spawnSync(process.execPath, [bin, 'check', '--base', 'main', ...args], {
        cwd: repo!.dir,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_ACTIONS: '', CLINSAFE_CACHE_DEBUG: '1', CLINSAFE_CACHE_DIR: '', CLINSAFE_NO_CACHE: '' },
      });
      const cache = /^clinsafe cache:.*$/m.exec(r.stderr)?.[0] ?? '';
      return { code: r.status, out: r.stdout, err: r.stderr.replace(/^clinsafe cache:.*\n/m, ''), cache };
    };
    for (const args of [[], ['--format', 'json']]) {
      const cold = run1([...args, '--no-cache']);
      run1(args);
      const warm = run1(args);
      expect(warm.cache).toMatch(/ 0 misses, file loaded, not written, parsers not loaded /);
      expect({ ...warm, cache: '' }).toEqual({ ...cold, cache: '' });
      expect(warm.code).toBe(2);
    }
  });
});
