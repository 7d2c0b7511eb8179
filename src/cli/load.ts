/** Shared by CLI commands: find and load the safety folder on disk. */
import { resolve } from 'node:path';
import './zod-jitless.js'; // before the schemas are built (folder.js)
import { FolderNotFoundError, resolveRoot, snapshotFromDisk } from '../adapters/fs.js';
import { loadFolder, type LoadResult } from '../core/folder.js';
import { type CliIO, UsageError } from './io.js';
import { locateSafetyDir, type FolderOptions } from './load-cached.js';

export { cacheWanted, locateSafetyDir, type FolderOptions } from './load-cached.js';

/** Load the safety folder on disk (no parse cache; `clinsafe validate` uses load-cached.ts). */
export function loadFromDisk(io: CliIO, opts: FolderOptions): LoadResult & { root: string; dirAbs: string; shown: string } {
  const { dirAbs, shown } = locateSafetyDir(io.cwd, opts.dir);
  const root = resolveRoot(dirAbs, opts.root ? resolve(io.cwd, opts.root) : undefined, io.env ?? process.env);
  try {
    const snapshot = snapshotFromDisk(root, dirAbs);
    return { ...loadFolder(snapshot), root, dirAbs, shown };
  } catch (e) {
    if (e instanceof FolderNotFoundError) throw new UsageError(e.message.replace(dirAbs, shown));
    throw e;
  }
}
