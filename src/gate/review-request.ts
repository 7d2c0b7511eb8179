/**
 * Ask the roster's Clinical Safety Officers to review an impacted pull request (issue 11 §4):
 * `POST /repos/{o}/{r}/pulls/{n}/requested_reviewers` with the CSOs who may approve it. The
 * request is a courtesy, never a decision: when the token may not (403), or GitHub refuses a
 * reviewer (422: not a collaborator, or the author), the comment names them so a person can ask.
 */
import type { GateResult } from '../core/gate.js';
import type { ReviewRequest } from '../core/gate-comment.js';
import type { GitHubClient, RepoRef } from '../github/client.js';

/** At most this many reviewers per request (GitHub's own cap is 15 users). */
const MAX_REVIEWERS = 15;

/** The CSOs to ask: those who may approve this pull request, when it is waiting for a CSO. */
export function reviewersToRequest(result: GateResult): string[] {
  if (result.decision !== 'pending' || result.approval.state !== 'pending') return [];
  return result.approval.eligible.slice(0, MAX_REVIEWERS);
}

export async function requestCsoReview(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  result: GateResult,
  alreadyRequested: string[] = [],
): Promise<ReviewRequest | undefined> {
  const reviewers = reviewersToRequest(result);
  if (reviewers.length === 0) return undefined;
  // Asked already (and not answered since): asking again would change nothing.
  const asked = new Set(alreadyRequested.map((l) => l.toLowerCase()));
  if (reviewers.every((r) => asked.has(r.toLowerCase()))) return { requested: reviewers };
  try {
    await client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
      ...repo,
      pull_number: pullNumber,
      reviewers,
    });
    return { requested: reviewers };
  } catch (e) {
    const status = (e as { status?: number }).status;
    const why =
      status === 403
        ? 'the token may not request reviewers (it needs pull-requests: write)'
        : status === 422
          ? 'GitHub refused a reviewer: each must be a collaborator on the repository and not the pull request’s author'
          : `GitHub answered ${status ?? 'no HTTP status'}`;
    return { notRequested: reviewers, why };
  }
}
