/**
 * Which controls' repository evidence a change edits, deletes or renames away (the gate asks the
 * CSO to re-check them). Pure; re-exported by impact.ts.
 */
import type { Hazard } from './folder-types.js';
import { isUrl } from './evidence-verdict.js';

/** A changed file as impact.ts's ChangedFile has it (declared here: impact.ts re-exports this module). */
interface ChangedFile {
  status: string;
  filename: string;
  previousFilename?: string;
}

export interface Reverify {
  hazard: string;
  control: string;
  evidence: string;
  /** How the PR touches it. */
  change: 'modified' | 'removed' | 'renamed';
}

/** Evidence paths × changes up to which each evidence path is looked for by scanning the changes (no index built). */
const SCAN_LIMIT = 100_000;

/**
 * Controls (of `hazards`) whose repository evidence files the change edits, deletes or renames away.
 * `scanLimit` (tests): the size of the problem (distinct evidence paths × changes) up to which the
 * changes are scanned for each path rather than indexed (a PR of thousands of files and a folder
 * citing a few dozen paths: the index would cost more than it saves).
 */
export function evidenceTouched(hazards: readonly Hazard[], changes: readonly ChangedFile[], scanLimit = SCAN_LIMIT): Reverify[] {
  const byPath = new Map<string, ChangedFile>();
  for (const f of changes) {
    if (f.status === 'renamed' && f.previousFilename) byPath.set(f.previousFilename, f);
    else if (f.status !== 'added' && f.status !== 'unchanged') byPath.set(f.filename, f);
  }
  const out: Reverify[] = [];
  if (byPath.size === 0) return out;
  const cited: { h: Hazard; c: Hazard['controls'][number]; e: string; path: string }[] = [];
  for (const h of hazards)
    for (const c of h.controls)
      for (const e of c.evidence)
        if (!isUrl(e)) cited.push({ h, c, e, path: e.replace(/#.*$/, '').replace(/^\.\//, '').replace(/\/+$/, '') });
  const distinct = new Set(cited.map((x) => x.path));
  const firstAt = distinct.size * byPath.size <= scanLimit ? firstChangeScanned(byPath, distinct) : firstChangeAt(byPath);
  for (const { h, c, e, path } of cited) {
    const f = firstAt.get(path);
    if (f)
      out.push({
        hazard: h.id,
        control: c.id,
        evidence: e,
        change: f.status === 'removed' ? 'removed' : f.status === 'renamed' ? 'renamed' : 'modified',
      });
  }
  return out;
}

/**
 * For each of `paths`, the first change in `byPath`'s order that is it or under it (as
 * firstChangeAt, for these paths only): the changed paths joined by NUL (no git path holds one) and
 * searched for `\0path\0` and `\0path/`, the earlier hit being the first in order.
 */
function firstChangeScanned(byPath: Map<string, ChangedFile>, paths: Set<string>): Map<string, ChangedFile> {
  const keys = [...byPath.keys()];
  if (keys.some((k) => k.includes('\0'))) return firstChangeAt(byPath);
  const text = `\0${keys.join('\0')}\0`;
  let starts: number[] | undefined;
  const first = new Map<string, ChangedFile>();
  for (const p of paths) {
    if (p.includes('\0')) continue;
    const same = text.indexOf(`\0${p}\0`);
    const under = text.indexOf(`\0${p}/`);
    const at = same < 0 ? under : under < 0 ? same : Math.min(same, under);
    if (at < 0) continue;
    if (!starts) {
      starts = [];
      for (let i = 0; i < text.length - 1; i = text.indexOf('\0', i + 1)) starts.push(i);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    first.set(p, byPath.get(keys[lo]!)!);
  }
  return first;
}

/**
 * For every changed path and every folder above it (each prefix ending before a `/`), the first
 * change in `byPath`'s order at or under it: the change an evidence path `p` is touched by is the
 * first `changed` with `changed === p` or `changed.startsWith(p + '/')`, found by one lookup.
 */
function firstChangeAt(byPath: Map<string, ChangedFile>): Map<string, ChangedFile> {
  const first = new Map<string, ChangedFile>();
  for (const [changed, f] of byPath) {
    if (!first.has(changed)) first.set(changed, f);
    for (let slash = changed.indexOf('/'); slash >= 0; slash = changed.indexOf('/', slash + 1)) {
      const dir = changed.slice(0, slash);
      if (!first.has(dir)) first.set(dir, f);
    }
  }
  return first;
}
