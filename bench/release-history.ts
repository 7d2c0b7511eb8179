/**
 * Release documents with a change record from git, at size: the example product with 1,000
 * hazards, tagged v1, then 20 squash-merged pull requests (every fifth edits a hazard), tagged v2.
 * `clinsafe report --ref v2` (change record v1..v2 read from git) runs as a whole process beside its
 * floor in the same run, in turn: the same documents for the same folder with no history (a
 * one-commit repository, so a first release with no change record). The ratio is what the change
 * record costs. Run: npm run build && node dist/bench/release-history.js (RUNS=n, FORMATS=md,html,xlsx).
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { commitAll, git, productWith } from './lib/product-repo.js';
import { comparePair, printPairs } from './lib/measure.js';
import { emitRow } from './lib/rows.js';

const RUNS = Number(process.env.RUNS ?? 3);
const HAZARDS = Number(process.env.BENCH_HAZARDS ?? 1000);
const PULLS = Number(process.env.BENCH_PULLS ?? 20);
const FORMATS = process.env.FORMATS ?? 'md,html,xlsx';
const CLI = process.env.BENCH_CLI ?? join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, GITHUB_ACTIONS: '', CI: '' };

const withHistory = productWith(HAZARDS, 'clinsafe-bench-history-');
const noHistory = productWith(HAZARDS, 'clinsafe-bench-nohistory-');
const out = mkdtempSync(join(tmpdir(), 'clinsafe-bench-docs-'));
try {
  commitAll(withHistory, 'Safety folder at v1');
  git(withHistory, 'tag', 'v1');
  for (let i = 1; i <= PULLS; i++) {
    const file =
      i % 5 === 0
        ? join(withHistory, 'clinical-safety', 'hazards', `H-${String(i).padStart(3, '0')}-bench.yml`)
        : join(withHistory, 'src', `change-${i}.ts`);
    appendFileSync(file, `\n# change ${i}\n`);
    commitAll(withHistory, `Change ${i} (#${i})`);
  }
  git(withHistory, 'tag', 'v2');
  commitAll(noHistory, 'Safety folder');
  git(noHistory, 'tag', 'v2');

  const report = (cwd: string, name: string) => ({
    name,
    argv: [process.execPath, CLI, 'report', '--ref', 'v2', '--format', FORMATS, '--out', join(out, name === 'floor' ? 'b' : 'a')],
    cwd,
    env,
  });
  const pair = comparePair(
    `release documents (${FORMATS}), ${HAZARDS} hazards, ${PULLS} pull requests since the previous tag`,
    report(withHistory, 'clinsafe'),
    report(noHistory, 'floor'),
    RUNS,
  );
  printPairs([pair]);
  emitRow({
    path: pair.path,
    clinsafe: `${pair.clinsafe.wall.toFixed(2)} s wall, ${pair.clinsafe.cpu.toFixed(2)} s cpu`,
    floor: `the same documents with no history: ${pair.floor.wall.toFixed(2)} s wall`,
    ratio: pair.ratioWall,
    peakMiB: pair.clinsafe.rssMiB,
  });
} finally {
  for (const d of [withHistory, noHistory, out]) rmSync(d, { recursive: true, force: true });
}
