/**
 * Git adapter for `clinsafe check`: what a change is made of, read with two git processes — one
 * `git diff` from the merge base, and one `git cat-file --batch-command` for everything else (both
 * refs, the safety folder at each commit, the blobs neither commit had read, and whether the few
 * paths the folder cites exist). The whole tree is never listed (issue 13). Gathers facts only.
 */
import type { SnapshotFile } from '../core/folder-types.js';
import type { ChangedFile } from '../core/impact.js';
import { MAX_FILE_BYTES } from '../core/text-decode.js';
import { diffNameStatusAsync, folderFiles, GitError, type TreeEntry } from './git.js';
import { commitOf, entryAt, GitObjects, listBelow } from './git-objects.js';

/** The safety folder at one commit, without the repository around it (see `ChangeRead.pathsExist`). */
export interface FolderFiles {
  dir: string;
  files: SnapshotFile[];
  /** The folder's tree SHA: two commits with the same one have the same folder, file for file. */
  tree?: string;
}

export interface ChangeRead {
  /** The base and head commits. */
  shas: [string, string];
  /** `git diff --name-status -M base...head` (from the merge base, as GitHub's pull-request diff). */
  changes: ChangedFile[];
  /** The safety folder at base and at head. */
  folders: [FolderFiles, FolderFiles];
  /** Whether each repository-relative path exists at base (0) or head (1), as `git ls-tree -r -t` would list it. */
  pathsExist(commit: 0 | 1, paths: string[]): Promise<boolean[]>;
  /** Ends the git process (call once every question is asked). */
  close(): void;
}

/**
 * Whether `readChange` can read this folder and these refs: a plain relative folder path (no `.`,
 * `..` or empty part) and refs that are neither options nor several lines. Anything else is read as
 * before, with `git ls-tree` and `git rev-parse`.
 */
export function readableByObjects(refs: string[], dir: string): boolean {
  const plain = (s: string) => s !== '' && !/[\r\n]/.test(s);
  return (
    refs.every((r) => plain(r) && !r.startsWith('-')) &&
    plain(dir) &&
    dir.split('/').every((part) => part !== '' && part !== '.' && part !== '..') &&
    !process.env.GIT_ICASE_PATHSPECS
  );
}

const notACommit = (ref: string, root: string) =>
  new GitError(`"${ref}" is not a commit in ${root}; give a branch, tag or commit SHA that exists (git log shows them)`);

/**
 * The change from `refs[0]` to `refs[1]` and the safety folder `dir` at both. Rejects with
 * GitObjectsUnsupported on git older than 2.36 (the caller reads another way), with GitError for
 * a ref that names no commit or any git failure.
 */
export async function readChange(root: string, refs: [string, string], dir: string, objects = new GitObjects(root)): Promise<ChangeRead> {
  try {
    const commits = await Promise.all(refs.map((r) => commitOf(objects, r)));
    commits.forEach((c, i) => {
      if (!c) throw notACommit(refs[i]!, root);
    });
    const [base, head] = commits as [{ sha: string; tree: string }, { sha: string; tree: string }];
    const diff = diffNameStatusAsync(root, `${base.sha}...${head.sha}`);
    diff.catch(() => {}); // awaited below
    const cache = new Map<string, Buffer>();
    const listings = await Promise.all([base, head].map((c) => folderListing(objects, c.tree, dir)));
    await readBlobs(
      objects,
      listings.flatMap((l) => l.entries),
      cache,
    );
    const folders = listings.map((l) => ({ dir, files: folderFiles(l.entries, cache), ...(l.tree ? { tree: l.tree } : {}) }));
    const trees = [base.tree, head.tree];
    return {
      shas: [base.sha, head.sha],
      changes: await diff,
      folders: folders as [FolderFiles, FolderFiles],
      pathsExist: (i, paths) => Promise.all(paths.map(async (p) => (await entryAt(objects, trees[i]!, p)) !== undefined)),
      close: () => objects.close(),
    };
  } catch (e) {
    objects.close();
    throw e;
  }
}

/** The folder's entries at a root tree as `git ls-tree -r --long <commit> -- <dir>/` lists them (sizes filled in later). */
async function folderListing(objects: GitObjects, rootTree: string, dir: string): Promise<{ entries: TreeEntry[]; tree?: string }> {
  const at = await entryAt(objects, rootTree, dir);
  if (at?.type !== 'tree') return { entries: [] };
  const below = await listBelow(objects, at.sha, `${dir}/`);
  return { entries: below.map((e) => ({ mode: e.mode, type: e.type, sha: e.sha, size: 0, path: e.path })), tree: at.sha };
}

/** Sizes of the listed blobs, and the bytes of those within the size limit that `cache` lacks. */
async function readBlobs(objects: GitObjects, entries: TreeEntry[], cache: Map<string, Buffer>): Promise<void> {
  const blobs = entries.filter((e) => e.type === 'blob' && e.mode !== '120000');
  const shas = [...new Set(blobs.map((e) => e.sha))];
  const sizes = new Map<string, number>();
  (await objects.ask('info', shas)).forEach((o, i) => {
    if (!o || o.type !== 'blob') throw new GitError(`git has no blob ${shas[i]}`);
    sizes.set(shas[i]!, o.size);
  });
  const wanted = shas.filter((s) => sizes.get(s)! <= MAX_FILE_BYTES);
  (await objects.ask('contents', wanted)).forEach((o, i) => {
    if (!o?.bytes || o.type !== 'blob') throw new GitError(`git has no blob ${wanted[i]}`);
    cache.set(wanted[i]!, o.bytes);
  });
  for (const e of blobs) e.size = sizes.get(e.sha)!;
}
