/**
 * Documents written as they are made (`writeDocuments`, what `clinsafe report` uses) are the very
 * bytes `buildDocuments` returns as Buffers (what the App uploads), and the CLI's output folder
 * gives files their names only once the whole set is made.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { OutputFolder } from '../src/cli/commands/report.js';
import { loadFolder } from '../src/core/folder.js';
import { sha256, type ArtefactFiles, type SignOff } from '../src/docs/build.js';
import { buildDocuments, writeDocuments } from './helpers/documents.js';
import { oneLine } from '../src/docs/mdast.js';
import { toPdf, writePdfTo } from '../src/docs/pdf/index.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
const release = { tag: 'v2.4.0', commit: '43a898e47702cc26ed975b0c6678802bd57aecba', date: '2026-10-20T09:30:00Z' };
const signOff: SignOff = {
  state: 'approved',
  cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2079432' },
  statement: 'Residual risk is acceptable for this release.',
  signedAt: '2026-10-21T10:00:00Z',
};

/** Files kept in memory, chunk by chunk (each chunk copied: its memory is reused after the call). */
function memoryFiles(): ArtefactFiles & { files: Map<string, { chunks: Buffer[]; closed: boolean }> } {
  const files = new Map<string, { chunks: Buffer[]; closed: boolean }>();
  return {
    files,
    open(name) {
      const f = { chunks: [] as Buffer[], closed: false };
      files.set(name, f);
      return {
        write: (chunk) => {
          expect(f.closed).toBe(false);
          f.chunks.push(Buffer.from(chunk));
        },
        close: () => {
          f.closed = true;
        },
      };
    },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('documents written as they are made', () => {
  it('are byte for byte the documents built in memory, every format, with the memo and manifest', async () => {
    const input = { folder, release, changeRecord: [], signOff };
    const built = await buildDocuments(input);
    const out = memoryFiles();
    const written = await writeDocuments(input, out);
    expect(written.map((a) => a.name)).toEqual(built.map((a) => a.name));
    expect(built.map((a) => a.name)).toContain('cso-release-memo.pdf');
    for (const [i, a] of built.entries()) {
      const f = out.files.get(a.name)!;
      expect(f.closed).toBe(true);
      const bytes = Buffer.concat(f.chunks);
      expect(sha256(bytes)).toBe(a.sha256);
      expect(bytes.equals(a.bytes)).toBe(true);
      expect(written[i]).toEqual({ name: a.name, mediaType: a.mediaType, size: a.bytes.length, sha256: a.sha256 });
    }
  });

  it('a PDF arrives in blocks of at most 1 MiB whose memory is reused, and joins to the Buffer toPdf returns', async () => {
    // A document of a few MiB: the CSCR of the example product with its hazard details repeated.
    const built = await buildDocuments({ folder, release, changeRecord: [], formats: ['md'] });
    expect(built.length).toBeGreaterThan(0);
    const { unified } = await import('unified');
    const remarkParse = (await import('remark-parse')).default;
    const remarkGfm = (await import('remark-gfm')).default;
    const tree = unified().use(remarkParse).use(remarkGfm).parse(built[0]!.bytes.toString('utf8'));
    tree.children = Array.from({ length: 20 }, () => tree.children).flat();
    const opts = { title: 'Big', subtitle: ['x'], status: 'DRAFT', footer: 'f', date: '2026-10-20', author: 'a' };
    const whole = await toPdf(tree, opts);
    const chunks: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    await writePdfTo(tree, opts, {
      write(chunk) {
        expect(chunk.length).toBeLessThanOrEqual(1 << 20);
        buffers.add(chunk.buffer);
        chunks.push(Buffer.from(chunk));
      },
    });
    expect(whole.length).toBeGreaterThan(5 << 20);
    // One block, written out and refilled (and the embedded fonts' streams, passed through as they
    // are), not a new block per MiB.
    expect(buffers.size).toBeLessThanOrEqual(3);
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);
  });
});

describe("the CLI's output folder", () => {
  const input = { folder, release, changeRecord: [], formats: ['md' as const, 'pdf' as const] };

  it('gives the files their names once the set is made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinsafe-out-'));
    dirs.push(dir);
    const out = new OutputFolder(join(dir, 'docs'));
    const written = await writeDocuments(input, out);
    expect(readdirSync(join(dir, 'docs')).every((f) => f.endsWith('.partial'))).toBe(true);
    const files = out.commit();
    expect(readdirSync(join(dir, 'docs')).sort()).toEqual(written.map((a) => a.name).sort());
    for (const [i, a] of written.entries()) expect(sha256(readFileSync(files[i]!))).toBe(a.sha256);
  });

  it('leaves the previous documents as they were when a run fails half way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinsafe-out-'));
    dirs.push(dir);
    const first = new OutputFolder(dir);
    await writeDocuments(input, first);
    first.commit();
    const before = readFileSync(join(dir, 'cscr.pdf'));
    const out = new OutputFolder(dir);
    // A template error in the CRMP: the CSCR has been written (under its temporary name) by then.
    await expect(writeDocuments({ ...input, templates: { 'crmp.md': '# Plan\n\nSee {{nope}}.\n' } }, out)).rejects.toThrow();
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(true);
    out.discard();
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(false);
    expect(readFileSync(join(dir, 'cscr.pdf')).equals(before)).toBe(true);
  });

  it('creates no folder when nothing was written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinsafe-out-'));
    dirs.push(dir);
    const out = new OutputFolder(join(dir, 'never'));
    out.discard();
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('oneLine (every table cell of the documents)', () => {
  it("is s.replace(/\\s+/g, ' ').trim() for any mix of spaces, line breaks and Unicode whitespace", () => {
    const pieces = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '\u3000', '\v', '\f', 'a', 'bc', 'é', '🩺'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let n = Math.floor(next() * 8); n > 0; n--) s += pieces[Math.floor(next() * pieces.length)]!;
      expect(oneLine(s)).toBe(s.replace(/\s+/g, ' ').trim());
    }
  });
});
