/**
 * The change record from git history: merged pull requests between two refs (merge commits
 * "Merge pull request #N …" and squash commits "… (#N)") and the hazards each impacted, decided
 * by the gate's own impact function against the safety folder at the commit's first parent.
 * Git holds no review data, so approvals are always empty here and the entry says `source: 'git'`.
 */
import type { ChangedFile } from '../core/impact.js';
import { computeImpact } from '../core/impact.js';
import { loadFolder, type SafetyFolder } from '../core/folder.js';
import type { ChangeRecordEntry } from '../docs/types.js';
import type { SnapshotFile } from '../core/folder.js';
import type { ParseCache } from '../core/yaml.js';
import { diffAgainstParents, diffNameStatus, git, gitText, listTree, readBlobs, resolveRef } from './git.js';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface HistoryCommit {
  sha: string;
  parents: string[];
  date: string;
  subject: string;
  body: string;
}

/** First-parent commits in (from, to], oldest first. Without `from`, all history up to `to`. */
export function firstParentCommits(root: string, to: string, from?: string): HistoryCommit[] {
  const range = from ? `${resolveRef(root, from)}..${resolveRef(root, to)}` : resolveRef(root, to);
  const out = gitText(root, ['log', '--first-parent', '--reverse', '--format=%H%x00%P%x00%cI%x00%s%x00%b%x1e', range]);
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.length > 0)
    .map((r) => {
      const [sha, parents, date, subject, body] = r.split('\0');
      return {
        sha: sha!,
        parents: parents ? parents.split(' ').filter(Boolean) : [],
        date: date!,
        subject: subject ?? '',
        body: (body ?? '').trim(),
      };
    });
}

/** The pull request a first-parent commit merged, from GitHub's merge or squash message. */
export function pullRequestOf(c: Pick<HistoryCommit, 'subject' | 'body'>): { number: number; title: string } | undefined {
  const merge = /^Merge pull request #(\d+) from \S+/.exec(c.subject);
  if (merge) {
    const title = c.body.split('\n')[0]?.trim();
    return { number: Number(merge[1]), title: title || c.subject };
  }
  const squash = /^(.*\S)\s+\(#(\d+)\)\s*$/.exec(c.subject);
  if (squash) return { number: Number(squash[2]), title: squash[1]! };
  return undefined;
}

function filesChanged(root: string, parent: string | undefined, commit: string): ChangedFile[] {
  return diffNameStatus(root, parent ?? EMPTY_TREE, commit);
}

export interface HistoryOptions {
  /** The release ref (tag, branch or SHA). */
  to: string;
  /** The previous release ref; omit to read all history up to `to`. */
  from?: string;
  /** The safety folder, repository-relative. */
  dir: string;
  /** Also list commits made directly on the main line (not through a pull request) that impacted hazards. */
  includeDirectCommits?: boolean;
}

/** The change record between two refs, from git alone. */
export function changeRecordFromGit(root: string, opts: HistoryOptions): ChangeRecordEntry[] {
  const dir = opts.dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
  // The hazards and triggers at a commit, cached by the safety folder's tree: most commits leave it unchanged.
  const byTree = new Map<string, SafetyFolder | undefined>();
  // Each file version (blob) is read and parsed once for the whole range: a commit that changes one
  // hazard costs one parse, not the folder's size.
  const caches: ReadCaches = { blobs: new Map(), parsed: new Map() };
  const commits = firstParentCommits(root, opts.to, opts.from);
  const trees = folderTrees(root, [...new Set(commits.flatMap((c) => [c.sha, ...c.parents.slice(0, 1)]))], dir);
  const diffs = diffAgainstParents(
    root,
    commits
      .filter((c) => c.parents[0] && (opts.includeDirectCommits || pullRequestOf(c)))
      .map((c) => ({ commit: c.sha, parent: c.parents[0]! })),
  );
  const folderAt = (sha: string): SafetyFolder | undefined => {
    const tree = trees.get(sha);
    if (tree === undefined) return undefined; // no safety folder at this commit
    if (!byTree.has(tree)) byTree.set(tree, loadForImpact(root, sha, dir, caches));
    return byTree.get(tree);
  };
  const entries: ChangeRecordEntry[] = [];
  for (const c of commits) {
    const pr = pullRequestOf(c);
    if (!pr && !opts.includeDirectCommits) continue;
    const parent = c.parents[0];
    const changes = (parent && diffs.get(c.sha)) || filesChanged(root, parent, c.sha);
    const hazards = new Set<string>();
    const base = parent ? folderAt(parent) : undefined;
    if (base) for (const h of computeImpact(base, changes, [], dir).impacted) hazards.add(h.id);
    // Hazard files the change itself edits count too (added ones exist only at the commit).
    const hazardFiles = changes
      .flatMap((f) => [f.filename, ...(f.previousFilename ? [f.previousFilename] : [])])
      .filter((p) => p.startsWith(dir ? `${dir}/hazards/` : 'hazards/'));
    if (hazardFiles.length) {
      const head = folderAt(c.sha);
      for (const folder of [base, head]) for (const h of folder?.hazards ?? []) if (hazardFiles.includes(h.file)) hazards.add(h.id);
    }
    if (!pr && hazards.size === 0) continue;
    entries.push({
      ...(pr ? { pullNumber: pr.number } : {}),
      title: pr ? pr.title : c.subject,
      mergeCommit: c.sha,
      mergedAt: c.date,
      hazards: [...hazards].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      approvals: [],
      source: 'git',
    });
  }
  return entries;
}

/**
 * The safety folder at a commit, read for impact only: hazards and their triggers. Evidence
 * paths are not checked (that is validation's job, at the release commit), so only the folder's
 * own files are read, not the whole tree.
 */
/** The safety folder's tree SHA at each commit that has one, from one `git cat-file --batch-check`. */
function folderTrees(root: string, shas: string[], dir: string): Map<string, string> {
  const trees = new Map<string, string>();
  if (shas.length === 0) return trees;
  const lines = git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${shas.map((s) => `${s}:${dir}`).join('\n')}\n`)
    .toString('utf8')
    .split('\n');
  shas.forEach((sha, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (type === 'tree' && oid) trees.set(sha, oid);
  });
  return trees;
}

interface ReadCaches {
  blobs: Map<string, Buffer>;
  parsed: ParseCache;
}

function loadForImpact(root: string, sha: string, dir: string, caches: ReadCaches): SafetyFolder | undefined {
  const entries = listTree(root, sha, dir).filter((e) => e.type === 'blob' && e.mode !== '120000');
  const missing = [...new Set(entries.map((e) => e.sha).filter((s) => !caches.blobs.has(s)))];
  for (const [s, bytes] of readBlobs(root, missing)) caches.blobs.set(s, bytes);
  const files: SnapshotFile[] = entries.map((e) => ({ path: e.path, bytes: caches.blobs.get(e.sha)!, sha: e.sha }));
  return loadFolder({ dir, files, exists: () => true }, { parseCache: caches.parsed }).folder;
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
