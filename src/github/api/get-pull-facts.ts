/**
 * One GraphQL query (`ClinsafePullFacts`) for what the gate reads of a pull request: the pull
 * request itself, its labels, reviews, commits (authors, e-mails, messages), the label and
 * dismissal events, who is already asked to review, and its changed files when they fit in the
 * answer (≤ 100 and no renames — GraphQL does not give a renamed file's old name). A list longer
 * than one page is read to its end (`ClinsafePullPage`), up to the same caps as the REST reads;
 * past a cap nothing is thrown here: `limits` says why, and the gate fails closed once it knows
 * which status context to fail. A schema the API does not have → GraphQLUnsupportedError (REST).
 */
import type { CommitFact, PullEvent } from '../../core/approval-facts.js';
import type { Review } from '../../core/approval.js';
import type { ChangedFile } from '../../core/impact.js';
import type { GitHubClient, RepoRef } from '../client.js';
import type { PullInfo } from './get-pull.js';
import type { CommitStatuses } from './get-commit-statuses.js';
import { checkSuitesRefused, HEAD_FIELD, optional, runCompleted, toStatuses, type HeadNode } from './head-commit.js';
import { graphql, loginOf, type Connection, type PageInfo } from './graphql.js';
import { MAX_LISTED_COMMITS } from './list-commit-authors.js';
import { MAX_LISTED_FILES } from './list-changed-files.js';
import { MAX_EVENT_PAGES } from './list-issue-events.js';

/** Pages of 100 read for one list before the gate gives up (fails closed). */
export const MAX_PAGES = 30;

const PAGE = 'totalCount pageInfo { hasNextPage endCursor }';
type Actor = { __typename?: string; login?: string } | null;

/** Each list: its field with arguments, and what is read of each node. */
export const LISTS = {
  labels: { field: 'labels', args: '', nodes: 'name' },
  reviews: { field: 'reviews', args: '', nodes: 'databaseId author { __typename login } state commit { oid } submittedAt' },
  commits: {
    field: 'commits',
    args: '',
    nodes: 'commit { oid message author { name email user { login } } committer { name email user { login } } }',
  },
  events: {
    field: 'timelineItems',
    args: ', itemTypes: [LABELED_EVENT, UNLABELED_EVENT, REVIEW_DISMISSED_EVENT]',
    nodes:
      '__typename ... on LabeledEvent { actor { __typename login } createdAt label { name } } ... on UnlabeledEvent { actor { __typename login } createdAt label { name } } ... on ReviewDismissedEvent { actor { __typename login } createdAt previousReviewState review { databaseId } }',
  },
  comments: { field: 'comments', args: '', nodes: 'databaseId url body author { __typename login }' },
} as const;
export type ListName = keyof typeof LISTS;

export function listField(name: ListName, after?: boolean): string {
  const l = LISTS[name];
  return `${name}: ${l.field}(first: 100${after ? ', after: $after' : ''}${l.args}) { ${PAGE} nodes { ${l.nodes} } }`;
}

const factsQuery = (
  withConfig: boolean,
  head: boolean,
  final: boolean,
) => `query ClinsafePullFacts($owner: String!, $name: String!, $number: Int!${
  withConfig ? ', $config: String!' : ''
}${head ? ', $sha: GitObjectID!' : ''}) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      number state isDraft url headRefOid baseRefOid baseRefName changedFiles
      author { __typename login }
      ${listField('labels')}
      ${listField('reviews')}
      ${listField('commits')}
      ${listField('events')}
      files(first: 100) { ${PAGE} nodes { path changeType } }
      reviewRequests(first: 100) { nodes { requestedReviewer { __typename ... on User { login } } } }
      ${final ? listField('comments') : ''}
    }
    ${withConfig ? 'config: object(expression: $config) { oid ... on Blob { text isBinary isTruncated } }' : ''}
    ${head ? HEAD_FIELD : ''}
  }
}`;

