/**
 * File-system adapter: reads a safety folder from disk into a Snapshot. It gathers facts
 * (bytes, sizes, where symlinks point); the core decides what they mean.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Snapshot, SnapshotFile } from '../core/folder.js';
import { formatBytes, MAX_FILE_BYTES } from '../core/text-decode.js';

const MAX_FILES = 20_000;
const MAX_DEPTH = 8;

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The git work tree holding `start`, or undefined outside git. */
export function gitTopLevel(start: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: start,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The repository root for a working directory, found as git finds it: the nearest folder, from
 * `start` upwards, that holds a `.git` entry (a directory, or a file in a worktree or submodule).
 * Undefined outside a repository. No git process is started.
 */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    try {
      lstatSync(join(dir, '.git'));
      return dir;
    } catch {
      // not here: look in the parent
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where the repository root is for a safety folder: the explicit `root`, else the git work tree
 * containing the folder, else the folder's parent directory.
 */
export function resolveRoot(safetyDir: string, root?: string): string {
  if (root) return realpathSync(resolve(root));
  const abs = resolve(safetyDir);
  const probe = existsDir(abs) ? abs : dirname(abs);
  const top = existsDir(probe) ? gitTopLevel(probe) : undefined;
  return realpathSync(top ?? dirname(abs));
}

function existsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export class FolderNotFoundError extends Error {}

/** Read `safetyDir` (absolute, or relative to the working directory) under repository root `root`. */
export function snapshotFromDisk(root: string, safetyDir: string): Snapshot {
  const realRoot = realpathSync(root);
  const absDir = resolve(safetyDir);
  if (!existsDir(absDir))
    throw new FolderNotFoundError(
      `safety folder ${safetyDir} does not exist; run \`clinsafe init\` to create it, or pass --dir with the folder that holds clinsafe.yml`,
    );
  const realDir = realpathSync(absDir);
  if (!inside(realRoot, realDir))
    throw new FolderNotFoundError(
      `safety folder ${safetyDir} is outside the repository root ${root}; pass --root with the repository that contains it`,
    );
  const dirRel = toPosix(relative(realRoot, realDir));
  const files: SnapshotFile[] = [];

  const walk = (absPath: string, depth: number) => {
    if (files.length >= MAX_FILES || depth > MAX_DEPTH) return;
    let entries: string[];
    try {
      entries = readdirSync(absPath).sort();
    } catch (e) {
      files.push({ path: toPosix(relative(realRoot, absPath)), problem: 'unreadable', detail: (e as Error).message });
      return;
    }
    for (const name of entries) {
      if (files.length >= MAX_FILES) return;
      const full = join(absPath, name);
      const rel = toPosix(relative(realRoot, full));
      let st = lstatSync(full);
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(full);
        } catch {
          files.push({ path: rel, problem: 'unreadable', detail: 'broken symbolic link' });
          continue;
        }
        if (!inside(realRoot, target)) {
          files.push({ path: rel, problem: 'symlink-outside', detail: target });
          continue;
        }
        st = statSync(target);
        if (st.isDirectory()) {
          files.push({ path: rel, problem: 'not-a-file', detail: 'symbolic link to a directory' });
          continue;
        }
      }
      if (st.isDirectory()) {
        if (name === 'node_modules' || name === '.git') continue;
        walk(full, depth + 1);
      } else if (!st.isFile()) {
        files.push({ path: rel, problem: 'not-a-file' });
      } else if (st.size > MAX_FILE_BYTES) {
        files.push({ path: rel, problem: 'too-large', detail: formatBytes(st.size) });
      } else {
        try {
          files.push({ path: rel, bytes: readFileSync(full) });
        } catch (e) {
          files.push({ path: rel, problem: 'unreadable', detail: (e as Error).message });
        }
      }
    }
  };
  walk(realDir, 0);

  // Hazards cite the same evidence files many times: each path is looked up once per snapshot.
  const known = new Map<string, boolean>();
  return {
    dir: dirRel,
    files,
    exists(path: string): boolean {
      let found = known.get(path);
      if (found === undefined) {
        found = existsUnder(realRoot, path);
        known.set(path, found);
      }
      return found;
    },
  };
}

function existsUnder(realRoot: string, path: string): boolean {
  const abs = resolve(realRoot, path);
  if (!inside(realRoot, abs)) return false;
  try {
    statSync(abs);
    return true;
  } catch {
    return false;
  }
}
