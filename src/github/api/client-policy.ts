/**
 * How a GitHub client retries and waits, given once to Octokit's own plugins
 * (`@octokit/plugin-retry`, `@octokit/plugin-throttling`) — as Probot's client already has them.
 * The gate never wraps a client in a retry loop of its own: one failing call costs at most
 * `1 + RETRIES` requests, not that number squared.
 */
import type { RetryOptions } from '@octokit/plugin-retry';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';

/** Attempts after the first for a 5xx answer or a network failure (plugin-retry). */
export const RETRIES = 3;
/** A rate limit that resets later than this is not waited for: the run fails closed and says so. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 30;

/** Options for plugin-retry. Rate limits (403/429) are left to the throttling plugin. */
export function retryOptions(overrides: RetryOptions = {}): RetryOptions {
  return { retries: RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], ...overrides };
}

/** Options for plugin-throttling: wait once for a rate limit that resets soon, otherwise give up. */
export function throttleOptions(overrides: Partial<ThrottlingOptions> = {}): ThrottlingOptions {
  const once = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < 1 && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
  return { onRateLimit: once, onSecondaryRateLimit: once, ...overrides } as ThrottlingOptions;
}
