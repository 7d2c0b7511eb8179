/**
 * Impact of a change on the hazard log (pure). Which hazards a pull request touches and why, the
 * hazard-log delta base → head, and the controls whose evidence the change itself edits.
 *
 * Trigger globs follow the gitignore-like semantics of `globs.ts`. They are compiled once per
 * configuration into a `TriggerIndex`: each pattern is filed under the literal part of its path
 * (a leading directory such as `src/patient`, a file or directory name, or an extension), so a
 * changed file is only tested against the patterns that could possibly match it. A file can
 * impact several hazards (union); a rename matches on both its old and its new name.
 */
import picomatch from 'picomatch';
import type { Hazard, SafetyFolder } from './folder-types.js';
import { parseTriggerPattern, PICOMATCH_OPTIONS } from './globs.js';
import { compareIdsNumeric } from './id-order.js';
import { ownerKind } from './owners.js';
import type { RiskScheme } from './risk.js';

/** One changed file as GitHub (or git) reports it. */
export interface ChangedFile {
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  filename: string;
  previousFilename?: string | undefined;
}

export type ReasonKind = 'path' | 'label' | 'safety-folder' | 'hazard-log';

export interface ImpactReason {
  kind: ReasonKind;
  /** Plain-language explanation, e.g. `src/patient/banner.ts matches src/patient/**`. */
  detail: string;
  file?: string;
  pattern?: string;
  label?: string;
}

export interface ImpactedHazard {
  id: string;
  title: string;
  /** Residual risk rating value under the scheme in force. */
  residualRisk: number;
  /** What the residual rests on when planned controls count (acceptability.ts residualQualifier). */
  residualNote?: string;
  reasons: ImpactReason[];
}

// ---------------------------------------------------------------------------------------------
// Trigger index

