import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { summaryLine } from '../../core/summary.js';
import { exampleProductDir } from '../../paths.js';
import { type CliIO, UsageError } from '../io.js';
import { loadFromDisk } from '../load.js';
import { report } from './report.js';
import { hazardTable } from './validate.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder.js';

/**
 * A throw-away git repository holding the example product with a short, fixed history:
 * release v2.3.2, one squash-merged pull request touching the EPMA export (hazard H-006), release v2.4.0.
 */
function demoRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-demo-repo-'));
  const env = (date: string) => ({
    ...process.env,
    GIT_AUTHOR_NAME: 'MedRec Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.test',
    GIT_COMMITTER_NAME: 'MedRec Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.test',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  });
  const git = (date: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
      cwd: dir,
      env: env(date),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    git('2026-02-06T12:00:00Z', 'init', '-q', '-b', 'main');
  } catch (e) {
    throw new UsageError(`the demo needs git to build the example product's history: ${(e as Error).message.split('\n')[0]}`);
  }
  cpSync(exampleProductDir(), dir, { recursive: true });
  git('2026-02-06T12:00:00Z', 'add', '-A');
  git('2026-02-06T12:00:00Z', 'commit', '-q', '-m', 'MedRec 2.3.2');
  git('2026-02-06T12:00:00Z', 'tag', 'v2.3.2');
  appendFileSync(
    join(dir, 'src', 'reconciliation', 'epma-export.ts'),
    '\n// Retry delivery with exponential back-off before listing a summary as not delivered.\n',
  );
  git('2026-10-20T09:30:00Z', 'add', '-A');
  git('2026-10-20T09:30:00Z', 'commit', '-q', '-m', 'Retry EPMA delivery with back-off (#42)');
  git('2026-11-02T10:00:00Z', 'tag', 'v2.4.0');
  return dir;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'run clinsafe on the bundled example product (MedRec): validate its safety folder, print its hazard summary and generate its release documents',
    )
    .option('--out <dir>', 'where to write the documents (default: a clinsafe-demo folder in the system temp directory)')
    .action(async (opts: { out?: string }) => {
      const root = exampleProductDir();
      const dir = join(root, DEFAULT_SAFETY_DIR);
      io.out(`Example product: ${relative(io.cwd, root) || root}`);
      const result = loadFromDisk(io, { dir, root });
      for (const d of result.diagnostics) io.out(formatDiagnostic(d));
      if (!result.folder || !result.valid) {
        io.err('✗ the example safety folder is not valid');
        setExit(1);
        return;
      }
      io.out('');
      io.out(hazardTable(result.folder));
      io.out('');
      io.out(`✓ ${summaryLine(result.folder)} — valid`);
      io.out('');

      const outDir = resolve(io.cwd, opts.out ?? join(tmpdir(), 'clinsafe-demo'));
      const repo = demoRepository();
      try {
        io.out('Release documents for MedRec v2.4.0 (previous release v2.3.2), as `clinsafe report` makes them:');
        const made = await report(
          { ...io, cwd: repo },
          {
            ref: 'v2.4.0',
            previousRef: 'v2.3.2',
            dir: DEFAULT_SAFETY_DIR,
            out: outDir,
            phase: 'Major release',
            // The example product's own test run (a committed fixture) as the release commit's results.
            junit: ['reports/junit/*.xml'],
          },
        );
        if (!made) {
          setExit(1);
          return;
        }
        io.out('');
        io.out(`✓ ${made.artefacts.length} documents in ${outDir}`);
        io.out(`  open ${join(outDir, 'cscr.html')} or ${join(outDir, 'cscr.pdf')} to read the Clinical Safety Case Report`);
        setExit(0);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });
}
