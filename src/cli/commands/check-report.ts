/**
 * The heavy half of `clinsafe check`: load the safety folder at base and head, run the gate, and
 * present its result. `check.ts` imports this module only after it has started the git processes
 * that read the facts, so the parsers and the gate load while git works.
 */
import { join } from 'node:path';
import { cacheFileFor, openCheckCache, type CheckCache } from '../../adapters/check-cache.js';
import type { ChangedFile } from '../../core/impact.js';
import { enginesLoaded, EnginesNotLoaded, loadEngines } from '../../core/engines.js';
import { withYoungGenerationHeld } from '../young-generation.js';
import { loadFolder } from '../../core/folder-load.js';
import type { LoadResult, Snapshot, SnapshotFile } from '../../core/folder-types.js';
import { checkDecision, evaluateGate, type GateResult } from '../../core/gate.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { CheckedFileStore } from '../../core/ports/checked-files.js';
import type { ParseCache } from '../../core/yaml-core.js';
import { KnownTextNotText } from '../../core/text-decode.js';
import type { CliIO } from '../io.js';
import { cacheWanted } from '../load-cached.js';
import { annotation, diagnosticAnnotation } from '../output-format.js';

/**
 * `--format github`: the text report, plus workflow-command annotations — each problem in the
 * pull request's safety folder on its file and line, the gate's errors, and a warning when a CSO
 * must approve.
 */
export function githubReport(r: GateResult, headDiagnostics: Diagnostic[]): string[] {
  const lines = headDiagnostics.map(diagnosticAnnotation);
  for (const e of r.errors) lines.push(annotation('error', e.message, { title: 'clinsafe: the safety gate could not decide' }));
  if (r.requiresApproval && !r.errors.length) {
    const what = [...r.impacted.map((h) => `${h.id} ${h.title}`), ...(r.safetyFolderChanges.length ? ['the safety folder'] : [])];
    lines.push(
      annotation('warning', `CSO approval needed: this change touches ${what.join('; ')}`, { title: 'clinsafe: CSO approval needed' }),
    );
  }
  return lines;
}

/** The JSON printed by `--format json` (more fields than the minimum are allowed). */
export function checkJson(r: GateResult): object {
  return {
    decision: checkDecision(r),
    gateDecision: r.decision,
    impacted: r.impacted.map((h) => ({
      id: h.id,
      title: h.title,
      residualRisk: h.residualRisk,
      reasons: h.reasons.map((x) => ({ kind: x.kind, detail: x.detail })),
    })),
    safetyFolderChanges: r.safetyFolderChanges,
    alwaysImpacted: r.alwaysImpacted,
    hazardLogChanges: r.hazardLogChanges.map((c) => ({ id: c.id, change: c.change, details: c.details })),
    reverify: r.reverify,
    approval: r.approval,
    notes: r.notes,
    errors: r.errors.map((e) => e.message),
  };
}

function textReport(r: GateResult): string[] {
  const lines: string[] = [];
  const head = r.headSha.slice(0, 7);
  if (r.errors.length) {
    lines.push(`✗ the safety gate could not decide for ${head} — treat as blocked:`);
    for (const e of r.errors) lines.push(`  ${e.message}`);
  } else if (!r.requiresApproval) lines.push(`✓ no clinical safety impact at ${head}: no CSO approval needed`);
  else
    lines.push(
      `! CSO approval needed at ${head}: touches ${r.impacted.length} hazard(s)${r.safetyFolderChanges.length ? ' and the safety folder' : ''}`,
    );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const h of r.impacted) {
    lines.push(`  ${h.id}  ${h.title}  (residual risk ${h.residualRisk})`);
    for (const x of h.reasons) lines.push(`      ${x.detail}`);
  }
  if (r.safetyFolderChanges.length) {
    lines.push('  safety folder changed:');
    for (const f of r.safetyFolderChanges) lines.push(`      ${f}`);
  }
  if (r.hazardLogChanges.length) {
    lines.push('  hazard log changes:');
    for (const c of r.hazardLogChanges) {
      lines.push(`      ${c.id} ${c.change}`);
      for (const d of c.details) lines.push(`          ${d.summary}`);
    }
  }
  if (r.reverify.length) {
    lines.push('  evidence to re-check:');
    for (const x of r.reverify) lines.push(`      ${x.hazard} ${x.control}: ${x.evidence} (${x.change})`);
  }
  if (r.requiresApproval && !r.errors.length) {
    const who = r.roster.map((c) => `${c.name} (${c.github})`).join(', ') || 'nobody: the roster is empty';
    lines.push(`  may approve: ${who}`);
  }
  return lines.map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?'));
}

