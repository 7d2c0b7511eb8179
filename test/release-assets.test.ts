/** Release asset replacement with a concurrent writer: a 404 on delete and `already_exists` on upload are handled, not a crash. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAssets } from '../src/github/idempotent-writes.js';
import { MockGitHub, type MockRelease } from './helpers/mock-github.js';
import { mockClient } from './helpers/mock-pulls.js';

let gh: MockGitHub;
let release: MockRelease;
const repo = { owner: 'acme', repo: 'medrec' };

beforeAll(async () => {
  gh = new MockGitHub();
  await gh.start();
  release = gh.addRelease('v1.0.0');
});
afterAll(() => gh.stop());

describe('upsertAssets', () => {
  it('replaces an asset another instance deleted first, and one another instance uploaded meanwhile', async () => {
    const old = { id: 1, name: 'cscr.md', size: 3, content_type: 'text/markdown', data: Buffer.from('old') };
    release.assets.push(old);
    let deletes = 0;
    // The other instance deletes our "old" asset just before we do, then uploads its own copy.
    gh.on('DELETE', '/repos/{owner}/{repo}/releases/assets/{id}', (_req, p) => {
      if (Number(p.id) !== old.id || deletes++ > 0) return undefined;
      release.assets = release.assets.filter((a) => a.id !== old.id);
      release.assets.push({ id: 2, name: 'cscr.md', size: 6, content_type: 'text/markdown', data: Buffer.from('theirs') });
      return { status: 404, body: { message: 'Not Found' } };
    });
    const client = mockClient(gh);
    const out = await upsertAssets(
      client,
      repo,
      { id: release.id, upload_url: release.upload_url },
      [{ name: 'cscr.md', contentType: 'text/markdown', data: Buffer.from('ours') }],
      async () => false,
    );
    expect(out.uploaded).toEqual(['cscr.md']);
    expect(release.assets.map((a) => [a.name, a.data.toString()])).toEqual([['cscr.md', 'ours']]);
  });

  it('still fails, plainly, when the upload keeps being refused', async () => {
    gh.on('POST', '/uploads/repos/{owner}/{repo}/releases/{id}/assets', () => ({
      status: 422,
      body: { message: 'Validation Failed', errors: [{ code: 'already_exists', field: 'name' }] },
    }));
    await expect(
      upsertAssets(
        mockClient(gh),
        repo,
        { id: release.id, upload_url: release.upload_url },
        [{ name: 'x.md', contentType: 'text/markdown', data: Buffer.from('x') }],
        async () => false,
      ),
    ).rejects.toMatchObject({ status: 422 });
  });
});
