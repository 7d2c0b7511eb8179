/**
 * The gate's judgement when the API has GraphQL: the same facts and the same rules as judge.ts, in
 * fewer requests. For one pull request read by `getPullFacts` (pull request, labels, reviews,
 * commits, events, small file lists — one query):
 * 1. the base folder's tree (by the base SHA; none when a server already loaded that commit) and,
 *    beside it, the changed files when the first answer could not hold them (one comparison of the
 *    exact (base, head) pair for up to 300 files; the pull request's files page by page beyond);
 * 2. the configured status context is marked pending as soon as the base configuration is known:
 *    at once when the configuration blob came with the first answer (the event named the base
 *    commit) — its blobs are then read in step 4 — otherwise after reading the base blobs;
 * 3. the head folder's tree, only when the pull request touches the folder or removes or renames files;
 * 4. `recheckPull`: the pull request as it is now, its comments, the commit's statuses, and the
 *    blobs still to read — after every other read, so the verdict is refused when the head or the
 *    base moved, and judged once more when the base SHA, labels or reviews changed. A server that
 *    had every folder and the file list in its caches read nothing after the first query: when that
 *    query also carried the comments and statuses (`final`), it is itself the last read.
 * Caps that make the facts incomplete fail closed, on the configured context too.
 */
import { loadFolder } from '../core/folder.js';
import { DEFAULT_STATUS_CONTEXT, evaluateGate, type GateInputs } from '../core/gate.js';
import type { ChangedFile } from '../core/impact.js';
import { compareFiles } from '../github/api/compare-files.js';
import { GateApiError } from '../github/api/errors.js';
import { blobBytes, getBlobs, getBlobsRest } from '../github/api/get-blobs.js';
import { getDefaultBranch } from '../github/api/get-default-branch.js';
import type { PullFactsGraph } from '../github/api/get-pull-facts.js';
import { listChangedFiles } from '../github/api/list-changed-files.js';
import { commitLogins } from '../github/api/list-commit-facts.js';
import { pathExists } from '../github/api/path-exists.js';
import { recheckPull, type PullRecheck } from '../github/api/recheck-pull.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import {
  cachedFolder,
  FolderReadLimitError,
  listFolderViaApi,
  loadListing,
  folderCacheEnabled,
  type FolderAtCommit,
  type FolderListing,
} from '../github/folder.js';
import { baseWithoutFolderProblem, gateActivity } from './bootstrap.js';
import { headReadLimits, normaliseDir, touchesFolder } from './collect.js';
import { problemOf, sameLabels, sameReviews, type JudgeOptions, type Verdict } from './judge.js';
import type { StatusWriter } from './status-writer.js';
import { evaluateOnce } from './verdict-cache.js';

/** Blobs read in the final query; more go in queries of their own first. */
const BLOBS_IN_RECHECK = 100;

export interface GraphJudgement {
  verdict: Verdict;
  /** The last read of the pull request (comments, the commit's statuses), when it was made. */
  recheck?: PullRecheck;
  /** The verdict rests on facts that changed meanwhile: judge once more from a fresh read. */
  again?: boolean;
}

async function listAt(c: GitHubClient, repo: RepoRef, sha: string, which: 'base' | 'head', dir: string, known?: ReadonlySet<string>) {
  try {
    return await listFolderViaApi(c, repo, sha, dir, {
      ...(known ? { known } : {}),
      ...headReadLimits(which),
    });
  } catch (e) {
    if (e instanceof FolderReadLimitError) throw new GateApiError(e.message);
    throw new GateApiError(problemOf(e, `reading the safety folder at the ${which} commit ${sha.slice(0, 7)}`));
  }
}

async function changedFiles(c: GitHubClient, repo: RepoRef, facts: PullFactsGraph): Promise<ChangedFile[]> {
  if (facts.limits.length) return []; // the run fails closed on them once the context is known
  if (facts.files) return facts.files;
  const { pr } = facts;
  return (await compareFiles(c, repo, pr.baseSha, pr.headSha, pr.changedFiles)) ?? listChangedFiles(c, repo, pr.number, pr.changedFiles);
}

