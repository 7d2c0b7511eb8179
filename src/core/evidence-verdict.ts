/**
 * Whether a control's evidence entry is a URL or a repository path that exists (loading a safety
 * folder, hazard-check.ts). Pure: the snapshot answers whether a path exists.
 */
import type { Snapshot } from './folder-types.js';

export function isUrl(s: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(s);
}

/** What a control's evidence entry is: a URL or a path that exists (ok), or why not. */
export type EvidenceVerdict = 'ok' | 'not-a-path' | 'outside' | 'missing';
/** Verdicts by snapshot and entry: a large log cites the same few evidence files thousands of times. */
const evidenceVerdicts = new WeakMap<Snapshot, Map<string, EvidenceVerdict>>();

export function evidenceVerdict(snapshot: Snapshot, e: string): EvidenceVerdict {
  let seen = evidenceVerdicts.get(snapshot);
  if (!seen) evidenceVerdicts.set(snapshot, (seen = new Map()));
  let verdict = seen.get(e);
  if (verdict === undefined) {
    verdict = judgeEvidence(snapshot, e);
    seen.set(e, verdict);
  }
  return verdict;
}

function judgeEvidence(snapshot: Snapshot, e: string): EvidenceVerdict {
  if (isUrl(e)) return 'ok';
  if (/^[a-z][a-z0-9+.-]*:/i.test(e)) return 'not-a-path';
  const repoPath = e.replace(/#.*$/, '').replace(/^\.\//, '');
  if (repoPath.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(repoPath)) return 'outside';
  return snapshot.exists(repoPath) ? 'ok' : 'missing';
}
