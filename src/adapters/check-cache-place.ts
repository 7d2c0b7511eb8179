/**
 * Where the CLI's parse cache (check-cache.ts) keeps a safety folder's file, and the digest of the
 * code its results depend on (a cache file written by another build, or in another format, is
 * never read as this one's).
 */
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** node:crypto, loaded on first use. */
const createHash: typeof import('node:crypto').createHash = (...args) =>
  (require('node:crypto') as typeof import('node:crypto')).createHash(...args);

/** The cache file's format (check-cache.ts): part of the digest, so a file of another format is another file. */
export const FORMAT = 3;

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
  'yaml-plain-scalars',
  'text-decode',
  'schema',
  'schema-values',
  'schema-primitives',
  'release-record-schema',
  'provenance',
  'validate-shape',
  'schema-fast',
  'schema-fast-describe',
  'schema-fast-built',
  'checked-read',
  'engines',
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
