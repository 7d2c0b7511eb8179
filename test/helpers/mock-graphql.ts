/**
 * The loopback mock's GraphQL: the queries the gate sends, answered from the same data as the REST
 * routes (the pulls of mock-pulls.ts, the statuses and comments of mock-github.ts, blobs from the
 * real git repository, the workflow runs of mock-actions.ts as the head commit's check suites).
 * Queries are recognised by their operation name (ClinsafePullFacts, ClinsafePullPage,
 * ClinsafePullRecheck) and by their `bN: object(oid: "…")` blob fields; lists come 100 at a time
 * with cursors, as GitHub gives them.
 */
import { execFileSync } from 'node:child_process';
import { runsOf } from './mock-actions.js';
import type { MockGitHub } from './mock-github.js';
import type { MockPull, PullsState } from './mock-pulls.js';

export interface GraphQLRequest {
  query?: string;
  variables?: Record<string, unknown>;
}

type Node = Record<string, unknown>;

const blobCache = new Map<string, { text: string | null; isBinary: boolean; isTruncated: boolean } | null>();

function git(gh: MockGitHub, args: string[]): Buffer {
  return execFileSync('git', args, { cwd: gh.gitDir, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
}

function blob(gh: MockGitHub, sha: string): Node | null {
  const key = `${gh.gitDir}\0${sha}`;
  if (!blobCache.has(key)) {
    try {
      const bytes = git(gh, ['cat-file', 'blob', sha]);
      const isBinary = bytes.includes(0);
      blobCache.set(key, { text: isBinary ? null : bytes.toString('utf8'), isBinary, isTruncated: false });
    } catch {
      blobCache.set(key, null);
    }
  }
  return blobCache.get(key) ?? null;
}

const expressions = new Map<string, Node | null>();

/** `object(expression: "<commit sha>:<path>")`: never changes for a commit SHA, so answered once. */
function configAt(gh: MockGitHub, expression: string): Node | null {
  const key = `${gh.gitDir}\0${expression}`;
  if (!expressions.has(key)) {
    try {
      const oid = git(gh, ['rev-parse', expression]).toString().trim();
      expressions.set(key, { oid, ...(blob(gh, oid) ?? {}) });
    } catch {
      expressions.set(key, null);
    }
  }
  return expressions.get(key) ?? null;
}

/** A login as GraphQL gives it: an app is a Bot named without `[bot]`. */
function actor(login: string | undefined | null): Node | null {
  if (!login) return null;
  return login.endsWith('[bot]') ? { __typename: 'Bot', login: login.slice(0, -5) } : { __typename: 'User', login };
}

function connection(items: Node[], after: unknown, totalCount = items.length): Node {
  const start = typeof after === 'string' ? Number(after) : 0;
  const nodes = items.slice(start, start + 100);
  const end = start + nodes.length;
  return { totalCount, pageInfo: { hasNextPage: end < items.length, endCursor: String(end) }, nodes };
}

const CHANGE_TYPES: Record<string, string> = {
  added: 'ADDED',
  removed: 'DELETED',
  modified: 'MODIFIED',
  renamed: 'RENAMED',
  copied: 'COPIED',
  changed: 'CHANGED',
};

/** Every list of a pull request as GraphQL nodes. */
function lists(gh: MockGitHub, pr: MockPull): Record<string, { items: Node[]; total?: number }> {
  return {
    labels: { items: pr.labels.map((name) => ({ name })) },
    reviews: {
      items: pr.reviews.map((r, i) => ({
        databaseId: i + 1,
        author: actor(r.user?.login),
        state: r.state,
        commit: { oid: r.commit_id },
        submittedAt: r.submitted_at,
      })),
    },
    commits: {
      items: pr.commits.slice(0, 250).map((c, i) => ({
        commit: {
          oid: c.sha ?? String(i).padStart(40, '0'),
          message: c.commit?.message ?? '',
          author: { ...(c.commit?.author ?? {}), user: c.author ? { login: c.author.login } : null },
          committer: { ...(c.commit?.committer ?? {}), user: c.committer ? { login: c.committer.login } : null },
        },
      })),
      total: pr.commitCount ?? pr.commits.length,
    },
    events: {
      items: (pr.events ?? [])
        .filter((e) => ['labeled', 'unlabeled', 'review_dismissed'].includes(e.event))
        .map((e) => ({
          __typename: e.event === 'labeled' ? 'LabeledEvent' : e.event === 'unlabeled' ? 'UnlabeledEvent' : 'ReviewDismissedEvent',
          actor: actor(e.actor.login),
          createdAt: e.created_at,
          ...(e.label ? { label: { name: e.label.name } } : {}),
          ...(e.dismissed_review
            ? { review: { databaseId: e.dismissed_review.review_id }, previousReviewState: e.dismissed_review.state.toUpperCase() }
            : {}),
        })),
    },
    comments: {
      items: gh.comments
        .filter((c) => c.issue_number === pr.number)
        .map((c) => ({ databaseId: c.id, body: c.body, author: actor(c.user.login) })),
    },
    files: {
      items: pr.files.slice(0, 3000).map((f) => ({ path: f.filename, changeType: CHANGE_TYPES[f.status] ?? 'MODIFIED' })),
      total: pr.changedFiles ?? pr.files.length,
    },
  };
}

function pullNode(gh: MockGitHub, pr: MockPull, query: string, after: unknown): Node {
  const all = lists(gh, pr);
  const node: Node = {
    number: pr.number,
    state: pr.merged ? 'MERGED' : (pr.state ?? 'open').toUpperCase(),
    isDraft: false,
    url: `https://github.com/${gh.owner}/${gh.repo}/pull/${pr.number}`,
    headRefOid: pr.headSha,
    baseRefOid: pr.baseSha,
    baseRefName: pr.baseRef ?? 'main',
    changedFiles: pr.changedFiles ?? pr.files.length,
    author: actor(pr.author),
    reviewRequests: { nodes: (pr.requested ?? []).map((login) => ({ requestedReviewer: { __typename: 'User', login } })) },
  };
  // Each list the query names (`alias: field(first: 100…)`), from the cursor when it pages.
  for (const m of query.matchAll(/(\w+): \w+\(first: 100(, after: \$after)?/g)) {
    const list = all[m[1]!];
    if (list) node[m[1]!] = connection(list.items, m[2] ? after : undefined, list.total);
  }
  if (/\bfiles\(first: 100\)/.test(query)) node.files = connection(all.files!.items, undefined, all.files!.total);
  return node;
}

/** The head commit's check suites: one per workflow run of that commit (runs served by mock-actions.ts). */
function checkSuitesOf(gh: MockGitHub, sha: unknown): Node {
  const nodes = runsOf(gh)
    .filter((r) => r.head_sha === sha)
    .map((r) => ({ status: (r.status ?? 'completed').toUpperCase(), workflowRun: { databaseId: r.id } }));
  return { pageInfo: { hasNextPage: false }, nodes };
}

function statusesOf(gh: MockGitHub, sha: unknown): Node {
  const latest = new Map<string, (typeof gh.statuses)[number]>();
  for (const s of gh.statuses) if (s.sha === sha) latest.set(s.context, s);
  return {
    status: {
      contexts: [...latest.values()].map((s) => ({
        context: s.context,
        state: s.state.toUpperCase(),
        description: s.description,
        targetUrl: s.target_url ?? null,
      })),
    },
  };
}

export function answerGraphQL(gh: MockGitHub, state: PullsState, req: GraphQLRequest): Node {
  const query = req.query ?? '';
  const v = req.variables ?? {};
  const operation = /^\s*query (\w+)/.exec(query)?.[1];
  const repository: Node = {};
  const errors: Node[] = [];
  if (operation?.startsWith('ClinsafePull')) {
    if (state.graphql === 'blobs')
      return {
        errors: [
          {
            message: "Field 'timelineItems' doesn't exist on type 'PullRequest'",
            extensions: { code: 'undefinedField', typeName: 'PullRequest', fieldName: 'timelineItems' },
          },
        ],
      };
    const pr = state.pulls.get(Number(v.number));
    if (!pr)
      return {
        data: { repository: { pullRequest: null } },
        errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a PullRequest with the number of ${String(v.number)}.` }],
      };
    repository.pullRequest = pullNode(gh, pr, query, v.after);
    if (query.includes('commit: object(oid: $sha)')) repository.commit = statusesOf(gh, v.sha);
    if (repository.commit && /\bcheckSuites\(/.test(query)) {
      if (state.checkSuites === 'forbidden') {
        (repository.commit as Node).checkSuites = null;
        errors.push({
          type: 'FORBIDDEN',
          path: ['repository', 'commit', 'checkSuites'],
          message: 'Resource not accessible by integration',
        });
      } else (repository.commit as Node).checkSuites = checkSuitesOf(gh, v.sha);
    }
    if (operation === 'ClinsafePullFacts' && typeof v.config === 'string') repository.config = configAt(gh, v.config);
  }
  for (const m of query.matchAll(/(\w+): object\(oid: "([0-9a-f]{40})"\)/g)) repository[m[1]!] = blob(gh, m[2]!);
  return { data: { repository }, ...(errors.length ? { errors } : {}) };
}
