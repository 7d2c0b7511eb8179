#!/usr/bin/env node
// clinsafe __VERSION__: the command-line tool in one file (https://github.com/clinsafe/clinsafe).
// The code and files below unpack on first use into ~/.cache/clinsafe/__BUILD__/
// ($XDG_CACHE_HOME/clinsafe or $CLINSAFE_CACHE_DIR if set; when another version unpacks, the builds
// there not run for 14 days are removed); the licences of the bundled
// open-source packages are in licenses.txt beside this file on the release page.
//
// This is the loader that scripts/bundle-cli.mjs puts in front of the payload (the __NAMES__ are
// filled in at build time). The code is two plain scripts, compiled with V8's code cache: the
// cache of each script is kept beside the unpacked files in the user's own cache folder (never in
// a repository), one per command, keyed by the script's SHA-256, the Node version and the CPU
// architecture, and checked (length and CRC-32) before V8 is given it; V8 itself refuses data made
// by another V8 or with other flags. A cache that is missing, damaged or refused is made again
// when the command ends; one that cannot be written is skipped. CLINSAFE_NO_CODE_CACHE=1 (or Node's
// own NODE_DISABLE_COMPILE_CACHE=1) turns it off; CLINSAFE_CODE_CACHE_DEBUG=1 says on stderr, as the
// command ends, what it did with each script (tests read it). See docs/security.md, "The
// single-file CLI's code cache".
// Node's modules by process.getBuiltinModule (Node 20.16+, 22.3+; engines asks 20.19 or 22.12), not
// import: an ESM import of a builtin builds a facade that reads every export once (node:fs's
// stream getters load the stream modules): a few ms of every run for nothing.
const builtin = (id) => process.getBuiltinModule(id);
const { createRequire } = builtin('node:module');
const { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } =
  builtin('node:fs');
const { homedir, tmpdir } = builtin('node:os');
const { dirname, join } = builtin('node:path');
const { pathToFileURL } = builtin('node:url');
const { Script } = builtin('node:vm');

const BUILD = '__BUILD__';
/** The scripts in the payload's dist/, each with the SHA-256 of its text. */
const SCRIPTS = JSON.parse('__SCRIPTS__');
/** The CLI's commands, each with the script it is in; each has a code cache of its own (what a command compiles differs). */
const COMMANDS = JSON.parse('__COMMANDS__');

function cacheBase() {
  if (process.env.CLINSAFE_CACHE_DIR) return process.env.CLINSAFE_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'clinsafe');
  const home = homedir();
  return home ? join(home, '.cache', 'clinsafe') : join(tmpdir(), 'clinsafe-cache');
}

async function unpackInto(dir) {
  const { brotliDecompressSync } = builtin('node:zlib');
  const raw = brotliDecompressSync(Buffer.from(payload(), 'base64'));
  const headEnd = 4 + raw.readUInt32BE(0);
  const index = JSON.parse(raw.subarray(4, headEnd).toString('utf8'));
  let at = headEnd;
  for (const [rel, size] of index) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, raw.subarray(at, at + size));
    at += size;
  }
  writeFileSync(join(dir, '.complete'), '');
}

const DAY = 24 * 60 * 60 * 1000;
/** A build not run for this long is removed when another build unpacks (an upgrade), so old versions do not pile up. */
const UNUSED_FOR = 14 * DAY;
/** A build folder (`<version>-<12 hex digits>`) or a leftover of an interrupted unpack (`...tmp-<pid>`). */
const BUILD_NAME = /^\d[\w.+-]*-[0-9a-f]{12}(\.tmp-\d+)?$/;

/** The time `dir` was last run (its `.complete` marker, touched at most once a day), or undefined. */
function lastRun(dir) {
  try {
    return statSync(join(dir, '.complete')).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Remove the other builds in `base` not run for UNUSED_FOR, and unpacks interrupted over a day ago; never fails. */
function pruneOtherBuilds(base) {
  let names = [];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (name === BUILD || !BUILD_NAME.test(name)) continue;
    const dir = join(base, name);
    let when = lastRun(dir);
    if (when === undefined && name.includes('.tmp-')) {
      try {
        when = statSync(dir).mtimeMs - UNUSED_FOR + DAY; // removed once a day old
      } catch {
        continue;
      }
    }
    if (when === undefined || now - when < UNUSED_FOR) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours to remove
    }
  }
}

let root = join(cacheBase(), BUILD);
let codeCache = !process.env.CLINSAFE_NO_CODE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE;
const ranAt = lastRun(root);
if (ranAt !== undefined && Date.now() - ranAt > DAY) {
  try {
    const now = new Date();
    utimesSync(join(root, '.complete'), now, now);
  } catch {
    // a read-only cache folder: the build may then be pruned by another version after UNUSED_FOR
  }
}
if (ranAt === undefined) {
  const tmp = `${root}.tmp-${process.pid}`;
  const remove = (dir) => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // not there, or not ours to remove
    }
  };
  try {
    remove(tmp);
    await unpackInto(tmp);
    try {
      renameSync(tmp, root);
      pruneOtherBuilds(cacheBase());
    } catch {
      remove(tmp); // another process unpacked it first
    }
  } catch {
    // No writable cache folder (read-only home, no HOME): unpack for this run only.
    remove(tmp);
    root = mkdtempSync(join(tmpdir(), 'clinsafe-run-'));
    await unpackInto(root);
    codeCache = false;
    const only = root;
    process.once('exit', () => remove(only));
  }
}

