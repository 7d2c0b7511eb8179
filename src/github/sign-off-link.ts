/**
 * The link between a release and its sign-off issue, kept where only GitHub's records decide: a
 * small JSON asset on the release, uploaded by the app. Anyone with write access can edit an issue
 * body, a comment or the release notes, but an asset's `uploader` and its bytes are GitHub's record
 * of who wrote what (renaming keeps the uploader; changing the bytes means a new upload by someone
 * else). An asset the app did not upload is ignored. Facts only: the App decides what they mean.
 */
import type { CommandComment } from '../core/sign-off-decision.js';
import type { GitHubClient, RepoRef } from './client.js';
import { isAlreadyExists } from './idempotent-writes.js';
import { downloadAsset, type ReleaseLike } from './releases.js';

export const LINK_ASSET = 'clinsafe-sign-off.json';

export interface SignOffLink {
  release: number;
  tag: string;
  commit: string;
  issue: number;
}

interface AssetJson {
  id: number;
  name: string;
  size: number;
  created_at?: string;
  uploader?: { login: string } | null;
}

/** The links on a release uploaded by the app, with when GitHub recorded each upload. */
export async function readLinks(
  client: GitHubClient,
  repo: RepoRef,
  releaseId: number,
  botLogin: string,
): Promise<(SignOffLink & { createdAt: string })[]> {
  const assets = (await client.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
    ...repo,
    release_id: releaseId,
    per_page: 100,
  })) as AssetJson[];
  const out: (SignOffLink & { createdAt: string })[] = [];
  for (const a of assets) {
    if (a.uploader?.login !== botLogin || a.size > 4096) continue;
    let data: Partial<SignOffLink> & { clinsafe?: string };
    try {
      data = JSON.parse((await downloadAsset(client, repo, a.id)).toString('utf8')) as typeof data;
    } catch {
      continue; // not a link (or not JSON): never evidence
    }
    if (data.clinsafe !== 'release-sign-off-link' || data.release !== releaseId) continue;
    if (typeof data.issue !== 'number' || typeof data.commit !== 'string' || typeof data.tag !== 'string') continue;
    out.push({ release: data.release, tag: data.tag, commit: data.commit, issue: data.issue, createdAt: a.created_at ?? '' });
  }
  return out;
}

/** Upload the link; a concurrent instance that uploaded first wins (GitHub answers `already_exists`). */
export async function writeLink(client: GitHubClient, release: ReleaseLike, link: SignOffLink): Promise<void> {
  const bytes = Buffer.from(`${JSON.stringify({ clinsafe: 'release-sign-off-link', ...link }, null, 2)}\n`, 'utf8');
  const uploadUrl = release.upload_url.replace(/\{\?name,label\}$/, '');
  try {
    await client.request(`POST ${uploadUrl}{?name}`, {
      name: LINK_ASSET,
      data: bytes,
      headers: { 'content-type': 'application/json', 'content-length': bytes.byteLength },
    });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/**
 * The releases an issue opened at `instant` may belong to, newest first: those that existed then
 * (published, or created — a release unpublished and published again gets a later published_at).
 */
export async function releasesBefore(client: GitHubClient, repo: RepoRef, instant: string, limit: number): Promise<ReleaseLike[]> {
  const all = (await client.paginate('GET /repos/{owner}/{repo}/releases', { ...repo, per_page: 100 })) as ReleaseLike[];
  const t = Date.parse(instant);
  const existed = (r: ReleaseLike) => [r.published_at, r.created_at].some((d) => d && Date.parse(d) <= t);
  return all
    .filter((r) => !r.draft && existed(r))
    .sort((a, b) => b.id - a.id)
    .slice(0, limit);
}

/** Every comment on an issue, as the decision reads them (author, id, times, body). */
export async function issueComments(client: GitHubClient, repo: RepoRef, issueNumber: number): Promise<CommandComment[]> {
  const comments = (await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as { id: number; body?: string | null; user?: { login: string; type?: string } | null; created_at: string; updated_at?: string }[];
  return comments.map((c) => ({
    id: c.id,
    login: c.user?.login ?? '',
    userType: c.user?.type ?? 'User',
    body: c.body ?? '',
    createdAt: c.created_at,
    ...(c.updated_at ? { updatedAt: c.updated_at } : {}),
  }));
}

/** The commit a tag names, through the API (annotated tags peeled); never from text. */
export async function resolveTag(client: GitHubClient, repo: RepoRef, tag: string): Promise<string> {
  let obj = (
    (await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: `tags/${tag}` })).data as {
      object: { type: string; sha: string };
    }
  ).object;
  for (let depth = 0; obj.type === 'tag' && depth < 5; depth++) {
    obj = (
      (await client.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...repo, tag_sha: obj.sha })).data as {
        object: { type: string; sha: string };
      }
    ).object;
  }
  if (obj.type !== 'commit') throw new Error(`the tag ${tag} does not name a commit`);
  return obj.sha;
}
