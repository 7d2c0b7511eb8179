/**
 * Whole-process measurements for the benchmarks: each command runs under GNU time (/usr/bin/time)
 * for peak resident memory and under bash's `time` for wall and CPU seconds (user + sys) to the
 * millisecond; a command and its floor run
 * in turn (A B A B …) so a ratio is taken pair by pair and holds when the machine's speed drifts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Run {
  wall: number;
  cpu: number;
  rssMiB: number;
}

export interface Cmd {
  name: string;
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success (default: 0). */
  okCodes?: number[];
}

const TIME = '/usr/bin/time';
const BASH = '/bin/bash';
/**
 * GNU time prints CPU seconds truncated to 10 ms, user and sys each: on a 70 ms start-up floor that
 * is up to a quarter of the figure, and it biased CPU ratios upward by ~5-10%. bash's `time` reads the
 * same rusage and prints milliseconds: the command runs under it, inside GNU time (kept for the
 * peak memory, which bash's does not give).
 */
const PRECISE = ['-c', 'TIMEFORMAT="@#%3R %3U %3S"; time "$@"', 'bash'];

export function runOnce(c: Cmd): Run {
  const useTime = existsSync(TIME);
  const precise = useTime && existsSync(BASH);
  const argv = useTime ? [TIME, '-f', '@@%e %U %S %M', ...(precise ? [BASH, ...PRECISE] : []), ...c.argv] : c.argv;
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: c.cwd,
    env: c.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const wallNs = Number(process.hrtime.bigint() - t);
  const stderr = r.stderr?.toString('utf8') ?? '';
  const line = stderr.split('\n').find((l) => l.startsWith('@@'));
  const code = useTime && /Command exited with non-zero status (\d+)/.exec(stderr)?.[1];
  const status = code ? Number(code) : r.status;
  if (!(c.okCodes ?? [0]).includes(status ?? -1)) throw new Error(`${c.name} exited ${status}: ${stderr.slice(0, 500)}`);
  if (!line) return { wall: wallNs / 1e9, cpu: NaN, rssMiB: NaN };
  const [e, u, s, m] = line.slice(2).split(' ').map(Number) as [number, number, number, number];
  const ms = stderr.split('\n').find((l) => l.startsWith('@#'));
  if (ms) {
    const [pe, pu, ps] = ms.slice(2).split(' ').map(Number) as [number, number, number];
    return { wall: pe, cpu: pu + ps, rssMiB: m / 1024 };
  }
  return { wall: e, cpu: u + s, rssMiB: m / 1024 };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

export interface Pair {
  path: string;
  clinsafe: { wall: number; cpu: number; rssMiB: number };
  floor: { wall: number; cpu: number; rssMiB: number };
  /** Medians of the pair-by-pair ratios. */
  ratioWall: number;
  ratioCpu: number;
  floorName: string;
}

/** Run `a` and its floor `b` in turn, `runs` times after one warm-up each. */
export function comparePair(path: string, a: Cmd, b: Cmd, runs: number): Pair {
  runOnce(a);
  runOnce(b);
  const ra: Run[] = [];
  const rb: Run[] = [];
  for (let i = 0; i < runs; i++) {
    ra.push(runOnce(a));
    rb.push(runOnce(b));
  }
  const sum = (rs: Run[]) => ({
    wall: median(rs.map((r) => r.wall)),
    cpu: median(rs.map((r) => r.cpu)),
    rssMiB: Math.max(...rs.map((r) => r.rssMiB)),
  });
  return {
    path,
    clinsafe: sum(ra),
    floor: sum(rb),
    ratioWall: median(ra.map((r, i) => r.wall / rb[i]!.wall)),
    ratioCpu: median(ra.map((r, i) => r.cpu / rb[i]!.cpu)),
    floorName: b.name,
  };
}

export function printPairs(pairs: Pair[]): void {
  const rows = pairs.map((p) => [
    p.path,
    `${p.clinsafe.wall.toFixed(2)} s wall, ${p.clinsafe.cpu.toFixed(2)} s cpu`,
    `${p.floorName}: ${p.floor.wall.toFixed(2)} s wall, ${p.floor.cpu.toFixed(2)} s cpu`,
    `${p.ratioWall.toFixed(2)}× wall, ${p.ratioCpu.toFixed(2)}× cpu`,
    `${p.clinsafe.rssMiB.toFixed(0)} MiB (floor ${p.floor.rssMiB.toFixed(0)} MiB)`,
  ]);
  console.log('| path | clinsafe (median) | floor (median, same run) | ratio (median of pairs) | peak memory |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
