/**
 * The file-system adapter's reading of a safety folder (src/adapters/fs.ts): every file's bytes
 * exactly, through one shared read buffer, and each entry that is not a readable regular file of
 * at most MAX_FILE_BYTES classified as before (empty, at the limit, over it, a FIFO, a directory link).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { MAX_FILE_BYTES } from '../src/core/text-decode.js';
import { tempDir } from './helpers/repo.js';

describe('snapshotFromDisk reads each file whole and alone', () => {
  it('gives every file its own exact bytes, large then small (no bytes of one file in another)', () => {
    const root = tempDir();
    const dir = join(root, 'clinical-safety', 'hazards');
    mkdirSync(dir, { recursive: true });
    const sizes = [200_000, 1, 5000, 4096, 70_000, 3, MAX_FILE_BYTES, 17];
    sizes.forEach((n, i) => writeFileSync(join(dir, `H-${String(i).padStart(3, '0')}.yml`), Buffer.alloc(n, 97 + i)));
    writeFileSync(join(dir, 'H-900-empty.yml'), '');
    const snap = snapshotFromDisk(root, join(root, 'clinical-safety'));
    expect(snap.files.map((f) => f.path)).toEqual([
      ...sizes.map((_, i) => `clinical-safety/hazards/H-${String(i).padStart(3, '0')}.yml`),
      'clinical-safety/hazards/H-900-empty.yml',
    ]);
    for (const f of snap.files) {
      expect(f.problem).toBeUndefined();
      expect(Buffer.compare(Buffer.from(f.bytes!), readFileSync(join(root, f.path)))).toBe(0);
    }
  });

  it('over the limit by one byte: too large, with its size; a FIFO and a link to a directory: not files', () => {
    const root = tempDir();
    const dir = join(root, 'clinical-safety');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'big.yml'), Buffer.alloc(MAX_FILE_BYTES + 1, 120));
    symlinkSync(join(dir, 'sub'), join(dir, 'link.yml'));
    let fifo = true;
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.yml')]);
    } catch {
      fifo = false; // no mkfifo here: the other cases still run
    }
    const snap = snapshotFromDisk(root, dir);
    const byPath = new Map(snap.files.map((f) => [f.path, f]));
    expect(byPath.get('clinical-safety/big.yml')).toEqual({
      path: 'clinical-safety/big.yml',
      problem: 'too-large',
      detail: expect.stringMatching(/MB|KB|MiB|KiB/),
    });
    expect(byPath.get('clinical-safety/link.yml')?.problem).toBe('not-a-file');
    if (fifo) expect(byPath.get('clinical-safety/pipe.yml')).toEqual({ path: 'clinical-safety/pipe.yml', problem: 'not-a-file' });
  });
});
