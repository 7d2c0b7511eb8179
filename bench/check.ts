/**
 * Safety-folder reading at size (run: npm run bench:check). Each clinsafe command runs as a whole
 * process beside a floor run in the same process tree, in turn:
 *  1. `clinsafe validate` on 1,000 hazards (typed as a user does: in the repository, no --dir or --root)  vs  `clinsafe --version` (start-up): goal ≤ 3×; twice:
 *     cold (CLINSAFE_NO_CACHE=1: every file parsed and schema-checked) and warm (the parse cache
 *     written by the warm-up run, nothing changed since: no file parsed, every rule still run);
 *  2. `clinsafe check`, 1,000 hazards, a 100-file PR editing one hazard  vs  `clinsafe validate` of
 *     the same folder (each file version parsed once: base and head share their unchanged blobs),
 *     cold against validate cold and warm (check's own cache file written by the warm-up run) against
 *     validate warm;
 *  3. `clinsafe check` on a 20,000-file repository with a 3,000-file PR  vs  `git diff` + picomatch
 *     in 20 lines (bench/floors/git-diff-picomatch.ts): goal ≤ 1.3×; cold (CLINSAFE_NO_CACHE=1) and
 *     warm, as separate rows.
 * When the single-file bundle exists (npm run build:cli → dist-cli/clinsafe.mjs), 1 and 3 are also
 * run from it (its own `--version` as the start-up floor). Prints one table and one emitRow per
 * figure (wall and CPU ratios); never fails on a figure. RUNS=n sets the runs per pair (default 5);
 * BENCH_KEEP=1 keeps the generated repositories (for profiling); BENCH_ONLY=20k runs only part 3.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { packageRoot } from '../src/paths.js';
import { comparePair, printPairs, type Cmd, type Pair } from './lib/measure.js';
import { emitRow } from './lib/rows.js';
import { commitAll, git, productWith, writeFiles } from './lib/product-repo.js';

const RUNS = Number(process.env.RUNS ?? 5);
const ROOT = packageRoot();
/** BENCH_CLI: another build's main.js (e.g. a copy of dist/ made before a change), for before/after figures. */
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BUNDLE = process.env.BENCH_CLI ? undefined : join(ROOT, 'dist-cli', 'clinsafe.mjs');
const FLOOR = join(dirname(fileURLToPath(import.meta.url)), 'floors', 'git-diff-picomatch.js');
const cliCache = mkdtempSync(join(tmpdir(), 'clinsafe-bench-cli-cache-'));
const env = { ...process.env, GITHUB_ACTIONS: '', CI: '', CLINSAFE_CACHE_DIR: cliCache };
/** 1,000 hazards; a PR that changes 99 source files and one hazard. */
function bigFolderRepo(): string {
  const dir = productWith(1000, 'clinsafe-bench-check-');
  const src = Array.from({ length: 400 }, (_, i) => `src/module${i % 40}/file${i}.ts`);
  writeFiles(dir, src, (p) => `export const x = '${p}';\n`);
  commitAll(dir, 'base');
  git(dir, 'checkout', '-q', '-b', 'pr');
  writeFiles(dir, src.slice(0, 99), (p) => `export const x = '${p} changed';\n`);
  const h = join(dir, 'clinical-safety', 'hazards', 'H-001-bench.yml');
  writeFileSync(h, readFileSync(h, 'utf8').replace(/^title: .*$/m, 'title: Medication record shown for the wrong patient (re-worded)'));
  commitAll(dir, 'pr');
  return dir;
}

/** 20,000 files (12 hazards), a PR that changes 3,000 of them. */
function bigRepo(): string {
  const dir = productWith(12);
  const areas = ['src/patient', 'src/api', 'src/ui', 'src/reconciliation', 'lib', 'docs', 'src/integration'];
  const files = Array.from({ length: 20_000 }, (_, i) => `${areas[i % areas.length]}/m${i % 97}/f${i}.ts`);
  writeFiles(dir, files, (p) => `// ${p}\n`);
  commitAll(dir, 'base');
  git(dir, 'checkout', '-q', '-b', 'pr');
  writeFiles(dir, files.filter((_, i) => i % 7 === 3 || i % 11 === 0).slice(0, 3000), (p) => `// ${p} changed\n`);
  commitAll(dir, 'pr');
  return dir;
}

function triggersJson(repo: string): string {
  const { folder } = loadFolder(snapshotFromDisk(repo, join(repo, 'clinical-safety')));
  const file = join(repo, '..', `${repo.split('/').pop()}-triggers.json`);
  writeFileSync(file, JSON.stringify(Object.fromEntries((folder?.hazards ?? []).map((h) => [h.id, h.triggers.paths]))));
  return file;
}

const node = (name: string, args: string[], cwd?: string, okCodes = [0], extraEnv: NodeJS.ProcessEnv = {}): Cmd => ({
  name,
  argv: [process.execPath, ...args],
  ...(cwd ? { cwd } : {}),
  env: { ...env, ...extraEnv },
  okCodes,
});