/** The status context the base configuration names, from the configuration blob alone. */
function contextFrom(listing: FolderListing, bytes: Buffer): string {
  const cfg = listing.wanted.find((w) => w.file.path === `${listing.snapshot.dir}/clinsafe.yml`);
  const one = { dir: listing.snapshot.dir, files: cfg ? [{ path: cfg.file.path, bytes }] : [], exists: () => false };
  return loadFolder(one).folder?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT;
}

export async function judgeViaGraphQL(
  client: GitHubClient,
  repo: RepoRef,
  facts: PullFactsGraph,
  opts: JudgeOptions,
  writer: StatusWriter,
  expectedHead = writer.sha,
): Promise<GraphJudgement> {
  const { pr } = facts;
  const dir = normaliseDir(opts.safetyDir);
  // Every request made after the first query (none: that query is the run's last read).
  let after = 0;
  const c: GitHubClient = {
    request: (route, params) => (after++, client.request(route, params)),
    paginate: (route, params) => (after++, client.paginate(route, params)),
  };
  const blobs = new Map<string, Buffer>();
  let context: string | undefined;
  const problem = (e: unknown): GraphJudgement => ({
    verdict: { kind: 'problem', problem: problemOf(e, 'collecting the pull request facts'), ...(context ? { context } : {}) },
  });
  try {
    const cachedBase = cachedFolder(repo, pr.baseSha, dir);
    const [baseListing, changes] = await Promise.all([
      cachedBase ? undefined : listAt(c, repo, pr.baseSha, 'base', dir),
      changedFiles(c, repo, facts),
    ]);
    const present = cachedBase ? cachedBase.present : baseListing!.snapshot.exists(baseListing!.snapshot.dir);
    if (!present) {
      const defaultBranch = opts.defaultBranch ?? (await getDefaultBranch(c, repo));
      const isDefault = pr.baseRef === defaultBranch;
      const activity = gateActivity(false, isDefault, isDefault ? undefined : await pathExists(c, repo, dir, defaultBranch));
      if (activity === 'base-without-folder')
        return { verdict: { kind: 'problem', problem: baseWithoutFolderProblem(dir, pr.baseRef, defaultBranch) } };
      if (facts.limits.length) return { verdict: { kind: 'problem', problem: facts.limits.join('; ') } };
      const recheck = await recheckPull(c, repo, pr.number, writer.sha, []);
      const moved = movedOrChanged(recheck, facts, expectedHead);
      if (moved) return moved;
      const addsFolder = changes.some((f) => touchesFolder(dir, f));
      return { verdict: { kind: 'not-yet-active', pr, addsFolder, safetyDir: dir }, recheck };
    }
    // The configured context, as early as the base configuration is known.
    let base: FolderAtCommit | undefined = cachedBase;
    const cfgSha = baseListing?.wanted.find((w) => w.file.path === `${dir}/clinsafe.yml`)?.sha;
    const cfgBytes = facts.config && facts.config.oid === cfgSha ? blobBytes(facts.config) : undefined;
    if (base) context = base.folder?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT;
    else if (cfgBytes && cfgSha) {
      blobs.set(cfgSha, cfgBytes);
      context = contextFrom(baseListing!, cfgBytes);
    } else {
      for (const [sha, bytes] of await getBlobs(c, repo, baseListing!.toFetch)) blobs.set(sha, bytes);
      base = loadListing(repo, pr.baseSha, dir, baseListing!, blobs);
      context = base.folder?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT;
    }
    await writer.pending(context);
    if (facts.limits.length) return { verdict: { kind: 'problem', problem: facts.limits.join('; '), context } };

    // The head folder only when the change can alter it.
    const needHead = changes.some((f) => touchesFolder(dir, f) || f.status === 'removed' || f.status === 'renamed');
    const baseToRead = base ? [] : baseListing!.toFetch.filter((s) => !blobs.has(s));
    const cachedHead = needHead ? cachedFolder(repo, pr.headSha, dir) : undefined;
    // The blobs the run will hold anyway (built only when the head's listing is read: most synchronize events change no safety file).
    const known = () => new Set([...baseToRead, ...blobs.keys(), ...(base?.blobShas ?? [])]);
    const headListing = needHead && !cachedHead ? await listAt(c, repo, pr.headSha, 'head', dir, known()) : undefined;
    // Every blob still needed: the base's, and the head's (its unchanged ones too when the base came from a cache).
    const headNeeds = headListing ? headListing.wanted.map((w) => w.sha).filter((s) => !blobs.has(s)) : [];
    const toRead = [...new Set([...baseToRead, ...headNeeds])];
    if (toRead.length > BLOBS_IN_RECHECK) for (const [sha, bytes] of await getBlobs(c, repo, toRead)) blobs.set(sha, bytes);
    const recheck =
      after === 0 && toRead.length === 0 && facts.final
        ? { ...facts.final, blobs: new Map(), complete: true }
        : await recheckPull(c, repo, pr.number, writer.sha, toRead.length > BLOBS_IN_RECHECK ? [] : toRead);
    const fallback: string[] = [];
    for (const [sha, node] of recheck.blobs) {
      const bytes = blobBytes(node);
      if (bytes) blobs.set(sha, bytes);
      else fallback.push(sha);
    }
    await getBlobsRest(c, repo, fallback, blobs);
    base ??= loadListing(repo, pr.baseSha, dir, baseListing!, blobs);
    // The context read from the configuration blob alone is the folder's own; should they ever differ, mark this one too.
    const named = base.folder?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT;
    if (named !== context) await writer.pending((context = named));
    const head = !needHead ? base : (cachedHead ?? loadListing(repo, pr.headSha, dir, headListing!, blobs));
    const moved = movedOrChanged(recheck, facts, expectedHead);
    if (moved) return moved;
    const inputs: GateInputs = {
      changes,
      labels: pr.labels,
      author: pr.author,
      commitAuthors: commitLogins(facts.commits),
      headSha: pr.headSha,
      base,
      head,
      reviews: facts.reviews,
      safetyDir: dir,
      commits: facts.commits,
      events: facts.events,
    };
    // A server evaluates the same facts once (the folders are named by their commit SHAs).
    const result = folderCacheEnabled()
      ? evaluateOnce(
          { repo: `${repo.owner}/${repo.repo}`, baseSha: pr.baseSha, headFolderSha: needHead ? pr.headSha : pr.baseSha },
          inputs,
          evaluateGate,
        )
      : evaluateGate(inputs);
    const headHazards = (head.folder ?? base.folder)?.hazards; // which tests controls link at the head (issue 15)
    return { verdict: { kind: 'decided', result, pr, reviews: facts.reviews, ...(headHazards ? { headHazards } : {}) }, recheck };
  } catch (e) {
    return problem(e);
  }
}

/** The head or base branch moved (stop), or the base SHA, labels or reviews changed (judge again). */
function movedOrChanged(now: PullRecheck, facts: PullFactsGraph, expectedHead: string): GraphJudgement | undefined {
  if (now.headSha !== expectedHead)
    return { verdict: { kind: 'moved', why: `the pull request's head moved to ${now.headSha.slice(0, 7)} while it was evaluated` } };
  if (now.baseRef !== facts.pr.baseRef)
    return { verdict: { kind: 'moved', why: `the pull request was retargeted to ${now.baseRef} while it was evaluated` } };
  if (!now.complete)
    return {
      verdict: {
        kind: 'problem',
        problem: `pull request #${facts.pr.number} has more labels, reviews or comments than the gate reads; open a new pull request`,
      },
    };
  if (now.baseSha !== facts.pr.baseSha || !sameLabels(now.labels, facts.pr.labels) || !sameReviews(now.reviews, facts.reviews))
    return { verdict: { kind: 'moved', why: 'changed' }, again: true };
  return undefined;
}
