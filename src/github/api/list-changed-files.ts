/**
 * GET /repos/{owner}/{repo}/pulls/{pull_number}/files: every changed file of the pull request.
 * Fails closed when GitHub cannot list them all (over 3000) or the listing disagrees with the pull
 * request's own count. The listing is of the pull request as it is now: the caller re-reads the
 * pull request afterwards to know it belongs to the head SHA it decided on.
 */
import type { ChangedFile } from '../../core/impact.js';
import type { GitHubClient, RepoRef } from '../client.js';
import { GateApiError, step } from './errors.js';

/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000;

export async function listChangedFiles(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<ChangedFile[]> {
  if (expected > MAX_LISTED_FILES) {
    throw new GateApiError(
      `this pull request changes ${expected} files, but GitHub lists at most ${MAX_LISTED_FILES}, so the gate cannot see every change; split it into smaller pull requests (or run clinsafe check locally and have a CSO approve)`,
    );
  }
  const raw = await step(
    'listing the changed files',
    async () =>
      (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        ...repo,
        pull_number: pullNumber,
        per_page: 100,
      })) as { filename: string; status: string; previous_filename?: string }[],
  );
  if (raw.length !== expected) {
    throw new GateApiError(
      `GitHub listed ${raw.length} changed files but the pull request reports ${expected}, so the gate cannot be sure it saw every change; re-run the job`,
    );
  }
  return raw.map((f) => ({
    status: f.status as ChangedFile['status'],
    filename: f.filename,
    ...(f.previous_filename ? { previousFilename: f.previous_filename } : {}),
  }));
}