/** What git read for the change: the files it touches and the safety folder at base and head. */
export interface CheckFacts {
  /** The repository's top level (where the parse cache of its safety folder is found). */
  root: string;
  headSha: string;
  changes: ChangedFile[];
  /** The safety folder at base and head; `tree` (when known) is the folder's git tree SHA. */
  base: { dir: string; files: SnapshotFile[]; tree?: string };
  head: { dir: string; files: SnapshotFile[]; tree?: string };
  /** Whether each repository-relative path exists at base (0) or head (1): asked of git only for the paths the folders cite. */
  pathsExist(commit: 0 | 1, paths: string[]): Promise<boolean[]>;
  /** Lets the git process that answers `pathsExist` end. */
  close(): void;
}

export interface CheckRequest {
  labels: string[];
  author: string;
  dir: string;
  format: string;
  /** Whether --no-cache was not given: the parse cache (README, "The parse cache") is used unless CLINSAFE_NO_CACHE=1 too. */
  cache: boolean;
}

/**
 * Base and head, sharing parses within the run (their unchanged blobs are the same bytes) and, given
 * a store, across runs. `shared`: the two folders are the same tree and every path they cite has the
 * same answer at both commits, so head's load (pure) would be base's — it is not run again.
 */
function loadBoth(snapshots: [Snapshot, Snapshot], shared: boolean, store?: CheckedFileStore): [LoadResult, LoadResult] {
  const parseCache: ParseCache = new Map();
  const base = loadFolder(snapshots[0], { parseCache, store });
  return [base, shared ? base : loadFolder(snapshots[1], { parseCache, store })];
}

/**
 * Base and head loaded with each cited path's existence asked of git only for the paths the loads
 * ask about (the whole tree is never listed). A path not known yet is taken to exist; git then
 * answers for those paths, and when any of them does not exist the (pure) load runs again with the
 * answers. When both folders are the same tree, only base is loaded, and head takes its result if
 * every path base asked about has the same answer at head (otherwise both are loaded). The result
 * is the loads' with every answer right.
 */
async function loadWithPaths(
  facts: CheckFacts,
  load: (snapshots: [Snapshot, Snapshot], shared: boolean) => Promise<[LoadResult, LoadResult]>,
  restart: () => void,
): Promise<[LoadResult, LoadResult]> {
  const known = [new Map<string, boolean>(), new Map<string, boolean>()] as const;
  let shared = facts.base.tree !== undefined && facts.base.tree === facts.head.tree;
  for (;;) {
    const used = [new Set<string>(), new Set<string>()] as const;
    const at = (i: 0 | 1, f: CheckFacts['base']): Snapshot => ({
      dir: f.dir,
      files: f.files,
      exists: (p) => {
        const path = p.replace(/\/+$/, '');
        used[i].add(path);
        return known[i].get(path) ?? true;
      },
    });
    const loaded = await load([at(0, facts.base), at(1, facts.head)], shared);
    const toAsk = ([0, 1] as const).map((i) => [...used[shared ? 0 : i]].filter((p) => !known[i].has(p)));
    const answers = await Promise.all(toAsk.map((paths, i) => (paths.length ? facts.pathsExist(i as 0 | 1, paths) : [])));
    answers.forEach((a, i) => a.forEach((yes, j) => known[i]!.set(toAsk[i]![j]!, yes)));
    // Paths a load was told exist before git answered: right only if they do.
    const guessedRight = answers.every((a, i) => (shared && i === 1) || a.every(Boolean));
    if (shared && ![...used[0]].every((p) => known[0].get(p) === known[1].get(p))) shared = false;
    else if (guessedRight) return loaded;
    restart();
  }
}

/**
 * The cache file of `check` for this safety folder: validate's scheme (same place, format and
 * bounds), under a name of its own. A write keeps only the entries its run used, so one file shared
 * with validate (the work tree) would be rewritten by each command in turn, base's entries dropped
 * by validate and parsed again by the next check.
 */
