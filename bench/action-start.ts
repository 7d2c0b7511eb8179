/**
 * The Action's cold start (issue 13) against actions/labeler's bundle, measured in the same run.
 *
 *   npm run bench:action-start     (RUNS=40 pairs after a warm-up; BENCH_ACTION_BUNDLE=path/index.js
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
 *
 * On a shared machine a single run's wall ratio scatters widely; the figures are medians of RUNS
 * pair-by-pair ratios, printed with their quartiles and range, for wall time (parent's clock) and
 * for CPU time (bash's `times`, to the millisecond), which the machine's load moves far less.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { comparePair, median, printPairs, type Cmd } from './lib/measure.js';
import { emitRow } from './lib/rows.js';
import { packageRoot } from '../src/paths.js';

const ROOT = packageRoot();
const RUNS = Number(process.env.RUNS ?? 40);

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

/**
 * CPU time (user + system) of a whole process in ms, to the millisecond: bash's `times` after the
 * command prints its children's times (/usr/bin/time rounds to 10 ms, a tenth of this figure).
 * CPU time barely moves with the load of a shared machine; wall time does. Undefined without bash.
 */
function cpuMs(c: Cmd): number | undefined {
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; echo "status $?"; times', 'cpu', ...c.argv], {
    cwd: c.cwd,
    env: c.env,
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) return undefined;
  const status = Number(/^status (\d+)$/m.exec(r.stdout)?.[1]);
  if (!(c.okCodes ?? [0]).includes(status)) throw new Error(`${c.name} exited ${status}`);
  const children = r.stdout.trim().split('\n').at(-1)!.split(' ');
  const seconds = (t: string) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  return (seconds(children[0]!) + seconds(children[1]!)) * 1000;
}

interface Spread {
  a: number;
  b: number;
  /** Median of the pair-by-pair ratios, with their quartiles and extremes. */
  ratio: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** `runs` alternating pairs after a warm-up; every figure is taken pair by pair. */
function pairs(a: Cmd, b: Cmd, runs: number, measure: (c: Cmd) => number | undefined): Spread | undefined {
  if (measure(a) === undefined || measure(b) === undefined) return undefined;
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(measure(a)!);
    bs.push(measure(b)!);
  }
  const ratios = as.map((x, i) => x / bs[i]!);
  return {
    a: median(as),
    b: median(bs),
    ratio: median(ratios),
    q1: quantile(ratios, 0.25),
    q3: quantile(ratios, 0.75),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
  };
}

const spread = (x: Spread) =>
  `${x.ratio.toFixed(2)}× (quartiles ${x.q1.toFixed(2)}–${x.q3.toFixed(2)}, range ${x.min.toFixed(2)}–${x.max.toFixed(2)})`;

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
    const p = comparePair('Action cold start (gate mode, exits at its first check)', ours, floor, Math.min(RUNS, 15));
    const n = comparePair('labeler vs bare Node', floor, node, 5);
    printPairs([p, n]);
    const fine = pairs(ours, floor, RUNS, wallMs)!;
    const cpu = pairs(ours, floor, RUNS, cpuMs);
    const load = loadavg()[0]!.toFixed(1);
    console.log(`\n${RUNS} pairs each, load average ${load} at the end:`);
    console.log(`wall time (parent's clock): clinsafe ${fine.a.toFixed(1)} ms, labeler ${fine.b.toFixed(1)} ms, ratio ${spread(fine)}`);
    if (cpu)
      console.log(`cpu time (bash times):      clinsafe ${cpu.a.toFixed(0)} ms, labeler ${cpu.b.toFixed(0)} ms, ratio ${spread(cpu)}`);
    const row = {
      floor: `actions/labeler v7.0.0 bundle: ${fine.b.toFixed(0)} ms wall${cpu ? `, ${cpu.b.toFixed(0)} ms cpu` : ''}, ${p.floor.rssMiB.toFixed(0)} MiB peak`,
      peakMiB: p.clinsafe.rssMiB,
      goal: 1.0,
    };
    emitRow({
      path: 'Action cold start (bundle loaded, exits at its first check), wall',
      clinsafe: `${fine.a.toFixed(0)} ms wall, ${spread(fine)}; ${size}`,
      ...row,
      ratio: fine.ratio,
    });
    if (cpu)
      emitRow({
        path: 'Action cold start (bundle loaded, exits at its first check), cpu',
        clinsafe: `${cpu.a.toFixed(0)} ms cpu, ${spread(cpu)}`,
        ...row,
        ratio: cpu.ratio,
      });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
