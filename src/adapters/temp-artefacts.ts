/**
 * A private temporary folder for a release's documents (the App and the Action): `writeDocuments`
 * writes each document into it as it is made, and each is read back only just before its upload,
 * so at most one finished document is in memory. The folder (mode 0700, under os.tmpdir()) is
 * always removed when the work is done, also when it failed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** One file being written (the shape of `ArtefactFile` in src/docs/types.ts, which adapters do not import). */
export interface TempFile {
  write(chunk: Uint8Array): void;
  close(): void;
}

/** Satisfies `ArtefactFiles` (src/docs/types.ts) by its shape. */
export class TempArtefacts {
  private readonly open_ = new Set<number>();
  constructor(readonly dir: string) {}
  open(name: string): TempFile {
    const fd = openSync(this.path(name), 'wx', 0o600);
    this.open_.add(fd);
    return {
      write: (chunk) => {
        for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done);
      },
      close: () => {
        closeSync(fd);
        this.open_.delete(fd);
      },
    };
  }
  /** The bytes of one written document. */
  read(name: string): Promise<Buffer> {
    return readFile(this.path(name));
  }
  /** Close what a failure left open. */
  closeAll(): void {
    for (const fd of this.open_) closeSync(fd);
    this.open_.clear();
  }
  private path(name: string): string {
    if (!name || name !== basename(name) || name.startsWith('.')) throw new Error(`"${name}" is not a document file name`);
    return join(this.dir, name);
  }
}

/** Run `work` with a fresh private folder, removed afterwards whatever happened. */
export async function withTempArtefacts<T>(work: (files: TempArtefacts) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'clinsafe-release-'));
  const files = new TempArtefacts(dir);
  try {
    await chmod(dir, 0o700);
    return await work(files);
  } finally {
    files.closeAll();
    await rm(dir, { recursive: true, force: true });
  }
}
