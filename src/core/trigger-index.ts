/**
 * Trigger matching for the gate's impact decision (impact.ts), pure. Trigger globs follow the
 * gitignore-like semantics of `globs.ts`. They are compiled once per configuration into a
 * `TriggerIndex`: each pattern is filed under the literal part of its path (a leading directory
 * such as `src/patient`, a file or directory name, or an extension), so a changed file is only
 * tested against the patterns that could possibly match it. `gate.alwaysImpacted` globs are
 * compiled the same way (`compileAlways`).
 */
import picomatch from 'picomatch';
import type { Hazard } from './folder-types.js';
import { parseTriggerPattern, PICOMATCH_OPTIONS } from './globs.js';

export interface PatternEntry {
  hazard: number;
  order: number;
  source: string;
  negated: boolean;
  test: (path: string) => boolean;
}

export interface TriggerIndex {
  hazards: Hazard[];
  /** Anchored patterns by their literal leading path (a directory or a file). */
  byPrefix: Map<string, PatternEntry[]>;
  /** Unanchored patterns by the literal name they match at any depth. */
  byName: Map<string, PatternEntry[]>;
  /** Unanchored `*.ext` patterns by extension (without the dot). */
  byExt: Map<string, PatternEntry[]>;
  /** Patterns with no literal part usable as a key: tested against every file. */
  always: PatternEntry[];
  /** Labels (lower-cased) → hazard indexes. */
  labels: Map<string, number[]>;
  patternCount: number;
  /** How a path or pattern is compared: NFC, and lower-cased unless matching is case-sensitive. */
  key: (s: string) => string;
  /** Whether `key` keeps case (`gate.caseSensitivePaths`); otherwise it is `pathKey()`'s form. */
  caseSensitive: boolean;
}

export interface MatchOptions {
  /** `gate.caseSensitivePaths`: false (the default) matches `SRC/Patient/x.ts` against `src/patient/**`. */
  caseSensitive?: boolean;
}

/**
 * The form paths and patterns are compared in: Unicode NFC, lower-cased unless case-sensitive.
 * ASCII text is its own NFC form, so it skips the (ICU) normalisation: ~0.5 µs a path, 3,000 paths a PR.
 */
export function pathKey(opts: MatchOptions = {}): (s: string) => string {
  return opts.caseSensitive ? nfc : (s) => nfc(s).toLowerCase();
}

const NOT_ASCII = /[^\x00-\x7f]/;
const nfc = (s: string): string => (NOT_ASCII.test(s) ? s.normalize('NFC') : s);

const GLOB_CHARS = /[*?[\]{}()!+@\\]/;

