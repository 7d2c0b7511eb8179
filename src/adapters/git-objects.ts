/**
 * Git adapter, one process for many questions: a `git cat-file --batch-command` (git 2.36 or
 * later) kept open for a run, asked for refs, trees, blob sizes and blob contents in turn. Trees are
 * read as git stores them and walked here, so a safety folder and a few other paths can be looked
 * up at a commit without listing the whole tree (issue 13). Gathers facts only; the core decides.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './git.js';

/** git older than 2.36 (no `--batch-command`): the caller reads the same facts another way. */
export class GitObjectsUnsupported extends Error {}

export interface GitObject {
  sha: string;
  type: string;
  size: number;
  /** Present for `contents`. */
  bytes?: Buffer;
}

/** One entry of a tree object, as `git ls-tree` shows it (mode in six digits). */
export interface RawTreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  name: string;
  sha: string;
}

interface Wanted {
  kind: 'info' | 'contents';
  name: string;
  resolve: (o: GitObject | undefined) => void;
  reject: (e: Error) => void;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) (\d+)$/;

/** A `git cat-file --batch-command` process; answers come back in the order asked. Call `close` when done. */
export class GitObjects {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Wanted[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private readonly stderr: Buffer[] = [];
  private failure: Error | undefined;
  private answered = false;
  private readonly trees = new Map<string, Promise<Map<string, RawTreeEntry>>>();

  constructor(root: string) {
    this.child = spawn('git', ['cat-file', '--batch-command'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => this.take(b));
    this.child.stderr.on('data', (b: Buffer) => this.stderr.push(b));
    this.child.stdin.on('error', () => {}); // git may exit before reading; its exit status says why
    this.child.on('error', (e) => this.fail(new GitError(`git could not be run: ${e.message}`)));
    this.child.on('close', (code) => {
      if (!this.queue.length && code === 0) return;
      const msg = Buffer.concat(this.stderr).toString('utf8').trim().split('\n')[0] ?? '';
      if (code === 129 && !this.answered) this.fail(new GitObjectsUnsupported(msg));
      else this.fail(new GitError(`git cat-file failed: ${msg || `exit status ${code}`}`));
    });
  }

  /** Each name's object (undefined when git has none by that name), with its bytes for `contents`. */
  ask(kind: 'info' | 'contents', names: string[]): Promise<(GitObject | undefined)[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (names.some((n) => /[\r\n]/.test(n) || n === '')) return Promise.reject(new GitError('an object name with a line break'));
    const answers = names.map(
      (name) => new Promise<GitObject | undefined>((resolve, reject) => this.queue.push({ kind, name, resolve, reject })),
    );
    if (names.length) this.child.stdin.write(names.map((n) => `${kind} ${n}\n`).join(''));
    return Promise.all(answers);
  }

  /** Lets git exit (it is waiting for the next command). */
  close(): void {
    this.child.stdin.end();
  }

  /** A tree's entries by name, read once per run (the base and head of a change share most trees). */
  tree(sha: string): Promise<Map<string, RawTreeEntry>> {
    let t = this.trees.get(sha);
    if (!t) {
      t = this.ask('contents', [sha]).then(([o]) => {
        if (!o || o.type !== 'tree' || !o.bytes) throw new GitError(`git has no tree ${sha}`);
        return parseTree(o.bytes, sha.length / 2);
      });
      this.trees.set(sha, t);
    }
    return t;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.queue.splice(0)) w.reject(this.failure);
    this.child.stdin.end();
  }

  /** Answers parsed off git's output as they complete. */
  private take(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    while (this.queue.length) {
      const nl = this.buf.indexOf(0x0a, pos);
      if (nl < 0) break;
      const w = this.queue[0]!;
      const header = this.buf.toString('utf8', pos, nl);
      if (header === `${w.name} missing` || header === `${w.name} ambiguous`) {
        this.queue.shift();
        pos = nl + 1;
        w.resolve(undefined);
        continue;
      }
      const m = HEADER.exec(header);
      if (!m) return this.fail(new GitError(`git cat-file printed an unexpected line: ${header.slice(0, 80)}`));
      const obj: GitObject = { sha: m[1]!, type: m[2]!, size: Number(m[3]) };
      if (w.kind === 'contents') {
        const end = nl + 1 + obj.size;
        if (this.buf.length < end + 1) break;
        if (this.buf[end] !== 0x0a) return this.fail(new GitError(`git cat-file printed ${obj.sha} with an unexpected length`));
        obj.bytes = this.buf.subarray(nl + 1, end);
        pos = end + 1;
      } else pos = nl + 1;
      this.answered = true;
      this.queue.shift();
      w.resolve(obj);
    }
    this.buf = this.buf.subarray(pos);
  }
}

/** A tree object's entries (`<mode> <name>\0<hash>` each), keyed by name. */
export function parseTree(bytes: Buffer, hashBytes: number): Map<string, RawTreeEntry> {
  const entries = new Map<string, RawTreeEntry>();
  let pos = 0;
  while (pos < bytes.length) {
    const sp = bytes.indexOf(0x20, pos);
    const nul = bytes.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 1 + hashBytes > bytes.length) throw new GitError('git printed a tree clinsafe cannot read');
    const mode = bytes.toString('latin1', pos, sp).padStart(6, '0');
    const name = bytes.toString('utf8', sp + 1, nul);
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.set(name, { mode, type, name, sha: bytes.toString('hex', nul + 1, nul + 1 + hashBytes) });
    pos = nul + 1 + hashBytes;
  }
  return entries;
}

/** The commit a ref names (`<ref>^{commit}`) and its root tree, or undefined when it names no commit. */
export async function commitOf(objects: GitObjects, ref: string): Promise<{ sha: string; tree: string } | undefined> {
  const [o] = await objects.ask('contents', [`${ref}^{commit}`]);
  if (!o || o.type !== 'commit' || !o.bytes) return undefined;
  const tree = /^tree ([0-9a-f]{40,64})\n/.exec(o.bytes.toString('latin1', 0, 80))?.[1];
  if (!tree) throw new GitError(`git printed a commit clinsafe cannot read: ${o.sha}`);
  return { sha: o.sha, tree };
}

/**
 * The entry at a repository-relative path under a root tree, or undefined: exactly the paths
 * `git ls-tree -r -t --name-only` lists (files, symbolic links, submodules and the folders that
 * hold them; nothing through a symbolic link or inside a submodule).
 */
export async function entryAt(objects: GitObjects, rootTree: string, path: string): Promise<RawTreeEntry | undefined> {
  if (path === '' || path.includes('\0')) return undefined;
  const segments = path.split('/');
  let tree = rootTree;
  for (let i = 0; ; i++) {
    const e = (await objects.tree(tree)).get(segments[i]!);
    if (!e || i === segments.length - 1) return e;
    if (e.type !== 'tree') return undefined;
    tree = e.sha;
  }
}

/** Every entry below a tree, recursively (trees themselves not listed), with repository-relative paths: `git ls-tree -r`. */
export async function listBelow(objects: GitObjects, tree: string, prefix: string): Promise<(RawTreeEntry & { path: string })[]> {
  const entries = [...(await objects.tree(tree)).values()];
  const below = await Promise.all(
    entries.map((e) => (e.type === 'tree' ? listBelow(objects, e.sha, `${prefix}${e.name}/`) : [{ ...e, path: `${prefix}${e.name}` }])),
  );
  return below.flat();
}