/** The query text for each combination, built and stripped of its layout once (less to send and to parse). */
const factsQueries = new Map<string, string>();
function FACTS_QUERY(withConfig: boolean, head: boolean, final: boolean): string {
  const key = `${withConfig}${head}${final}`;
  let q = factsQueries.get(key);
  if (q === undefined) factsQueries.set(key, (q = factsQuery(withConfig, head, final).replace(/\s+/g, ' ').trim()));
  return q;
}

const PAGE_QUERY = (name: ListName) => `query ClinsafePullPage($owner: String!, $name: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) { ${listField(name, true)} } }
}`;

interface ReviewNode {
  databaseId?: number | null;
  author?: Actor;
  state: string;
  commit?: { oid: string } | null;
  submittedAt?: string | null;
}
interface Person {
  name?: string | null;
  email?: string | null;
  user?: { login: string } | null;
}
interface CommitNode {
  commit: { oid: string; message?: string; author?: Person | null; committer?: Person | null };
}
interface EventNode {
  __typename: string;
  actor?: Actor;
  createdAt?: string;
  label?: { name: string } | null;
  previousReviewState?: string | null;
  review?: { databaseId?: number | null } | null;
}
export interface CommentNode {
  databaseId: number;
  url?: string;
  body?: string | null;
  author?: Actor;
}

interface PullNode {
  number: number;
  state: string;
  isDraft: boolean;
  url: string;
  headRefOid: string;
  baseRefOid: string;
  baseRefName: string;
  changedFiles: number;
  author?: Actor;
  labels: Connection<{ name: string }>;
  reviews: Connection<ReviewNode>;
  commits: Connection<CommitNode>;
  events: Connection<EventNode>;
  files: Connection<{ path: string; changeType: string }>;
  reviewRequests: { nodes: ({ requestedReviewer?: { __typename?: string; login?: string } | null } | null)[] };
}

/** A blob read by expression alongside the pull request (the base configuration, when the event named the base commit). */
export interface BlobAt {
  oid: string;
  text?: string | null;
  isBinary?: boolean | null;
  isTruncated?: boolean | null;
}

export interface PullFactsGraph {
  pr: PullInfo;
  reviews: Review[];
  commits: CommitFact[];
  events: PullEvent[];
  /** The changed files, when the one answer held them all; otherwise read through REST. */
  files?: ChangedFile[];
  /** Logins already asked to review. */
  requested: string[];
  /** Why the facts are not complete (over a cap): the gate fails closed with these words. */
  limits: string[];
  /** The base configuration blob at the event's base commit, when asked for. */
  config?: BlobAt | null;
  /**
   * With `headSha`: the head commit as this answer shows it — its statuses (undefined when they
   * could not be read) and whether a workflow run on it has completed (undefined: unknown).
   */
  head?: { sha: string; statuses?: CommitStatuses; runCompleted?: boolean };
  /**
   * With `final`: the comments and the head commit's statuses, from this same answer — when every
   * list fitted in it, this answer can serve as the run's last read (see judge-graphql.ts).
   */
  final?: {
    comments: StickyCandidate[];
    statuses: CommitStatuses;
    labels: string[];
    reviews: Review[];
    headSha: string;
    baseSha: string;
    baseRef: string;
  };
}

/** Every node of one list: the first page as given, then page after page up to MAX_PAGES. */
export async function readAll<N>(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  name: ListName,
  first: Connection<N>,
  what: string,
): Promise<{ nodes: N[]; complete: boolean }> {
  const nodes = first.nodes.filter((n): n is N => n !== null);
  let info: PageInfo | undefined = first.pageInfo;
  for (let page = 1; info?.hasNextPage; page++) {
    if (page >= MAX_PAGES || !info.endCursor) return { nodes, complete: false };
    const d = await graphql<{ repository: { pullRequest: Record<string, Connection<N>> | null } | null }>(
      client,
      repo,
      PAGE_QUERY(name),
      { number, after: info.endCursor },
      what,
    );
    const conn = d.repository?.pullRequest?.[name];
    if (!conn) return { nodes, complete: false };
    nodes.push(...conn.nodes.filter((n): n is N => n !== null));
    info = conn.pageInfo;
  }
  return { nodes, complete: true };
}

