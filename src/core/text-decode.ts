/**
 * Reading a safety file's bytes as text: size, binary content and encoding are checked before any
 * YAML or Markdown parser sees them. Pure: bytes in, text or a file:line:col diagnostic out.
 */
import type { Diagnostic } from './diagnostics.js';

/** A place in a file, 1-based. */
export interface Position {
  line: number;
  col: number;
}

/** Largest file clinsafe will parse. Hazard files are a few kilobytes; anything this big is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      extra = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + extra >= bytes.length) return i;
    let cp = b & (0xff >> (extra + 2));
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}

function positionOfByte(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Decode a file as UTF-8 text, refusing binary and oversized content.
 * Returns the text or a diagnostic explaining why the file cannot be read as text.
 */
export function decodeText(file: string, bytes: Uint8Array): { text: string } | { error: Diagnostic } {
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      error: {
        file,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'file-too-large',
        message: `file is ${formatBytes(bytes.length)}; safety files must be under ${formatBytes(MAX_FILE_BYTES)} — split it or remove the embedded data`,
      },
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const pos = positionOfByte(bytes, nul);
    return {
      error: {
        file,
        ...pos,
        severity: 'error',
        code: 'binary-file',
        message: 'file contains a NUL byte: it is binary, not YAML or Markdown text — save it as UTF-8 text',
      },
    };
  }
  // The platform's decoder checks validity natively; the byte-by-byte scan only runs to say where a file is not UTF-8.
  let text: string | undefined;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    // Where the scan finds nothing the decoder still refused, the first byte is named (never accepted).
    const bad = Math.max(invalidUtf8Offset(bytes), 0);
    const pos = positionOfByte(bytes, bad);
    return {
      error: {
        file,
        ...pos,
        severity: 'error',
        code: 'not-utf8',
        message: `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} is not valid UTF-8; save the file as UTF-8 (it may have been saved as Windows-1252 or Latin-1)`,
      },
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/**
 * A file's text as a platform's lenient UTF-8 decoder gave it (one that writes U+FFFD for every
 * byte not part of a valid sequence and keeps a leading byte-order mark, as Node's
 * `Buffer#toString('utf8')`), when it is exactly what decodeText gives for the same bytes: no
 * U+FFFD (every byte was valid UTF-8), no NUL, no byte-order mark first. Otherwise undefined: decode
 * the bytes with decodeText, which names the problem (or drops the mark). A text the decoder made
 * as a one-byte string cannot hold U+FFFD, so for ASCII and Latin-1 text V8 answers the first
 * search without reading it.
 */
export function decodedText(lenient: string): string | undefined {
  return lenient.indexOf('\ufffd') < 0 && lenient.indexOf('\0') < 0 && lenient.charCodeAt(0) !== 0xfeff ? lenient : undefined;
}

/** Refuses invalid UTF-8; like the default decoder, it drops one leading byte-order mark. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** A file's text, decoded only when something reads it. */
export interface TextSource {
  readonly text: string;
}

/**
 * A store said these bytes decoded before (checked-file store's `knowsText`); the decode threw or
 * refused them after all (a store that lied: a hand-made or foreign cache). The load is run again
 * without trusting the store's word (load-cached.ts): every file decoded as usual.
 */
export class KnownTextNotText extends Error {
  constructor(readonly file: string) {
    super(`internal: ${file} was known as text but does not decode as text`);
  }
}

/**
 * The text of bytes a checked-file store knows decoded, by this same code, without an error: decoded
 * on first use (a diagnostic's line:col, a file parsed again), else never — for a warm load, most
 * files' text is never read, and a megabyte-sized folder of strings is never made.
 */
export function lazyText(file: string, bytes: Uint8Array): TextSource {
  return new LazyText(file, bytes);
}

/** A text source with a slot for what is made from its text (yaml-core.ts keeps the full parse there). */
export class TextWith<T> implements TextSource {
  full?: T;
  constructor(private readonly source: TextSource) {}
  get text(): string {
    return this.source.text;
  }
}

/** A class, not an object literal with a getter: V8 makes those one by one, ~1,000 a load. */
class LazyText implements TextSource {
  private decoded: string | undefined;
  constructor(
    private readonly file: string,
    private readonly bytes: Uint8Array,
  ) {}
  get text(): string {
    if (this.decoded === undefined) {
      const decoded = decodeText(this.file, this.bytes);
      if ('error' in decoded) throw new KnownTextNotText(this.file);
      this.decoded = decoded.text;
    }
    return this.decoded;
  }
}