const arg = process.argv[2];
const kind = Object.hasOwn(COMMANDS, arg ?? '') ? arg : arg === '--version' || arg === '-V' ? 'version' : 'other';
// The commands that read a safety folder once and exit (issue 13, cold validate): TurboFan's
// inlining of the YAML reader's mutually recursive methods cost ~100 ms of compiler CPU for code
// that then runs for a few ms; without inlining, ~10% less CPU, the same wall time. The document
// commands (long runs, where optimised code pays) keep V8's defaults. Set before any script is
// compiled, so each command's code cache is made and used under the same flags.
if (kind === 'validate' || kind === 'check') builtin('node:v8').setFlagsFromString('--no-turbo-inlining');
const MAGIC = 'clinsafe-v8-cache\n';
const HEAD = MAGIC.length + 8; // magic, then the data's length and CRC-32 (big-endian)

let crc32;
async function loadCrc32() {
  crc32 = builtin('node:zlib').crc32;
}

/** The cached data in `file` if it is whole and undamaged (V8 checks neither), else undefined. */
function readCodeCache(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= HEAD || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const data = bytes.subarray(HEAD);
  if (bytes.readUInt32BE(MAGIC.length) !== data.length || bytes.readUInt32BE(MAGIC.length + 4) !== crc32(data)) return undefined;
  return data;
}

const report = [];
const atExit = [];
process.once('exit', () => {
  for (const f of atExit) f();
  if (process.env.CLINSAFE_CODE_CACHE_DEBUG === '1') process.stderr.write(`clinsafe code cache: ${report.join(', ') || 'no script'}\n`);
});

/** Write `script`'s code cache (temp file, then rename); never fails the command. True when written. */
function writeCodeCache(file, script) {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const data = script.createCachedData();
    const head = Buffer.alloc(HEAD);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32BE(data.length, MAGIC.length);
    head.writeUInt32BE(crc32(data), MAGIC.length + 4);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat([head, data]));
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing more to do: the next run compiles again
    }
    return false;
  }
}

const nodeRequire = createRequire(join(root, 'dist', 'clinsafe.cjs'));
const loaded = new Map();

/** Run one of the payload's scripts as a CommonJS module, through its code cache. */
function load(name) {
  if (loaded.has(name)) return loaded.get(name).exports;
  const file = join(root, 'dist', name);
  const source = readFileSync(file, 'utf8');
  const store = join(root, 'v8-cache', `${name}-${SCRIPTS[name].slice(0, 16)}-${process.version}-${process.arch}-${kind}.bin`);
  const cachedData = codeCache ? readCodeCache(store) : undefined;
  // The file is CommonJS's function wrapper around the script (written so by bundle-cli.mjs): compiled as it is read.
  const script = new Script(source, { filename: file, cachedData });
  if (!codeCache) report.push(`${name} off`);
  else if (cachedData && !script.cachedDataRejected) report.push(`${name} used`);
  else {
    // Missing, damaged (readCodeCache) or refused by V8: made again when the command ends.
    const why = cachedData ? 'refused by V8' : existsSync(store) ? 'damaged' : 'none';
    atExit.push(() => report.push(`${name} ${why}, ${writeCodeCache(store, script) ? 'written' : 'not written'}`));
  }
  const module = { exports: {} };
  loaded.set(name, module);
  script.runInThisContext()(module.exports, requireFor, module, file, dirname(file));
  return module.exports;
}

/**
 * The require the scripts get: a command's module from commands.cjs or documents.cjs, commander and io.ts (which the
 * commands share with the start) from clinsafe.cjs, the PDF libraries from pdf.cjs, each script
 * loaded on first use; the rest from Node.
 */
function requireFor(id) {
  if (id === 'clinsafe-commands') return (name) => load(COMMANDS[name]).commands[name]();
  if (id === 'clinsafe-shared:commander') return loaded.get('clinsafe.cjs').exports.commander;
  if (id === 'clinsafe-shared:io') return loaded.get('clinsafe.cjs').exports.io;
  if (id === 'pdfkit' || id === 'fontkit') return load('pdf.cjs')[id];
  return nodeRequire(id);
}
requireFor.resolve = (id, options) => nodeRequire.resolve(id, options);

if (codeCache) await loadCrc32();
globalThis.__clinsafeImportMetaUrl = pathToFileURL(join(root, 'dist', 'code-id')).href;
globalThis.__clinsafePdfkitDir = join(root, 'node_modules', 'pdfkit', 'js');
load('clinsafe.cjs');

/**
 * The payload (base64) is the comment that ends this file, read from the file on first use only:
 * as a string literal, every run's parse would scan it as a token (~3 ms of 1.2 MB).
 */
function payload() {
  const text = readFileSync(new URL(import.meta.url), 'latin1');
  const start = text.lastIndexOf(`/*${'clinsafe-payload'}:`);
  const end = start < 0 ? -1 : text.indexOf('*/', start);
  if (end < 0) throw new Error(`clinsafe: ${new URL(import.meta.url).pathname} has no payload (damaged?): download it again`);
  return text.slice(start + '/*clinsafe-payload:'.length, end);
}
/*clinsafe-payload:__PAYLOAD__*/
