/**
 * The CLI's parse cache: one file per safety folder holding each safety file's parse and schema
 * check (a `CheckedFileStore`, src/core/ports/checked-files.ts), keyed by a SHA-256 of the file's
 * text, the schema variant and where the text starts, under a digest of clinsafe's version and the
 * code that produces the results. It holds no decision: cross-file and repository checks always run.
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
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CheckedFile, CheckedFileKey, CheckedFileStore } from '../core/ports/checked-files.js';

const require = createRequire(import.meta.url);
/** node:crypto, loaded on first use: a run without the parse cache (CLINSAFE_NO_CACHE=1, --no-cache) never hashes. */
let cryptoModule: typeof import('node:crypto') | undefined;
const crypto = (): typeof import('node:crypto') => (cryptoModule ??= require('node:crypto') as typeof import('node:crypto'));
const createHash: typeof import('node:crypto').createHash = (...args) => crypto().createHash(...args);
const oneShotHash: typeof import('node:crypto').hash = (...args: Parameters<typeof import('node:crypto').hash>) =>
  crypto().hash(...args) as never;

const MAGIC = Buffer.from('clinsafe parse cache\n', 'latin1');
const FORMAT = 2;
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + 1 + DIGEST_BYTES + DIGEST_BYTES;
const KEY_BYTES = 32;
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
  /** Forget what this run used and counted (a load that stopped part-way is run again). */
  restart(): void;
  readonly stats: CacheStats;
  readonly file: string;
}

/** Where the cache of the safety folder `safetyDirAbs` (in the repository at `repoRoot`, if any) lives. */
export function cacheFileFor(
  safetyDirAbs: string,
  repoRoot: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  digest: Buffer = codeDigest(),
): string {
  const gitDir = !env.CLINSAFE_CACHE_DIR && repoRoot ? gitDirOf(repoRoot) : undefined;
  const base = gitDir ? join(gitDir, 'clinsafe-cache') : join(userCacheBase(env), 'folders');
  const name = createHash('sha256').update(resolve(safetyDirAbs)).digest('hex').slice(0, 16);
  // Named by the code too: two clinsafe builds used in turn (dist and the bundle, two versions) each keep theirs.
  return join(base, `validate-${name}-${digest.toString('hex').slice(0, 8)}.bin`);
}

function userCacheBase(env: NodeJS.ProcessEnv): string {
  if (env.CLINSAFE_CACHE_DIR) return env.CLINSAFE_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'clinsafe');
  const home = homedir();
  return home ? join(home, '.cache', 'clinsafe') : join(tmpdir(), 'clinsafe-cache');
}

