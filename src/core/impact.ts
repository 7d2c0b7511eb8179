/**
 * Impact of a change on the hazard log (pure). Which hazards a pull request touches and why, and
 * the controls whose evidence the change itself edits. Trigger matching is in trigger-index.ts, the
 * hazard-log delta base → head in hazard-log-delta.ts.
 *
 * A file can impact several hazards (union); a rename matches on both its old and its new name.
 */
import type { SafetyFolder } from './folder-types.js';
import { byHazard, compileAlways, compileTriggers, hitsFor, pathKey, type TriggerIndex } from './trigger-index.js';

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

// ---------------------------------------------------------------------------------------------
// Evidence the change touches: evidence-touched.ts

export { evidenceTouched, type Reverify } from './evidence-touched.js';
