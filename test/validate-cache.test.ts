/**
 * `clinsafe validate`'s parse cache (src/adapters/check-cache.ts): a warm run prints exactly what a
 * cold run prints, diagnostics and their line:col included; an edited file is parsed again and
 * only it; a damaged, truncated or foreign cache file is ignored and rewritten; `--no-cache` and
 * CLINSAFE_NO_CACHE=1 write nothing; entries of files no longer present are dropped. Real files in
 * real git repositories in temp dirs; the cache's own report (CLINSAFE_CACHE_DEBUG=1) says what it did.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheFileFor, RESULT_MODULES } from '../src/adapters/check-cache.js';
import { runWithCacheReport, visible, type CacheRun } from './helpers/cache-run.js';
import { fixtureRepo, REPO_ROOT, tempDir, type TempRepo } from './helpers/repo.js';
import { baseFiles, writeTree } from './helpers/folder.js';

let repo: TempRepo | undefined;
const temps: string[] = [];
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

type Out = CacheRun;

const validate = (cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<Out> =>
  runWithCacheReport('validate', cwd, args, env);

const HAZARDS = 'clinical-safety/hazards';

/** The example product with errors and warnings of several kinds, in a git repository. */
function brokenProduct(): TempRepo {
  const r = fixtureRepo();
  const files = readdirSync(join(r.dir, HAZARDS)).sort();
  const edit = (name: string, f: (t: string) => string) => {
    const path = join(r.dir, HAZARDS, name);
    const before = readFileSync(path, 'utf8');
    const after = f(before);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
  };
  // A schema error (a likelihood the scheme does not have), a YAML syntax error, a missing evidence path.
  edit(files[0]!, (t) => t.replace(/likelihood: \w+( \w+)?/, 'likelihood: Likely'));
  edit(files[1]!, (t) => `${t}title: second title\n`);
  edit(files[2]!, (t) => t.replace(/evidence:\n(\s+)- /, 'evidence:\n$1- test/does-not-exist.spec.ts\n$1- '));
  r.commit('broken');
  return r;
}

function cacheFile(r: TempRepo): string {
  return cacheFileFor(join(r.dir, 'clinical-safety'), r.dir, {});
}

/** `clinsafe validate` run from the built binary in `cwd`, with the cache's debug line taken out of stderr. */
function run1(args: string[], cwd: string) {
  const bin = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [bin, 'validate', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '', CLINSAFE_CACHE_DEBUG: '1', CLINSAFE_CACHE_DIR: '' },
  });
  const cache = /^clinsafe cache:.*$/m.exec(r.stderr)?.[0] ?? '';
  return { code: r.status, out: r.stdout, err: r.stderr.replace(/^clinsafe cache:.*\n/m, ''), cache };
}