export function toReviews(nodes: ReviewNode[]): Review[] {
  return nodes
    .filter((r) => loginOf(r.author))
    .map((r) => ({
      ...(typeof r.databaseId === 'number' ? { id: r.databaseId } : {}),
      reviewer: loginOf(r.author),
      state: r.state,
      commitId: r.commit?.oid ?? '',
      submittedAt: r.submittedAt ?? undefined,
    }))
    .sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || (a.id ?? 0) - (b.id ?? 0));
}

function toCommit(n: CommitNode): CommitFact {
  const c = n.commit;
  return {
    sha: c.oid,
    authorLogin: c.author?.user?.login ?? undefined,
    authorEmail: c.author?.email ?? undefined,
    authorName: c.author?.name ?? undefined,
    committerLogin: c.committer?.user?.login ?? undefined,
    committerEmail: c.committer?.email ?? undefined,
    message: c.message ?? '',
  };
}

const EVENT_NAMES: Record<string, string> = {
  LabeledEvent: 'labeled',
  UnlabeledEvent: 'unlabeled',
  ReviewDismissedEvent: 'review_dismissed',
};

function toEvent(e: EventNode): PullEvent | undefined {
  const event = EVENT_NAMES[e.__typename];
  if (!event) return undefined;
  return {
    event,
    actor: loginOf(e.actor),
    createdAt: e.createdAt ?? '',
    ...(e.label?.name ? { label: e.label.name } : {}),
    ...(typeof e.review?.databaseId === 'number' ? { reviewId: e.review.databaseId } : {}),
    ...(e.previousReviewState ? { dismissedState: e.previousReviewState } : {}),
  };
}

const CHANGE_TYPES: Record<string, ChangedFile['status']> = {
  ADDED: 'added',
  DELETED: 'removed',
  MODIFIED: 'modified',
  CHANGED: 'changed',
};

/** The files, when the answer holds every one of them and none needs its old name. */
function completeFiles(pr: PullNode): ChangedFile[] | undefined {
  const f = pr.files;
  if (f.pageInfo?.hasNextPage || f.totalCount !== pr.changedFiles || f.nodes.length !== pr.changedFiles) return undefined;
  const out: ChangedFile[] = [];
  for (const n of f.nodes) {
    const status = n && CHANGE_TYPES[n.changeType];
    if (!n || !status) return undefined; // renamed or copied: REST gives the old name
    out.push({ status, filename: n.path });
  }
  return out;
}

