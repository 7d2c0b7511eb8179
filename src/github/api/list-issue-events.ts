/**
 * The pull request's issue events that the approval rules rest on — `labeled`, `unlabeled` and
 * `review_dismissed`, each with who did it and when. GitHub's own records: nobody can edit them.
 * Bounded: at most MAX_EVENT_PAGES requests; past that the gate fails closed with a plain sentence.
 */
import type { PullEvent } from '../../core/approval-facts.js';
import { explainApiError, GateApiError } from './errors.js';
import type { GitHubClient, RepoRef } from '../client.js';

const PER_PAGE = 100;
export const MAX_EVENT_PAGES = 30;

interface RawEvent {
  event?: string;
  actor?: { login?: string } | null;
  created_at?: string;
  label?: { name?: string } | null;
  dismissed_review?: { review_id?: number; state?: string } | null;
}

const KEPT = new Set(['labeled', 'unlabeled', 'review_dismissed']);

export async function listPullEvents(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<PullEvent[]> {
  const out: PullEvent[] = [];
  for (let page = 1; ; page++) {
    if (page > MAX_EVENT_PAGES)
      throw new GateApiError(
        `this pull request has more than ${MAX_EVENT_PAGES * PER_PAGE} events (labels added and removed, reviews dismissed), more than the gate reads; open a new pull request with the same commits`,
      );
    let raw: RawEvent[];
    try {
      raw = (
        await client.request('GET /repos/{owner}/{repo}/issues/{issue_number}/events', {
          ...repo,
          issue_number: pullNumber,
          per_page: PER_PAGE,
          page,
        })
      ).data as RawEvent[];
    } catch (e) {
      const status = (e as { status?: number } | undefined)?.status;
      if (status === 403 || status === 404)
        throw new GateApiError(
          `GitHub refused access while listing the pull request events (labels, dismissed reviews) (HTTP ${status}); the token needs issues: read as well as pull-requests: write — add it to the workflow's permissions`,
        );
      throw new GateApiError(explainApiError(e, 'listing the pull request events (labels, dismissed reviews)'));
    }
    if (!Array.isArray(raw))
      throw new GateApiError('GitHub answered the pull request events with something that is not a list; re-run the job');
    for (const e of raw) {
      if (!e.event || !KEPT.has(e.event)) continue;
      out.push({
        event: e.event,
        actor: e.actor?.login ?? '',
        createdAt: e.created_at ?? '',
        ...(e.label?.name ? { label: e.label.name } : {}),
        ...(e.dismissed_review?.review_id !== undefined ? { reviewId: e.dismissed_review.review_id } : {}),
        ...(e.dismissed_review?.state ? { dismissedState: e.dismissed_review.state } : {}),
      });
    }
    if (raw.length < PER_PAGE) return out;
  }
}
