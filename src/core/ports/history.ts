/**
 * The history port: the facts about a repository's history that the change record and the release
 * documents rest on. Two implementations gather them — git (`src/adapters/history.ts`, for
 * `clinsafe report`) and the GitHub API (`src/github/history.ts`, for the App) — and one pure
 * function decides from them (`src/core/change-record.ts`).
 */
import type { Snapshot } from '../folder.js';
import type { ChangedFile } from '../impact.js';
import type { PullAssessment } from '../pull-assessment.js';

export interface HistoryCommit {
  sha: string;
  /** Parent SHAs, first parent first. */
  parents: string[];
  /** Committer date, ISO 8601. */
  date: string;
  /** The full commit message. */
  message: string;
}

/** A release (tag) resolved to its commit. */
export interface ReleasePoint {
  tag: string;
  commit: string;
  /** Committer date of the release commit, ISO 8601. */
  date: string;
}

/** The safety folder at a commit: `id` names its content (e.g. the folder's git tree), so equal ids load once. */
export interface FolderAt {
  id: string;
  read(): Promise<Snapshot>;
}

/**
 * What a pull request's review record says, when the source has one (`github`); git has none
 * (`not-recorded`).
 */
export type PullRecord = { kind: 'not-recorded' } | { kind: 'assessed'; assessment: PullAssessment };

export interface HistoryPort {
  /** Where the facts come from: git holds no pull-request reviews, GitHub does. */
  readonly source: 'git' | 'github';
  /** The commit a ref (tag, branch, SHA) resolves to; throws with a plain message when it does not exist. */
  commit(ref: string): Promise<HistoryCommit>;
  /** The release before `current` (a tag, or a commit), if any. */
  previousRelease(current: { tag: string; commit: string }): Promise<ReleasePoint | undefined>;
  /** Main-line (first-parent) commits in (from, to], oldest first; without `from`, all history up to `to`. */
  mainLine(to: string, from?: string): Promise<HistoryCommit[]>;
  /** Files a commit changed against its first parent (all of its files for a root commit). */
  filesChanged(commit: HistoryCommit): Promise<ChangedFile[]>;
  /** The safety folder `dir` at a commit as validation reads it (evidence paths checked against the whole tree): the Snapshot port. */
  snapshot(sha: string, dir: string): Promise<Snapshot>;
  /** The safety folder `dir` at a commit for impact only (hazards and triggers), or undefined when there is none. */
  folderAt(sha: string, dir: string): Promise<FolderAt | undefined>;
  /** The review record of pull request `number`. */
  pullRequest(number: number): Promise<PullRecord>;
}

/**
 * The pull request a main-line commit merged, from GitHub's own merge message ("Merge pull request
 * #12 from …", title on the first body line) or squash subject ("Title (#12)"). The one place this
 * is read from a message.
 */
export function pullRequestOf(message: string): { number: number; title: string } | undefined {
  const [subject = '', ...rest] = message.replace(/\r\n/g, '\n').split('\n');
  const m = /^Merge pull request #(\d+) from \S+|^(.*\S)\s+\(#(\d+)\)\s*$/.exec(subject.trim());
  if (!m) return undefined;
  if (m[1]) {
    const title = rest.find((l) => l.trim())?.trim();
    return { number: Number(m[1]), title: title || subject.trim() };
  }
  return { number: Number(m[3]), title: m[2]! };
}

/** The pull-request number a commit message names (merge or squash), if any. */
export function pullNumberOf(message: string): number | undefined {
  return pullRequestOf(message)?.number;
}

/** The first line of a commit message. */
export function subjectOf(message: string): string {
  return (message.split('\n', 1)[0] ?? '').trim();
}
