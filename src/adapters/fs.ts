/**
 * File-system adapter: reads a safety folder from disk into a Snapshot. It gathers facts
 * (bytes, sizes, where symlinks point); the core decides what they mean.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Snapshot, SnapshotFile } from '../core/folder.js';
import { decodedText, formatBytes, MAX_FILE_BYTES } from '../core/text-decode.js';

const MAX_FILES = 20_000;
const MAX_DEPTH = 8;

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The git work tree holding `start`, or undefined outside git. Found as git finds it, with a few
 * file-system calls (no git process): see workTreeOf. Only when that cannot tell for sure is
 * `git rev-parse --show-toplevel` asked.
 */
export function gitTopLevel(start: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = workTreeOf(start, env);
  return found === UNCLEAR ? gitTopLevelFromGit(start, env) : found;
}

function gitTopLevelFromGit(start: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: start,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The answer is git's to give (see workTreeOf). */
export const UNCLEAR = Symbol('unclear');

/** Variables that change where git looks for the repository or its work tree. */
const GIT_DISCOVERY_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'];

/**
 * The work tree git would report for `start` (`git rev-parse --show-toplevel`), found with the
 * file system: from the real path of `start` upwards, the first folder holding a `.git` directory,
 * or a `.git` file `gitdir: …` (worktrees, submodules); undefined when none is found up to the
 * file system's root. UNCLEAR whenever git might answer otherwise: a GIT_* variable above set,
 * `start` inside a git directory, a file-system boundary crossed, a `.git` that is a symbolic link
 * or does not look like a repository, a repository owned by another user (git's safe.directory), a
 * configuration that sets `core.worktree` elsewhere, `bare = true` or includes other files.
 */
export function workTreeOf(start: string, env: NodeJS.ProcessEnv = process.env): string | undefined | typeof UNCLEAR {
  if (GIT_DISCOVERY_ENV.some((k) => env[k] !== undefined && env[k] !== '')) return UNCLEAR;
  try {
    let dir = realpathSync(start);
    const dev = statSync(dir).dev;
    for (;;) {
      if (basename(dir) === '.git') return UNCLEAR;
      const dotGit = `${dir === sep ? '' : dir}${sep}.git`;
      let st;
      try {
        st = lstatSync(dotGit);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') return UNCLEAR;
      }
      if (st) return st.isDirectory() || st.isFile() ? checkedWorkTree(dir, dotGit, st.isDirectory()) : UNCLEAR;
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      if (statSync(parent).dev !== dev) return UNCLEAR;
      dir = parent;
    }
  } catch {
    return UNCLEAR;
  }
}

/** `dir` as the work tree of `dotGit`, if nothing in the git directory says otherwise. */
function checkedWorkTree(dir: string, dotGit: string, isDir: boolean): string | typeof UNCLEAR {
  let gitDir = dotGit;
  if (!isDir) {
    const m = /^gitdir: (.+?)\r?\n?$/.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return UNCLEAR;
    gitDir = resolve(dir, m[1]!);
  }
  if (!statSync(gitDir).isDirectory() || !statSync(join(gitDir, 'HEAD')).isFile()) return UNCLEAR;
  const uid = process.getuid?.();
  if (uid !== undefined && (statSync(dir).uid !== uid || statSync(gitDir).uid !== uid)) return UNCLEAR;
  // A worktree's own configuration and its repository's (`commondir`).
  const configs = [join(gitDir, 'config')];
  const common = readIfExists(join(gitDir, 'commondir'));
  if (common !== undefined) configs.push(join(resolve(gitDir, common.trim()), 'config'), join(gitDir, 'config.worktree'));
  for (const file of configs) {
    const text = readIfExists(file);
    if (text === undefined) continue;
    if (/^\s*\[\s*include/im.test(text) || /^\s*bare\s*=\s*true\s*$/im.test(text)) return UNCLEAR;
    for (const m of text.matchAll(/^\s*worktree\s*=\s*(.*?)\s*$/gim)) {
      // A submodule's git directory names its work tree: fine when it is this folder.
      if (!sameDir(resolve(gitDir, m[1]!.replace(/^"(.*)"$/, '$1')), dir)) return UNCLEAR;
    }
  }
  return dir;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === b;
  } catch {
    return false;
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
export function resolveRoot(safetyDir: string, root?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (root) return realpathSync(resolve(root));
  const abs = resolve(safetyDir);
  const probe = existsDir(abs) ? abs : dirname(abs);
  const top = existsDir(probe) ? gitTopLevel(probe, env) : undefined;
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

export interface SnapshotOptions {
  /**
   * Give each file's text rather than its bytes where the text is exactly what the core's decoder
   * would make of them (`decodedText`): decoded natively from the read buffer, no copy of the bytes
   * kept. For a load that hashes nothing (no parse cache); other files keep their bytes.
   */
  texts?: boolean;
}

/** Read `safetyDir` (absolute, or relative to the working directory) under repository root `root`. */
export function snapshotFromDisk(root: string, safetyDir: string, opts: SnapshotOptions = {}): Snapshot {
  const texts = opts.texts === true;
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

  const walk = (absPath: string, relPath: string, depth: number) => {
    if (files.length >= MAX_FILES || depth > MAX_DEPTH) return;
    let entries: Dirent[];
    try {
      // With their types: no lstat per entry (a file's size comes from the open file).
      entries = readdirSync(absPath, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      files.push({ path: relPath, problem: 'unreadable', detail: (e as Error).message });
      return;
    }
    for (const entry of entries) {
      if (files.length >= MAX_FILES) return;
      const name = entry.name;
      const full = `${absPath}${sep}${name}`;
      const rel = relPath === '' ? name : `${relPath}/${name}`;
      if (entry.isSymbolicLink()) {
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
        if (statSync(target).isDirectory()) {
          files.push({ path: rel, problem: 'not-a-file', detail: 'symbolic link to a directory' });
          continue;
        }
        files.push(readRegularFile(full, rel, texts));
      } else if (entry.isDirectory()) {
        if (name === 'node_modules' || name === '.git') continue;
        walk(full, rel, depth + 1);
      } else if (entry.isFile()) {
        files.push(readRegularFile(full, rel, texts));
      } else {
        files.push({ path: rel, problem: 'not-a-file' });
      }
    }
  };
  walk(realDir, dirRel, 0);

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

/** Non-blocking open: a FIFO that replaced a file after the listing cannot hang the read. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** One read buffer for every file of a walk: a file is read into it, then copied out at its size. */
let readBuffer: Buffer | undefined;

/**
 * A regular file's bytes, if it is one and not too large. The common case costs open, one read
 * and close: a read of up to MAX_FILE_BYTES + 1 bytes that returns between 1 and MAX_FILE_BYTES
 * bytes read the whole of an entry the listing typed as a regular file (only a FIFO put in its
 * place after the listing, with a writer already waiting, would also read so: not a checkout's doing). Anything else — an empty read, an error, more than
 * the limit — is classified on the open file (fstat), as before: not a file, too large, unreadable.
 * (Node 20's fstatSync builds four Date objects per call: a third of the cost of reading a file.)
 */
function readRegularFile(full: string, rel: string, texts: boolean): SnapshotFile {
  let fd: number | undefined;
  try {
    fd = openSync(full, OPEN_FLAGS);
    readBuffer ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
    let read = 0;
    try {
      read = readSync(fd, readBuffer, 0, readBuffer.length, null);
    } catch {
      read = 0;
    }
    // A regular file's read returns less than asked only at its end: the file is whole.
    if (read > 0 && read <= MAX_FILE_BYTES) {
      const text = texts ? decodedText(readBuffer.toString('utf8', 0, read)) : undefined;
      return text !== undefined ? { path: rel, text } : { path: rel, bytes: Buffer.from(readBuffer.subarray(0, read)) };
    }
    return classifyOpenFile(fd, rel);
  } catch (e) {
    return { path: rel, problem: 'unreadable', detail: (e as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The slow path, on the open file: what it is, its size, its bytes read again from the start. */
function classifyOpenFile(fd: number, rel: string): SnapshotFile {
  const st = fstatSync(fd);
  if (!st.isFile()) return { path: rel, problem: 'not-a-file' };
  if (st.size > MAX_FILE_BYTES) return { path: rel, problem: 'too-large', detail: formatBytes(st.size) };
  const bytes = Buffer.allocUnsafe(st.size);
  let read = 0;
  for (let n = -1; n !== 0 && read < st.size; read += n) n = readSync(fd, bytes, read, st.size - read, read);
  // A file that grew while it was read is read to its size at the check; one that shrank, to its end.
  return { path: rel, bytes: read === st.size ? bytes : bytes.subarray(0, read) };
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
