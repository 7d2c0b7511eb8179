/**
 * The Action's cold start (issue 13) against actions/labeler's bundle, measured in the same run.
 *
 *   npm run bench:action-start     (RUNS=15 pairs after a warm-up; BENCH_ACTION_BUNDLE=path/index.js
 *                                   times an existing bundle instead of building one — how "before"
 *                                   was measured)
 *
 * clinsafe's bundle is built from the current source with the real bundle script into a temp folder
 * (`node scripts/bundle.mjs action --outfile <tmp>/index.js`; never into action/dist). The floor is
 * labeler v7.0.0's committed dist/index.js (bench/floors/labeler/, with its licence).
 *
 * What is measured: a whole `node index.js` process under /usr/bin/time, as the runner starts it, in
 * an environment with no Actions variables and no inputs, so each exits early and cleanly with an
 * error annotation and status 1: labeler on its missing `configuration-path` input, clinsafe's gate
 * mode on the missing GITHUB_EVENT_PATH. Both have loaded and initialised their whole module graph
 * for the default mode by then, and done no work: the figure is Node's start-up plus reading,
 * compiling and initialising the bundle (the module-load cost), plus peak resident memory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { comparePair, median, printPairs, type Cmd } from './lib/measure.js';
import { emitRow } from './lib/rows.js';
import { packageRoot } from '../src/paths.js';

const ROOT = packageRoot();
const RUNS = Number(process.env.RUNS ?? 15);

/** Only what Node needs: no GITHUB_* or INPUT_* variables, so both actions stop at their first check. */
const bareEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8' });

function ourBundle(tmp: string): string {
  const given = process.env.BENCH_ACTION_BUNDLE;
  if (given) return given;
  const outfile = join(tmp, 'index.js');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), 'action', '--outfile', outfile], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bundling the Action failed: ${r.stderr}`);
  return outfile;
}

/** Wall time of a whole process in ms, from the parent's clock (finer than /usr/bin/time's 10 ms). */
function wallMs(c: Cmd): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: c.cwd, env: c.env, stdio: 'ignore' });
  if (!(c.okCodes ?? [0]).includes(r.status ?? -1)) throw new Error(`${c.name} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Median of pair-by-pair ratios of wall time in ms, `runs` alternating pairs after a warm-up. */
function fineRatio(a: Cmd, b: Cmd, runs: number): { a: number; b: number; ratio: number } {
  wallMs(a);
  wallMs(b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(wallMs(a));
    bs.push(wallMs(b));
  }
  return { a: median(as), b: median(bs), ratio: median(as.map((x, i) => x / bs[i]!)) };
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(2);

/** Bytes Node reads at start: the entry file and the chunks it imports statically (not the `import()`ed modes). */
function startBytes(entry: string): number {
  const seen = new Set<string>();
  const visit = (file: string): number => {
    if (seen.has(file)) return 0;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    let n = statSync(file).size;
    for (const m of text.matchAll(/import\s*(?:[\w$*{}\s,]+?from\s*)?["'](\.\/chunk-[\w-]+\.js)["']/g))
      n += visit(join(dirname(file), m[1]!));
    return n;
  };
  return visit(entry);
}

function allBytes(entry: string): number {
  const dir = dirname(entry);
  return (
    statSync(entry).size +
    readdirSync(dir)
      .filter((f) => /^chunk-[\w-]+\.js$/.test(f))
      .reduce((n, f) => n + statSync(join(dir, f)).size, 0)
  );
}

function main(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'clinsafe-action-start-'));
  try {
    const bundle = ourBundle(tmp);
    const labeler = join(ROOT, 'bench', 'floors', 'labeler', 'index.js');
    const ours: Cmd = { name: 'clinsafe Action', argv: [process.execPath, bundle], cwd: tmp, env: bareEnv(), okCodes: [1] };
    const floor: Cmd = { name: 'actions/labeler v7.0.0', argv: [process.execPath, labeler], cwd: tmp, env: bareEnv(), okCodes: [1] };
    const node: Cmd = { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: tmp, env: bareEnv() };
    const size = `${mib(startBytes(bundle))} MiB read at start (${mib(allBytes(bundle))} MiB with the release and evidence chunks)`;
    console.log(
      `Action cold start: ${RUNS} pairs after a warm-up, alternating; clinsafe ${size}; labeler ${mib(statSync(labeler).size)} MiB`,
    );
    const p = comparePair('Action cold start (gate mode, exits at its first check)', ours, floor, RUNS);
    const n = comparePair('labeler vs bare Node', floor, node, Math.min(RUNS, 5));
    printPairs([p, n]);
    const fine = fineRatio(ours, floor, RUNS * 2);
    console.log(
      `\nwall time from the parent's clock, ${RUNS * 2} pairs: clinsafe ${fine.a.toFixed(1)} ms, labeler ${fine.b.toFixed(1)} ms, ratio ${fine.ratio.toFixed(2)}×`,
    );
    emitRow({
      path: 'Action cold start (bundle loaded, exits at its first check)',
      clinsafe: `${fine.a.toFixed(0)} ms wall (${p.clinsafe.cpu.toFixed(2)} s cpu), ${size}`,
      floor: `actions/labeler v7.0.0 bundle: ${fine.b.toFixed(0)} ms wall (${p.floor.cpu.toFixed(2)} s cpu), ${p.floor.rssMiB.toFixed(0)} MiB peak`,
      ratio: fine.ratio,
      peakMiB: p.clinsafe.rssMiB,
      goal: 1.0,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
