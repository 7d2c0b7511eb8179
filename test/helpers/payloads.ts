/**
 * Real webhook payloads from @octokit/webhooks-examples, pointed at the mock repository
 * (acme/medrec, installation 1) and adjusted per test.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

type Json = Record<string, any>;

/** A deep copy of GitHub's example payload for `event`/`action`, for the mock repository. */
export function example(event: string, action: string, owner = 'acme', repo = 'medrec'): Json {
  const def = definitions.find((d) => d.name === event);
  const found = def?.examples.find((e) => e.action === action) ?? def?.examples[0];
  if (!found) throw new Error(`no example payload for ${event}.${action}`);
  const p = structuredClone(found) as Json;
  p.action = action;
  p.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  p.repository = {
    ...(p.repository ?? {}),
    name: repo,
    full_name: `${owner}/${repo}`,
    default_branch: 'main',
    owner: { ...(p.repository?.owner ?? {}), login: owner, type: 'Organization' },
  };
  return p;
}

export function user(login: string, type: 'User' | 'Bot' = 'User'): Json {
  return { login, id: login.length * 1000 + 7, type, node_id: `U_${login}`, html_url: `https://github.com/${login}` };
}
