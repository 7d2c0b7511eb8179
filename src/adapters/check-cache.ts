/**
 * The CLI's parse cache: one file per safety folder holding each safety file's parse and schema
 * check (a `CheckedFileStore`, src/core/ports/checked-files.ts), keyed by what the result is for
 * (kind, schema variant, where the text starts) and a SHA-256 of the file's bytes (or of the text,
 * for front matter), under a digest of clinsafe's version and the code that produces the results.
 * It holds no decision: cross-file and repository checks always run. It also says which bytes it
 * holds a whole-file result for (`knowsText`): those decoded as text, so a load need not decode them.
 *
 * Where: `$CLINSAFE_CACHE_DIR/folders/` when that is set (clinsafe's caches in one place: the
 * single-file bundle unpacks there too); else `<git dir>/clinsafe-cache/` when the repository root
 * has a `.git` directory (or a `.git` file naming a worktree's git dir); else
 * `$XDG_CACHE_HOME/clinsafe/folders/` or `~/.cache/clinsafe/folders/`. One file per safety folder and clinsafe build (named by hashes of the folder's path and of the code);
 * at most MAX_CACHE_FILES in one folder (the least recently written are removed on a write).
 *
 * Safe to lose or damage: a file whose header, digest, checksum or framing is wrong — truncated,
 * corrupt, written by another clinsafe — is ignored and rewritten; an entry that does not read back
 * as a result is a miss. Bounded: a write keeps only the entries this run used (files no longer
 * present drop out). Atomic: written to a temporary file in the same folder, then renamed, so two
 * concurrent runs each leave a whole file. Any failure to read or write is a miss, never an error.
 */
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CheckedFile, CheckedFileKey, CheckedFileStore } from '../core/ports/checked-files.js';
import { codeDigest, FORMAT } from './check-cache-place.js';

export { cacheFileFor, codeDigest, RESULT_MODULES } from './check-cache-place.js';

const require = createRequire(import.meta.url);
/** node:crypto, loaded on first use: a run without the parse cache (CLINSAFE_NO_CACHE=1, --no-cache) never hashes. */
let cryptoModule: typeof import('node:crypto') | undefined;
const crypto = (): typeof import('node:crypto') => (cryptoModule ??= require('node:crypto') as typeof import('node:crypto'));
const oneShotHash: typeof import('node:crypto').hash = (...args: Parameters<typeof import('node:crypto').hash>) =>
  crypto().hash(...args) as never;

const MAGIC = Buffer.from('clinsafe parse cache\n', 'latin1');
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + 1 + DIGEST_BYTES + DIGEST_BYTES;
/** An entry's key: what it is for (32 bytes), then its content's SHA-256 (32 bytes). */
const KEY_BYTES = 64;
/** Before each entry's JSON: its key, whether the content is a whole file's bytes, the JSON's length. */
const FRAME_BYTES = KEY_BYTES + 1 + 4;
/** A cache file larger than this is not read (a safety folder's results are a few MB). */
const MAX_CACHE_BYTES = 256 << 20;
/** Cache files kept in one folder (one per safety folder validated there); the least recently written go first. */
const MAX_CACHE_FILES = 32;
/** A temporary file older than this was left by a run that stopped between write and rename. */
const STALE_TMP_MS = 10 * 60_000;

export interface CacheStats {
  hits: number;
  misses: number;
  /** What happened to the file: absent (none yet), ignored (unreadable/foreign/corrupt, rewritten), loaded. */
  found: 'absent' | 'ignored' | 'loaded';
  written: boolean;
}

export interface CheckCache {
  store: CheckedFileStore;
  /** Write the entries this run used, when they differ from what was read. Never throws. */
  save(): void;
  /**
   * Forget what this run used and counted (a load that stopped part-way is run again); with
   * `distrustTexts`, the store no longer says which bytes it knows as text (`knowsText`): for a load
   * run again after a file it named did not decode (core/text-decode.ts, KnownTextNotText).
   */
  restart(distrustTexts?: boolean): void;
  readonly stats: CacheStats;
  readonly file: string;
}