export async function getPullFacts(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  opts: { configExpression?: string; headSha?: string; final?: boolean } = {},
): Promise<PullFactsGraph> {
  const what = `reading pull request #${pullNumber}`;
  const head = opts.headSha;
  const final = Boolean(head && opts.final);
  const d = await graphql<{
    repository: {
      pullRequest: (PullNode & { comments?: Connection<CommentNode> }) | null;
      config?: BlobAt | null;
      commit?: HeadNode | null;
    } | null;
  }>(
    client,
    repo,
    FACTS_QUERY(Boolean(opts.configExpression), Boolean(head), final),
    { number: pullNumber, ...(opts.configExpression ? { config: opts.configExpression } : {}), ...(head ? { sha: head } : {}) },
    what,
    checkSuitesRefused,
  );
  const p = d.repository?.pullRequest;
  if (!p) throw Object.assign(new Error(`pull request #${pullNumber} was not found`), { status: 404 });
  const limits: string[] = [];
  const all = <N>(name: ListName, conn: Connection<N>, cap = MAX_PAGES * 100) =>
    (conn.totalCount ?? 0) > cap
      ? Promise.resolve({ nodes: [] as N[], complete: false })
      : readAll(client, repo, p.number, name, conn, what);
  const [labels, reviews, commits, events] = await Promise.all([
    all('labels', p.labels),
    all('reviews', p.reviews),
    all('commits', p.commits, MAX_LISTED_COMMITS),
    all('events', p.events, MAX_EVENT_PAGES * 100),
  ]);
  if (p.changedFiles > MAX_LISTED_FILES)
    limits.push(
      `this pull request changes ${p.changedFiles} files, but GitHub lists at most ${MAX_LISTED_FILES}, so the gate cannot see every change; split it into smaller pull requests (or run clinsafe check locally and have a CSO approve)`,
    );
  if (!commits.complete)
    limits.push(
      `this pull request has ${p.commits.totalCount} commits, but GitHub lists at most ${MAX_LISTED_COMMITS}, so the gate cannot check who wrote them all; squash or split it`,
    );
  if (!events.complete)
    limits.push(
      `this pull request has more than ${MAX_EVENT_PAGES * 100} events (labels added and removed, reviews dismissed), more than the gate reads; open a new pull request with the same commits`,
    );
  if (!labels.complete || !reviews.complete)
    limits.push(`this pull request has more labels or reviews than the gate reads (${MAX_PAGES * 100}); open a new pull request`);
  const files = completeFiles(p);
  // Usable as the last read only when nothing was paged (every fact then comes from this one answer).
  const onePage = [p.labels, p.reviews, p.commits, p.events, p.comments].every((c) => !c?.pageInfo?.hasNextPage);
  const finalRead =
    final && onePage && p.comments
      ? {
          comments: toComments(p.comments.nodes.filter((n): n is CommentNode => n !== null)),
          statuses: toStatuses(d.repository?.commit),
          labels: labels.nodes.map((l) => l.name),
          reviews: toReviews(reviews.nodes),
          headSha: p.headRefOid,
          baseSha: p.baseRefOid,
          baseRef: p.baseRefName,
        }
      : undefined;
  const commit = d.repository?.commit;
  const headRead = head
    ? {
        sha: head,
        ...(commit?.status !== undefined ? { statuses: toStatuses(commit) } : {}),
        ...optional('runCompleted', runCompleted(commit)),
      }
    : undefined;
  return {
    ...(headRead ? { head: headRead } : {}),
    ...(finalRead ? { final: finalRead } : {}),
    pr: {
      number: p.number,
      state: p.state === 'OPEN' ? 'open' : 'closed',
      draft: Boolean(p.isDraft),
      author: loginOf(p.author),
      headSha: p.headRefOid,
      baseSha: p.baseRefOid,
      baseRef: p.baseRefName,
      labels: labels.nodes.map((l) => l.name),
      changedFiles: p.changedFiles,
      commits: p.commits.totalCount ?? commits.nodes.length,
      htmlUrl: p.url,
    },
    reviews: toReviews(reviews.nodes),
    commits: commits.nodes.map(toCommit),
    events: events.nodes.map(toEvent).filter((e): e is PullEvent => e !== undefined),
    ...(files ? { files } : {}),
    requested: p.reviewRequests.nodes.map((n) => n?.requestedReviewer?.login ?? '').filter(Boolean),
    limits,
    ...(d.repository && 'config' in d.repository ? { config: d.repository.config ?? null } : {}),
  };
}

/** A comment in REST's shape (the sticky comment is found the same way on both paths). */
export interface StickyCandidate {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
  html_url?: string;
}

export function toComments(nodes: CommentNode[]): StickyCandidate[] {
  return nodes.map((c) => ({
    id: c.databaseId,
    body: c.body ?? null,
    user: { login: loginOf(c.author) },
    ...(c.url ? { html_url: c.url } : {}),
  }));
}
