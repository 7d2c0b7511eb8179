/**
 * The history port over a local git repository (`clinsafe report`): main-line commits, the files
 * each changed, the safety folder at any commit, tags as releases. Git holds no review data, so
 * every pull request's review record is `not-recorded`. Facts only; `core/change-record.ts` decides.
 */
import type { Snapshot, SnapshotFile } from '../core/folder.js';
import type { ChangedFile } from '../core/impact.js';
import type { FolderAt, HistoryCommit, HistoryPort, ReleasePoint } from '../core/ports/history.js';
import { diffNameStatus, gitText, listTree, readBlobs, resolveRef, snapshotAtRef } from './git.js';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** First-parent commits in (from, to], oldest first. Without `from`, all history up to `to`. */
export function firstParentCommits(root: string, to: string, from?: string): HistoryCommit[] {
  const range = from ? `${resolveRef(root, from)}..${resolveRef(root, to)}` : resolveRef(root, to);
  const out = gitText(root, ['log', '--first-parent', '--reverse', '--format=%H%x00%P%x00%cI%x00%B%x1e', range]);
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.length > 0)
    .map((r) => {
      const [sha, parents, date, message] = r.split('\0');
      return { sha: sha!, parents: parents ? parents.split(' ').filter(Boolean) : [], date: date!, message: (message ?? '').trim() };
    });
}

/**
 * The safety folder at a commit, read for impact only: hazards and their triggers. Evidence paths
 * are not checked (that is validation's job, at the release commit), so only the folder's own files
 * are read, not the whole tree.
 */
function folderForImpact(root: string, sha: string, dir: string): Snapshot {
  const entries = listTree(root, sha, dir).filter((e) => e.type === 'blob' && e.mode !== '120000');
  const blobs = readBlobs(
    root,
    entries.map((e) => e.sha),
  );
  const files: SnapshotFile[] = entries.map((e) => ({ path: e.path, bytes: blobs.get(e.sha)! }));
  return { dir, files, exists: () => true };
}

/** The tag pointing at a commit, if any (the newest by version order). */
export function tagAt(root: string, ref: string): string | undefined {
  const tags = gitText(root, ['tag', '--points-at', resolveRef(root, ref), '--sort=-v:refname'])
    .split('\n')
    .filter(Boolean);
  return tags[0];
}

/** The most recent tag reachable from `ref`'s first parent: the default previous release. */
export function previousTag(root: string, ref: string): string | undefined {
  try {
    return gitText(root, ['describe', '--tags', '--abbrev=0', `${resolveRef(root, ref)}^`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Committer date of a commit, ISO 8601 (strict). */
export function commitDate(root: string, ref: string): string {
  return gitText(root, ['show', '-s', '--format=%cI', resolveRef(root, ref)]).trim();
}

/** Whether the clone is shallow (actions/checkout's default depth 1): its history stops short. */
export function isShallow(root: string): boolean {
  try {
    return gitText(root, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
  } catch {
    return false;
  }
}

/** The history port over the repository at `root`. */
export function gitHistory(root: string): HistoryPort {
  const one = (ref: string): HistoryCommit => {
    const sha = resolveRef(root, ref);
    const [parents, date, message] = gitText(root, ['show', '-s', '--format=%P%x00%cI%x00%B', sha]).split('\0');
    return { sha, parents: (parents ?? '').split(' ').filter(Boolean), date: date!, message: (message ?? '').trim() };
  };
  return {
    source: 'git',
    commit: async (ref) => one(ref),
    async previousRelease(current): Promise<ReleasePoint | undefined> {
      const found = previousTag(root, current.commit);
      if (!found) return undefined;
      const c = one(found);
      return { tag: tagAt(root, c.sha) ?? found, commit: c.sha, date: c.date };
    },
    mainLine: async (to, from) => firstParentCommits(root, to, from),
    snapshot: async (sha, dir) => snapshotAtRef(root, sha, dir),
    filesChanged: async (c): Promise<ChangedFile[]> => diffNameStatus(root, c.parents[0] ?? EMPTY_TREE, c.sha),
    async folderAt(sha, dir): Promise<FolderAt | undefined> {
      let id: string;
      try {
        id = gitText(root, ['rev-parse', '--verify', '--quiet', `${sha}:${dir}`]).trim();
      } catch {
        return undefined; // no safety folder at this commit
      }
      return { id, read: async () => folderForImpact(root, sha, dir) };
    },
    pullRequest: async () => ({ kind: 'not-recorded' }),
  };
}