/** The repository's git directory: `.git` itself, or the directory a `.git` file points at (worktrees, submodules). */
function gitDirOf(repoRoot: string): string | undefined {
  const dotGit = join(repoRoot, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return undefined;
    const dir = resolve(repoRoot, m[1]!);
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}

let codeDigestMemo: Buffer | undefined;

/**
 * The core modules whose code decides a stored result: the YAML reading, the schemas (and the
 * values and primitives they are built from) and the shape check with its messages.
 * test/validate-cache.test.ts checks that each exists.
 */
export const RESULT_MODULES = [
  'yaml-core',
  'yaml-fast',
  'yaml-plain',
  'yaml-plain-keys',
  'text-decode',
  'schema',
  'schema-values',
  'schema-primitives',
  'release-record-schema',
  'provenance',
  'validate-shape',
  'schema-fast',
  'checked-read',
  'risk',
];

/**
 * What the stored results depend on besides a file's text: clinsafe's version, the compiled code
 * that parses and checks a file (the schemas included), and the YAML and schema libraries' versions.
 * From the single-file bundle, where these modules are one file, that file.
 */
export function codeDigest(): Buffer {
  if (codeDigestMemo) return codeDigestMemo;
  const hash = createHash('sha256').update(`format ${FORMAT}\n`);
  const here = fileURLToPath(import.meta.url);
  let whole = false;
  const ext = here.endsWith('.ts') ? 'ts' : 'js';
  for (const m of RESULT_MODULES) {
    try {
      hash.update(readFileSync(join(dirname(here), '..', 'core', `${m}.${ext}`)));
    } catch {
      whole = true;
    }
  }
  if (whole) hash.update(readFileSync(here));
  for (const name of ['clinsafe', 'yaml', 'js-yaml', 'zod']) {
    try {
      const pkg = name === 'clinsafe' ? findOwnPackageJson(here) : packageJsonOf(name, here);
      if (pkg) hash.update(`${name} ${(JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version}\n`);
    } catch {
      hash.update(`${name} ?\n`);
    }
  }
  return (codeDigestMemo = hash.digest());
}

/**
 * Where Node's resolution finds package `name`'s package.json from file `from`: the nearest
 * `node_modules/<name>` on the way up (folders named node_modules skipped). Looked up with the file
 * system rather than createRequire, whose module (node:module) costs ~2 ms of every start.
 */
function packageJsonOf(name: string, from: string): string {
  for (let dir = dirname(from); ;) {
    if (basename(dir) !== 'node_modules') {
      const pkg = join(dir, 'node_modules', name, 'package.json');
      try {
        statSync(pkg);
        return pkg;
      } catch {
        // not here: look further up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name} not found`);
    dir = parent;
  }
}

function findOwnPackageJson(from: string): string | undefined {
  for (let dir = dirname(from), i = 0; i < 6; i++, dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'clinsafe') return pkg;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Open (read) the cache file; returns a store for one load and `save` for the end of the run. */
export function openCheckCache(file: string, digest: Buffer = codeDigest()): CheckCache {
  const stats: CacheStats = { hits: 0, misses: 0, found: 'absent', written: false };
  const stored = readEntries(file, digest, stats);
  const used = new Map<string, Buffer>();
  const keyOf = new WeakMap<CheckedFileKey, string>();
  let changed = stats.found !== 'loaded';
  const hashKey = (key: CheckedFileKey): string => {
    let k = keyOf.get(key);
    if (k === undefined) {
      // The content hashed on its own (prefixing it would copy a megabyte-sized string to flatten
      // it), as the file's bytes when the key has them (no re-encoding of the text), else as text.
      const content = key.bytes ? `bytes ${oneShotHash('sha256', key.bytes, 'hex')}` : `text ${oneShotHash('sha256', key.text, 'hex')}`;
      k = oneShotHash('sha256', `${key.kind}\0${key.schema}\0${key.lineOffset}\0${content}`, 'hex');
      keyOf.set(key, k);
    }
    return k;
  };
  const store: CheckedFileStore = {
    get(key) {
      const k = hashKey(key);
      const payload = stored.get(k);
      const entry = payload && readEntry(payload);
      if (!entry) {
        if (payload) changed = true;
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      used.set(k, payload);
      return entry;
    },
    put(key, result) {
      const payload = exactJson(result);
      if (payload === undefined) return;
      used.set(hashKey(key), payload);
      changed = true;
    },
  };
  return {
    store,
    stats,
    file,
    restart() {
      used.clear();
      stats.hits = 0;
      stats.misses = 0;
    },
    save() {
      if (!changed && used.size === stored.size) return;
      stats.written = writeEntries(file, digest, used);
    },
  };
}

function readEntries(file: string, digest: Buffer, stats: CacheStats): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let buf: Buffer;
  try {
    if (statSync(file).size > MAX_CACHE_BYTES) {
      stats.found = 'ignored';
      return entries;
    }
    buf = readFileSync(file);
  } catch {
    return entries;
  }
  stats.found = 'ignored';
  if (buf.length < HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC) || buf[MAGIC.length] !== FORMAT) return entries;
  let at = MAGIC.length + 1;
  if (!buf.subarray(at, at + DIGEST_BYTES).equals(digest)) return entries;
  at += DIGEST_BYTES;
  const checksum = buf.subarray(at, at + DIGEST_BYTES);
  const body = buf.subarray(HEADER_BYTES);
  if (!oneShotHash('sha256', body, 'buffer').equals(checksum)) return entries;
  for (let i = 0; i < body.length;) {
    if (i + KEY_BYTES + 4 > body.length) return new Map();
    const key = body.toString('hex', i, i + KEY_BYTES);
    const length = body.readUInt32LE(i + KEY_BYTES);
    i += KEY_BYTES + 4;
    if (i + length > body.length) return new Map();
    entries.set(key, body.subarray(i, i + length));
    i += length;
  }
  stats.found = 'loaded';
  return entries;
}

/**
 * A result as JSON, only if JSON gives it back exactly: plain objects, arrays, strings, booleans,
 * null and finite numbers other than -0. Anything else (undefined, NaN, a class instance) is not kept.
 */
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
      }),
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** A stored payload read back, only if it has the shape of a result; anything else is a miss. */
function readEntry(payload: Buffer): CheckedFile | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
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

function writeEntries(file: string, digest: Buffer, used: Map<string, Buffer>): boolean {
  const parts: Buffer[] = [];
  for (const [key, payload] of [...used].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const frame = Buffer.allocUnsafe(KEY_BYTES + 4);
    frame.write(key, 0, 'hex');
    frame.writeUInt32LE(payload.length, KEY_BYTES);
    parts.push(frame, payload);
  }
  const body = Buffer.concat(parts);
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
