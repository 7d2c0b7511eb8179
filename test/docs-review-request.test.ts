/** The gate asks the roster's CSOs for a review through the API, and tolerates a refusal (issue 11 §4). */
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../src/core/gate.js';
import { requestCsoReview, reviewersToRequest } from '../src/gate/review-request.js';
import type { GitHubClient } from '../src/github/client.js';

const repo = { owner: 'acme', repo: 'medrec' };
const pending = {
  decision: 'pending',
  approval: { state: 'pending', eligible: ['dr-amara-okafor', 'dr-tom-hughes'], ignored: [] },
} as unknown as GateResult;

function client(fail?: number): GitHubClient & { calls: { route: string; params?: Record<string, unknown> }[] } {
  const calls: { route: string; params?: Record<string, unknown> }[] = [];
  return {
    calls,
    request: async (route, params) => {
      calls.push({ route, ...(params ? { params } : {}) });
      if (fail) throw Object.assign(new Error(`HTTP ${fail}`), { status: fail });
      return { data: {}, status: 201 };
    },
    paginate: async () => [],
  };
}

describe('review request', () => {
  it('asks the CSOs who may approve, through POST requested_reviewers', async () => {
    const c = client();
    expect(await requestCsoReview(c, repo, 12, pending)).toEqual({ requested: ['dr-amara-okafor', 'dr-tom-hughes'] });
    expect(c.calls).toEqual([
      {
        route: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
        params: { owner: 'acme', repo: 'medrec', pull_number: 12, reviewers: ['dr-amara-okafor', 'dr-tom-hughes'] },
      },
    ]);
  });

  it('names the CSOs when the token may not (403) or GitHub refuses a reviewer (422)', async () => {
    const forbidden = await requestCsoReview(client(403), repo, 12, pending);
    expect(forbidden).toMatchObject({ notRequested: ['dr-amara-okafor', 'dr-tom-hughes'] });
    expect((forbidden as { why: string }).why).toContain('pull-requests: write');
    const refused = await requestCsoReview(client(422), repo, 12, pending);
    expect((refused as { why: string }).why).toContain('collaborator');
  });

  it('asks nobody when no CSO is needed, the PR is approved or blocked, or nobody may approve', async () => {
    for (const r of [
      { decision: 'not-required', approval: { state: 'not-required' } },
      { decision: 'approved', approval: { state: 'approved', by: ['dr-tom-hughes'] } },
      { decision: 'blocked', approval: { state: 'blocked', by: ['dr-tom-hughes'] } },
      { decision: 'pending', approval: { state: 'pending', eligible: [], ignored: [] } },
    ]) {
      const c = client();
      expect(reviewersToRequest(r as unknown as GateResult)).toEqual([]);
      expect(await requestCsoReview(c, repo, 12, r as unknown as GateResult)).toBeUndefined();
      expect(c.calls).toEqual([]);
    }
  });
});
