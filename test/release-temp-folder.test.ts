/**
 * The App's and the Action's release path (issue 13): the documents are written into a private
 * temporary folder as they are made and uploaded one at a time, read back just before each upload.
 * The folder is private while it exists and gone afterwards, also after a failed upload; the
 * uploaded bytes are exactly the in-memory builder's, and bytes that do not match the SHA-256
 * taken as they were made are never uploaded.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatePorts } from '../src/app/gate-port.js';
import { buildAndAttach, historyFor, releaseFolder, type Scope } from '../src/app/release-sign-off.js';
import type { DocumentPorts } from '../src/app/ports.js';
import { folderContentHash } from '../src/docs/build.js';
import { buildDocuments, writeDocuments } from './helpers/documents.js';
import type { ReleaseLike } from '../src/github/releases.js';
import { buildRelease } from '../src/usecases/build-release.js';
import { MockGitHub, type MockRelease } from './helpers/mock-github.js';
import { mockClient } from './helpers/mock-pulls.js';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';

let gh: MockGitHub;
let repo: TempRepo;
let tmp: string;
const savedTmp = process.env.TMPDIR;
/** What the upload hook does: look at the temp folder, or refuse one asset. */
let onUpload: (name: string) => { status: number; body: object } | undefined = () => undefined;

const docs: DocumentPorts = { build: buildDocuments, write: writeDocuments, folderHash: folderContentHash };
const scope = (ports: DocumentPorts = docs): Scope => ({
  client: mockClient(gh),
  repo: { owner: 'acme', repo: 'medrec' },
  bot: gh.botLogin,
  dir: 'clinical-safety',
  signOffs: false,
  ports: { gate: gatePorts, docs: ports },
});

async function attach(r: MockRelease, ports?: DocumentPorts) {
  const s = scope(ports);
  const history = historyFor(s);
  const at = await releaseFolder(history, r.tag_name, s.dir);
  return buildAndAttach(s, history, gh.releaseJson(r) as ReleaseLike, at, undefined);
}

beforeAll(async () => {
  repo = fixtureRepo();
  repo.git('tag', 'v2.4.0');
  gh = new MockGitHub();
  gh.gitDir = repo.dir;
  await gh.start();
  gh.on('POST', '/uploads/repos/{owner}/{repo}/releases/{id}/assets', (req) => onUpload(req.query.get('name') ?? ''));
});
afterAll(async () => {
  await gh?.stop();
  repo?.cleanup();
});
beforeEach(() => {
  tmp = tempDir('clinsafe-tmpdir-');
  process.env.TMPDIR = tmp; // os.tmpdir() reads it on every call
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  onUpload = () => undefined;
});

describe('the release documents go through a private temporary folder', () => {
  it('uploads the in-memory builder’s exact bytes, one at a time, from a 0700 folder removed afterwards', async () => {
    const r = gh.addRelease('v2.4.0');
    const seen: { name: string; folders: string[]; mode: number; files: string[] }[] = [];
    onUpload = (name) => {
      const folders = readdirSync(tmp);
      const folder = join(tmp, folders[0] ?? 'none');
      seen.push({ name, folders, mode: statSync(folder).mode & 0o777, files: readdirSync(folder) });
      return undefined;
    };
    const attached = await attach(r);
    expect(readdirSync(tmp)).toEqual([]);
    expect(seen.length).toBeGreaterThan(3);
    for (const x of seen) {
      expect(x.folders).toHaveLength(1);
      expect(x.folders[0]).toMatch(/^clinsafe-release-/);
      expect(x.mode).toBe(0o700);
      expect(x.files).toContain(x.name);
    }
    // The same release built in memory (the builder `clinsafe report` and the memo's list agree with).
    const s = scope();
    const history = historyFor(s);
    const inMemory = await buildRelease({ history, at: await releaseFolder(history, 'v2.4.0', s.dir), tag: 'v2.4.0', dir: s.dir, docs });
    expect(r.assets.map((a) => a.name)).toEqual(inMemory.artefacts.map((a) => a.name));
    for (const a of inMemory.artefacts) {
      const up = r.assets.find((x) => x.name === a.name)!;
      expect(Buffer.compare(up.data, a.bytes), a.name).toBe(0);
    }
    expect(attached.artefacts.map((a) => [a.name, a.mediaType, a.sha256])).toEqual(
      inMemory.artefacts.map((a) => [a.name, a.mediaType, a.sha256]),
    );
    expect(attached.manifest?.equals(inMemory.artefacts.find((a) => a.name === 'manifest.json')!.bytes)).toBe(true);
  }, 60_000);

  it('removes the folder when an upload fails', async () => {
    const r = gh.addRelease('v2.4.0', 'failing');
    let inFlight = 0;
    onUpload = (name) => {
      inFlight = readdirSync(tmp).length;
      return name === 'cscr.pdf' ? { status: 403, body: { message: 'Resource not accessible by integration' } } : undefined;
    };
    await expect(attach(r)).rejects.toMatchObject({ status: 403 });
    expect(inFlight).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('fails closed, uploading nothing more, when bytes read back differ from the SHA-256 taken as they were made', async () => {
    const r = gh.addRelease('v2.4.0', 'tampered');
    const lying: DocumentPorts = {
      ...docs,
      write: async (input, files) =>
        (await writeDocuments(input, files)).map((a) => (a.name === 'cscr.md' ? { ...a, sha256: '0'.repeat(64) } : a)),
    };
    await expect(attach(r, lying)).rejects.toThrow('cscr.md read back for upload is not the document that was made');
    expect(r.assets.map((a) => a.name)).not.toContain('cscr.md');
    expect(r.assets.map((a) => a.name)).not.toContain('manifest.json');
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
