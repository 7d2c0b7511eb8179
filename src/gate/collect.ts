/**
 * The facts of one pull request for the gate, gathered through the API for an exact pair of
 * commits: the base folder at the base SHA the pull request named, the head folder (only when
 * needed) at its head SHA, the changed files, reviews and commit authors. The caller re-reads the
 * pull request afterwards: a listing is only trusted when the head and base did not move while it
 * was read. To add a fact: one small file under src/github/api/, one line in `collectPullFacts`.
 */
import { DEFAULT_SAFETY_DIR } from '../core/folder.js';
import type { GateInputs } from '../core/gate.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { explainApiError, GateApiError } from '../github/api/errors.js';
import { getPull, type PullInfo } from '../github/api/get-pull.js';
import { listChangedFiles } from '../github/api/list-changed-files.js';
import { commitLogins, listCommitFacts } from '../github/api/list-commit-facts.js';
import { listPullEvents } from '../github/api/list-issue-events.js';
import { plainFailure } from '../github/api/plain-failure.js';
import { listReviews } from '../github/api/list-reviews.js';
import { FolderReadLimitError, readFolderViaApi, type FolderAtCommit } from '../github/folder.js';

/** Safety-folder blobs a pull request may add or change and still be read in one run. */
export const MAX_CHANGED_SAFETY_FILES = 100;

export interface CollectOptions {
  safetyDir?: string;
  /** A pull request already fetched (saves one request). */
  pr?: PullInfo;
}

export type PullFacts = GateInputs & { pr: PullInfo; basePresent: boolean };

export function normaliseDir(dir: string | undefined): string {
  return (dir ?? DEFAULT_SAFETY_DIR).replace(/^\.\//, '').replace(/\/+$/, '');
}

function inDir(dir: string, path: string | undefined): boolean {
  return Boolean(path && (path === dir || path.startsWith(`${dir}/`)));
}

/** Whether a changed file is inside the safety folder (old or new name). */
export function touchesFolder(dir: string, f: { filename: string; previousFilename?: string }): boolean {
  return inDir(dir, f.filename) || inDir(dir, f.previousFilename);
}

/** At the head, the gate reads at most MAX_CHANGED_SAFETY_FILES new blobs, and says why when there are more. */
export function headReadLimits(which: 'base' | 'head'): { maxFetches?: number; tooMany?: (n: number, cap: number) => string } {
  if (which !== 'head') return {};
  return {
    maxFetches: MAX_CHANGED_SAFETY_FILES,
    tooMany: (n, cap) =>
      `this pull request adds or changes ${n} files in the safety folder, more than the ${cap} the gate reads in one run, so it cannot check them all; split it into smaller pull requests`,
  };
}

/** The safety folder at one commit; API failures and read limits become a GateApiError with a plain message. */
export async function readFolderAt(
  client: GitHubClient,
  repo: RepoRef,
  sha: string,
  which: 'base' | 'head',
  safetyDir: string,
  blobCache: Map<string, Buffer>,
  known?: ReadonlySet<string>,
): Promise<FolderAtCommit> {
  try {
    return await readFolderViaApi(client, repo, sha, safetyDir, {
      blobCache,
      batched: true,
      ...(known ? { known } : {}),
      ...headReadLimits(which),
    });
  } catch (e) {
    if (e instanceof FolderReadLimitError) throw new GateApiError(e.message);
    const what = `reading the safety folder at the ${which} commit ${sha.slice(0, 7)}`;
    throw new GateApiError(plainFailure(e, what) ?? explainApiError(e, what));
  }
}

/** Everything but the base folder, for the pair (pr.baseSha, pr.headSha). */
export async function collectPullFacts(
  client: GitHubClient,
  repo: RepoRef,
  pr: PullInfo,
  base: FolderAtCommit,
  safetyDir: string,
  blobCache: Map<string, Buffer>,
): Promise<PullFacts> {
  // Commits with their e-mails and messages (co-authors), and the label and dismissal events with who did them.
  const [changes, reviews, commits, events] = await Promise.all([
    listChangedFiles(client, repo, pr.number, pr.changedFiles),
    listReviews(client, repo, pr.number),
    listCommitFacts(client, repo, pr.number, pr.commits),
    listPullEvents(client, repo, pr.number),
  ]);
  const commitAuthors = commitLogins(commits);
  // The head folder is read only when the pull request touches the safety folder or removes or
  // renames files (evidence may have gone); otherwise it is the base folder.
  const needHead = changes.some((f) => touchesFolder(safetyDir, f) || f.status === 'removed' || f.status === 'renamed');
  // The base's blobs are not new to the head, even when the base came from a server's cache.
  const known = new Set(base.blobShas ?? []);
  const head = needHead ? await readFolderAt(client, repo, pr.headSha, 'head', safetyDir, blobCache, known) : base;
  return {
    changes,
    labels: pr.labels,
    author: pr.author,
    commitAuthors,
    headSha: pr.headSha,
    base,
    head,
    reviews,
    safetyDir,
    pr,
    commits,
    events,
    basePresent: base.present,
  };
}

/**
 * Everything the core needs for one pull request. The base folder is read at the PR's base
 * commit; blobs are shared between the base and head reads.
 */
export async function collectGateInputs(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  opts: CollectOptions = {},
): Promise<PullFacts> {
  const safetyDir = normaliseDir(opts.safetyDir);
  const pr = opts.pr ?? (await getPull(client, repo, pullNumber));
  const blobCache = new Map<string, Buffer>();
  const base = await readFolderAt(client, repo, pr.baseSha, 'base', safetyDir, blobCache);
  return collectPullFacts(client, repo, pr, base, safetyDir, blobCache);
}