const pairs: Pair[] = [];
const goals = new Map<Pair, number>();
const cleanup: string[] = [cliCache];
const builds: [string, string][] = [['', CLI], ...(BUNDLE && existsSync(BUNDLE) ? [[' (bundle)', BUNDLE] as [string, string]] : [])];
const only20k = process.env.BENCH_ONLY === '20k';
try {
  console.error(only20k ? 'BENCH_ONLY=20k: the 1,000-hazard rows skipped' : 'setting up a 1,000-hazard repository…');
  const big = only20k ? '' : bigFolderRepo();
  if (big) cleanup.push(big);
  for (const [label, cli] of only20k ? [] : builds) {
    // What a user types in their repository: no --dir, no --root (the folder and the root are found
    // from the working directory), and the cache where it then lives (.git/clinsafe-cache).
    const validateArgs = [cli, 'validate'];
    const userCache = { CLINSAFE_CACHE_DIR: '', XDG_CACHE_HOME: cliCache };
    // Cold by the environment rather than --no-cache, so that BENCH_CLI can name a build from before the flag.
    const validate = node(`clinsafe validate, no cache${label}`, validateArgs, big, [0], { ...userCache, CLINSAFE_NO_CACHE: '1' });
    const warm = node(`clinsafe validate, parse cache warm${label}`, validateArgs, big, [0], userCache);
    const startup = node(`clinsafe --version${label} (start-up)`, [cli, '--version']);
    const pair = comparePair(`validate, 1,000 hazards, cold (no cache)${label}`, validate, startup, RUNS);
    pairs.push(pair);
    goals.set(pair, 3);
    // The pair's warm-up run writes the cache; every measured run then finds all 1,005 files in it.
    const warmPair = comparePair(`validate, 1,000 hazards, warm (parse cache, nothing changed)${label}`, warm, startup, RUNS);
    pairs.push(warmPair);
    goals.set(warmPair, 3);
    if (label) continue;
    const checkArgs = [cli, 'check', '--base', 'main', '--head', 'pr', '--format', 'json'];
    const check1k = node('clinsafe check, no cache', checkArgs, big, [0, 2], { CLINSAFE_NO_CACHE: '1' });
    pairs.push(
      comparePair(
        'check, 1,000 hazards, 100-file PR, cold (no cache)',
        check1k,
        { ...validate, name: 'clinsafe validate, no cache (one parse)' },
        RUNS,
      ),
    );
    // Warm: the pair's warm-up run writes check's own cache file (base and head); validate keeps its own.
    const check1kWarm = node('clinsafe check, parse cache warm', checkArgs, big, [0, 2]);
    pairs.push(
      comparePair(
        'check, 1,000 hazards, 100-file PR, warm (parse cache, nothing changed)',
        check1kWarm,
        { ...warm, name: 'clinsafe validate, parse cache warm' },
        RUNS,
      ),
    );
  }

  console.error('setting up a 20,000-file repository…');
  const repo = bigRepo();
  cleanup.push(repo);
  const globs = triggersJson(repo);
  cleanup.push(globs);
  const floor = node('git diff + picomatch', [FLOOR, repo, 'main', 'pr', globs]);
  for (const [label, cli] of builds) {
    const args = [cli, 'check', '--base', 'main', '--head', 'pr', '--format', 'json'];
    const cold = node(`clinsafe check, no cache${label}`, args, repo, [0, 2], { CLINSAFE_NO_CACHE: '1' });
    const pair = comparePair(`check, 20k-file repo, 3,000-file PR, cold (no cache)${label}`, cold, floor, RUNS);
    pairs.push(pair);
    goals.set(pair, 1.3);
    const warm = node(`clinsafe check, parse cache warm${label}`, args, repo, [0, 2]);
    const warmPair = comparePair(`check, 20k-file repo, 3,000-file PR, warm (parse cache, nothing changed)${label}`, warm, floor, RUNS);
    pairs.push(warmPair);
    goals.set(warmPair, 1.3);
  }
} finally {
  if (process.env.BENCH_KEEP) console.error(`kept: ${cleanup.join(' ')}`);
  else for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}
printPairs(pairs);
for (const p of pairs) {
  const row = {
    clinsafe: `${p.clinsafe.wall.toFixed(2)} s wall, ${p.clinsafe.cpu.toFixed(2)} s cpu`,
    floor: `${p.floorName}: ${p.floor.wall.toFixed(2)} s wall, ${p.floor.cpu.toFixed(2)} s cpu`,
    peakMiB: p.clinsafe.rssMiB,
    ...(goals.has(p) ? { goal: goals.get(p)! } : {}),
  };
  emitRow({ path: `clinsafe ${p.path}, wall`, ...row, ratio: p.ratioWall });
  emitRow({ path: `clinsafe ${p.path}, cpu`, ...row, ratio: p.ratioCpu });
}