function push<K>(map: Map<K, PatternEntry[]>, key: K, e: PatternEntry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

/**
 * Compile the triggers of the hazards in force (retired hazards have no triggers that count).
 * Do this once per configuration; `impactOfFiles` then tests each file only against candidates.
 */
export function compileTriggers(hazards: readonly Hazard[], opts: MatchOptions = {}): TriggerIndex {
  const key = pathKey(opts);
  const index: TriggerIndex = {
    hazards: [...hazards],
    byPrefix: new Map(),
    byName: new Map(),
    byExt: new Map(),
    always: [],
    labels: new Map(),
    patternCount: 0,
    key,
    caseSensitive: Boolean(opts.caseSensitive),
  };
  hazards.forEach((h, hi) => {
    if (h.status === 'retired') return;
    h.triggers.paths.forEach((original, order) => {
      const source = key(original);
      const { parsed, body, anchored, segments } = patternShape(source);
      let test = literalTest(body, anchored, segments);
      if (!test) {
        try {
          test = globsTest(parsed.globs);
        } catch {
          // An unparseable glob is reported by validation; here it can only widen impact, never narrow it.
          test = () => true;
        }
      }
      const entry: PatternEntry = { hazard: hi, order, source: original, negated: parsed.negated, test };
      index.patternCount++;
      if (anchored) {
        const literal: string[] = [];
        for (const s of segments) {
          if (GLOB_CHARS.test(s) || s === '') break;
          literal.push(s);
        }
        if (literal.length === 0) index.always.push(entry);
        else push(index.byPrefix, literal.join('/'), entry);
      } else if (!GLOB_CHARS.test(body)) {
        push(index.byName, body, entry);
      } else {
        const ext = /^\*\.([^*?[\]{}()!+@\\/]+)$/.exec(body);
        if (ext && !ext[1]!.includes('.')) push(index.byExt, ext[1]!, entry);
        else index.always.push(entry);
      }
    });
    for (const label of h.triggers.labels) {
      const key = label.toLowerCase();
      const list = index.labels.get(key) ?? [];
      if (!list.includes(hi)) list.push(hi);
      index.labels.set(key, list);
    }
  });
  return index;
}

/** A trigger pattern's parts: its globs, its body (no `!`, no leading or trailing `/`), whether it is anchored at the root. */
function patternShape(source: string) {
  const parsed = parseTriggerPattern(source);
  const body = (parsed.negated ? source.slice(1) : source).replace(/^\//, '').replace(/\/+$/, '');
  const anchored = source.replace(/^!/, '').startsWith('/') || body.includes('/');
  return { parsed, body, anchored, segments: body.split('/') };
}

/** A test for a list of globs: their compiled regular expressions (what picomatch's matcher runs). */
function globsTest(globs: string[]): (p: string) => boolean {
  const res = globs.map((g) => picomatch.makeRe(g, PICOMATCH_OPTIONS));
  return (p) => res.some((re) => re.test(p));
}

const isLiteral = (seg: string) => seg !== '' && seg !== '.' && seg !== '..' && !GLOB_CHARS.test(seg);

/**
 * Plain string tests for the commonest patterns, equivalent to their globs (checked against
 * picomatch by the tests): a literal path or `literal/**` (the path itself or anything under it),
 * and a literal name at any depth.
 */
function literalTest(body: string, anchored: boolean, segments: string[]): ((p: string) => boolean) | undefined {
  if (anchored) {
    const lits = segments.at(-1) === '**' && segments.length > 1 ? segments.slice(0, -1) : segments;
    if (!lits.every(isLiteral)) return undefined;
    const lit = lits.join('/');
    const under = `${lit}/`;
    return (p) => p === lit || p.startsWith(under);
  }
  if (!isLiteral(body)) return undefined;
  const first = `${body}/`;
  const last = `/${body}`;
  const mid = `/${body}/`;
  return (p) => p === body || p.startsWith(first) || p.endsWith(last) || p.includes(mid);
}

/**
 * The patterns that could match `path` (from the index) and do. Each segment is looked up as it
 * is found (no split, no copies): a PR's thousands of paths mostly have no candidate at all.
 */
export function hitsFor(index: TriggerIndex, path: string): PatternEntry[] {
  let out: PatternEntry[] | undefined;
  const take = (list: PatternEntry[] | undefined) => {
    if (list) for (const e of list) if (e.test(path)) (out ??= []).push(e);
  };
  take(index.always);
  const checkNames = index.byName.size > 0;
  const checkExts = index.byExt.size > 0;
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    take(index.byPrefix.get(end === path.length ? path : path.slice(0, end)));
    if (checkNames || checkExts) {
      const seg = path.slice(start, end);
      if (checkNames) take(index.byName.get(seg));
      const dot = checkExts ? seg.lastIndexOf('.') : -1;
      if (dot >= 0) take(index.byExt.get(seg.slice(dot + 1)));
    }
    if (slash < 0) break;
    start = slash + 1;
  }
  return out ?? NO_HITS;
}

const NO_HITS: PatternEntry[] = [];

/**
 * For one path: hazard index → the (non-negated) patterns that match it, honouring negation
 * within each hazard's ordered list (the last matching pattern wins, as in .gitignore).
 */
export function matchPath(index: TriggerIndex, original: string): Map<number, string[]> {
  return byHazard(hitsFor(index, index.key(original)));
}

/** The patterns that matched, by hazard, the last matching pattern of each hazard deciding. */
export function byHazard(hits: PatternEntry[]): Map<number, string[]> {
  const result = new Map<number, string[]>();
  if (hits.length === 0) return result;
  hits.sort((a, b) => a.hazard - b.hazard || a.order - b.order);
  let i = 0;
  while (i < hits.length) {
    const h = hits[i]!.hazard;
    let matched: string[] = [];
    for (; i < hits.length && hits[i]!.hazard === h; i++) {
      const e = hits[i]!;
      if (e.negated) matched = [];
      else if (!matched.includes(e.source)) matched.push(e.source);
    }
    if (matched.length) result.set(h, matched);
  }
  return result;
}

/** The `gate.alwaysImpacted` globs: for a path (in `key`'s form), the patterns that match it, the last matching pattern deciding. */
export function compileAlways(patterns: string[], key: (s: string) => string): (path: string) => string[] {
  const compiled = patterns.map((p) => {
    const { parsed, body, anchored, segments } = patternShape(key(p));
    // A literal path or `literal/**` is a string test (as for triggers); any other glob, picomatch's matcher.
    let test = literalTest(body, anchored, segments);
    if (!test)
      try {
        test = picomatch(parsed.globs, PICOMATCH_OPTIONS);
      } catch {
        test = () => true;
      }
    return { source: p, negated: parsed.negated, test };
  });
  return (path) => {
    let hits: string[] = [];
    for (const c of compiled) if (c.test(path)) hits = c.negated ? [] : [...hits, c.source];
    return hits;
  };
}
