/**
 * Read the safety folder at a commit through GitHub's git data API: one request for the whole
 * tree (by commit SHA, no commit lookup), then the blobs the schema reads — never other files,
 * never twice the same blob, batched (GraphQL, 100 a request) or a few at a time (REST), and never
 * more than a cap: a folder with more files to read fails closed with a plain sentence before any
 * blob is fetched. Facts only; the core validates.
 */
import { isSafetyFile, loadFolder, type LoadResult, type Snapshot, type SnapshotFile } from '../core/folder.js';
import { formatBytes, MAX_FILE_BYTES } from '../core/yaml.js';
import { getBlobRest, getBlobs } from './api/get-blobs.js';
import type { RepoRef, GitHubClient } from './client.js';

interface TreeItem {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number;
}

/** Reading the folder would be unbounded (tree truncated, too many files): the message says what to do. */
export class FolderReadLimitError extends Error {}

/** Blobs one folder read may fetch (a large hazard log has a few hundred files). */
export const MAX_BLOBS_PER_READ = 400;
/** Blobs fetched at once. */
const CONCURRENCY = 8;

export interface SnapshotOptions {
  /** Blobs already fetched, by SHA (shared between the base and head reads of one pull request). */
  blobCache?: Map<string, Buffer>;
  /** At most this many blobs not already in the cache (default MAX_BLOBS_PER_READ). */
  maxFetches?: number;
  /** How to say "too many" for this read (e.g. "this pull request adds or changes"). */
  tooMany?: (count: number, cap: number) => string;
  /** Read blobs in batches through GraphQL (up to 100 a request) rather than one REST request each. */
  batched?: boolean;
}

function relativeTo(dir: string, path: string): string | undefined {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : undefined;
}

/**
 * `ref` may be a branch, tag or commit SHA. A full 40-hex commit SHA skips the commit lookup: the
 * trees endpoint resolves a commit to its tree, so the folder costs one tree request plus blobs.
 */
export async function snapshotViaApi(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  dir: string,
  opts: SnapshotOptions = {},
): Promise<{ snapshot: Snapshot; sha: string }> {
  const folder = dir.replace(/\/+$/, '');
  const commit = /^[0-9a-f]{40}$/i.test(ref)
    ? { sha: ref, commit: { tree: { sha: ref } } }
    : ((await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref })).data as {
        sha: string;
        commit: { tree: { sha: string } };
      });
  const tree = (
    await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repo, tree_sha: commit.commit.tree.sha, recursive: '1' })
  ).data as { tree: TreeItem[]; truncated: boolean };
  if (tree.truncated)
    throw new FolderReadLimitError(
      `the repository tree at ${commit.sha.slice(0, 7)} is too large for GitHub to list in one response, so the safety folder and its evidence paths cannot all be checked; move large generated or vendored trees out of the repository, or run clinsafe check locally and have a CSO approve`,
    );
  const paths = new Set(tree.tree.map((t) => t.path));
  const files: SnapshotFile[] = [];
  const wanted: { item: TreeItem; file: SnapshotFile }[] = [];
  for (const item of tree.tree) {
    const rel = relativeTo(folder, item.path);
    if (rel === undefined || item.type === 'tree') continue;
    if (item.mode === '120000') files.push({ path: item.path, problem: 'not-a-file', detail: 'symbolic link' });
    else if (item.type !== 'blob') files.push({ path: item.path, problem: 'not-a-file' });
    else if ((item.size ?? 0) > MAX_FILE_BYTES) files.push({ path: item.path, problem: 'too-large', detail: formatBytes(item.size ?? 0) });
    else if (!isSafetyFile(rel)) files.push({ path: item.path });
    else {
      const file: SnapshotFile = { path: item.path };
      files.push(file);
      wanted.push({ item, file });
    }
  }
  const cache = opts.blobCache ?? new Map<string, Buffer>();
  const toFetch = [...new Set(wanted.map((w) => w.item.sha).filter((sha) => !cache.has(sha)))];
  const cap = opts.maxFetches ?? MAX_BLOBS_PER_READ;
  if (toFetch.length > cap) {
    throw new FolderReadLimitError(
      opts.tooMany?.(toFetch.length, cap) ??
        `the safety folder at ${commit.sha.slice(0, 7)} has ${toFetch.length} files to read, more than the ${cap} the gate reads in one run; split the folder's changes into smaller pull requests`,
    );
  }
  if (opts.batched && toFetch.length) {
    for (const [sha, bytes] of await getBlobs(octokit, repo, toFetch)) cache.set(sha, bytes);
  } else {
    for (let i = 0; i < toFetch.length; i += CONCURRENCY) {
      await Promise.all(toFetch.slice(i, i + CONCURRENCY).map(async (sha) => cache.set(sha, await getBlobRest(octokit, repo, sha))));
    }
  }
  for (const w of wanted) w.file.bytes = cache.get(w.item.sha)!;
  return { snapshot: { dir: folder, files, exists: (p) => paths.has(p.replace(/\/+$/, '')) }, sha: commit.sha };
}

/**
 * A long-running server (the App) may keep folders it has read, by repository, commit SHA and
 * folder: a commit never changes, so this caches immutable facts (bounded, least recently used
 * out) — not state: every decision is still made afresh, and an instance without the entry reads
 * it from GitHub. Off unless enabled (the Action and the CLI run once and read once).
 */
let folderCache: Map<string, FolderAtCommit> | undefined;
let folderCacheSize = 0;

export function enableFolderCache(entries = 64): void {
  folderCacheSize = entries;
  folderCache = entries > 0 ? new Map() : undefined;
}

/** The folder loaded at a commit, and whether the folder is there at all (the gate's bootstrap rule). */
export type FolderAtCommit = LoadResult & { present: boolean };

/** Load the folder at a ref. Failures throw (the caller fails closed); nothing here passes anything. */
export async function readFolderViaApi(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  dir: string,
  opts: SnapshotOptions = {},
): Promise<FolderAtCommit> {
  const key = folderCache && /^[0-9a-f]{40}$/i.test(ref) ? `${repo.owner}/${repo.repo}@${ref.toLowerCase()}:${dir}` : undefined;
  const hit = key ? folderCache!.get(key) : undefined;
  if (key && hit) {
    folderCache!.delete(key);
    folderCache!.set(key, hit);
    return hit;
  }
  const { snapshot } = await snapshotViaApi(octokit, repo, ref, dir, opts);
  const loaded: FolderAtCommit = { ...loadFolder(snapshot), present: snapshot.exists(snapshot.dir) };
  if (key && folderCache) {
    folderCache.set(key, loaded);
    if (folderCache.size > folderCacheSize) folderCache.delete(folderCache.keys().next().value!);
  }
  return loaded;
}
