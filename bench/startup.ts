/**
 * Start-up of the CLI against the floor it names, measured in the same run, runs interleaved:
 * `node -e 0` (Node itself) beside `clinsafe --version` (goal ≤ 2×) and `clinsafe validate` on the
 * example product (goal ≤ 4×), the latter twice: with no parse cache (CLINSAFE_NO_CACHE=1) and with
 * the cache the warm-up run wrote (nothing changed) — from dist/, and from the single-file bundle
 * (dist-cli/clinsafe.mjs, built by npm run build: the package's `clinsafe` command) with the V8 code
 * cache its warm-up run wrote, and without it (CLINSAFE_NO_CODE_CACHE=1: a command's first run). Each run is a whole process under GNU time
 * (bench/lib/measure.ts): wall and CPU seconds, peak memory. Run: npm run bench:startup.
 * Prints medians and ratios (one emitRow per figure); never fails on a figure.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleProductDir, packageRoot } from '../src/paths.js';
import { commitAll, git } from './lib/product-repo.js';
import { median, runOnce, type Cmd, type Run } from './lib/measure.js';
import { emitRow } from './lib/rows.js';

const ROOT = packageRoot();
const RUNS = Number(process.env.RUNS ?? 15);
/**
 * The example product as a user's repository (a git repository of its own, committed), and
 * `clinsafe validate` as a user types it there: no --dir or --root, the cache in .git/clinsafe-cache.
 */
const example = mkdtempSync(join(tmpdir(), 'clinsafe-bench-startup-'));
cpSync(exampleProductDir(), example, { recursive: true });
git(example, 'init', '-q', '-b', 'main');
commitAll(example, 'example product');
const validateArgs = ['validate'];
const cache = mkdtempSync(join(tmpdir(), 'clinsafe-bench-cache-'));
// The bundle unpacks its assets under $XDG_CACHE_HOME/clinsafe: a temporary one, not the user's.
const env = { ...process.env, CLINSAFE_CACHE_DIR: '', XDG_CACHE_HOME: cache, GITHUB_ACTIONS: '', CI: '' };

interface Case {
  cmd: Cmd;
  goal?: number;
}
const node = (name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Cmd => ({
  name,
  argv: [process.execPath, ...args],
  cwd: example,
  env: { ...env, ...extraEnv },
});
const NO_CACHE = { CLINSAFE_NO_CACHE: '1' };
const floor: Case = { cmd: node('node -e 0', ['-e', '0']) };
const main = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const cases: Case[] = [
  { cmd: node('clinsafe --version (dist)', [main, '--version']), goal: 2 },
  { cmd: node('clinsafe validate, example, no cache (dist)', [main, ...validateArgs], NO_CACHE), goal: 4 },
  { cmd: node('clinsafe validate, example, parse cache warm (dist)', [main, ...validateArgs]), goal: 4 },
];
const bundle = join(ROOT, 'dist-cli', 'clinsafe.mjs');
if (existsSync(bundle)) {
  cases.push({ cmd: node('clinsafe --version (bundle)', [bundle, '--version']), goal: 2 });
  cases.push({ cmd: node('clinsafe validate, example, no cache (bundle)', [bundle, ...validateArgs], NO_CACHE), goal: 4 });
  cases.push({ cmd: node('clinsafe validate, example, parse cache warm (bundle)', [bundle, ...validateArgs]), goal: 4 });
  // The first run of a command after an install or upgrade: no V8 code cache yet (nor parse cache).
  const NO_CODE_CACHE = { ...NO_CACHE, CLINSAFE_NO_CODE_CACHE: '1' };
  cases.push({ cmd: node('clinsafe --version (bundle, no code cache)', [bundle, '--version'], NO_CODE_CACHE), goal: 2 });
  cases.push({
    cmd: node('clinsafe validate, example, no cache (bundle, no code cache)', [bundle, ...validateArgs], NO_CODE_CACHE),
    goal: 4,
  });
}

for (const c of [floor, ...cases]) runOnce(c.cmd); // warm-up (and the bundle unpacks its assets once)
const floorRuns: Run[] = [];
const runs = new Map<Case, Run[]>(cases.map((c) => [c, []]));
for (let i = 0; i < RUNS; i++) {
  floorRuns.push(runOnce(floor.cmd));
  for (const c of cases) runs.get(c)!.push(runOnce(c.cmd));
}
rmSync(cache, { recursive: true, force: true });
rmSync(example, { recursive: true, force: true });

const fmt = (rs: Run[]) =>
  `${(median(rs.map((r) => r.wall)) * 1000).toFixed(0)} ms wall, ${(median(rs.map((r) => r.cpu)) * 1000).toFixed(0)} ms cpu`;
const peak = (rs: Run[]) => Math.max(...rs.map((r) => r.rssMiB));
console.log(`Start-up, ${RUNS} interleaved runs each (medians; ratios to node -e 0 taken run by run), Node ${process.version}`);
console.log('| path | clinsafe (median) | floor: node -e 0 (median) | ratio wall / cpu | goal | peak memory |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const rs = runs.get(c)!;
  const wall = median(rs.map((r, i) => r.wall / floorRuns[i]!.wall));
  const cpu = median(rs.map((r, i) => r.cpu / floorRuns[i]!.cpu));
  console.log(
    `| ${c.cmd.name} | ${fmt(rs)} | ${fmt(floorRuns)} | ${wall.toFixed(2)}× / ${cpu.toFixed(2)}× | ≤ ${c.goal}× | ${peak(rs).toFixed(0)} MiB (floor ${peak(floorRuns).toFixed(0)} MiB) |`,
  );
  const row = { clinsafe: fmt(rs), floor: `node -e 0: ${fmt(floorRuns)}`, peakMiB: peak(rs), ...(c.goal ? { goal: c.goal } : {}) };
  emitRow({ path: `${c.cmd.name}, wall`, ...row, ratio: wall });
  emitRow({ path: `${c.cmd.name}, cpu`, ...row, ratio: cpu });
}
