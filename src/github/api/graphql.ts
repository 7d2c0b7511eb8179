/**
 * POST /graphql, for the gate's batched reads. Two kinds of failure are told apart:
 * - the API has no GraphQL, or not the fields the gate asks for (GitHub Enterprise Server before
 *   they existed: HTTP 404, or a schema error naming an unknown field, type or argument) —
 *   `GraphQLUnsupportedError`: the caller reads the same facts through REST instead;
 * - anything else (an error in the answer, a missing repository or pull request, HTTP failures
 *   after Octokit's retries) — a `GateApiError` in plain words: the gate fails closed. A partial
 *   answer (data with errors) is never used.
 */
import type { GitHubClient, RepoRef } from '../client.js';
import { explainApiError, GateApiError } from './errors.js';

/**
 * Extra Octokit request options for one GraphQL request through `client` (the App's lean transport,
 * lean-transport.ts); none unless a front door sets them.
 */
export type GraphQLTransport = (client: GitHubClient) => Record<string, unknown> | undefined;
let transport: GraphQLTransport | undefined;

/** Send the gate's GraphQL reads with these request options (undefined: Octokit's own, the default). */
export function useGraphQLTransport(t: GraphQLTransport | undefined): void {
  transport = t;
}

/** The API cannot answer this query (no GraphQL endpoint, or an older schema): use REST. */
export class GraphQLUnsupportedError extends Error {}

export interface GraphQLError {
  message?: string;
  type?: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

const SCHEMA_CODES = new Set(['undefinedField', 'undefinedType', 'argumentNotAccepted', 'undefinedArgument', 'undefinedEnumValue']);
const SCHEMA_MESSAGE =
  /doesn't exist on type|No such type|doesn't accept argument|has no argument|Expected type .* found|is not a defined input type|undefined enum value/i;

export function isSchemaError(e: GraphQLError): boolean {
  return SCHEMA_CODES.has(e.extensions?.code ?? '') || SCHEMA_MESSAGE.test(e.message ?? '');
}

/** The gate's few query texts (1–2 kB each), JSON-quoted once: the body is the same bytes as `JSON.stringify({ query, variables })`. */
const QUOTED_MAX = 32;
const quotedQueries = new Map<string, string>();
export function quoted(query: string): string {
  let q = quotedQueries.get(query);
  if (q === undefined) {
    if (quotedQueries.size >= QUOTED_MAX) quotedQueries.clear();
    quotedQueries.set(query, (q = JSON.stringify(query)));
  }
  return q;
}

/**
 * Run one query; `what` says what was being read, for the plain-words failure. `optional` names the
 * errors that may be left out of an otherwise complete answer (a field that only informs, never
 * decides — the caller reads it as unknown); any other error fails the whole answer.
 */
export async function graphql<T>(
  client: GitHubClient,
  repo: RepoRef,
  query: string,
  variables: Record<string, unknown>,
  what: string,
  optional?: (e: GraphQLError) => boolean,
): Promise<T> {
  let res: { data?: T | null; errors?: GraphQLError[] };
  try {
    const request = transport?.(client);
    res =
      // The body serialised here: the same bytes Octokit's JSONStringify gives (the variables are strings and small integers), without its replacer and scan.
      (
        await client.request('POST /graphql', {
          data: `{"query":${quoted(query)},"variables":${JSON.stringify({ owner: repo.owner, name: repo.repo, ...variables })}}`,
          ...(request ? { request } : {}),
        })
      ).data as typeof res;
  } catch (e) {
    // No GraphQL endpoint at this base URL (GitHub Enterprise Server serves it at /api/graphql, not /api/v3/graphql).
    if ((e as { status?: number }).status === 404) throw new GraphQLUnsupportedError('no GraphQL endpoint');
    throw new GateApiError(explainApiError(e, what));
  }
  const errors = (res?.errors ?? []).filter((e) => !optional?.(e));
  if (errors.length && errors.every(isSchemaError)) throw new GraphQLUnsupportedError(errors[0]!.message ?? 'schema error');
  if (errors.length || !res?.data) {
    const first = errors[0];
    const refused = first?.type === 'FORBIDDEN' || /not accessible|forbidden|permission/i.test(first?.message ?? '');
    throw new GateApiError(
      refused
        ? `GitHub refused access while ${what} (${(first?.message ?? '').slice(0, 80)}); the token needs contents: read, issues: read, pull-requests: write and statuses: write`
        : `GitHub's GraphQL API answered with an error while ${what} (${(first?.message ?? 'no data').slice(0, 80)}); re-run the job`,
    );
  }
  return res.data;
}

/** A login as REST spells it: GraphQL names an app `slug`, REST `slug[bot]`. */
export function loginOf(actor: { __typename?: string; login?: string } | null | undefined): string {
  if (!actor?.login) return '';
  return actor.__typename === 'Bot' && !actor.login.endsWith('[bot]') ? `${actor.login}[bot]` : actor.login;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<N> {
  totalCount?: number;
  pageInfo?: PageInfo;
  nodes: (N | null)[];
}