export function checkCacheFile(root: string, dir: string, env: NodeJS.ProcessEnv): string {
  return cacheFileFor(`${join(root, dir)}\0check`, root, env);
}

/** What `prepareLoad` started: the parse cache read (when on), the parsers loading (when needed for sure). */
export interface PreparedLoad {
  cache?: CheckCache;
  engines?: Promise<void>;
}

/**
 * Started while git still reads the change: the parse cache (validate's, src/adapters/check-cache.ts:
 * per-file results keyed by a SHA-256 of each file's bytes — base and head share their unchanged
 * files, a later check every file version it has seen) is read, and the YAML and schema libraries
 * start loading when every file will be parsed (no cache, or none stored yet).
 */
export function prepareLoad(io: CliIO, root: string, req: CheckRequest): PreparedLoad {
  if (!cacheWanted(io, { cache: req.cache })) return { engines: loadEngines() };
  const cache = openCheckCache(checkCacheFile(root, req.dir, io.env ?? {}));
  return { cache, ...(cache.stats.found !== 'loaded' ? { engines: loadEngines() } : {}) };
}

/**
 * The safety folder at base and head. As in validate, with a loaded cache the libraries are loaded
 * only when a file must be parsed or a diagnostic placed (the load is pure and runs again with them).
 */
async function loadSnapshots(io: CliIO, facts: CheckFacts, prepared: PreparedLoad): Promise<[LoadResult, LoadResult]> {
  await prepared.engines;
  const { cache } = prepared;
  if (!cache)
    return withYoungGenerationHeld(() =>
      loadWithPaths(
        facts,
        async (snaps, shared) => loadBoth(snaps, shared),
        () => {},
      ),
    );
  const load = async (snaps: [Snapshot, Snapshot], shared: boolean): Promise<[LoadResult, LoadResult]> => {
    for (;;) {
      try {
        return loadBoth(snaps, shared, cache.store);
      } catch (e) {
        // A file the cache knew as text that does not decode (a cache that lied): once more, every file decoded.
        if (e instanceof KnownTextNotText) cache.restart(true);
        else if (e instanceof EnginesNotLoaded && !enginesLoaded()) {
          await loadEngines();
          cache.restart();
        } else throw e;
      }
    }
  };
  const loading = () => loadWithPaths(facts, load, () => cache.restart());
  // Every file parsed (nothing stored to read): V8's young generation held at its size (young-generation.ts).
  const loaded = await (cache.stats.found !== 'loaded' ? withYoungGenerationHeld(loading) : loading());
  cache.save();
  if (io.env?.CLINSAFE_CACHE_DEBUG) io.err(cacheReport(cache));
  return loaded;
}

/** One line for CLINSAFE_CACHE_DEBUG=1, as validate prints it (tests and benchmarks read it). */
function cacheReport(c: CheckCache): string {
  const s = c.stats;
  const parsers = enginesLoaded() ? 'parsers loaded' : 'parsers not loaded';
  return `clinsafe cache: ${s.hits} hits, ${s.misses} misses, file ${s.found}, ${s.written ? 'written' : 'not written'}, ${parsers} (${c.file})`;
}

/** Decide and print; returns the exit code (0 no CSO approval needed, 2 needed, 1 error). */
export async function reportCheck(
  io: CliIO,
  facts: CheckFacts,
  req: CheckRequest,
  prepared: PreparedLoad = prepareLoad(io, facts.root, req),
): Promise<number> {
  const [base, head] = await loadSnapshots(io, facts, prepared);
  const result = evaluateGate({
    changes: facts.changes,
    labels: req.labels,
    author: req.author,
    commitAuthors: [],
    headSha: facts.headSha,
    base,
    head,
    reviews: [],
    safetyDir: req.dir,
  });
  if (req.format === 'json') io.out(JSON.stringify(checkJson(result), null, 2));
  else if (req.format === 'markdown') io.out((await import('../../core/gate-comment.js')).renderGateComment(result));
  else {
    if (req.format === 'github') for (const l of githubReport(result, head.diagnostics)) io.out(l);
    for (const l of textReport(result)) (result.errors.length ? io.err : io.out)(l);
  }
  return result.errors.length ? 1 : result.requiresApproval ? 2 : 0;
}
