/**
 * API failures explained for a person: what the commit status and the comment say when a call to
 * GitHub fails after Octokit's own retries. Nothing here retries (the client's retry and
 * throttling plugins do, once) and nothing here decides.
 */

/** An API failure explained for a person; `message` is what the status and comment say. */
export class GateApiError extends Error {}

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function header(e: HttpErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

function isRateLimit(e: HttpErrorLike): boolean {
  if (e.status === 429) return true;
  if (e.status !== 403) return false;
  return header(e, 'retry-after') !== undefined || header(e, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(e.message ?? '');
}

/** What went wrong, for a person reading a commit status or a comment. */
export function explainApiError(e: unknown, what: string): string {
  if (e instanceof GateApiError) return e.message;
  const err = (e ?? {}) as HttpErrorLike;
  const detail = (err.response?.data as { message?: string } | undefined)?.message ?? err.message ?? String(e);
  // @octokit/request reports a fetch that never reached GitHub as HTTP 500 with the fetch error's message.
  if (err.status === undefined || (err.status === 500 && !err.response))
    return `could not reach GitHub's API while ${what} (${detail.slice(0, 80)}); re-run the job`;
  if (isRateLimit(err)) return `GitHub's API rate limit was reached while ${what}; re-run the job when it resets`;
  if (err.status >= 500) return `GitHub's API kept failing (HTTP ${err.status}) while ${what}; re-run the job`;
  if (err.status === 401) return `GitHub rejected the token while ${what} (HTTP 401); check the github-token input`;
  if (err.status === 403 || err.status === 404)
    return `GitHub refused access while ${what} (HTTP ${err.status}: ${detail.slice(0, 60)}); the token needs contents: read, pull-requests: write and statuses: write`;
  return `GitHub's API answered HTTP ${err.status} while ${what} (${detail.slice(0, 80)})`;
}

/** Run one API step; a failure becomes a GateApiError saying what was being done. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new GateApiError(explainApiError(e, what));
  }
}
