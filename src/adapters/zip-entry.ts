/**
 * One file out of a zip held in memory (an Actions artifact), bounded: entry count, the entry's
 * declared and real inflated size. yauzl validates sizes as it inflates.
 */
import type yauzl from 'yauzl';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
}

/** The bytes of `name` in the zip, undefined when it has no such entry; throws with a sentence on a bad or oversized zip. */
export async function readZipEntry(bytes: Buffer, name: string, limits: ZipLimits): Promise<Buffer | undefined> {
  // Loaded when a zip is read: the gate, on every pull request, imports this module but reads an
  // artifact only when impacted controls link tests (the Action's cold start, issue 13).
  const { fromBufferPromise } = (await import('yauzl')).default;
  let zip: yauzl.ZipFile;
  try {
    zip = await fromBufferPromise(bytes, {
      lazyEntries: true,
      validateEntrySizes: true,
      decodeStrings: true,
      strictFileNames: false,
    });
  } catch (e) {
    throw new Error(`is not a readable zip (${(e as Error).message})`);
  }
  return new Promise<Buffer | undefined>((resolve, reject) => {
    let entries = 0;
    let done = false;
    const finish = (err: Error | undefined, value?: Buffer) => {
      if (done) return;
      done = true;
      zip.close();
      if (err) reject(err);
      else resolve(value);
    };
    zip.on('error', (e: Error) => finish(new Error(`is not a readable zip (${e.message})`)));
    zip.on('end', () => finish(undefined, undefined));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (++entries > limits.maxEntries) return finish(new Error(`holds more than ${limits.maxEntries} files`));
      if (entry.fileName !== name) return zip.readEntry();
      if (entry.uncompressedSize > limits.maxEntryBytes)
        return finish(
          new Error(`${name} inflates to ${entry.uncompressedSize} bytes, more than the ${limits.maxEntryBytes} clinsafe reads`),
        );
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return finish(new Error(`${name} cannot be read (${err?.message ?? 'no data'})`));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limits.maxEntryBytes) {
            stream.destroy();
            return finish(new Error(`${name} inflates to more than the ${limits.maxEntryBytes} bytes clinsafe reads`));
          }
          chunks.push(c);
        });
        stream.on('error', (e: Error) => finish(new Error(`${name} cannot be read (${e.message})`)));
        stream.on('end', () => finish(undefined, Buffer.concat(chunks)));
      });
    });
    zip.readEntry();
  });
}
