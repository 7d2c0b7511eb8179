/**
 * GET /repos/{owner}/{repo}/compare/{base}...{head}: the files changed between exactly the two
 * commits the gate decides about — the pull request's own diff (three dots: from their merge base),
 * with old names of renamed files, in one request for up to 300 files (GitHub lists no more in a
 * comparison). Undefined when the comparison does not hold them all (the caller then pages the
 * pull request's files). The answer never changes for a pair of SHAs, so a server may keep it.
 */
import type { ChangedFile } from '../../core/impact.js';
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

/** GitHub lists at most this many files in a comparison. */
export const MAX_COMPARE_FILES = 300;

let cache: Map<string, ChangedFile[]> | undefined;
let cacheSize = 0;

/** A long-running server keeps this many comparisons (by repository and SHA pair; least recently used out). */
export function enableCompareCache(entries = 64): void {
  cacheSize = entries;
  cache = entries > 0 ? new Map() : undefined;
}

export async function compareFiles(
  client: GitHubClient,
  repo: RepoRef,
  base: string,
  head: string,
  expected: number,
): Promise<ChangedFile[] | undefined> {
  if (expected > MAX_COMPARE_FILES) return undefined;
  const key = `${repo.owner}/${repo.repo}@${base}...${head}`;
  const hit = cache?.get(key);
  if (hit && cache) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.length === expected ? hit : undefined;
  }
  const d = await step(
    'comparing the base and head commits',
    async () =>
      (await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...repo, basehead: `${base}...${head}`, per_page: 1 }))
        .data as { files?: { filename: string; status: string; previous_filename?: string }[] },
  );
  const files = (d.files ?? []).map((f) => ({
    status: f.status as ChangedFile['status'],
    filename: f.filename,
    ...(f.previous_filename ? { previousFilename: f.previous_filename } : {}),
  }));
  if (files.length !== expected) return undefined;
  if (cache) {
    cache.set(key, files);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  }
  return files;
}
