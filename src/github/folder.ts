/**
 * Read the safety folder at a commit through GitHub's git data API: one request for the whole
 * tree (by commit SHA, no commit lookup), then the blobs the schema reads — never other files,
 * never twice the same blob, batched (GraphQL, 100 a request) or a few at a time (REST), and never
 * more than a cap: a folder with more files to read fails closed with a plain sentence before any
 * blob is fetched. Facts only; the core validates.
 */
import { isSafetyFile, loadFolder, type LoadResult, type Snapshot, type SnapshotFile } from '../core/folder.js';
import { formatBytes, MAX_FILE_BYTES } from '../core/yaml.js';
import { getBlobRest, getBlobs, getBlobsRest } from './api/get-blobs.js';
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
  /** Blobs another read of the same run will fetch anyway: not counted against the cap, not fetched twice. */
  known?: ReadonlySet<string>;
}

function relativeTo(dir: string, path: string): string | undefined {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : undefined;
}

/** The folder at a commit as its tree lists it: the files, and the blobs still to be read. */
export interface FolderListing {
  snapshot: Snapshot;
  sha: string;
  wanted: { sha: string; file: SnapshotFile }[];
  /** Blob SHAs not in the cache, within the cap. */
  toFetch: string[];
}

/**
 * The tree at `ref` (one request; a full 40-hex commit SHA skips the commit lookup), the folder's
 * files classified, and the cap on blobs to read checked before any is fetched.
 */
export async function listFolderViaApi(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  dir: string,
  opts: SnapshotOptions = {},
): Promise<FolderListing> {
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
  const wanted: { sha: string; file: SnapshotFile }[] = [];
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
      wanted.push({ sha: item.sha, file });
    }
  }
  const cache = opts.blobCache;
  const toFetch = [...new Set(wanted.map((w) => w.sha).filter((sha) => !cache?.has(sha) && !opts.known?.has(sha)))];
  const cap = opts.maxFetches ?? MAX_BLOBS_PER_READ;
  if (toFetch.length > cap) {
    throw new FolderReadLimitError(
      opts.tooMany?.(toFetch.length, cap) ??
        `the safety folder at ${commit.sha.slice(0, 7)} has ${toFetch.length} files to read, more than the ${cap} the gate reads in one run; split the folder's changes into smaller pull requests`,
    );
  }
  return { snapshot: { dir: folder, files, exists: (p) => paths.has(p.replace(/\/+$/, '')) }, sha: commit.sha, wanted, toFetch };
}

/** The listed files given their bytes from `blobs` (every wanted blob must be there). */
export function fillListing(listing: FolderListing, blobs: Map<string, Buffer>): Snapshot {
  for (const w of listing.wanted) {
    const bytes = blobs.get(w.sha);
    if (!bytes) throw new Error(`blob ${w.sha.slice(0, 7)} of ${w.file.path} was not read`);
    w.file.bytes = bytes;
  }
  return listing.snapshot;
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
  const listing = await listFolderViaApi(octokit, repo, ref, dir, opts);
  const cache = opts.blobCache ?? new Map<string, Buffer>();
  if (opts.batched && listing.toFetch.length) {
    for (const [sha, bytes] of await getBlobs(octokit, repo, listing.toFetch)) cache.set(sha, bytes);
  } else {
    for (let i = 0; i < listing.toFetch.length; i += CONCURRENCY) {
      await Promise.all(
        listing.toFetch.slice(i, i + CONCURRENCY).map(async (sha) => cache.set(sha, await getBlobRest(octokit, repo, sha))),
      );
    }
  }
  return { snapshot: fillListing(listing, cache), sha: listing.sha };
}

/**
 * A long-running server (the App) may keep folders it has read, by repository, commit SHA and
 * folder: a commit never changes, so this caches immutable facts (bounded, least recently used
 * out) — not state: every decision is still made afresh, and an instance without the entry reads
 * it from GitHub. Off unless enabled (the Action and the CLI run once and read once).
 */
let folderCache: Map<string, FolderAtCommit> | undefined;
let folderCacheSize = 0;

/** Whether this process keeps folders (a long-running server). */
export function folderCacheEnabled(): boolean {
  return folderCache !== undefined;
}

export function enableFolderCache(entries = 64): void {
  folderCacheSize = entries;
  folderCache = entries > 0 ? new Map() : undefined;
}

/**
 * The folder loaded at a commit, and whether the folder is there at all (the gate's bootstrap rule);
 * `blobShas`: the blobs it was read from (a head read does not count them as new).
 */
export type FolderAtCommit = LoadResult & { present: boolean; blobShas?: string[] };

function cacheKey(repo: RepoRef, ref: string, dir: string): string | undefined {
  return folderCache && /^[0-9a-f]{40}$/i.test(ref) ? `${repo.owner}/${repo.repo}@${ref.toLowerCase()}:${dir}` : undefined;
}

/** The folder at a commit when this server has already loaded it (never for a branch or tag name). */
export function cachedFolder(repo: RepoRef, ref: string, dir: string): FolderAtCommit | undefined {
  const key = cacheKey(repo, ref, dir);
  const hit = key ? folderCache!.get(key) : undefined;
  if (key && hit) {
    folderCache!.delete(key);
    folderCache!.set(key, hit);
  }
  return hit;
}

/** Load a listed folder whose blobs were read, and keep it when the server caches folders. */
export function loadListing(repo: RepoRef, ref: string, dir: string, listing: FolderListing, blobs: Map<string, Buffer>): FolderAtCommit {
  const snapshot = fillListing(listing, blobs);
  const loaded: FolderAtCommit = {
    ...loadFolder(snapshot),
    present: snapshot.exists(snapshot.dir),
    blobShas: [...new Set(listing.wanted.map((w) => w.sha))],
  };
  const key = cacheKey(repo, ref, dir);
  if (key && folderCache) {
    folderCache.set(key, loaded);
    if (folderCache.size > folderCacheSize) folderCache.delete(folderCache.keys().next().value!);
  }
  return loaded;
}

/** Load the folder at a ref. Failures throw (the caller fails closed); nothing here passes anything. */
export async function readFolderViaApi(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  dir: string,
  opts: SnapshotOptions = {},
): Promise<FolderAtCommit> {
  const hit = cachedFolder(repo, ref, dir);
  if (hit) return hit;
  const cache = opts.blobCache ?? new Map<string, Buffer>();
  const listing = await listFolderViaApi(octokit, repo, ref, dir, { ...opts, blobCache: cache });
  // Every blob the folder needs that this run has not read (a cap was checked on the new ones only).
  const missing = [...new Set(listing.wanted.map((w) => w.sha).filter((sha) => !cache.has(sha)))];
  if (opts.batched && missing.length) {
    for (const [sha, bytes] of await getBlobs(octokit, repo, missing)) cache.set(sha, bytes);
  } else await getBlobsRest(octokit, repo, missing, cache);
  return loadListing(repo, ref, dir, listing, cache);
}
