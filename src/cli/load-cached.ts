/**
 * Finding the safety folder, and loading it through the parse cache (src/adapters/check-cache.ts)
 * without loading the YAML and schema libraries (nor picomatch) unless a file needs them: a warm `clinsafe
 * validate` on an unchanged folder parses nothing, so it need not pay for loading `yaml`, js-yaml
 * and zod either (see core/engines.ts). Kept apart from load.ts, which loads them for every
 * other command.
 */
import { relative, resolve } from 'node:path';
import { cacheFileFor, openCheckCache, type CacheStats, type CheckCache } from '../adapters/check-cache.js';
import { findRepoRoot, FolderNotFoundError, resolveRoot, snapshotFromDisk } from '../adapters/fs.js';
import { engineToLoad, loadSchemaEngines } from '../core/engines.js';
import { DEFAULT_SAFETY_DIR, loadFolder, type LoadResult, type Snapshot } from '../core/folder-load.js';
import { globsLoaded, GlobsNotLoaded } from '../core/glob-check.js';
import { hasBuiltAccepts } from '../core/schema-fast-built.js';
import { KnownTextNotText } from '../core/text-decode.js';
import { type CliIO, UsageError } from './io.js';
import { withYoungGenerationHeld } from './young-generation.js';

export interface FolderOptions {
  /** The safety folder as the user gave it (relative to the working directory); default: `clinical-safety` at the repository root. */
  dir?: string;
  root?: string;
  /**
   * Keep each file's parse and schema check between runs (README, "The parse cache"); off with
   * `--no-cache` (false here) or CLINSAFE_NO_CACHE=1. Commands that do not pass it do not use the cache.
   */
  cache?: boolean;
}

/**
 * Where the safety folder is, found as git finds its files: an explicit `--dir` is relative to the
 * working directory; without one, the folder is `clinical-safety` at the root of the repository
 * the working directory is in (so every command works from a subdirectory), or in the working
 * directory outside a repository. `shown` is how messages name it.
 */
export function locateSafetyDir(cwd: string, dir: string | undefined): { dirAbs: string; shown: string; repoRoot?: string } {
  const repoRoot = findRepoRoot(cwd);
  if (dir !== undefined) return { dirAbs: resolve(cwd, dir), shown: dir, repoRoot };
  const dirAbs = resolve(repoRoot ?? cwd, DEFAULT_SAFETY_DIR);
  return { dirAbs, shown: relative(cwd, dirAbs) || DEFAULT_SAFETY_DIR, repoRoot };
}

/** Load engines with zod's fast-path compiler off for the CLI (zod-jitless.ts, before the schemas are built). */
async function jitless(load: () => Promise<void>): Promise<void> {
  await import('./zod-jitless.js');
  await load();
}

/** Whether the parse cache is on for these options and environment. */
export function cacheWanted(io: CliIO, opts: FolderOptions): boolean {
  const off = io.env?.CLINSAFE_NO_CACHE;
  return opts.cache === true && !(off !== undefined && off !== '' && off !== '0');
}

export type DiskLoad = LoadResult & { root: string; dirAbs: string; shown: string; cache?: CacheStats & { file: string } };

/** Load the safety folder on disk, through the parse cache when `opts.cache` and the environment allow. */
export async function loadFromDiskCached(io: CliIO, opts: FolderOptions): Promise<DiskLoad> {
  const { dirAbs, shown } = locateSafetyDir(io.cwd, opts.dir);
  const root = resolveRoot(dirAbs, opts.root ? resolve(io.cwd, opts.root) : undefined, io.env ?? process.env);
  try {
    const cache = cacheWanted(io, opts) ? openCheckCache(cacheFileFor(dirAbs, findRepoRoot(dirAbs), io.env ?? {})) : undefined;
    // Every file will be parsed (no cache, or nothing stored to read): the schemas will be needed,
    // unless the single-file CLI's built-in fast accept takes every file (schema-fast.ts; zod is
    // then loaded only for a file it declines, and the load restarts); the YAML libraries only for
    // a file the plain reader declines or a diagnostic's position.
    const cold = cache?.stats.found !== 'loaded';
    const load = async () => {
      // Without the cache nothing is hashed: texts decoded as read, no bytes kept (fs.ts, `texts`).
      const snapshot = snapshotFromDisk(root, dirAbs, { texts: !cache });
      if (cold && !hasBuiltAccepts()) await jitless(loadSchemaEngines);
      return loadSnapshot(snapshot, cache);
    };
    const loaded = await (cold ? withYoungGenerationHeld(load) : load());
    if (!cache) return { ...loaded, root, dirAbs, shown };
    cache.save();
    return { ...loaded, root, dirAbs, shown, cache: { ...cache.stats, file: cache.file } };
  } catch (e) {
    if (e instanceof FolderNotFoundError) throw new UsageError(e.message.replace(dirAbs, shown));
    throw e;
  }
}

/** loadFolder, loading what it finds missing (engines, the glob compiler) and loading again. */
async function loadSnapshot(snapshot: Snapshot, cache: CheckCache | undefined): Promise<LoadResult> {
  for (;;) {
    try {
      return loadFolder(snapshot, cache ? { store: cache.store } : {});
    } catch (e) {
      // A file to parse, a position to place, a trigger pattern to compile: load what is missing
      // and load again (the load is pure). Each library is loaded at most once, so this ends.
      // A file the cache knew as text that does not decode (a cache that lied): load again with
      // every file decoded (once: the cache is then not asked again).
      const more = engineToLoad(e);
      if (e instanceof KnownTextNotText && cache) {
        cache.restart(true);
        continue;
      }
      if (e instanceof GlobsNotLoaded && !globsLoaded()) await import('../core/globs.js');
      else if (more) await jitless(more);
      else throw e;
      cache?.restart();
    }
  }
}
