/**
 * Read the safety folder at a commit through GitHub's git data API: one request for the commit,
 * one for the whole tree, one per safety-folder blob. Facts only; the core validates.
 */
import { loadFolder, type LoadResult, type Snapshot, type SnapshotFile } from '../core/folder.js';
import { formatBytes, MAX_FILE_BYTES } from '../core/yaml.js';
import type { RepoRef, GitHubClient } from './client.js';
import { GateApiError } from './gate-api.js';

interface TreeItem {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number;
}

/** A plain explanation, passed through to the status and comment as it is (never "re-run the job": a re-run gets the same tree). */
export class TreeTruncatedError extends GateApiError {}

export interface SnapshotOptions {
  /** Blobs already fetched, by SHA (shared between the base and head reads of one pull request). */
  blobCache?: Map<string, Buffer>;
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
    throw new TreeTruncatedError(
      `the repository at commit ${commit.sha.slice(0, 7)} has more files than GitHub lists in one response, so the gate cannot read the safety folder and check its evidence paths through the API. Re-running will not help: run clinsafe check on a checkout of this branch and have a Clinical Safety Officer approve, and ask whoever maintains the clinsafe set-up about this repository's size`,
    );
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const paths = new Set(tree.tree.map((t) => t.path));
  const files: SnapshotFile[] = [];
  for (const item of tree.tree.filter((t) => t.path.startsWith(prefix) && t.type !== 'tree')) {
    if (item.mode === '120000') files.push({ path: item.path, problem: 'not-a-file', detail: 'symbolic link' });
    else if (item.type !== 'blob') files.push({ path: item.path, problem: 'not-a-file' });
    else if ((item.size ?? 0) > MAX_FILE_BYTES) files.push({ path: item.path, problem: 'too-large', detail: formatBytes(item.size ?? 0) });
    else {
      let bytes = opts.blobCache?.get(item.sha);
      if (!bytes) {
        const blob = (await octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: item.sha })).data as {
          content: string;
          encoding: string;
        };
        bytes = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
        opts.blobCache?.set(item.sha, bytes);
      }
      files.push({ path: item.path, bytes });
    }
  }
  return { snapshot: { dir: dir.replace(/\/+$/, ''), files, exists: (p) => paths.has(p.replace(/\/+$/, '')) }, sha: commit.sha };
}

/**
 * A long-running server (the App) may keep folders it has read, by repository, commit SHA and
 * folder: a commit never changes, so this caches immutable facts (bounded, least recently used
 * out) — not state: every decision is still made afresh, and an instance without the entry reads
 * it from GitHub. Off unless enabled (the Action and the CLI run once and read once).
 */
let folderCache: Map<string, LoadResult> | undefined;
let folderCacheSize = 0;

export function enableFolderCache(entries = 64): void {
  folderCacheSize = entries;
  folderCache = entries > 0 ? new Map() : undefined;
}

/** Load the folder at a ref; API failures and truncated trees become an invalid result, never a pass. */
export async function readFolderViaApi(
  octokit: GitHubClient,
  repo: RepoRef,
  ref: string,
  dir: string,
  opts: SnapshotOptions = {},
): Promise<LoadResult> {
  const key = folderCache && /^[0-9a-f]{40}$/i.test(ref) ? `${repo.owner}/${repo.repo}@${ref.toLowerCase()}:${dir}` : undefined;
  const hit = key ? folderCache!.get(key) : undefined;
  if (key && hit) {
    folderCache!.delete(key);
    folderCache!.set(key, hit);
    return hit;
  }
  const { snapshot } = await snapshotViaApi(octokit, repo, ref, dir, opts);
  const loaded = loadFolder(snapshot);
  if (key && folderCache) {
    folderCache.set(key, loaded);
    if (folderCache.size > folderCacheSize) folderCache.delete(folderCache.keys().next().value!);
  }
  return loaded;
}