describe('validate: the parse cache', () => {
  it('a warm run prints byte for byte what a cold run prints, diagnostics with line:col included', async () => {
    repo = brokenProduct();
    for (const format of ['text', 'json', 'github']) {
      const args = ['--format', format, '--summary'];
      const cold = await validate(repo.dir, [...args, '--no-cache']);
      expect(cold.cache).toBe('clinsafe cache: off');
      const first = await validate(repo.dir, args);
      const warm = await validate(repo.dir, args);
      expect(visible(first)).toEqual(visible(cold));
      expect(visible(warm)).toEqual(visible(cold));
      expect(warm.cache).toMatch(/^clinsafe cache: \d+ hits, 0 misses, file loaded, not written/);
      expect(cold.code).toBe(1);
    }
    const text = await validate(repo.dir);
    // The schema error and the syntax error keep their positions when nothing was parsed.
    expect(text.err).toMatch(/hazards\/[^:]+\.yml:\d+:\d+: .*likelihood/);
    expect(text.err).toMatch(/hazards\/[^:]+\.yml:\d+:\d+: YAML syntax/);
    expect(text.err).toMatch(/test\/does-not-exist\.spec\.ts/);
    expect(text.cache).toMatch(/0 misses/);
  });

  it('re-parses only the file that changed, and names a renamed file by its new path', async () => {
    repo = brokenProduct();
    const first = await validate(repo.dir);
    const total = Number(/(\d+) misses/.exec(first.cache)![1]);
    expect(total).toBeGreaterThan(5);
    const names = readdirSync(join(repo.dir, HAZARDS)).sort();
    const target = join(repo.dir, HAZARDS, names[3]!);
    writeFileSync(target, readFileSync(target, 'utf8').replace(/^title: .*$/m, 'title: Re-worded title'));
    const edited = await validate(repo.dir);
    expect(edited.cache).toMatch(new RegExp(`^clinsafe cache: ${total - 1} hits, 1 misses, file loaded, written`));
    expect(visible(edited)).toEqual(visible(await validate(repo.dir, ['--no-cache'])));

    // The same bytes under another name: no parse, and every diagnostic names the new path.
    const broken = names[0]!;
    renameSync(join(repo.dir, HAZARDS, broken), join(repo.dir, HAZARDS, `${broken.replace(/\.yml$/, '')}-renamed.yml`));
    const renamed = await validate(repo.dir);
    expect(renamed.cache).toMatch(/ 0 misses/);
    expect(renamed.err).toContain('-renamed.yml:');
    expect(visible(renamed)).toEqual(visible(await validate(repo.dir, ['--no-cache'])));
  });

  it('ignores and rewrites a garbage, truncated, corrupted or foreign cache file', async () => {
    repo = brokenProduct();
    const cold = visible(await validate(repo.dir, ['--no-cache']));
    await validate(repo.dir);
    const file = cacheFile(repo);
    const good = readFileSync(file);
    const damaged: Record<string, Buffer> = {
      garbage: Buffer.from('not a cache at all\n'.repeat(100)),
      empty: Buffer.alloc(0),
      truncated: good.subarray(0, Math.floor(good.length / 2)),
      'one byte changed': Buffer.from(good.map((b, i) => (i === good.length - 10 ? b ^ 0x20 : b))),
      'another digest': Buffer.from(good.map((b, i) => (i === 30 ? b ^ 0xff : b))),
    };
    for (const [what, bytes] of Object.entries(damaged)) {
      writeFileSync(file, bytes);
      const r = await validate(repo.dir);
      expect(visible(r), what).toEqual(cold);
      expect(r.cache, what).toMatch(/ 0 hits, \d+ misses, file ignored, written/);
      const again = await validate(repo.dir);
      expect(again.cache, what).toMatch(/ 0 misses, file loaded, not written/);
      expect(visible(again), what).toEqual(cold);
    }
  });

  it('--no-cache and CLINSAFE_NO_CACHE=1 neither read nor write it', async () => {
    repo = brokenProduct();
    const dir = join(repo.dir, '.git', 'clinsafe-cache');
    await validate(repo.dir, ['--no-cache']);
    await validate(repo.dir, [], { CLINSAFE_NO_CACHE: '1' });
    expect(existsSync(dir)).toBe(false);
    await validate(repo.dir, [], { CLINSAFE_NO_CACHE: '0' });
    expect(readdirSync(dir)).toEqual([relative(dir, cacheFile(repo))]);
    // With a cache present, --no-cache leaves it untouched.
    const before = statSync(cacheFile(repo)).mtimeMs;
    writeFileSync(join(repo.dir, HAZARDS, 'H-999-new.yml'), 'id: H-999\n');
    const off = await validate(repo.dir, ['--no-cache']);
    expect(off.cache).toBe('clinsafe cache: off');
    expect(statSync(cacheFile(repo)).mtimeMs).toBe(before);
  });

  it('drops the entries of files no longer present', async () => {
    repo = brokenProduct();
    const first = await validate(repo.dir);
    const total = Number(/(\d+) misses/.exec(first.cache)![1]);
    const sizeBefore = statSync(cacheFile(repo)).size;
    const names = readdirSync(join(repo.dir, HAZARDS)).sort();
    for (const n of names.slice(4, 7)) rmSync(join(repo.dir, HAZARDS, n));
    const after = await validate(repo.dir);
    expect(after.cache).toMatch(new RegExp(`^clinsafe cache: ${total - 3} hits, 0 misses, file loaded, written`));
    expect(statSync(cacheFile(repo)).size).toBeLessThan(sizeBefore);
    expect((await validate(repo.dir)).cache).toMatch(/ 0 misses, file loaded, not written/);
  });

  it('outside a git repository, lives under $CLINSAFE_CACHE_DIR/folders', async () => {
    const root = writeTree(baseFiles());
    const cacheDir = tempDir('clinsafe-cache-test-');
    temps.push(root, cacheDir);
    const env = { CLINSAFE_CACHE_DIR: cacheDir };
    const cold = await validate(root, ['--root', '.'], env);
    const warm = await validate(root, ['--root', '.'], env);
    expect(visible(warm)).toEqual(visible(cold));
    expect(warm.cache).toMatch(/^clinsafe cache: 2 hits, 0 misses/);
    expect(readdirSync(join(cacheDir, 'folders'))).toHaveLength(1);
  });

  it('two runs at once each leave a whole cache file', async () => {
    repo = brokenProduct();
    const bin = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
    // The built binary (its code digest is dist's, not this test's source).
    const once = () =>
      new Promise<{ code: number; err: string }>((resolve) => {
        const p = spawn(process.execPath, [bin, 'validate'], {
          cwd: repo!.dir,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, GITHUB_ACTIONS: '', CLINSAFE_CACHE_DEBUG: '1', CLINSAFE_CACHE_DIR: '' },
        });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (code) => resolve({ code: code ?? -1, err }));
      });
    for (let round = 0; round < 3; round++) {
      // Each round changes a file so that every run writes.
      const target = join(repo.dir, HAZARDS, readdirSync(join(repo.dir, HAZARDS)).sort()[5]!);
      writeFileSync(target, readFileSync(target, 'utf8').replace(/^title: (.*)$/m, `title: $1 ${round}`));
      const runs = await Promise.all([once(), once(), once()]);
      expect(runs.map((r) => r.code)).toEqual([1, 1, 1]);
      const after = await once();
      expect(after.err).toMatch(/clinsafe cache: \d+ hits, 0 misses, file loaded, not written/);
      expect(after.err.replace(/^clinsafe cache:.*\n/m, '')).toBe(runs[0]!.err.replace(/^clinsafe cache:.*\n/m, ''));
    }
    expect(readdirSync(join(repo.dir, '.git', 'clinsafe-cache')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('from the built binary, a warm run loads no parser unless a diagnostic needs a position, and prints the same', () => {
    repo = brokenProduct();
    for (const args of [[], ['--format', 'json']]) {
      const cold = run1([...args, '--no-cache'], repo.dir);
      run1(args, repo.dir);
      const warm = run1(args, repo.dir);
      // Errors with line:col: every file from the cache, then the parser loaded to place them.
      // (the parsers bring the glob compiler with them)
      expect(warm.cache).toMatch(/ 0 misses, file loaded, not written, globs loaded, parsers loaded /);
      expect({ ...warm, cache: '' }).toEqual({ ...cold, cache: '' });
    }
    // A valid folder: nothing parsed, no parser loaded, the same output.
    const valid = fixtureRepo();
    try {
      const cold = run1(['--no-cache'], valid.dir);
      run1([], valid.dir);
      const warm = run1([], valid.dir);
      expect(warm.cache).toMatch(/ 0 misses, file loaded, not written, globs not loaded, parsers not loaded /);
      expect({ ...warm, cache: '' }).toEqual({ ...cold, cache: '' });
      expect(warm.code).toBe(0);
    } finally {
      valid.cleanup();
    }
  });

  it('from the built binary, picomatch is loaded only for a trigger pattern that is not plain; the output is the same', () => {
    const withPatterns = (patterns: string) => {
      const r = fixtureRepo();
      const name = readdirSync(join(r.dir, HAZARDS)).sort()[0]!;
      const path = join(r.dir, HAZARDS, name);
      const before = readFileSync(path, 'utf8');
      writeFileSync(path, before.replace(/^ {2}paths: .*$/m, `  paths: ${patterns}`));
      expect(readFileSync(path, 'utf8')).not.toBe(before);
      r.commit('patterns');
      return r;
    };
    const cases: [string, RegExp, number][] = [
      ['["src/patient/**", "src/api/server.ts", "*.sql", "/db/migrations/"]', /, globs not loaded, parsers not loaded /, 0],
      ['["src/{patient,api}/**", "src/api/server.ts"]', /, globs loaded, parsers not loaded /, 0],
      // Not plain and not valid: compiled (picomatch loaded), then placed at its line:col (parser loaded).
      ['["src/[patient/**", "src/api/server.ts"]', /, globs loaded, parsers loaded /, 1],
    ];
    for (const [patterns, loads, code] of cases) {
      const r = withPatterns(patterns);
      try {
        const cold = run1(['--no-cache'], r.dir);
        run1([], r.dir);
        const warm = run1([], r.dir);
        expect(warm.cache, patterns).toMatch(/ 0 misses, file loaded, not written/);
        expect(warm.cache, patterns).toMatch(loads);
        expect({ ...warm, cache: '' }, patterns).toEqual({ ...cold, cache: '' });
        expect(warm.code, patterns).toBe(code);
        if (code) expect(warm.err).toMatch(/does not parse/);
      } finally {
        r.cleanup();
      }
    }
  });

  it('from the built binary, a first run reads a plain folder without the YAML libraries; a file the plain reader declines loads them', () => {
    // The example product: every file plain and valid, so nothing but the schemas is loaded.
    const valid = fixtureRepo();
    try {
      const first = run1([], valid.dir);
      expect(first.cache).toMatch(/ 0 hits, \d+ misses, .*written, globs not loaded, parsers not loaded /);
      expect(first.code).toBe(0);
    } finally {
      valid.cleanup();
    }
    // The last hazard read has a title on two lines (valid YAML that the plain reader declines): the
    // libraries are loaded for it and the load runs again; still valid. Then a schema error in the first
    // hazard: placed at its line:col, as without the cache.
    const r = fixtureRepo();
    try {
      const names = readdirSync(join(r.dir, HAZARDS)).sort();
      const last = join(r.dir, HAZARDS, names[names.length - 1]!);
      writeFileSync(last, readFileSync(last, 'utf8').replace(/^title: (.*)$/m, 'title: $1\n  and more'));
      r.commit('a title on two lines');
      const declined = run1([], r.dir);
      expect(declined.cache).toMatch(/ 0 hits, \d+ misses, .*, parsers loaded /);
      expect(declined.code).toBe(0);
      expect({ ...declined, cache: '' }).toEqual({ ...run1(['--no-cache'], r.dir), cache: '' });
      const first = join(r.dir, HAZARDS, names[0]!);
      writeFileSync(first, readFileSync(first, 'utf8').replace(/likelihood: \w+( \w+)?/, 'likelihood: Likely'));
      r.commit('a schema error');
      const cold = run1(['--no-cache'], r.dir);
      const warm = run1([], r.dir);
      expect(cold.code).toBe(1);
      expect(cold.out + cold.err).toMatch(new RegExp(`${names[0]!.replace(/\./g, '\\.')}:\\d+:\\d+: .*likelihood "Likely"`));
      expect({ ...warm, cache: '' }).toEqual({ ...cold, cache: '' });
    } finally {
      r.cleanup();
    }
  });

  it('names by their code every core module a stored result depends on (a renamed module would silently drop out)', () => {
    for (const m of RESULT_MODULES) expect(existsSync(join(REPO_ROOT, 'src', 'core', `${m}.ts`)), m).toBe(true);
    // Every module the per-file read imports at run time is among them (or is only types).
    const reader = readFileSync(join(REPO_ROOT, 'src', 'core', 'checked-read.ts'), 'utf8');
    for (const [, name] of reader.matchAll(/^import \{[^}]*\} from '\.\/([\w-]+)\.js';/gm)) expect(RESULT_MODULES, name).toContain(name);
  });

  it('is used by the CLI only: the gate, the App and the Action never read it', () => {
    const users: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ts$/.test(name) && /check-cache\.js'/.test(readFileSync(path, 'utf8'))) users.push(relative(REPO_ROOT, path));
      }
    };
    walk(join(REPO_ROOT, 'src'));
    walk(join(REPO_ROOT, 'action'));
    expect(users.filter((u) => !u.startsWith('src/cli/'))).toEqual([]);
  });
});
