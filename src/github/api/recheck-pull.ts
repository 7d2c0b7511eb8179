/**
 * One GraphQL query (`ClinsafePullRecheck`) after every other read of a run: the pull request's
 * head, base, labels and reviews as they are now (the run refuses its verdict if they moved), its
 * comments (to find the sticky one), the commit statuses already on the head commit (an identical
 * decision is not written again), and — since a blob never changes — the safety-folder blobs still
 * to be read, so they cost no request of their own.
 */
import type { Review } from '../../core/approval.js';
import type { GitHubClient, RepoRef } from '../client.js';
import { blobFields, type BlobNode } from './get-blobs.js';
import { listField, readAll, toComments, toReviews, type CommentNode, type StickyCandidate } from './get-pull-facts.js';
import { STATUS_FIELD, toStatuses, type StatusNode } from './head-commit.js';
import { graphql, type Connection } from './graphql.js';
import type { CommitStatuses } from './get-commit-statuses.js';

export interface PullRecheck {
  headSha: string;
  baseSha: string;
  baseRef: string;
  labels: string[];
  reviews: Review[];
  comments: StickyCandidate[];
  statuses: CommitStatuses;
  blobs: Map<string, BlobNode | null>;
  /** Whether every list was read to its end. */
  complete: boolean;
}

const QUERY = (shas: string[]) => `query ClinsafePullRecheck($owner: String!, $name: String!, $number: Int!, $sha: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      headRefOid baseRefOid baseRefName
      ${listField('labels')}
      ${listField('reviews')}
      ${listField('comments')}
    }
    ${STATUS_FIELD}
    ${blobFields(shas)}
  }
}`;

interface Answer {
  repository: {
    pullRequest: {
      headRefOid: string;
      baseRefOid: string;
      baseRefName: string;
      labels: Connection<{ name: string }>;
      reviews: Connection<Parameters<typeof toReviews>[0][number]>;
      comments: Connection<CommentNode>;
    } | null;
    commit?: StatusNode | null;
  } & Record<string, unknown>;
}

export async function recheckPull(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  sha: string,
  blobShas: string[],
): Promise<PullRecheck> {
  const what = `reading pull request #${pullNumber} again`;
  const d = await graphql<Answer>(client, repo, QUERY(blobShas), { number: pullNumber, sha }, what);
  const p = d.repository?.pullRequest;
  if (!p) throw Object.assign(new Error(`pull request #${pullNumber} was not found`), { status: 404 });
  const [labels, reviews, comments] = await Promise.all([
    readAll(client, repo, pullNumber, 'labels', p.labels, what),
    readAll(client, repo, pullNumber, 'reviews', p.reviews, what),
    readAll(client, repo, pullNumber, 'comments', p.comments, what),
  ]);
  const statuses = toStatuses(d.repository.commit);
  const blobs = new Map<string, BlobNode | null>();
  blobShas.forEach((s, i) => blobs.set(s, (d.repository[`b${i}`] as BlobNode | null | undefined) ?? null));
  return {
    headSha: p.headRefOid,
    baseSha: p.baseRefOid,
    baseRef: p.baseRefName,
    labels: labels.nodes.map((l) => l.name),
    reviews: toReviews(reviews.nodes),
    comments: toComments(comments.nodes),
    statuses,
    blobs,
    complete: labels.complete && reviews.complete && comments.complete,
  };
}
