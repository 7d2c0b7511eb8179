/**
 * `clinsafe check`: the pull-request gate on a local git checkout. The configuration, roster and
 * triggers come from --base; the hazard-log delta compares --base with --head.
 * Exit 0 when no CSO approval is needed, 2 when it is, 1 on error.
 *
 * This module stays light (the git adapter, no parser, no schema): the refs are resolved and the
 * git processes that read the change are started first, and the folder loader, the gate and the
 * reports (check-report.ts) load while those processes run (issue 13).
 */
import type { Command } from 'commander';
import { diffNameStatusAsync, GitError, gitText, resolveRefs, snapshotsAtCommits, topLevelAndRefs } from '../../adapters/git.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder-types.js';
import { type CliIO, UsageError } from '../io.js';
import { chosenFormat, formatOption } from '../output-format.js';
import type { CheckFacts } from './check-report.js';

interface CheckOptions {
  base: string;
  head?: string;
  label: string[];
  author?: string;
  dir: string;
  format?: string;
  cache: boolean;
}

export const CHECK_FORMATS = ['text', 'markdown', 'json', 'github'] as const;

/** A git failure is the user's to fix (a bad ref, not a repository): a usage error, not an internal one. */
function usage(e: unknown): unknown {
  return e instanceof GitError ? new UsageError(e.message) : e;
}

/**
 * Each ref resolved once; the diff from the merge base (base...head, as GitHub's pull-request
 * diff) and both commits' listings started as git processes side by side; base and head share
 * read blobs. Returns at once: the facts arrive while the caller loads what decides on them.
 */
function startReads(io: CliIO, refs: string[], dir: string): { root: string; reading: Promise<CheckFacts> } {
  // The top level and both refs in one git process; when that fails, each is asked on its own to say which.
  const resolved = topLevelAndRefs(io.cwd, refs);
  let root: string;
  try {
    root = resolved?.root ?? gitText(io.cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`${io.cwd} is not inside a git repository; run clinsafe check in a checkout of the product repository`);
  }
  let shas: string[];
  try {
    shas = resolved?.shas ?? resolveRefs(root, refs);
  } catch (e) {
    throw usage(e);
  }
  const [baseSha, headSha] = shas as [string, string];
  const blobCache = new Map<string, Buffer>();
  const reading = Promise.all([
    diffNameStatusAsync(root, `${baseSha}...${headSha}`),
    snapshotsAtCommits(root, [baseSha, headSha], dir, { blobCache }),
  ]).then(
    ([changes, [base, head]]) => ({ root, headSha, changes, base: base!, head: head! }),
    (e: unknown) => Promise.reject(usage(e)),
  );
  return { root, reading };
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'run the pull-request safety gate on a local git checkout: which hazards a change touches and whether a CSO must approve (exit 0 no, 2 yes, 1 error)',
    )
    .requiredOption('--base <ref>', 'the base of the change (e.g. origin/main); configuration, CSO roster and triggers are read here')
    .option('--head <ref>', 'the head of the change (default: HEAD)')
    .option('--label <name>', 'a pull-request label (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--author <login>', 'the GitHub login of the pull request author', '')
    .option('--dir <dir>', 'the safety folder, relative to the repository root', DEFAULT_SAFETY_DIR)
    .option('--no-cache', 'neither read nor write the parse cache (also CLINSAFE_NO_CACHE=1); see README, The parse cache')
    .addOption(
      formatOption(
        CHECK_FORMATS,
        'text, markdown, json, or github (text plus workflow-command annotations; the default inside GitHub Actions)',
      ),
    )
    .action(async (opts: CheckOptions) => {
      const format = chosenFormat(io, opts.format, CHECK_FORMATS);
      const dir = opts.dir.replace(/^\.\//, '').replace(/\/+$/, '');
      const { root, reading } = startReads(io, [opts.base, opts.head ?? 'HEAD'], dir);
      reading.catch(() => {}); // awaited below, once the modules that decide have loaded
      const { prepareLoad, reportCheck } = await import('./check-report.js');
      const req = { labels: opts.label, author: opts.author ?? '', dir, format, cache: opts.cache };
      // The parse cache read, and the parsers loaded if they will be needed, while git still works.
      const prepared = prepareLoad(io, root, req);
      const facts = await reading;
      setExit(await reportCheck(io, facts, req, prepared));
    });
}
