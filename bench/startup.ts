/**
 * Start-up of the CLI against the floor it names, measured in the same run, runs interleaved:
 * `node -e 0` (Node itself) beside `clinsafe --version` and `clinsafe validate` on the example
 * product — from dist/, and from the single-file bundle when dist-cli/clinsafe.mjs exists
 * (npm run build:cli). Run: npm run bench:startup. Prints medians and ratios; never fails on a figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

const ROOT = packageRoot();
const RUNS = Number(process.env.RUNS ?? 15);
const example = join(ROOT, 'fixtures', 'example-product');
const validateArgs = ['validate', '--dir', join(example, 'clinical-safety'), '--root', example];
const cache = mkdtempSync(join(tmpdir(), 'clinsafe-bench-cache-'));
const env = { ...process.env, CLINSAFE_CACHE_DIR: cache, GITHUB_ACTIONS: '' };

interface Case {
  name: string;
  args: string[];
}
const cases: Case[] = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'clinsafe --version (dist)', args: [join(ROOT, 'dist', 'src', 'cli', 'main.js'), '--version'] },
  { name: 'clinsafe validate, example (dist)', args: [join(ROOT, 'dist', 'src', 'cli', 'main.js'), ...validateArgs] },
];
const bundle = join(ROOT, 'dist-cli', 'clinsafe.mjs');
if (existsSync(bundle)) {
  cases.push({ name: 'clinsafe --version (bundle)', args: [bundle, '--version'] });
  cases.push({ name: 'clinsafe validate, example (bundle)', args: [bundle, ...validateArgs] });
}

function once(c: Case): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

for (const c of cases) once(c); // warm-up (and the bundle unpacks its assets once)
const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
const ratios = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let i = 0; i < RUNS; i++) {
  let floor = 0;
  for (const c of cases) {
    const ms = once(c);
    if (c === cases[0]) floor = ms;
    times.get(c)!.push(ms);
    ratios.get(c)!.push(ms / floor);
  }
}
rmSync(cache, { recursive: true, force: true });

console.log(`Start-up, ${RUNS} interleaved runs each (median wall time; ratio to node -e 0 taken pair by pair), Node ${process.version}`);
console.log('| path | median ms | floor ms | ratio |');
console.log('|---|---:|---:|---:|');
const floorMs = median(times.get(cases[0]!)!);
for (const c of cases)
  console.log(`| ${c.name} | ${median(times.get(c)!).toFixed(0)} | ${floorMs.toFixed(0)} | ${median(ratios.get(c)!).toFixed(2)}× |`);