/** Open (read) the cache file; returns a store for one load and `save` for the end of the run. */
export function openCheckCache(file: string, digest: Buffer = codeDigest()): CheckCache {
  const stats: CacheStats = { hits: 0, misses: 0, found: 'absent', written: false };
  const { entries: stored, texts, readEntry, payload } = readEntries(file, digest, stats);
  /** What this run used: a result read back (its place in the file) or made (its JSON). */
  const used = new Map<string, Stored | Buffer>();
  const keyOf = new WeakMap<CheckedFileKey, string>();
  const bytesHash = new WeakMap<Uint8Array, string>();
  const prefixes = new Map<string, string>();
  let trustTexts = true;
  let changed = stats.found !== 'loaded';
  /** SHA-256 of a whole file's bytes (32 bytes as a one-byte string); once per file, though asked twice. */
  const hashBytes = (bytes: Uint8Array): string => {
    let h = bytesHash.get(bytes);
    if (h === undefined) bytesHash.set(bytes, (h = oneShotHash('sha256', bytes, 'binary')));
    return h;
  };
  /**
   * An entry's key: a SHA-256 of what the result is for besides the content — the kind, the schema
   * variant, where the text starts and whether the content is a whole file's bytes or a text —
   * computed once per distinct set (a handful a folder), then the content's own SHA-256: the file's
   * bytes when the key has them (no re-encoding of the text), else the text.
   */
  const hashKey = (key: CheckedFileKey): string => {
    let k = keyOf.get(key);
    if (k === undefined) {
      const what = `${key.kind}\0${key.schema}\0${key.lineOffset}\0${key.bytes ? BYTES : TEXT}`;
      let prefix = prefixes.get(what);
      if (prefix === undefined) prefixes.set(what, (prefix = oneShotHash('sha256', what, 'binary')));
      k = prefix + (key.bytes ? hashBytes(key.bytes) : oneShotHash('sha256', key.text, 'binary'));
      keyOf.set(key, k);
    }
    return k;
  };
  const store: CheckedFileStore = {
    get(key) {
      const k = hashKey(key);
      const at = stored.get(k);
      const entry = at === undefined ? undefined : readEntry(at);
      if (!entry) {
        if (at !== undefined) changed = true;
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      used.set(k, at!);
      return entry;
    },
    put(key, result) {
      const payload = exactJson(result);
      if (payload === undefined) return;
      used.set(hashKey(key), payload);
      changed = true;
    },
    knowsText: (bytes) => trustTexts && texts.size > 0 && texts.has(hashBytes(bytes)),
  };
  return {
    store,
    stats,
    file,
    restart(distrustTexts = false) {
      if (distrustTexts) trustTexts = false;
      used.clear();
      stats.hits = 0;
      stats.misses = 0;
    },
    save() {
      if (!changed && used.size === stored.size) return;
      stats.written = writeEntries(file, digest, new Map([...used].map(([k, v]) => [k, Buffer.isBuffer(v) ? v : payload(v)])), prefixes);
    },
  };
}

/** What the content of a key is: a whole file's bytes (then known to decode as text), or a text. */
const BYTES = 'bytes';
const TEXT = 'text';

/** An entry's place in the cache file's text. */
interface Stored {
  start: number;
  end: number;
}

interface StoredEntries {
  entries: Map<string, Stored>;
  texts: Set<string>;
  /** The entry read back, only if it has the shape of a result; anything else is a miss. */
  readEntry(at: Stored): CheckedFile | undefined;
  /** Its JSON as stored (kept as is when the cache is written again). */
  payload(at: Stored): Buffer;
}

const NO_ENTRIES: StoredEntries = { entries: new Map(), texts: new Set(), readEntry: () => undefined, payload: () => Buffer.alloc(0) };

/**
 * The body of a cache file (format 3): the number of entries (u32, little-endian), then for each
 * its key — 32 bytes naming the kind, schema variant, line offset and content form, then the
 * content's SHA-256 (32 bytes) — a flag byte (1: the content is a whole file's bytes) and the
 * length of its JSON (u32), then every entry's JSON in the same order (ASCII: exactJson). `texts` holds the content hashes flagged as whole files' bytes: bytes that
 * decoded as text. The body is read as one Latin-1 string (outside V8's heap when over a
 * megabyte) and each entry parsed from a slice of it: no string of its own per entry, a few
 * megabytes less garbage, where a young generation full of garbage made V8 lower its limit for
 * the old one and start a full collection in most warm runs.
 */
function readEntries(file: string, digest: Buffer, stats: CacheStats): StoredEntries {
  let buf: Buffer;
  try {
    if (statSync(file).size > MAX_CACHE_BYTES) {
      stats.found = 'ignored';
      return NO_ENTRIES;
    }
    buf = readFileSync(file);
  } catch {
    return NO_ENTRIES;
  }
  stats.found = 'ignored';
  if (buf.length < HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC) || buf[MAGIC.length] !== FORMAT) return NO_ENTRIES;
  let at = MAGIC.length + 1;
  if (!buf.subarray(at, at + DIGEST_BYTES).equals(digest)) return NO_ENTRIES;
  at += DIGEST_BYTES;
  const checksum = buf.subarray(at, at + DIGEST_BYTES);
  const body = buf.subarray(HEADER_BYTES);
  if (!oneShotHash('sha256', body, 'buffer').equals(checksum)) return NO_ENTRIES;
  if (body.length < 4) return NO_ENTRIES;
  const count = body.readUInt32LE(0);
  const jsonAt = 4 + count * FRAME_BYTES;
  if (jsonAt > body.length) return NO_ENTRIES;
  // Latin-1 reads ASCII as UTF-8 would (exactJson escapes every other character); the string is
  // kept, the file's bytes are not (V8 counts both against the heap's limits).
  const jsonLength = body.length - jsonAt;
  const entries = new Map<string, Stored>();
  const texts = new Set<string>();
  let start = 0;
  for (let i = 0, f = 4; i < count; i++, f += FRAME_BYTES) {
    const key = body.toString('latin1', f, f + KEY_BYTES);
    const flag = body[f + KEY_BYTES];
    if (flag !== 0 && flag !== 1) return NO_ENTRIES;
    if (flag === 1) texts.add(key.slice(KEY_BYTES / 2));
    const end = start + body.readUInt32LE(f + KEY_BYTES + 1);
    if (end > jsonLength) return NO_ENTRIES;
    entries.set(key, { start, end });
    start = end;
  }
  if (start !== jsonLength) return NO_ENTRIES;
  const text = body.toString('latin1', jsonAt);
  stats.found = 'loaded';
  return {
    entries,
    texts,
    readEntry({ start, end }) {
      let v: unknown;
      try {
        v = JSON.parse(text.slice(start, end));
      } catch {
        return undefined;
      }
      return asResult(v);
    },
    payload: ({ start, end }) => Buffer.from(text.slice(start, end), 'latin1'),
  };
}

