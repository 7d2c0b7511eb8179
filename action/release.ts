/**
 * The Action's release mode (`mode: release`): on `release: published`, the App's own release
 * use case (src/app/release.ts `onPublished` → src/usecases/build-release.ts) run with the
 * workflow's token — the documents built at the tag's commit and attached to the release, the
 * sign-off issue opened for the CSOs and linked to the release. No server needed.
 *
 * What it cannot promise: everything is written as the workflow token's login (github-actions[bot]
 * for the default token), which any workflow author with write access can also write as; the CSO
 * sign-off by `/clinsafe sign-off` comments is the App's (see docs/release-workflow.md).
 */
import * as core from '@actions/core';
import { gatePorts } from '../src/app/gate-port.js';
import { onPublished } from '../src/app/release.js';
import { clinsafeTemplate } from '../src/adapters/templates.js';
import type { GitHubClient, RepoRef } from '../src/github/client.js';
import type { ReleaseLike } from '../src/github/releases.js';
import { readLinks } from '../src/github/sign-off-link.js';
import { documentBuilder } from '../src/usecases/build-release.js';

export interface ReleaseOptions {
  botLogin: string;
  safetyDir: string;
}

interface ReleasePayload {
  action?: string;
  release?: ReleaseLike & { draft?: boolean };
}

/** Why a release event is not one this mode acts on, or undefined when it is. */
export function releaseSkip(eventName: string, payload: ReleasePayload): string | undefined {
  if (eventName !== 'release')
    return `mode: release answers the release event (on: release: types: [published]), not ${eventName || 'an unknown event'}`;
  if (payload.action !== 'published') return `release.${payload.action ?? '?'} is not a published release; nothing to do`;
  if (!payload.release?.id) return 'the release event payload has no release';
  if (payload.release.draft) return 'the release is a draft; nothing to do';
  return undefined;
}

export async function runRelease(client: GitHubClient, repo: RepoRef, release: ReleaseLike, opts: ReleaseOptions): Promise<void> {
  const scope = {
    client,
    repo,
    bot: opts.botLogin,
    dir: opts.safetyDir,
    signOffs: false,
    ports: { gate: gatePorts, docs: documentBuilder(clinsafeTemplate) },
  };
  await onPublished(scope, release);
  const links = await readLinks(client, repo, release.id, opts.botLogin);
  const assets = (await client.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
    ...repo,
    release_id: release.id,
    per_page: 100,
  })) as { name: string; uploader?: { login: string } | null }[];
  const ours = assets.filter((a) => a.uploader?.login === opts.botLogin).map((a) => a.name);
  const issue = links[0]?.issue;
  core.setOutput('release-assets', JSON.stringify(ours));
  if (issue !== undefined) core.setOutput('sign-off-issue', String(issue));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading(`clinsafe release ${release.tag_name}`, 2)
      .addList(ours)
      .addRaw(issue !== undefined ? `Sign-off issue: #${issue}\n` : 'No sign-off issue was linked (see the log).\n', true)
      .write();
  }
  core.info(
    `clinsafe release: ${release.tag_name}: ${ours.length} documents attached${issue !== undefined ? `, sign-off issue #${issue}` : ''}`,
  );
  if (issue === undefined) core.setFailed(`clinsafe release: no sign-off issue is linked to ${release.tag_name}`);
}
