/**
 * One sticky comment per pull request, found by the hidden marker AND the bot's own login (a
 * comment planted by anyone else is ignored). Updated in place; nothing is written when the body
 * is unchanged; with `createIfMissing: false` nothing is created. `listed`: the comments already read
 * in the run's last read of the pull request (no request of their own).
 */
import { hasMarker, type MarkerKind } from '../../core/markers.js';
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export type StickyAction = 'created' | 'updated' | 'unchanged' | 'none';

/** A comment as listed (REST's shape; the GraphQL re-read gives the same fields). */
export interface Comment {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
  html_url?: string;
}

export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  botLogin: string,
  kind: MarkerKind,
  key: string,
  body: string,
  opts: { createIfMissing: boolean; listed?: Comment[] },
): Promise<{ action: StickyAction; id?: number; url?: string }> {
  const comments =
    opts.listed ??
    (await step(
      'reading the pull request comments',
      async () =>
        (await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...repo,
          issue_number: issueNumber,
          per_page: 100,
        })) as Comment[],
    ));
  const all = comments.filter((c) => c.user?.login === botLogin && hasMarker(c.body, kind, key));
  const mine = all[0];
  // Two runs that raced may each have created one: keep the oldest, remove the others (best effort).
  for (const extra of all.slice(1)) {
    await client
      .request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...repo, comment_id: extra.id })
      .catch(() => undefined);
  }
  if (mine) {
    if ((mine.body ?? '').trim() === body.trim())
      return { action: 'unchanged', id: mine.id, ...(mine.html_url ? { url: mine.html_url } : {}) };
    const d = await step(
      'updating the safety comment',
      async () =>
        (await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...repo, comment_id: mine.id, body })).data as {
          html_url?: string;
        },
    );
    return { action: 'updated', id: mine.id, ...(d?.html_url ? { url: d.html_url } : {}) };
  }
  if (!opts.createIfMissing) return { action: 'none' };
  const d = await step(
    'writing the safety comment',
    async () =>
      (await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: issueNumber, body }))
        .data as { id: number; html_url?: string },
  );
  return { action: 'created', id: d.id, ...(d.html_url ? { url: d.html_url } : {}) };
}
