/**
 * `npm run bench`: runs every benchmark that measures clinsafe against a floor, each in its own
 * process, and prints ONE table of what they measured — path, clinsafe, floor (real code run in
 * the same process tree, in the same run), ratio, the goal, and peak memory. Each benchmark
 * still prints its own detailed table above it. `npm run bench -- markdown pdf` runs only those.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFigure, goalMet, type BenchRow } from './lib/rows.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Benchmark name → extra node flags. Order: cheapest first, so a partial run still says something. */
const BENCHES: [string, string[]][] = [
  ['startup', []],
  ['action-start', []],
  ['markdown', []],
  ['check', []],
  ['gate', []],
  ['app', ['--expose-gc']],
  ['xlsx', ['--expose-gc']],
  ['import', []],
  ['pdf', []],
  ['release-history', []],
];

const wanted = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'clinsafe-bench-rows-'));
const rowsFile = join(tmp, 'rows.jsonl');
const load = loadavg()[0]!.toFixed(1);
const failed: string[] = [];
try {
  for (const [name, flags] of BENCHES) {
    if (wanted.length && !wanted.includes(name)) continue;
    const script = join(HERE, `${name}.js`);
    if (!existsSync(script)) {
      console.log(`\n## ${name}: not built (${script} missing)`);
      failed.push(name);
      continue;
    }
    console.log(`\n## ${name}`);
    const r = spawnSync(process.execPath, [...flags, script], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ROWS_FILE: rowsFile },
    });
    if (r.status !== 0) failed.push(name);
  }
  const rows: BenchRow[] = existsSync(rowsFile)
    ? readFileSync(rowsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as BenchRow)
    : [];
  const cpu = cpus();
  console.log(
    `\n# clinsafe benchmarks — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, load average at start ${load}`,
  );
  console.log('| path | clinsafe | floor (same run) | ratio | goal | peak memory |');
  console.log('|---|---|---|---:|---|---:|');
  for (const r of rows) {
    const met = goalMet(r);
    const goal = r.goal === undefined ? '—' : `${r.higherIsBetter ? '≥' : '≤'} ${formatFigure(r, r.goal)} ${met ? 'met' : '**not met**'}`;
    const peak = Number.isFinite(r.peakMiB) ? `${r.peakMiB.toFixed(0)} MiB` : '—';
    console.log(`| ${r.path} | ${r.clinsafe} | ${r.floor} | ${formatFigure(r)} | ${goal} | ${peak} |`);
  }
  if (failed.length) {
    console.log(`\nbenchmarks that failed or are missing: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
