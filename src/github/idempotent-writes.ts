/**
 * What the app writes to GitHub, made idempotent: every issue and comment carries a hidden marker,
 * and is looked up (by marker AND the app's own login) before anything is written. Nothing is
 * kept in memory between deliveries, so any number of instances can run side by side.
 */
import { hasMarker, marker, markerKey, type MarkerKind } from '../core/markers.js';
import type { GitHubClient, RepoRef } from './client.js';

interface IssueLike {
  number: number;
  body?: string | null;
  state: string;
  user?: { login: string } | null;
  pull_request?: unknown;
  html_url?: string;
}

interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
}

export const SAFETY_LABEL = 'clinical-safety-review';

/** Issues (not PRs) written by `botLogin` that carry the marker, oldest first. */
export async function findIssues(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
  kind: MarkerKind,
  key: string,
): Promise<IssueLike[]> {
  const issues = (await octokit.paginate('GET /repos/{owner}/{repo}/issues', {
    ...repo,
    state: 'all',
    creator: botLogin,
    per_page: 100,
  })) as IssueLike[];
  return issues
    .filter((i) => !i.pull_request && i.user?.login === botLogin && hasMarker(i.body, kind, key))
    .sort((a, b) => a.number - b.number);
}

export interface NewIssue {
  title: string;
  /** Body without the marker; the marker is appended. */
  body: string;
  labels?: string[];
  assignees?: string[];
}

/**
 * Open an issue unless one with the same marker exists. When two instances race and both create,
 * the later issue closes itself as a duplicate of the earlier one, so exactly one stays open.
 */
export async function ensureIssue(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
  kind: MarkerKind,
  key: string,
  issue: NewIssue,
  label = SAFETY_LABEL,
): Promise<{ number: number; created: boolean }> {
  const existing = await findIssues(octokit, repo, botLogin, kind, key);
  if (existing.length > 0) return { number: existing[0]!.number, created: false };
  const labels = [...new Set([label, ...(issue.labels ?? [])])];
  const body = `${issue.body}\n\n${marker(kind, key)}\n`;
  let created: IssueLike;
  try {
    created = (
      await octokit.request('POST /repos/{owner}/{repo}/issues', {
        ...repo,
        title: issue.title,
        body,
        labels,
        assignees: issue.assignees ?? [],
      })
    ).data as IssueLike;
  } catch (e) {
    // Assignees who cannot be assigned (not collaborators) make GitHub refuse the whole issue: retry without them.
    if ((e as { status?: number }).status !== 422 || !issue.assignees?.length) throw e;
    created = (await octokit.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: issue.title, body, labels })).data as IssueLike;
  }
  const after = await findIssues(octokit, repo, botLogin, kind, key);
  const first = after[0];
  if (first && first.number !== created.number) {
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...repo,
      issue_number: created.number,
      state: 'closed',
      state_reason: 'not_planned',
    });
    return { number: first.number, created: false };
  }
  return { number: created.number, created: true };
}

/** Comment on an issue unless a comment by the bot with the same marker is already there. */
export async function ensureComment(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
  issueNumber: number,
  kind: MarkerKind,
  key: string,
  body: string,
): Promise<{ id: number; created: boolean }> {
  const comments = (await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as CommentLike[];
  const mine = comments.find((c) => c.user?.login === botLogin && hasMarker(c.body, kind, key));
  if (mine) return { id: mine.id, created: false };
  const created = (
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: issueNumber,
      body: `${body}\n\n${marker(kind, key)}\n`,
    })
  ).data as CommentLike;
  // Two instances handling the same delivery may both have written: the later comment removes itself.
  const after = (await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as CommentLike[];
  const first = after.filter((c) => c.user?.login === botLogin && hasMarker(c.body, kind, key)).sort((a, b) => a.id - b.id)[0];
  if (first && first.id !== created.id) {
    await octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...repo, comment_id: created.id });
    return { id: first.id, created: false };
  }
  return { id: created.id, created: true };
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
}

export interface Upload {
  name: string;
  contentType: string;
  /** The bytes, or how to read them just before the upload (so only one is in memory at a time). */
  data: Uint8Array | (() => Promise<Uint8Array>);
}

/**
 * Put assets on a release: an asset of the same name is replaced, not duplicated; an identical
 * one (same size and same manifest) is left alone so a redelivery writes nothing.
 */
export async function upsertAssets(
  octokit: GitHubClient,
  repo: RepoRef,
  release: { id: number; upload_url: string },
  uploads: Upload[],
  unchanged: (existing: ReleaseAsset[]) => Promise<boolean>,
): Promise<{ uploaded: string[]; replaced: string[]; skipped: boolean }> {
  const existing = (await octokit.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
    ...repo,
    release_id: release.id,
    per_page: 100,
  })) as ReleaseAsset[];
  if (await unchanged(existing)) return { uploaded: [], replaced: [], skipped: true };
  const uploaded: string[] = [];
  const replaced: string[] = [];
  const uploadUrl = release.upload_url.replace(/\{\?name,label\}$/, '');
  // The manifest goes last: its presence means the set is complete.
  const ordered = [...uploads].sort((a, b) => Number(a.name === 'manifest.json') - Number(b.name === 'manifest.json'));
  for (const u of ordered) {
    const data = typeof u.data === 'function' ? await u.data() : u.data;
    const old = existing.find((a) => a.name === u.name);
    if (old) {
      await deleteAsset(octokit, repo, old.id);
      replaced.push(u.name);
    }
    // Another instance may write the same release at the same time: its asset of this name is replaced, a few times at most.
    for (let attempt = 1; ; attempt++) {
      try {
        await octokit.request(`POST ${uploadUrl}{?name}`, {
          name: u.name,
          data,
          headers: { 'content-type': u.contentType, 'content-length': data.byteLength },
        });
        break;
      } catch (e) {
        if (!isAlreadyExists(e) || attempt >= 3) throw e;
        const now = (await octokit.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
          ...repo,
          release_id: release.id,
          per_page: 100,
        })) as ReleaseAsset[];
        const theirs = now.find((a) => a.name === u.name);
        if (theirs) await deleteAsset(octokit, repo, theirs.id);
      }
    }
    uploaded.push(u.name);
  }
  return { uploaded, replaced, skipped: false };
}

/** Delete a release asset; one already gone (a concurrent writer deleted it) is fine. */
async function deleteAsset(octokit: GitHubClient, repo: RepoRef, id: number): Promise<void> {
  try {
    await octokit.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...repo, asset_id: id });
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
}

/** GitHub's answer to an upload whose name is taken: 422 with an `already_exists` error. */
export function isAlreadyExists(e: unknown): boolean {
  const err = e as { status?: number; response?: { data?: { errors?: { code?: string }[] } } };
  return err.status === 422 && Boolean(err.response?.data?.errors?.some((x) => x.code === 'already_exists'));
}

/** The bot's own comments on an issue whose marker of `kind` has a key starting with `keyPrefix`, oldest first. */
export async function botComments(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
  issueNumber: number,
  kind: MarkerKind,
  keyPrefix: string,
): Promise<{ id: number; body: string; key: string }[]> {
  const comments = (await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as CommentLike[];
  const out: { id: number; body: string; key: string }[] = [];
  for (const c of comments) {
    if (c.user?.login !== botLogin || !c.body) continue;
    const key = markerKey(c.body, kind);
    if (key !== undefined && key.startsWith(keyPrefix)) out.push({ id: c.id, body: c.body, key });
  }
  return out;
}
