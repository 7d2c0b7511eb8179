import type { Command } from 'commander';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gitTopLevel } from '../../adapters/fs.js';
import { clinsafeTemplate } from '../../adapters/templates.js';
import { GitError, resolveRef } from '../../adapters/git.js';
import { gitHistory, isShallow, tagAt } from '../../adapters/history.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import type { EvidenceSource } from '../../core/evidence-release.js';
import { parseEvidenceRecord } from '../../core/evidence-record.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder.js';
import type { ReleasePoint } from '../../core/ports/history.js';
import {
  FORMATS,
  TemplateError,
  type ArtefactFile,
  type ArtefactFiles,
  type Format,
  type ReleaseInfo,
  type WrittenArtefact,
} from '../../docs/build.js';
import { documentBuilder, releaseFolder, writeRelease } from '../../usecases/build-release.js';
import { collectEvidence, EvidenceInputError } from '../../usecases/record-evidence.js';
import { type CliIO, UsageError } from '../io.js';
import { dirtyRefusal, untrackedWarning, workTreeState } from './report-worktree.js';

export function parseFormats(value: string | undefined): Format[] {
  if (!value) return [...FORMATS];
  const list = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const f of list)
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError(`--format: "${f}" is not a format; use a comma-separated list of ${FORMATS.join(', ')}`);
  if (list.length === 0) throw new UsageError(`--format: give at least one of ${FORMATS.join(', ')}`);
  return list as Format[];
}

/**
 * The output folder, written as the documents are made (a PDF page by page, never whole in memory).
 * Each file is written under a temporary name and given its own name only once the whole set is
 * made, so a failed run leaves the previous documents as they were, not a mixture.
 */
export class OutputFolder implements ArtefactFiles {
  private readonly files: { tmp: string; file: string; fd: number | undefined }[] = [];
  constructor(readonly dir: string) {}
  open(name: string): ArtefactFile {
    if (this.files.length === 0) mkdirSync(this.dir, { recursive: true });
    const entry = {
      tmp: join(this.dir, `.${name}.${process.pid}.partial`),
      file: join(this.dir, name),
      fd: undefined as number | undefined,
    };
    entry.fd = openSync(entry.tmp, 'w');
    this.files.push(entry);
    return {
      write: (chunk) => {
        for (let done = 0; done < chunk.length;) done += writeSync(entry.fd!, chunk, done);
      },
      close: () => {
        closeSync(entry.fd!);
        entry.fd = undefined;
      },
    };
  }
  /** Every document was made: each file takes its name. Returns the paths, in order. */
  commit(): string[] {
    for (const f of this.files) renameSync(f.tmp, f.file);
    return this.files.map((f) => f.file);
  }
  /** Something failed: what this run wrote is removed. */
  discard(): void {
    for (const f of this.files) {
      if (f.fd !== undefined) closeSync(f.fd);
      rmSync(f.tmp, { force: true });
    }
  }
}

export interface ReportOptions {
  ref: string;
  previousRef?: string;
  dir: string;
  out: string;
  format?: string;
  phase?: string;
  documentVersion?: string;
  /** JUnit report globs (issue 15): results of tests run on the work tree's HEAD. */
  junit?: string[];
  /** An evidence record written by clinsafe evidence --out (e.g. downloaded from CI). */
  evidence?: string;
}

