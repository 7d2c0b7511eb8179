/**
 * The history port through the GitHub API (the App): main-line commits from the compare API, the
 * files each changed, the safety folder at a commit, releases, and each pull request's review
 * record as the gate assesses it (injected: the gate's `assess`, the same `evaluateGate`). Facts
 * only; `core/change-record.ts` decides.
 */
import { createHash } from 'node:crypto';
import type { ChangedFile } from '../core/impact.js';
import type { PullAssessment } from '../core/pull-assessment.js';
import type { FolderAt, HistoryCommit, HistoryPort, PullRecord, ReleasePoint } from '../core/ports/history.js';
import { snapshotViaApi } from './folder.js';
import { listReleases, releaseBefore, type ReleaseLike } from './releases.js';
import type { GitHubClient, RepoRef } from './client.js';

interface ApiCommit {
  sha: string;
  parents?: { sha: string }[];
  commit: { message: string; committer?: { date?: string } | null; tree?: { sha: string } };
  files?: { filename: string; status: string; previous_filename?: string }[];
}

/** GitHub lists at most 3000 files of a commit; a longer list cannot be judged, so it is refused. */
export const MAX_COMMIT_FILES = 3000;
/** At most this many commits since the previous release are read (bounded work); more is refused. */
export const MAX_RANGE_COMMITS = 10_000;

const toCommit = (c: ApiCommit): HistoryCommit => ({
  sha: c.sha,
  parents: (c.parents ?? []).map((p) => p.sha),
  date: c.commit.committer?.date ?? '1970-01-01T00:00:00Z',
  message: c.commit.message.trim(),
});

/** Commits reachable from `head` and not from `base` (paged: GitHub returns at most 250 per page). */
async function commitsBetween(client: GitHubClient, repo: RepoRef, base: string, head: string): Promise<ApiCommit[]> {
  const out: ApiCommit[] = [];
  for (let page = 1; ; page++) {
    const data = (
      await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...repo, basehead: `${base}...${head}`, per_page: 100, page })
    ).data as { commits: ApiCommit[]; total_commits: number };
    out.push(...data.commits);
    if (data.total_commits > MAX_RANGE_COMMITS)
      throw new Error(
        `${data.total_commits} commits since the previous release is more than clinsafe reads (${MAX_RANGE_COMMITS}); build the documents with clinsafe report from a full clone`,
      );
    if (data.commits.length < 100 || out.length >= data.total_commits) break;
  }
  return out;
}

/** Every commit reachable from `head` (the first release: no previous one to compare with), bounded. */
async function commitsUpTo(client: GitHubClient, repo: RepoRef, head: string): Promise<ApiCommit[]> {
  const out: ApiCommit[] = [];
  for (let page = 1; ; page++) {
    const got = (await client.request('GET /repos/{owner}/{repo}/commits', { ...repo, sha: head, per_page: 100, page }))
      .data as ApiCommit[];
    out.push(...got);
    if (got.length < 100) return out;
    if (out.length >= MAX_RANGE_COMMITS)
      throw new Error(
        `the history up to ${head.slice(0, 7)} has more than ${MAX_RANGE_COMMITS} commits, more than clinsafe reads; publish releases so the record starts at the previous one, or use clinsafe report from a full clone`,
      );
  }
}

export interface ApiHistoryOptions {
  /** The gate's assessment of a pull request (the App binds its gate port here). */
  assess(pullNumber: number): Promise<PullAssessment>;
  /** Known releases (the App has the published one in hand); default: listed through the API. */
  releases?: ReleaseLike[];
}

export function apiHistory(client: GitHubClient, repo: RepoRef, opts: ApiHistoryOptions): HistoryPort {
  const blobCache = new Map<string, Buffer>();
  const commitCache = new Map<string, Promise<ApiCommit>>();
  const getCommit = (ref: string): Promise<ApiCommit> => {
    let p = commitCache.get(ref);
    if (!p) {
      p = client.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref }).then((r) => r.data as ApiCommit);
      commitCache.set(ref, p);
    }
    return p;
  };
  const assessed = new Map<number, Promise<PullAssessment>>();
  return {
    source: 'github',
    commit: async (ref) => toCommit(await getCommit(ref)),
    async previousRelease(current): Promise<ReleasePoint | undefined> {
      const all = opts.releases ?? (await listReleases(client, repo));
      const me = all.find((r) => r.tag_name === current.tag);
      if (!me) return undefined;
      const prev = releaseBefore(all, me);
      if (!prev) return undefined;
      const c = await getCommit(prev.tag_name);
      return { tag: prev.tag_name, commit: c.sha, date: toCommit(c).date };
    },
    async mainLine(to, from): Promise<HistoryCommit[]> {
      const head = (await getCommit(to)).sha;
      const all = from ? await commitsBetween(client, repo, from, head) : await commitsUpTo(client, repo, head);
      const bySha = new Map(all.map((c) => [c.sha, c]));
      const line: HistoryCommit[] = [];
      for (let c = bySha.get(head); c; c = c.parents?.[0] ? bySha.get(c.parents[0].sha) : undefined) line.push(toCommit(c));
      return line.reverse();
    },
    async filesChanged(c): Promise<ChangedFile[]> {
      const files: NonNullable<ApiCommit['files']> = [];
      for (let page = 1; ; page++) {
        const data = (await client.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref: c.sha, per_page: 300, page }))
          .data as ApiCommit;
        const got = data.files ?? [];
        files.push(...got);
        if (got.length < 300) break;
        if (files.length >= MAX_COMMIT_FILES)
          throw new Error(
            `commit ${c.sha.slice(0, 7)} changes ${MAX_COMMIT_FILES} files or more, more than GitHub lists, so its impact on hazards cannot be judged; build the documents with clinsafe report from a full clone`,
          );
      }
      return files.map((f) => ({
        status: f.status as ChangedFile['status'],
        filename: f.filename,
        ...(f.previous_filename ? { previousFilename: f.previous_filename } : {}),
      }));
    },
    snapshot: async (sha, dir) => (await snapshotViaApi(client, repo, sha, dir, { blobCache })).snapshot,
    async folderAt(sha, dir): Promise<FolderAt | undefined> {
      const { snapshot } = await snapshotViaApi(client, repo, sha, dir, { blobCache });
      if (snapshot.files.length === 0) return undefined;
      const hash = createHash('sha256');
      for (const f of snapshot.files)
        hash
          .update(`${f.path}\0`)
          .update(f.bytes ?? `problem:${f.problem}`)
          .update('\n');
      const id = hash.digest('hex');
      return { id, read: async () => snapshot };
    },
    async pullRequest(n): Promise<PullRecord> {
      let p = assessed.get(n);
      if (!p) assessed.set(n, (p = opts.assess(n)));
      return { kind: 'assessed', assessment: await p };
    },
  };
}
