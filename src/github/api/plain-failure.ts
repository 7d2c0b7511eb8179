/**
 * JavaScript's own failures (a stack overflow, a bug) explained in plain words, so a message such
 * as "Maximum call stack size exceeded" never reaches a CSO through a status or comment.
 * Undefined for anything that looks like an HTTP or network failure (those are explainApiError's).
 */
import { GateApiError } from './errors.js';

export function plainFailure(e: unknown, what: string): string | undefined {
  if (!(e instanceof Error) || e instanceof GateApiError || 'status' in e) return undefined;
  const network = /fetch failed|network|socket|ECONN|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|aborted/i.test(
    `${e.message} ${String((e as { code?: unknown }).code ?? '')}`,
  );
  if (network) return undefined;
  if (e instanceof RangeError || /call stack/i.test(e.message))
    return `the content read while ${what} is too large or too deeply nested for the gate to process; a re-run will not help — run clinsafe validate on that commit to find the file, and fix it`;
  return `the gate failed unexpectedly while ${what} (an internal error in clinsafe, not in your change); a re-run is unlikely to help — report it to whoever maintains the clinsafe set-up`;
}
