/**
 * The head commit as the gate's GraphQL queries read it: its statuses (whether "pending" must be
 * written before the facts may be used; whether a decision is already shown) and, in the first
 * query, its check suites (whether a workflow run on it has completed, so could have uploaded test
 * results — information only, never a fact of the decision).
 */
import type { CommitStatuses } from './get-commit-statuses.js';
import type { GraphQLError } from './graphql.js';

/** Check suites of the head commit read in the first query (more: "unknown", so the test results are looked up). */
const CHECK_SUITES = 50;

/** The commit statuses on the head commit `$sha`. */
export const STATUS_FIELD = 'commit: object(oid: $sha) { ... on Commit { status { contexts { context state description targetUrl } } } }';

/**
 * The head commit `$sha` as the first query carries it: its statuses (whether "pending" must be
 * written before the facts may be used) and its check suites (whether a workflow run on it has
 * completed, so could have uploaded test results — information only).
 */
export const HEAD_FIELD = `commit: object(oid: $sha) { ... on Commit { status { contexts { context state description targetUrl } } checkSuites(first: ${CHECK_SUITES}) { pageInfo { hasNextPage } nodes { status workflowRun { databaseId } } } } }`;

export interface StatusNode {
  status?: { contexts: { context: string; state: string; description?: string | null; targetUrl?: string | null }[] } | null;
}

export interface HeadNode extends StatusNode {
  checkSuites?: {
    pageInfo?: { hasNextPage: boolean };
    nodes: ({ status: string; workflowRun?: { databaseId?: number | null } | null } | null)[];
  } | null;
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function toStatuses(commit: StatusNode | null | undefined): CommitStatuses {
  const out: CommitStatuses = new Map();
  for (const c of commit?.status?.contexts ?? [])
    out.set(c.context, {
      state: c.state.toLowerCase(),
      description: c.description ?? '',
      ...(c.targetUrl ? { targetUrl: c.targetUrl } : {}),
    });
  return out;
}

/** A refused check-suite read (the token lacks checks or actions: read): that field is then unknown, never a failure. */
export function checkSuitesRefused(e: GraphQLError): boolean {
  const refused = e.type === 'FORBIDDEN' || /not accessible|forbidden|permission/i.test(e.message ?? '');
  return refused && e.path?.[0] === 'repository' && e.path[1] === 'commit' && e.path[2] === 'checkSuites';
}

/** Whether a workflow run on the commit has completed: true, false, or undefined when the answer cannot tell. */
export function runCompleted(commit: HeadNode | null | undefined): boolean | undefined {
  const suites = commit?.checkSuites;
  if (!suites) return undefined;
  if (suites.nodes.some((n) => n?.workflowRun && n.status === 'COMPLETED')) return true;
  return suites.pageInfo?.hasNextPage ? undefined : false;
}
