/**
 * `clinsafe evidence --junit 'reports/**\/*.xml' [--commit SHA] [--out FILE] [--format text|json|markdown]`
 * (issue 15): match JUnit results to the tests each control links, at one commit.
 * Exit 0 when every linked test passed, 2 when something needs a CSO (failing, missing or skipped
 * tests, or a verification claim the results do not support), 1 on bad input.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { gitTopLevel } from '../../adapters/fs.js';
import { GitError, resolveRef, snapshotAtRef } from '../../adapters/git.js';
import { findJUnitFiles, JUnitError, readJUnitFiles } from '../../adapters/junit.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { matchEvidence, needsAttention, runUrlFromEnv, type EvidenceRecord, type TestCaseResult } from '../../core/evidence.js';
import { evidenceMarkdown, evidenceText } from '../../core/evidence-summary.js';
import { DEFAULT_SAFETY_DIR, loadFolder } from '../../core/folder.js';
import { type CliIO, UsageError } from '../io.js';

interface EvidenceOptions {
  junit: string[];
  commit?: string;
  out?: string;
  format: string;
  dir: string;
}

/** The JSON record `--out` writes and `--format json` prints: versioned so readers can refuse what they do not know. */
export function evidenceJson(r: EvidenceRecord): object {
  return { format: 'clinsafe-evidence', version: 1, ...r };
}

/** A report that names the test file by its absolute path in this checkout (jest-junit) gets the repository path. */
function withRepoPath(c: TestCaseResult, root: string): TestCaseResult {
  if (!c.file || !isAbsolute(c.file)) return c;
  const rel = relative(root, c.file).split('\\').join('/');
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? { ...c, file: rel } : c;
}

/** Read the reports and match them at `commit`. Shared with `clinsafe report --junit`. */
export async function collectEvidence(
  io: CliIO,
  opts: { junit: readonly string[]; root: string; commit: string; dir: string },
): Promise<EvidenceRecord | undefined> {
  const snapshot = snapshotAtRef(opts.root, opts.commit, opts.dir);
  if (snapshot.files.length === 0)
    throw new UsageError(`there is no safety folder ${opts.dir}/ at ${opts.commit.slice(0, 12)}; commit one (clinsafe init) or pass --dir`);
  const loaded = loadFolder(snapshot);
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
  if (!loaded.folder || !loaded.valid) {
    io.err(`✗ the safety folder at ${opts.commit.slice(0, 12)} is not valid; fix the errors above (clinsafe validate) first`);
    return undefined;
  }
  const files = await findJUnitFiles(io.cwd, opts.junit);
  if (files.length === 0)
    throw new UsageError(
      `--junit ${opts.junit.map((p) => `'${p}'`).join(' ')} matched no file under ${io.cwd}; run the tests with a JUnit reporter first (see docs/evidence.md)`,
    );
  let reports;
  try {
    reports = readJUnitFiles(files);
  } catch (e) {
    if (e instanceof JUnitError) throw new UsageError(e.message);
    throw e;
  }
  const stamps = reports.map((r) => r.timestamp).filter((t): t is string => Boolean(t));
  stamps.sort();
  const where = runUrlFromEnv(process.env);
  return matchEvidence({
    hazards: loaded.folder.hazards,
    results: reports.flatMap((r) => r.cases.map((c) => withRepoPath(c, opts.root))),
    reports: reports.length,
    commit: opts.commit,
    when: new Date().toISOString(),
    ...(where ? { where } : {}),
    ...(stamps[0] ? { ranAt: stamps[0] } : {}),
  });
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('evidence')
    .description(
      'match JUnit test results to the tests each control links, at one commit (exit 0 all linked tests passed, 2 something needs a CSO, 1 error)',
    )
    .requiredOption(
      '--junit <glob>',
      "JUnit XML reports, a glob relative to the current folder, e.g. 'reports/**/*.xml' (repeatable)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--commit <sha>', 'the commit the tests ran at (default: HEAD); the safety folder is read there')
    .option('--out <file>', 'write the JSON evidence record to this file')
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--dir <dir>', 'the safety folder, relative to the repository root', DEFAULT_SAFETY_DIR)
    .action(async (opts: EvidenceOptions) => {
      if (!['text', 'markdown', 'json'].includes(opts.format))
        throw new UsageError(`--format must be text, json or markdown, not "${opts.format}"`);
      const root = gitTopLevel(io.cwd);
      if (!root)
        throw new UsageError(`${io.cwd} is not inside a git repository; run clinsafe evidence in a checkout of the product repository`);
      const dir = relative(root, resolve(io.cwd, opts.dir)).split('\\').join('/') || DEFAULT_SAFETY_DIR;
      if (dir.startsWith('..')) throw new UsageError(`--dir ${opts.dir} is outside the repository ${root}`);
      if (opts.commit?.startsWith('-')) throw new UsageError(`--commit "${opts.commit}" is not a commit; give a SHA, tag or branch`);
      let record: EvidenceRecord | undefined;
      try {
        const commit = resolveRef(root, opts.commit ?? 'HEAD');
        record = await collectEvidence(io, { junit: opts.junit, root, commit, dir });
      } catch (e) {
        if (e instanceof GitError) throw new UsageError(e.message);
        throw e;
      }
      if (!record) return setExit(1);
      const json = `${JSON.stringify(evidenceJson(record), null, 2)}\n`;
      if (opts.out) {
        const file = resolve(io.cwd, opts.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, json);
      }
      if (opts.format === 'json') io.out(json);
      else if (opts.format === 'markdown') io.out(evidenceMarkdown(record));
      else for (const l of evidenceText(record)) io.out(l);
      if (opts.out && opts.format !== 'json') io.out(`wrote ${opts.out}`);
      setExit(needsAttention(record) ? 2 : 0);
    });
}
