/** Shared by CLI commands: find and load the safety folder on disk. */
import { relative, resolve } from 'node:path';
import { findRepoRoot, FolderNotFoundError, resolveRoot, snapshotFromDisk } from '../adapters/fs.js';
import { DEFAULT_SAFETY_DIR, loadFolder, type LoadResult } from '../core/folder.js';
import { type CliIO, UsageError } from './io.js';

export interface FolderOptions {
  /** The safety folder as the user gave it (relative to the working directory); default: `clinical-safety` at the repository root. */
  dir?: string;
  root?: string;
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

export function loadFromDisk(io: CliIO, opts: FolderOptions): LoadResult & { root: string; dirAbs: string; shown: string } {
  const { dirAbs, shown } = locateSafetyDir(io.cwd, opts.dir);
  const root = resolveRoot(dirAbs, opts.root ? resolve(io.cwd, opts.root) : undefined);
  try {
    const snapshot = snapshotFromDisk(root, dirAbs);
    return { ...loadFolder(snapshot), root, dirAbs, shown };
  } catch (e) {
    if (e instanceof FolderNotFoundError) throw new UsageError(e.message.replace(dirAbs, shown));
    throw e;
  }
}
