/**
 * Releases through the API: the previous release, the clinsafe section of the release notes, and
 * the manifest already attached (so a redelivery that would upload the same bytes writes nothing).
 */
import type { RepoRef, GitHubClient } from './client.js';

export interface ReleaseLike {
  id: number;
  tag_name: string;
  name?: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  published_at?: string | null;
  created_at?: string;
  upload_url: string;
  html_url: string;
}

/** The release published most recently before `current` (drafts never count; prereleases only count for prereleases). */
export function releaseBefore(all: readonly ReleaseLike[], current: ReleaseLike): ReleaseLike | undefined {
  const at = current.published_at ?? current.created_at ?? '';
  return all
    .filter(
      (r) =>
        r.id !== current.id &&
        r.tag_name !== current.tag_name &&
        !r.draft &&
        r.published_at &&
        (current.prerelease || !r.prerelease) &&
        r.published_at <= at,
    )
    .sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? ''))[0];
}

/** Every release of the repository (paged). */
export async function listReleases(client: GitHubClient, repo: RepoRef): Promise<ReleaseLike[]> {
  return (await client.paginate('GET /repos/{owner}/{repo}/releases', { ...repo, per_page: 100 })) as ReleaseLike[];
}

const START = '<!-- clinsafe:release-notes:start -->';
const END = '<!-- clinsafe:release-notes:end -->';

/** The notes with the clinsafe section set to `section` (added at the end, or replaced in place). */
export function withNotesSection(body: string | null | undefined, section: string): string {
  const current = body ?? '';
  const block = `${START}\n${section}\n${END}`;
  const s = current.indexOf(START);
  const e = current.indexOf(END);
  if (s >= 0 && e > s) return `${current.slice(0, s)}${block}${current.slice(e + END.length)}`;
  return current.trim() ? `${current.replace(/\s+$/, '')}\n\n${block}\n` : `${block}\n`;
}

/** Set the clinsafe section of a release's notes; no write when it is already so. */
export async function setReleaseNotes(client: GitHubClient, repo: RepoRef, releaseId: number, section: string): Promise<boolean> {
  const release = (await client.request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...repo, release_id: releaseId }))
    .data as ReleaseLike;
  const next = withNotesSection(release.body, section);
  if (next === (release.body ?? '')) return false;
  await client.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', { ...repo, release_id: releaseId, body: next });
  return true;
}

/** Download a release asset's bytes (e.g. the manifest already attached). */
export async function downloadAsset(client: GitHubClient, repo: RepoRef, assetId: number): Promise<Buffer> {
  const res = await client.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    ...repo,
    asset_id: assetId,
    headers: { accept: 'application/octet-stream' },
  });
  const data = res.data as ArrayBuffer | Buffer | string;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
