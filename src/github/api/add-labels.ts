/** POST /repos/{owner}/{repo}/issues/{issue_number}/labels: add labels to a pull request. */
import type { GitHubClient, RepoRef } from '../client.js';
import { step } from './errors.js';

export async function addLabels(client: GitHubClient, repo: RepoRef, issueNumber: number, labels: string[]): Promise<void> {
  await step(`adding the label ${labels.join(', ')}`, () =>
    client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...repo, issue_number: issueNumber, labels }),
  );
}
