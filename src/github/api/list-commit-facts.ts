/**
 * The pull request's commits as the approval rules need them: who GitHub attributes each to, the
 * author and committer e-mails, and the message (for `Co-authored-by:` trailers). Fails closed
 * past GitHub's 250-commit listing limit.
 */
import type { CommitFact } from '../../core/approval-facts.js';
import { explainApiError, GateApiError } from './errors.js';
import { MAX_LISTED_COMMITS } from './list-commit-authors.js';
import type { GitHubClient, RepoRef } from '../client.js';

interface RawCommit {
  sha?: string;
  author?: { login?: string } | null;
  committer?: { login?: string } | null;
  commit?: {
    message?: string;
    author?: { name?: string; email?: string } | null;
    committer?: { name?: string; email?: string } | null;
  };
}

export async function listCommitFacts(client: GitHubClient, repo: RepoRef, pullNumber: number, expected: number): Promise<CommitFact[]> {
  if (expected > MAX_LISTED_COMMITS) {
    throw new GateApiError(
      `this pull request has ${expected} commits, but GitHub lists at most ${MAX_LISTED_COMMITS}, so the gate cannot check who wrote them all; squash or split it`,
    );
  }
  let raw: RawCommit[];
  try {
    raw = (await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
      ...repo,
      pull_number: pullNumber,
      per_page: 100,
    })) as RawCommit[];
  } catch (e) {
    throw new GateApiError(explainApiError(e, 'listing the commits'));
  }
  return raw.map((c) => ({
    sha: c.sha ?? '',
    authorLogin: c.author?.login,
    authorEmail: c.commit?.author?.email,
    authorName: c.commit?.author?.name,
    committerLogin: c.committer?.login,
    committerEmail: c.commit?.committer?.email,
    message: c.commit?.message ?? '',
  }));
}

/** Logins of every author and committer (not GitHub's web-flow), as `GateInputs.commitAuthors` holds them. */
export function commitLogins(commits: readonly CommitFact[]): string[] {
  const logins = new Set<string>();
  for (const c of commits) {
    if (c.authorLogin) logins.add(c.authorLogin);
    if (c.committerLogin && c.committerLogin !== 'web-flow') logins.add(c.committerLogin);
  }
  return [...logins];
}
