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
import { readableByObjects, readChange } from '../../adapters/git-change.js';
import { GitObjectsUnsupported } from '../../adapters/git-objects.js';
import { diffNameStatusAsync, GitError, resolveRefs, snapshotsAtCommits } from '../../adapters/git.js';
import { gitTopLevel } from '../../adapters/fs.js';
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
 * The change read by two git processes started at once (src/adapters/git-change.ts): the diff from
 * the merge base (base...head, as GitHub's pull-request diff), and one `cat-file` for both refs,
 * the safety folder at each and, later, the paths it cites. Returns at once: the facts arrive while
 * the caller loads what decides on them.
 */
function startReads(io: CliIO, refs: [string, string], dir: string): { root: string; reading: Promise<CheckFacts> } {
  const root = gitTopLevel(io.cwd);
  if (root === undefined)
    throw new UsageError(`${io.cwd} is not inside a git repository; run clinsafe check in a checkout of the product repository`);
  const listed = () => readWithListings(root, refs, dir);
  const reading = readableByObjects(refs, dir)
    ? readChange(root, refs, dir).then(
        (c): CheckFacts => ({
          root,
          headSha: c.shas[1],
          changes: c.changes,
          base: c.folders[0],
          head: c.folders[1],
          pathsExist: c.pathsExist,
          close: c.close,
        }),
        (e: unknown) => (e instanceof GitObjectsUnsupported ? listed() : Promise.reject(e)),
      )
    : listed();
  return { root, reading: reading.catch((e: unknown) => Promise.reject(usage(e))) };
}

/**
 * The same facts read as before git 2.36's `cat-file --batch-command` (and for a folder or ref
 * `readChange` does not take): both refs in one `rev-parse`, each commit's folder and whole tree
 * listed by `ls-tree`, the blobs in one `cat-file --batch`.
 */
async function readWithListings(root: string, refs: string[], dir: string): Promise<CheckFacts> {
  const [baseSha, headSha] = resolveRefs(root, refs) as [string, string];
  const [changes, snaps] = await Promise.all([
    diffNameStatusAsync(root, `${baseSha}...${headSha}`),
    snapshotsAtCommits(root, [baseSha, headSha], dir, { blobCache: new Map() }),
  ]);
  return {
    root,
    headSha,
    changes,
    base: snaps[0]!,
    head: snaps[1]!,
    pathsExist: (i, paths) => Promise.resolve(paths.map((p) => snaps[i]!.exists(p))),
    close: () => {},
  };
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
      try {
        setExit(await reportCheck(io, await reading, req, prepared));
      } finally {
        void reading.then(
          (facts) => facts.close(),
          () => {},
        ); // the cat-file process waits for this
      }
    });
}