/** Written as \u escapes: the JSON is ASCII, so the file reads back as one Latin-1 string (readEntries). */
const NOT_ASCII = /[^\x00-\x7f]/g;

function exactJson(result: CheckedFile): Buffer | undefined {
  try {
    return Buffer.from(
      JSON.stringify(result, function (this: Record<string, unknown>, key: string, value: unknown) {
        // `value` is after any toJSON (a Date is already text): judge what the object really holds.
        const held = this[key];
        if (held === undefined) throw new Error('not kept');
        if (typeof held === 'number' && (!Number.isFinite(held) || Object.is(held, -0))) throw new Error('not kept');
        if (typeof held === 'object' && held !== null && !Array.isArray(held) && Object.getPrototypeOf(held) !== Object.prototype)
          throw new Error('not kept');
        return value;
      }).replace(NOT_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      'latin1',
    );
  } catch {
    return undefined;
  }
}

/** A stored entry read back, only if it has the shape of a result; anything else is a miss. */
function asResult(v: unknown): CheckedFile | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Partial<CheckedFile>;
  if (typeof e.parsed !== 'boolean' || !Array.isArray(e.diagnostics) || !e.diagnostics.every(isDiagnostic)) return undefined;
  if (e.data !== undefined && (!e.parsed || typeof e.data !== 'object' || e.data === null)) return undefined;
  return e as CheckedFile;
}

function isDiagnostic(d: unknown): d is Diagnostic {
  const x = d as Diagnostic | null;
  return (
    !!x &&
    typeof x.file === 'string' &&
    Number.isInteger(x.line) &&
    Number.isInteger(x.col) &&
    (x.severity === 'error' || x.severity === 'warning') &&
    typeof x.code === 'string' &&
    typeof x.message === 'string'
  );
}

function writeEntries(file: string, digest: Buffer, used: Map<string, Buffer>, prefixes: Map<string, string>): boolean {
  const ofBytes = new Set([...prefixes].filter(([what]) => what.endsWith(`\0${BYTES}`)).map(([, prefix]) => prefix));
  const entries = [...used].sort(([a], [b]) => (a < b ? -1 : 1));
  const index = Buffer.allocUnsafe(4 + entries.length * FRAME_BYTES);
  index.writeUInt32LE(entries.length, 0);
  entries.forEach(([key, payload], i) => {
    const f = 4 + i * FRAME_BYTES;
    index.write(key, f, KEY_BYTES, 'latin1');
    index[f + KEY_BYTES] = ofBytes.has(key.slice(0, KEY_BYTES / 2)) ? 1 : 0;
    index.writeUInt32LE(payload.length, f + KEY_BYTES + 1);
  });
  const body = Buffer.concat([index, ...entries.map(([, payload]) => payload)]);
  const header = Buffer.concat([MAGIC, Buffer.from([FORMAT]), digest, oneShotHash('sha256', body, 'buffer')]);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat([header, body]), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing more to do: the cache is optional
    }
    return false;
  }
  prune(dirname(file));
  return true;
}

/** Keep the cache folder bounded: at most MAX_CACHE_FILES cache files, no stale temporary files. */
function prune(dir: string): void {
  try {
    const now = Date.now();
    const files = readdirSync(dir)
      .filter((n) => /^validate-[0-9a-f]{16}-[0-9a-f]{8}\.bin(\..*\.tmp)?$/.test(n))
      .map((n) => ({ path: join(dir, n), tmp: n.endsWith('.tmp'), mtime: statSync(join(dir, n)).mtimeMs }));
    for (const f of files) if (f.tmp && now - f.mtime > STALE_TMP_MS) rmSync(f.path, { force: true });
    const caches = files.filter((f) => !f.tmp).sort((a, b) => b.mtime - a.mtime);
    for (const f of caches.slice(MAX_CACHE_FILES)) rmSync(f.path, { force: true });
  } catch {
    // another run may be pruning too; the cache is optional
  }
}
