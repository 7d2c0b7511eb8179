/**
 * Every installed package runs on the Node versions clinsafe's own `engines` names: a user's
 * `npm install` must not warn EBADENGINE (it did for content-type 3, which @octokit/request 10.0.15+
 * asks for and which needs Node 22: package.json's `overrides` pins it to 2.x, the same `parse`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }>;
};

describe('engines', () => {
  it('the oldest Node clinsafe supports satisfies every locked package that names a Node range', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.satisfies(oldest, (p.engines as { node: string }).node, { includePrerelease: true }))
      .map(([path, p]) => `${path} (${(p.engines as { node: string }).node})`);
    expect(refusing).toEqual([]);
  });

  it('the pinned content-type gives @octokit/request the parse it imports', () => {
    // Resolved from @octokit/request's own folder, as its `import { parse } from "content-type"` is.
    const fromRequest = createRequire(new URL('node_modules/@octokit/request/package.json', root));
    const { parse } = fromRequest('content-type') as { parse: (h: string) => { type: string; parameters: Record<string, string> } };
    expect(parse('application/json; charset=utf-8')).toMatchObject({ type: 'application/json', parameters: { charset: 'utf-8' } });
    expect(lock.packages['node_modules/@octokit/request/node_modules/content-type']?.engines).toEqual({ node: '>=18' });
  });
});
