/**
 * Git adapter: reads a safety folder and file lists at any commit of a local repository,
 * without touching the work tree. Gathers facts only; the core decides.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { Snapshot, SnapshotFile } from '../core/folder.js';
import type { ChangedFile } from '../core/impact.js';
// text-decode, not yaml.js: `clinsafe check` loads this adapter before the YAML parsers, to start git early.
import { formatBytes, MAX_FILE_BYTES } from '../core/text-decode.js';

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

/** `git` as a child process that runs while this process (and other git processes) work on. */
export function gitAsync(root: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitError(`git could not be run: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const msg = Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? '';
      reject(new GitError(`git ${args[0]} failed: ${msg}`));
    });
    child.stdin.on('error', () => {}); // git may exit before reading its input; its exit status says why
    child.stdin.end(input);
  });
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

export interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  path: string;
}

/** Every blob in the tree of `commit` (recursive), with sizes. */
export function listTree(root: string, commit: string, under?: string): TreeEntry[] {
  return parseTree(gitText(root, listTreeArgs(commit, under)));
}

function listTreeArgs(commit: string, under?: string): string[] {
  const args = ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--long', commit];
  if (under) args.push('--', under);
  return args;
}

function parseTree(out: string): TreeEntry[] {
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
  return parseBatch(git(root, ['cat-file', '--batch'], `${shas.join('\n')}\n`), shas);
}

function parseBatch(out: Buffer, shas: string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
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

export interface SnapshotReadOptions {
  /** Blobs already read in this run, by SHA (the base and head of a change share most of them). */
  blobCache?: Map<string, Buffer>;
}

/** The safety folder `dir` (repository-relative) as it is at `ref`. */
export function snapshotAtRef(root: string, ref: string, dir: string, opts: SnapshotReadOptions = {}): Snapshot {
  return snapshotAtCommit(root, resolveRef(root, ref), dir, opts);
}

/**
 * The safety folder at a resolved commit SHA. Only the folder is listed with sizes; the rest of the
 * tree (needed only to check evidence paths exist) is listed by name, and only when first asked.
 * Files carry their blob SHA so parse results can be shared between commits.
 */
export function snapshotAtCommit(root: string, commit: string, dir: string, opts: SnapshotReadOptions = {}): Snapshot {
  const clean = dir.replace(/\/+$/, '');
  const { inDir, toRead } = folderEntries(listTree(root, commit, `${clean}/`), clean);
  const cache = opts.blobCache ?? new Map<string, Buffer>();
  for (const [sha, bytes] of readBlobs(root, missingShas(toRead, cache))) cache.set(sha, bytes);
  let known: Set<string> | undefined;
  return folderSnapshot(clean, inDir, cache, (p) => {
    known ??= treeNames(root, commit);
    return known.has(p);
  });
}

/**
 * The safety folder at several commits at once (the base and head of a change): the folder
 * listing and the whole tree's names of every commit are read by git processes running side by
 * side, then the blobs none of them had read yet in one `cat-file --batch`. The same snapshots
 * as `snapshotAtCommit` for each commit.
 */
export async function snapshotsAtCommits(
  root: string,
  commits: string[],
  dir: string,
  opts: SnapshotReadOptions = {},
): Promise<Snapshot[]> {
  const clean = dir.replace(/\/+$/, '');
  const cache = opts.blobCache ?? new Map<string, Buffer>();
  const listings = Promise.all(
    commits.map(async (c) => folderEntries(parseTree((await gitAsync(root, listTreeArgs(c, `${clean}/`))).toString('utf8')), clean)),
  );
  const names = Promise.all(commits.map(async (c) => treeLookup((await gitAsync(root, treeNamesArgs(c))).toString('utf8'))));
  const blobs = listings.then(async (ls) => {
    const missing = [...new Set(ls.flatMap((l) => missingShas(l.toRead, cache)))];
    if (missing.length === 0) return;
    const out = await gitAsync(root, ['cat-file', '--batch'], `${missing.join('\n')}\n`);
    for (const [sha, bytes] of parseBatch(out, missing)) cache.set(sha, bytes);
  });
  const [ls, ns] = await Promise.all([listings, names, blobs]);
  return ls.map((l, i) => folderSnapshot(clean, l.inDir, cache, ns[i]!));
}

/** The entries of a folder listing: those to read as files, and the rest (reported as they are). */
function folderEntries(listing: TreeEntry[], clean: string): { inDir: TreeEntry[]; toRead: TreeEntry[] } {
  const prefix = `${clean}/`;
  const inDir = listing.filter((e) => e.path.startsWith(prefix));
  return { inDir, toRead: inDir.filter(readable) };
}

const readable = (e: TreeEntry) => e.mode !== '120000' && e.type === 'blob' && e.size <= MAX_FILE_BYTES;

function missingShas(toRead: TreeEntry[], cache: Map<string, Buffer>): string[] {
  return [...new Set(toRead.map((e) => e.sha).filter((sha) => !cache.has(sha)))];
}

function folderSnapshot(clean: string, inDir: TreeEntry[], cache: Map<string, Buffer>, has: (path: string) => boolean): Snapshot {
  return { dir: clean, files: folderFiles(inDir, cache), exists: (p: string) => has(p.replace(/\/+$/, '')) };
}

/** The files of a folder listing, in path order: each read (from `cache`, by blob SHA) or the reason it is not. */
export function folderFiles(inDir: TreeEntry[], cache: Map<string, Buffer>): SnapshotFile[] {
  const files: SnapshotFile[] = [];
  for (const e of inDir) {
    if (e.mode === '120000') files.push({ path: e.path, problem: 'not-a-file', detail: 'symbolic link' });
    else if (e.type !== 'blob') files.push({ path: e.path, problem: 'not-a-file' });
    else if (e.size > MAX_FILE_BYTES) files.push({ path: e.path, problem: 'too-large', detail: formatBytes(e.size) });
    else files.push({ path: e.path, bytes: cache.get(e.sha)!, sha: e.sha });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return files;
}

/** Every path in the tree of `commit`, files and the folders that hold them (names only: no object sizes are looked up). */
function treeNames(root: string, commit: string): Set<string> {
  return parseNames(gitText(root, treeNamesArgs(commit)));
}

const treeNamesArgs = (commit: string) => ['ls-tree', '-r', '-t', '-z', '--name-only', commit];

function parseNames(out: string): Set<string> {
  const names = new Set<string>();
  for (const p of out.split('\0')) if (p) names.add(p);
  return names;
}

/** Distinct paths answered by searching the listing's text before a set of every name is worth building. */
const SEARCHES_BEFORE_SET = 64;

/**
 * Whether a path is in a `ls-tree -z --name-only` listing. A large tree's names are only needed
 * for the few evidence paths a small folder cites (each cited by several controls): the first
 * distinct paths are searched for in the text itself (`\0path\0`, about 0.1 ms for 20,000 names)
 * and remembered; only a folder that asks about many builds the set of every name (same answers).
 */
function treeLookup(out: string): (path: string) => boolean {
  const text = `\0${out}`;
  const answers = new Map<string, boolean>();
  let names: Set<string> | undefined;
  return (p) => {
    if (p === '' || p.includes('\0')) return false;
    if (names) return names.has(p);
    const known = answers.get(p);
    if (known !== undefined) return known;
    if (answers.size >= SEARCHES_BEFORE_SET) {
      names = parseNames(out);
      return names.has(p);
    }
    const found = text.includes(`\0${p}\0`);
    answers.set(p, found);
    return found;
  };
}

/** Resolve several refs to commit SHAs with one git process; a bad ref is named on its own. */
export function resolveRefs(root: string, refs: string[]): string[] {
  if (refs.every((r) => !r.startsWith('-'))) {
    try {
      const out = gitText(root, ['rev-parse', ...refs.map((r) => `${r}^{commit}`)])
        .trim()
        .split('\n');
      if (out.length === refs.length && out.every((s) => /^[0-9a-f]{40,64}$/.test(s))) return out;
    } catch {
      // fall through: find which ref is wrong
    }
  }
  return refs.map((r) => resolveRef(root, r));
}

/** Files changed between two commits (merge-base of base and head, as GitHub's PR diff does). */
export function changedFilesBetween(root: string, base: string, head: string): ChangedFile[] {
  const [b, h] = resolveRefs(root, [base, head]) as [string, string];
  return diffNameStatus(root, `${b}...${h}`);
}

/** `git diff --name-status -z -M from to`, parsed: renames and copies keep their previous name. */
export function diffNameStatus(root: string, from: string, to?: string): ChangedFile[] {
  return parseDiff(gitText(root, diffArgs(from, to)));
}

/** `diffNameStatus`, in a git process that runs while this process works on. */
export async function diffNameStatusAsync(root: string, from: string, to?: string): Promise<ChangedFile[]> {
  return parseDiff((await gitAsync(root, diffArgs(from, to))).toString('utf8'));
}

const diffArgs = (from: string, to?: string) => ['diff', '--name-status', '-z', '-M', '--no-ext-diff', from, ...(to ? [to] : [])];

function parseDiff(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const { files, next } = parseNameStatus(parts, 0, parts.length);
  // A record this parser does not know must not silently drop the files after it (the gate fails closed).
  if (parts.slice(next).some(Boolean)) throw new GitError(`git diff printed a status clinsafe does not know: ${parts[next]!.slice(0, 20)}`);
  return files;
}

const STATUS = /^[ACDMRTUXB]\d*$/;

/** `--name-status -z` records from `parts[i]` up to `end` or the next part that is not a status. */
function parseNameStatus(parts: string[], i: number, end: number): { files: ChangedFile[]; next: number } {
  const files: ChangedFile[] = [];
  while (i < end) {
    const code = parts[i];
    if (!code) {
      i++;
      continue;
    }
    if (!STATUS.test(code)) break;
    i++;
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
  return { files, next: i };
}

/**
 * The files each commit changed against the parent given with it, for many commits in one
 * `git diff-tree --stdin` process (as `diffNameStatus(parent, commit)` for each).
 */
export function diffAgainstParents(root: string, pairs: { commit: string; parent: string }[]): Map<string, ChangedFile[]> {
  const result = new Map<string, ChangedFile[]>();
  if (pairs.length === 0) return result;
  const input = `${pairs.map((p) => `${p.commit} ${p.parent}`).join('\n')}\n`;
  const parts = git(root, ['diff-tree', '--stdin', '--always', '-r', '-z', '-M', '--name-status', '--no-ext-diff'], input)
    .toString('utf8')
    .split('\0');
  let i = 0;
  while (i < parts.length) {
    const header = parts[i++]!.trim();
    if (!header) continue;
    if (!/^[0-9a-f]{40,64}$/.test(header)) throw new GitError(`git diff-tree printed an unexpected line: ${header.slice(0, 80)}`);
    const { files, next } = parseNameStatus(parts, i, parts.length);
    result.set(header, [...(result.get(header) ?? []), ...files]);
    i = next;
  }
  return result;
}
