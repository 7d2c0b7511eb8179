/**
 * A long-running server (the App) evaluates the same facts again and again: every redelivery,
 * every label or review event that changes nothing. `evaluateGate` is a pure function of those
 * facts, so its result is kept by a digest of them — the folders by their commit SHAs (their
 * content never changes), everything mutable (files, labels, reviews, commits, events, author) by
 * its value as read in this run. Nothing read from GitHub is reused: only the work done on it.
 * Bounded (least recently used out); off unless the server caches folders. The rendered comment is
 * kept beside the result it was rendered from.
 */
import { createHash } from 'node:crypto';
import type { GateInputs, GateResult } from '../core/gate.js';

const MAX_ENTRIES = 16;
const results = new Map<string, GateResult>();
const comments = new WeakMap<GateResult, Map<string, string>>();

/** The result for these facts: computed, or the one computed before for exactly the same facts. */
export function evaluateOnce(
  facts: { repo: string; baseSha: string; headFolderSha: string },
  inputs: GateInputs,
  evaluate: (i: GateInputs) => GateResult,
): GateResult {
  const { base: _base, head: _head, ...values } = inputs;
  const key = createHash('sha256')
    .update(JSON.stringify([facts, values]))
    .digest('hex');
  const hit = results.get(key);
  if (hit) {
    results.delete(key);
    results.set(key, hit);
    return hit;
  }
  const result = evaluate(inputs);
  results.set(key, result);
  if (results.size > MAX_ENTRIES) results.delete(results.keys().next().value!);
  return result;
}

/** The comment rendered from `result` with these options, rendered once. */
export function renderOnce(result: GateResult, options: string, render: () => string): string {
  let byOptions = comments.get(result);
  if (!byOptions) comments.set(result, (byOptions = new Map()));
  let body = byOptions.get(options);
  if (body === undefined) byOptions.set(options, (body = render()));
  return body;
}