interface PatternEntry {
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
function hitsFor(index: TriggerIndex, path: string): PatternEntry[] {
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
function byHazard(hits: PatternEntry[]): Map<number, string[]> {
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

// ---------------------------------------------------------------------------------------------
// Impact

export interface Impact {
  impacted: ImpactedHazard[];
  /** Changed files inside the safety folder (always impacted, always need a CSO). */
  safetyFolderChanges: string[];
  /** Changed files matching `gate.alwaysImpacted` globs. */
  alwaysImpacted: { file: string; pattern: string }[];
}

/** Whether a path is the folder `dir` or inside it, both compared in `key`'s form. */
function inDirTest(dir: string, key: (s: string) => string): (keyed: string) => boolean {
  const d = key(dir.replace(/^\.\/?/, '').replace(/\/+$/, ''));
  const under = `${d}/`;
  return (p) => d === '' || p === d || p.startsWith(under);
}

/** Names a changed file is matched on: its name, and its previous name for a rename. */
export function namesOf(f: ChangedFile): string[] {
  return f.previousFilename && f.previousFilename !== f.filename ? [f.filename, f.previousFilename] : [f.filename];
}

/**
 * Which hazards of `folder` (the configuration at the BASE commit) the changed files and labels
 * impact, with every reason.
 */
export function computeImpact(
  folder: SafetyFolder,
  changes: readonly ChangedFile[],
  labels: readonly string[],
  safetyDir: string,
  index: TriggerIndex = compileTriggers(folder.hazards, { caseSensitive: folder.config.gate.caseSensitivePaths }),
): Impact {
  const reasons = new Map<number, ImpactReason[]>();
  const add = (h: number, r: ImpactReason) => {
    const list = reasons.get(h) ?? [];
    list.push(r);
    reasons.set(h, list);
  };
  const safetyFolderChanges: string[] = [];
  const always = folder.config.gate.alwaysImpacted.length ? compileAlways(folder.config.gate.alwaysImpacted, index.key) : undefined;
  const alwaysImpacted: { file: string; pattern: string }[] = [];
  // The safety folder is matched case-insensitively and NFC-normalised whatever the setting: more impact, never less.
  const folderKey = pathKey();
  const inSafetyDir = inDirTest(safetyDir, folderKey);
  const seen = new Set<string>();
  for (const f of changes) {
    for (const name of namesOf(f)) {
      const key = index.key(name);
      // The default setting compares paths in the folder's own form: one key serves both.
      if (inSafetyDir(index.caseSensitive ? folderKey(name) : key) && !seen.has(name)) {
        seen.add(name);
        safetyFolderChanges.push(name);
      }
      if (always) for (const pattern of always(key)) alwaysImpacted.push({ file: name, pattern });
      const hits = hitsFor(index, key);
      if (hits.length === 0) continue;
      for (const [h, patterns] of byHazard(hits)) {
        const how = name === f.filename ? '' : ` (renamed to ${f.filename})`;
        for (const pattern of patterns) add(h, { kind: 'path', detail: `${name}${how} matches ${pattern}`, file: name, pattern });
      }
    }
  }
  const seenLabels = new Set<string>();
  for (const label of labels) {
    const key = label.toLowerCase();
    if (seenLabels.has(key)) continue;
    seenLabels.add(key);
    for (const h of index.labels.get(key) ?? []) add(h, { kind: 'label', detail: `label ${label}`, label });
  }
  const impacted = [...reasons.entries()]
    .sort(([a], [b]) => a - b)
    .map(([h, rs]) => {
      const hz = index.hazards[h]!;
      return { id: hz.id, title: hz.title, residualRisk: hz.residual.risk, reasons: rs };
    });
  return { impacted, safetyFolderChanges, alwaysImpacted };
}

function compileAlways(patterns: string[], key: (s: string) => string): (path: string) => string[] {
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

// ---------------------------------------------------------------------------------------------
// Hazard-log delta

export type Direction = 'up' | 'down' | 'same';

export type ChangeDetail =
  | {
      kind: 'risk';
      which: 'initial' | 'residual';
      before: { severity: string; likelihood: string; risk: number };
      after: { severity: string; likelihood: string; risk: number };
      direction: Direction;
      summary: string;
    }
  | { kind: 'status'; before: string; after: string; summary: string }
  | { kind: 'control-added'; control: string; type: string; owner: string; status: string; summary: string }
  | { kind: 'control-removed'; control: string; summary: string }
  | { kind: 'control-changed'; control: string; field: 'type' | 'owner' | 'status'; before: string; after: string; summary: string }
  | { kind: 'evidence-removed'; control: string; evidence: string; summary: string }
  | { kind: 'triggers-narrowed'; removedPaths: string[]; addedExclusions: string[]; removedLabels: string[]; summary: string }
  | { kind: 'fields'; fields: string[]; summary: string }
  | { kind: 'deleted'; file: string; summary: string }
  | { kind: 'added'; title: string; residualRisk: number; summary: string }
  | { kind: 'retired'; reason: string; summary: string }
  /** A text a CSO reads changed: the justification, or a control's description (before → after). */
  | {
      kind: 'text-changed';
      field: 'justification' | 'control-description';
      control?: string;
      before: string;
      after: string;
      summary: string;
    };

export interface HazardChange {
  id: string;
  title: string;
  change: 'added' | 'modified' | 'retired' | 'deleted';
  details: ChangeDetail[];
  /** Before or after the change, the hazard is transferred or holds controls of a deploying organisation: they must be told. */
  deployers?: boolean;
}

const TRACKED_FIELDS = [
  'title',
  'description',
  'clinicalImpact',
  'causes',
  'existingControls',
  'justification',
  'operationalConstraints',
  'actions',
  'transferredTo',
  'owner',
  'assumptions',
  'draft',
] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function riskDetail(
  which: 'initial' | 'residual',
  a: Hazard['initial'],
  b: Hazard['initial'],
  scheme: RiskScheme,
): ChangeDetail | undefined {
  if (a.severity === b.severity && a.likelihood === b.likelihood && a.risk === b.risk) return undefined;
  const direction: Direction = b.risk > a.risk ? 'up' : b.risk < a.risk ? 'down' : 'same';
  const name = (v: number) => scheme.ratings.find((r) => r.value === v)?.name;
  const fmt = (x: Hazard['initial']) =>
    `${x.risk}${name(x.risk) ? ` (${name(x.risk)})` : ''}: ${x.severity} severity, ${x.likelihood} likelihood`;
  const word = direction === 'up' ? 'went up' : direction === 'down' ? 'went down' : 'was re-assessed at the same rating';
  return {
    kind: 'risk',
    which,
    before: { severity: a.severity, likelihood: a.likelihood, risk: a.risk },
    after: { severity: b.severity, likelihood: b.likelihood, risk: b.risk },
    direction,
    summary: `${which} risk ${word}: ${fmt(a)} → ${fmt(b)}`,
  };
}

/** Flag changes to hazards that are transferred or hold deploying organisations' controls, before or after. */
function markDeployers(changes: HazardChange[], before: Map<string, Hazard>, after: Map<string, Hazard>, head: SafetyFolder): void {
  const touches = (hz: Hazard | undefined) =>
    !!hz && (hz.status === 'transferred' || hz.controls.some((x) => ownerKind(head.config, x.owner) === 'deploying-organisation'));
  for (const c of changes) if (touches(before.get(c.id)) || touches(after.get(c.id))) c.deployers = true;
}

/** What changed in the hazard log between two versions of the safety folder. */
export function hazardLogDelta(base: SafetyFolder, head: SafetyFolder, schemeForRisk: RiskScheme = head.scheme): HazardChange[] {
  const before = new Map(base.hazards.map((h) => [h.id, h]));
  const after = new Map(head.hazards.map((h) => [h.id, h]));
  const changes: HazardChange[] = [];
  for (const h of head.hazards) {
    const b = before.get(h.id);
    if (!b) {
      changes.push({
        id: h.id,
        title: h.title,
        change: h.status === 'retired' ? 'retired' : 'added',
        details: [
          { kind: 'added', title: h.title, residualRisk: h.residual.risk, summary: `new hazard, residual risk ${h.residual.risk}` },
        ],
      });
      continue;
    }
    const details: ChangeDetail[] = [];
    if (b.status !== h.status)
      details.push({ kind: 'status', before: b.status, after: h.status, summary: `status ${b.status} → ${h.status}` });
    const ri = riskDetail('initial', b.initial, h.initial, schemeForRisk);
    if (ri) details.push(ri);
    const rr = riskDetail('residual', b.residual, h.residual, schemeForRisk);
    if (rr) details.push(rr);
    const bc = new Map(b.controls.map((c) => [c.id, c]));
    const hc = new Map(h.controls.map((c) => [c.id, c]));
    for (const c of h.controls) {
      const old = bc.get(c.id);
      if (!old) {
        details.push({
          kind: 'control-added',
          control: c.id,
          type: c.type,
          owner: c.owner,
          status: c.status,
          summary: `control ${c.id} added (${c.type}, ${c.owner}, ${c.status})`,
        });
        continue;
      }
      if (old.description !== c.description)
        details.push({
          kind: 'text-changed',
          field: 'control-description',
          control: c.id,
          before: old.description,
          after: c.description,
          summary: `control ${c.id} description changed`,
        });
      for (const field of ['type', 'owner', 'status'] as const) {
        if (old[field] !== c[field])
          details.push({
            kind: 'control-changed',
            control: c.id,
            field,
            before: old[field],
            after: c[field],
            summary: `control ${c.id} ${field} ${old[field]} → ${c[field]}`,
          });
      }
      for (const e of old.evidence) {
        if (!c.evidence.includes(e))
          details.push({ kind: 'evidence-removed', control: c.id, evidence: e, summary: `control ${c.id} no longer cites evidence ${e}` });
      }
    }
    for (const c of b.controls)
      if (!hc.has(c.id)) details.push({ kind: 'control-removed', control: c.id, summary: `control ${c.id} removed` });
    const removedPaths = b.triggers.paths.filter((p) => !p.startsWith('!') && !h.triggers.paths.includes(p));
    const addedExclusions = h.triggers.paths.filter((p) => p.startsWith('!') && !b.triggers.paths.includes(p));
    const headLabels = new Set(h.triggers.labels.map((l) => l.toLowerCase()));
    const removedLabels = b.triggers.labels.filter((l) => !headLabels.has(l.toLowerCase()));
    if (removedPaths.length || addedExclusions.length || removedLabels.length) {
      const parts = [
        removedPaths.length ? `paths removed: ${removedPaths.join(', ')}` : '',
        addedExclusions.length ? `exclusions added: ${addedExclusions.join(', ')}` : '',
        removedLabels.length ? `labels removed: ${removedLabels.join(', ')}` : '',
      ].filter(Boolean);
      details.push({
        kind: 'triggers-narrowed',
        removedPaths,
        addedExclusions,
        removedLabels,
        summary: `triggers narrowed — ${parts.join('; ')}`,
      });
    }
    if ((b.justification ?? '') !== (h.justification ?? ''))
      details.push({
        kind: 'text-changed',
        field: 'justification',
        before: b.justification ?? '',
        after: h.justification ?? '',
        summary: 'justification changed',
      });
    const fields = TRACKED_FIELDS.filter((f) => !same(b[f], h[f]) && f !== 'justification');
    if (!same(b.triggers, h.triggers) && !details.some((d) => d.kind === 'triggers-narrowed')) fields.push('triggers' as never);
    if (fields.length) details.push({ kind: 'fields', fields: [...fields], summary: `also changed: ${fields.join(', ')}` });
    if (details.length === 0) continue;
    const retired = b.status !== 'retired' && h.status === 'retired';
    if (retired)
      details.unshift({ kind: 'retired', reason: h.retiredReason ?? '', summary: `retired: ${h.retiredReason ?? 'no reason given'}` });
    changes.push({ id: h.id, title: h.title, change: retired ? 'retired' : 'modified', details });
  }
  for (const b of base.hazards) {
    if (after.has(b.id)) continue;
    changes.push({
      id: b.id,
      title: b.title,
      change: 'deleted',
      details: [
        {
          kind: 'deleted',
          file: b.file,
          summary: `hazard file ${b.file} was deleted; hazards are never removed from the log — restore it and set status: retired with a retiredReason`,
        },
      ],
    });
  }
  markDeployers(changes, before, after, head);
  return changes.sort((a, b) => compareIdsNumeric(a.id, b.id));
}

// ---------------------------------------------------------------------------------------------
// Evidence the change touches: evidence-touched.ts

export { evidenceTouched, type Reverify } from './evidence-touched.js';
