/**
 * Git adapter: reads a safety folder and file lists at any commit of a local repository,
 * without touching the work tree. Gathers facts only; the core decides.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { Snapshot, SnapshotFile } from '../core/folder.js';
import type { ChangedFile } from '../core/impact.js';
import { formatBytes, MAX_FILE_BYTES } from '../core/yaml.js';

export class GitError extends Error {}

export function git(root: string, args: string[], input?: string | Buffer): Buffer {
  const r = spawnSync('git', args, { cwd: root, input, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw new GitError(`git could not be run: ${r.error.message}`);
  if (r.status !== 0) {
    const msg = r.stderr.toString('utf8').trim().split('\n')[0] ?? '';
    throw new GitError(`git ${args[0]} failed: ${msg}`);
  }
  return r.stdout;
}

export function gitText(root: string, args: string[]): string {
  return git(root, args).toString('utf8');
}

/** Full SHA of a ref, or a clear error naming the ref. */
export function resolveRef(root: string, ref: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    throw new GitError(`"${ref}" is not a commit in ${root}; give a branch, tag or commit SHA that exists (git log shows them)`);
  }
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  path: string;
}

/** Every blob in the tree of `commit` (recursive), with sizes. */
export function listTree(root: string, commit: string, under?: string): TreeEntry[] {
  const args = ['ls-tree', '-r', '-z', '--long', commit];
  if (under) args.push('--', under);
  const out = gitText(root, args);
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
    entries.push({ mode: mode!, type: type!, sha: sha!, size: size === '-' ? 0 : Number(size), path: rec.slice(tab + 1) });
  }
  return entries;
}

/** Read many blobs in one `git cat-file --batch` process. */
export function readBlobs(root: string, shas: string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  if (shas.length === 0) return result;
  const out = git(root, ['cat-file', '--batch'], `${shas.join('\n')}\n`);
  let pos = 0;
  for (const sha of shas) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8');
    const [, , size] = header.split(' ');
    const n = Number(size);
    result.set(sha, out.subarray(nl + 1, nl + 1 + n));
    pos = nl + 1 + n + 1;
  }
  return result;
}

/** The safety folder `dir` (repository-relative) as it is at `ref`. */
export function snapshotAtRef(root: string, ref: string, dir: string): Snapshot {
  const commit = resolveRef(root, ref);
  const all = listTree(root, commit);
  const paths = new Set(all.map((e) => e.path));
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const inDir = all.filter((e) => e.path.startsWith(prefix));
  const files: SnapshotFile[] = [];
  const toRead: TreeEntry[] = [];
  for (const e of inDir) {
    if (e.mode === '120000') files.push({ path: e.path, problem: 'not-a-file', detail: 'symbolic link' });
    else if (e.type !== 'blob') files.push({ path: e.path, problem: 'not-a-file' });
    else if (e.size > MAX_FILE_BYTES) files.push({ path: e.path, problem: 'too-large', detail: formatBytes(e.size) });
    else toRead.push(e);
  }
  const blobs = readBlobs(
    root,
    toRead.map((e) => e.sha),
  );
  for (const e of toRead) files.push({ path: e.path, bytes: blobs.get(e.sha)! });
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return {
    dir: dir.replace(/\/+$/, ''),
    files,
    exists: (p: string) => paths.has(p.replace(/\/+$/, '')) || dirs.has(p.replace(/\/+$/, '')),
  };
}

/** Files changed between two commits (merge-base of base and head, as GitHub's PR diff does). */
export function changedFilesBetween(root: string, base: string, head: string): ChangedFile[] {
  const mergeBase = gitText(root, ['merge-base', resolveRef(root, base), resolveRef(root, head)]).trim();
  return diffNameStatus(root, mergeBase, resolveRef(root, head));
}

/** `git diff --name-status -z -M from to`, parsed: renames and copies keep their previous name. */
export function diffNameStatus(root: string, from: string, to: string): ChangedFile[] {
  const parts = gitText(root, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', from, to]).split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++];
    if (!code) continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const previous = parts[i++]!;
      const name = parts[i++]!;
      files.push({ status: letter === 'R' ? 'renamed' : 'copied', filename: name, previousFilename: previous });
    } else {
      const name = parts[i++]!;
      files.push({
        status: letter === 'A' ? 'added' : letter === 'D' ? 'removed' : letter === 'M' ? 'modified' : 'changed',
        filename: name,
      });
    }
  }
  return files;
}
