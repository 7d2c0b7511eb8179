/**
 * Time and peak memory of generating each document format for a synthetic hazard log of
 * 1,000 hazards and 5,000 controls. Each format runs in its own process so its peak RSS is its own.
 *
 *   npm run bench:report            (all formats, then each alone)
 *   node dist/bench/report.js pdf   (one format, in this process)
 *   node dist/bench/report.js history   (the change record from git for BENCH_PULLS=300 pull requests)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitHistory } from '../src/adapters/history.js';
import { buildChangeRecord } from '../src/core/change-record.js';
import { exampleProductDir } from '../src/paths.js';
import { fileURLToPath } from 'node:url';
import { syntheticFolder } from './lib/synthetic-folder.js';
import { buildDocuments, FORMATS, type Format } from '../src/docs/build.js';
import { clinsafeTemplate } from '../src/adapters/templates.js';

const HAZARDS = Number(process.env.BENCH_HAZARDS ?? 1000);
const CONTROLS_PER_HAZARD = Number(process.env.BENCH_CONTROLS_PER_HAZARD ?? 5);

async function once(formats: Format[]): Promise<void> {
  const folder = syntheticFolder(HAZARDS, CONTROLS_PER_HAZARD);
  const t0 = process.hrtime.bigint();
  const arts = await buildDocuments({
    folder,
    release: { tag: 'v9.9.9', commit: 'a'.repeat(40), date: '2026-11-01' },
    changeRecord: Array.from({ length: 200 }, (_, i) => ({
      pullNumber: i + 1,
      title: `Change ${i + 1}`,
      mergeCommit: 'b'.repeat(40),
      hazards: [`H-${String((i % HAZARDS) + 1).padStart(4, '0')}`],
      approvals: [],
      source: 'git' as const,
    })),
    formats,
    defaultTemplates: clinsafeTemplate,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const bytes = arts.reduce((n, a) => n + a.bytes.length, 0);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const pdfPages = arts
    .filter((a) => a.name.endsWith('.pdf'))
    .map((a) => `${a.name} ${(a.bytes.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length} pages`);
  console.log(
    JSON.stringify({
      formats: formats.join(','),
      ms: Math.round(ms),
      peakRssMb: Math.round(peakMb),
      artefacts: arts.length,
      bytes,
      pdfPages,
    }),
  );
}

const PULLS = Number(process.env.BENCH_PULLS ?? 300);

/** The change record from git for a MedRec history of PULLS squash-merged pull requests. */
async function history(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-bench-history-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@example.test',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@example.test',
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('init', '-q', '-b', 'main');
    cpSync(exampleProductDir(), dir, { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'start');
    git('tag', 'v1');
    const files = [
      'src/patient/banner.ts',
      'src/gp-connect/mapper.ts',
      'src/audit/log.ts',
      'README.md',
      'src/notifications/alerts.ts',
      'clinical-safety/hazards/H-009-alert-fatigue.yml',
    ];
    for (let i = 1; i <= PULLS; i++) {
      appendFileSync(join(dir, files[i % files.length]!), `\n# change ${i}\n`);
      git('commit', '-q', '-a', '-m', `Change ${i} (#${i})`);
    }
    const t0 = process.hrtime.bigint();
    const history = gitHistory(dir);
    const record = await buildChangeRecord(history, {
      from: (await history.commit('v1')).sha,
      to: (await history.commit('HEAD')).sha,
      dir: 'clinical-safety',
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(
      `change record from git: ${record.length} pull requests (${record.filter((e) => e.hazards.length).length} impacting hazards) in ${(ms / 1000).toFixed(2)} s, ${(ms / record.length).toFixed(1)} ms each`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const arg = process.argv[2];
if (arg === 'history') {
  await history();
} else if (arg) {
  await once(arg.split(',') as Format[]);
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`clinsafe report bench: ${HAZARDS} hazards, ${HAZARDS * CONTROLS_PER_HAZARD} controls, node ${process.version}`);
  console.log('format(s)            time      peak RSS   output');
  for (const f of [...FORMATS.map((x) => [x]), [...FORMATS]]) {
    const r = spawnSync(process.execPath, [self, f.join(',')], { encoding: 'utf8', cwd: join(self, '..') });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`${f.join(',').padEnd(20)} failed: ${r.stderr.trim().split('\n')[0]}`);
      process.exitCode = 1;
      continue;
    }
    const j = JSON.parse(line) as { formats: string; ms: number; peakRssMb: number; bytes: number; pdfPages: string[] };
    console.log(
      `${j.formats.padEnd(20)} ${`${(j.ms / 1000).toFixed(2)} s`.padStart(8)}  ${`${j.peakRssMb} MB`.padStart(9)}   ${(j.bytes / 1024 / 1024).toFixed(1)} MB${j.pdfPages.length ? ` (${j.pdfPages.join(', ')})` : ''}`,
    );
  }
  await history();
}