export async function report(
  io: CliIO,
  opts: ReportOptions,
): Promise<{ artefacts: WrittenArtefact[]; outDir: string; release: ReleaseInfo } | undefined> {
  const formats = parseFormats(opts.format);
  const root = gitTopLevel(io.cwd);
  if (!root)
    throw new UsageError(
      `${io.cwd} is not in a git repository; clinsafe report reads the safety folder and the change record from git history — run it inside your product's repository`,
    );
  const dir = relative(root, resolve(io.cwd, opts.dir)).split('\\').join('/') || DEFAULT_SAFETY_DIR;
  if (dir.startsWith('..')) throw new UsageError(`--dir ${opts.dir} is outside the repository ${root}`);
  if (isShallow(root))
    throw new UsageError(
      `${root} is a shallow clone, so the history since the previous release is missing and the change record would be incomplete; fetch the full history (actions/checkout: with fetch-depth: 0; locally: git fetch --unshallow --tags) and run clinsafe report again`,
    );
  try {
    const history = gitHistory(root);
    const at = await releaseFolder(history, opts.ref, dir);
    const commit = at.commit.sha;
    if (at.snapshot.files.length === 0)
      throw new UsageError(
        `there is no safety folder ${dir}/ at ${opts.ref} (${commit.slice(0, 12)}); commit one (clinsafe init) or pass --dir`,
      );
    const loaded = at.loaded;
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    if (!loaded.folder || !loaded.valid) {
      io.err(`✗ the safety folder at ${opts.ref} is not valid; fix the errors above (clinsafe validate) before generating documents`);
      return undefined;
    }
    if (opts.phase && !loaded.folder.config.lifecycle.some((l) => l.phase === opts.phase)) {
      throw new UsageError(
        `--phase "${opts.phase}" is not a lifecycle phase in clinsafe.yml; use one of ${loaded.folder.config.lifecycle.map((l) => l.phase).join(', ')}`,
      );
    }
    let previous: ReleasePoint | undefined;
    if (opts.previousRef) {
      const c = await history.commit(opts.previousRef);
      previous = { tag: tagAt(root, c.sha) ?? opts.previousRef, commit: c.sha, date: c.date };
    }
    const evidence = await evidenceFor(io, opts, root, commit, dir);
    if (evidence === null) return undefined;
    const outDir = resolve(io.cwd, opts.out);
    const output = new OutputFolder(outDir);
    let built: Awaited<ReturnType<typeof writeRelease>>;
    let files: string[];
    try {
      built = await writeRelease(
        {
          history,
          at,
          tag: tagAt(root, commit) ?? (opts.ref === 'HEAD' ? commit.slice(0, 12) : opts.ref),
          dir,
          ...(previous ? { previous } : {}),
          formats,
          ...(evidence ? { evidence } : {}),
          ...(opts.documentVersion ? { documentVersion: opts.documentVersion } : {}),
          ...(opts.phase ? { lifecyclePhase: opts.phase } : {}),
          docs: documentBuilder(clinsafeTemplate),
        },
        output,
      );
      files = output.commit();
    } catch (e) {
      output.discard();
      throw e;
    }
    const { written: artefacts, release, changeRecord } = built;
    const shown = (f: string) => {
      const r = relative(io.cwd, f);
      return r && !r.startsWith('..') ? r : f;
    };
    artefacts.forEach((a, i) => io.out(`wrote ${shown(files[i]!)}  sha256:${a.sha256.slice(0, 16)}`));
    io.out('');
    io.out(
      `${loaded.folder.config.product.name} ${release.tag} (${commit.slice(0, 12)}): ${changeRecord.length} change(s) since ${release.previousTag ?? 'the start of history'}, ${changeRecord.filter((e) => e.hazards.length).length} impacting hazards.`,
    );
    io.out('Status: DRAFT awaiting CSO sign-off (the clinsafe app records the sign-off from the release issue; git alone cannot).');
    return { artefacts, outDir, release };
  } catch (e) {
    if (e instanceof GitError || e instanceof TemplateError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The test evidence for the release commit: a record file (--evidence), or JUnit reports (--junit)
 * of tests run on the work tree's HEAD — evidence only when HEAD is the release commit. Null: the
 * safety folder is invalid (already reported).
 */
async function evidenceFor(
  io: CliIO,
  opts: ReportOptions,
  root: string,
  commit: string,
  dir: string,
): Promise<EvidenceSource | undefined | null> {
  if (opts.evidence) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(resolve(io.cwd, opts.evidence), 'utf8'));
    } catch (e) {
      throw new UsageError(`--evidence ${opts.evidence} cannot be read as JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    const parsed = parseEvidenceRecord(json);
    if ('problem' in parsed) throw new UsageError(`--evidence ${opts.evidence} ${parsed.problem}`);
    return parsed;
  }
  if (!opts.junit?.length) return undefined;
  const head = resolveRef(root, 'HEAD');
  if (head !== commit)
    return {
      missing: `The JUnit reports given with --junit are taken to come from the work tree's HEAD (${head}), not from the release commit ${commit}: they are not evidence for this release. Check out the release commit, run the tests, and run clinsafe report again.`,
    };
  // Reports of a work tree with uncommitted changes are not results of the release commit: refuse (report-worktree.ts).
  const tree = workTreeState(root, io.cwd, opts.junit, opts.out);
  const refusal = dirtyRefusal(tree, commit);
  if (refusal) throw new UsageError(refusal);
  const untracked = untrackedWarning(tree);
  if (untracked) io.err(untracked);
  try {
    // The record's time comes from the reports, so the same reports give byte-identical documents.
    const record = await collectEvidence({
      junit: opts.junit,
      cwd: io.cwd,
      root,
      commit,
      dir,
      env: process.env,
      report: io.err,
      when: 'from-reports',
    });
    return record ? { record } : null;
  } catch (e) {
    if (e instanceof EvidenceInputError) throw new UsageError(e.message);
    throw e;
  }
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('report')
    .description(
      'generate the release safety documents (CSCR, CRMP, safety requirements, hazard log, manifest) from the safety folder and git history',
    )
    .option('--ref <ref>', 'the release: tag, branch or commit', 'HEAD')
    .option('--previous-ref <ref>', 'the previous release, for the change record and incidents (default: the latest tag before --ref)')
    .option('--dir <dir>', 'the safety folder', DEFAULT_SAFETY_DIR)
    .option('--out <dir>', 'where to write the documents', 'safety-documents')
    .option('--format <list>', `comma-separated formats: ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--phase <phase>', 'the lifecycle phase (from clinsafe.yml) this CSCR is issued for')
    .option('--document-version <version>', 'document version (default: the release tag)')
    .option(
      '--junit <glob>',
      "JUnit XML reports of the tests run on this checkout (repeatable), e.g. 'reports/**/*.xml'; evidence only when HEAD is the release commit; refused when tracked files have uncommitted changes",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      '--evidence <file>',
      'an evidence record written by clinsafe evidence --out (e.g. downloaded from the CI run of the release commit)',
    )
    .action(async (opts: ReportOptions) => {
      const result = await report(io, opts);
      setExit(result ? 0 : 1);
    });
}
