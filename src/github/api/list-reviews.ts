/** GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews: every review, in GitHub's order. */
import type { Review } from '../../core/approval.js';
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export async function listReviews(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<Review[]> {
  const raw = await step(
    'listing the reviews',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...repo,
        pull_number: pullNumber,
        per_page: 100,
      })) as { id?: number; user: { login: string } | null; state: string; commit_id: string | null; submitted_at?: string | null }[],
  );
  return raw
    .filter((r) => r.user?.login)
    .map((r) => ({
      // The review id ties a review_dismissed event to the review it dismissed.
      ...(r.id !== undefined ? { id: r.id } : {}),
      reviewer: r.user!.login,
      state: r.state,
      commitId: r.commit_id ?? '',
      submittedAt: r.submitted_at ?? undefined,
    }));
}
