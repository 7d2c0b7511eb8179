/** Shared by CLI commands: find and load the safety folder on disk. */
import { resolve } from 'node:path';
import { FolderNotFoundError, resolveRoot, snapshotFromDisk } from '../adapters/fs.js';
import { DEFAULT_SAFETY_DIR, loadFolder, type LoadResult } from '../core/folder.js';
import { type CliIO, UsageError } from './io.js';

export interface FolderOptions {
  dir?: string;
  root?: string;
}

export function loadFromDisk(io: CliIO, opts: FolderOptions): LoadResult & { root: string; dirAbs: string } {
  const dirAbs = resolve(io.cwd, opts.dir ?? DEFAULT_SAFETY_DIR);
  const root = resolveRoot(dirAbs, opts.root ? resolve(io.cwd, opts.root) : undefined);
  try {
    const snapshot = snapshotFromDisk(root, dirAbs);
    return { ...loadFolder(snapshot), root, dirAbs };
  } catch (e) {
    if (e instanceof FolderNotFoundError) throw new UsageError(e.message.replace(dirAbs, opts.dir ?? DEFAULT_SAFETY_DIR));
    throw e;
  }
}
