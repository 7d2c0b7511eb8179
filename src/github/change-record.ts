/**
 * The change record between two releases, read through the API: the commits between the tags,
 * the pull requests they merged (merge and squash commit messages), and for each the hazards it
 * impacted and the CSO approvals that counted — the gate's own decision, not a re-implementation.
 */
import type { PullAssessment } from '../app/ports.js';
import type { ChangeRecordEntry } from '../docs/types.js';
import type { RepoRef, GitHubClient } from './client.js';

interface CompareCommit {
  sha: string;
  commit: { message: string; committer?: { date?: string } | null };
}

/** Pull-request numbers named by a merge commit ("Merge pull request #12 …") or a squash commit ("… (#12)"). */
export function pullNumberOf(message: string): number | undefined {
  const first = message.split('\n', 1)[0] ?? '';
  const m = /^Merge pull request #(\d+)\b/.exec(first) ?? /\(#(\d+)\)\s*$/.exec(first);
  return m ? Number(m[1]) : undefined;
}

/** Commits reachable from `head` and not from `base`, oldest first (paged: GitHub returns at most 250 per page). */
export async function commitsBetween(client: GitHubClient, repo: RepoRef, base: string, head: string): Promise<CompareCommit[]> {
  const out: CompareCommit[] = [];
  for (let page = 1; page <= 100; page++) {
    const data = (
      await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...repo, basehead: `${base}...${head}`, per_page: 100, page })
    ).data as {
      commits: CompareCommit[];
      total_commits: number;
    };
    out.push(...data.commits);
    if (data.commits.length < 100 || out.length >= data.total_commits) break;
  }
  return out;
}

export async function changeRecordViaApi(
  client: GitHubClient,
  repo: RepoRef,
  base: string | undefined,
  head: string,
  assess: (pullNumber: number) => Promise<PullAssessment>,
): Promise<ChangeRecordEntry[]> {
  if (!base) return [];
  const commits = await commitsBetween(client, repo, base, head);
  const shas = new Set(commits.map((c) => c.sha));
  const seen = new Set<number>();
  const entries: ChangeRecordEntry[] = [];
  for (const c of commits) {
    const n = pullNumberOf(c.commit.message);
    if (n === undefined || seen.has(n)) continue;
    seen.add(n);
    const a = await assess(n);
    if (!a.merged || (a.mergeCommit && !shas.has(a.mergeCommit) && a.mergeCommit !== c.sha)) continue;
    const hazards = [...new Set([...a.impacted.map((h) => h.id), ...a.hazardLogChanges.map((h) => h.id)])].sort((x, y) =>
      x.localeCompare(y, 'en', { numeric: true }),
    );
    entries.push({
      pullNumber: n,
      title: a.title,
      mergeCommit: a.mergeCommit ?? c.sha,
      ...(a.mergedAt ? { mergedAt: a.mergedAt } : {}),
      hazards,
      approvals:
        a.approval.state === 'approved'
          ? a.approval.approvedBy.map((p) => ({
              login: p.login,
              ...(p.name ? { name: p.name } : {}),
              commit: a.approval.commit ?? a.headSha,
            }))
          : [],
      source: 'github',
    });
  }
  return entries;
}
