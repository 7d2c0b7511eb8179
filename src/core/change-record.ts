/**
 * The change record since the previous release: one pure decision over the history port's facts,
 * the same for `clinsafe report` (git) and the App (GitHub API).
 *
 * Nothing is hidden from the CSO: every main-line commit in the range appears when it merged a
 * pull request, or — made directly or by a rebase merge, so no CSO approval can exist for it — when
 * it touched a hazard's triggers, a hazard's evidence or the safety folder. Hazards are decided by
 * the gate's own impact function against the safety folder at the commit's first parent; titles
 * and dates come from the commit itself (immutable), never from an editable pull-request title.
 */
import { loadFolder, type SafetyFolder } from './folder.js';
import { computeImpact, evidenceTouched, type ChangedFile } from './impact.js';
import type { HistoryCommit, HistoryPort } from './ports/history.js';
import { pullRequestOf, subjectOf } from './ports/history.js';
import { canonicalTime, type ChangeRecordEntry } from './release.js';

export interface ChangeRange {
  /** The release commit. */
  to: string;
  /** The previous release's commit; absent: all history up to `to`. */
  from?: string;
  /** The safety folder, repository-relative. */
  dir: string;
}

const byId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function inDir(dir: string, path: string | undefined): boolean {
  return Boolean(path && (dir === '' || path === dir || path.startsWith(`${dir}/`)));
}

/** Hazards a commit impacted and the safety-folder files it touched, decided as the gate decides. */
async function commitImpact(
  history: HistoryPort,
  folderOf: (sha: string) => Promise<SafetyFolder | undefined>,
  c: HistoryCommit,
  dir: string,
): Promise<{ hazards: string[]; safetyFolderChanges: string[] }> {
  const changes: ChangedFile[] = await history.filesChanged(c);
  const parent = c.parents[0];
  const base = parent ? await folderOf(parent) : undefined;
  const hazards = new Set<string>();
  const safety = new Set<string>();
  for (const f of changes) for (const p of [f.filename, f.previousFilename]) if (p && inDir(dir, p)) safety.add(p);
  if (base) {
    const impact = computeImpact(base, changes, [], dir);
    for (const h of impact.impacted) hazards.add(h.id);
    for (const r of evidenceTouched(base.hazards, changes)) hazards.add(r.hazard);
  }
  // Hazard files the change itself edits count too (added ones exist only at the commit).
  const hazardFiles = [...safety].filter((p) => p.startsWith(dir ? `${dir}/hazards/` : 'hazards/'));
  if (hazardFiles.length) {
    const head = await folderOf(c.sha);
    for (const folder of [base, head]) for (const h of folder?.hazards ?? []) if (hazardFiles.includes(h.file)) hazards.add(h.id);
  }
  return { hazards: [...hazards].sort(byId), safetyFolderChanges: [...safety].sort() };
}

export async function buildChangeRecord(history: HistoryPort, range: ChangeRange): Promise<ChangeRecordEntry[]> {
  const dir = range.dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
  // The hazards and triggers at a commit, loaded once per folder content: most commits leave it unchanged.
  const loaded = new Map<string, Promise<SafetyFolder | undefined>>();
  const folderOf = async (sha: string): Promise<SafetyFolder | undefined> => {
    const at = await history.folderAt(sha, dir);
    if (!at) return undefined;
    if (!loaded.has(at.id))
      loaded.set(
        at.id,
        at.read().then((s) => loadFolder(s).folder),
      );
    return loaded.get(at.id);
  };
  const entries: ChangeRecordEntry[] = [];
  for (const c of await history.mainLine(range.to, range.from)) {
    const claimed = pullRequestOf(c.message);
    const { hazards, safetyFolderChanges } = await commitImpact(history, folderOf, c, dir);
    const record = claimed ? await history.pullRequest(claimed.number) : undefined;
    // A message can name any number: the pull request counts only if the record says it merged as this very commit.
    const verified =
      claimed && record && (record.kind === 'not-recorded' || (record.assessment.merged && record.assessment.mergeCommit === c.sha));
    if (!verified && hazards.length === 0 && safetyFolderChanges.length === 0) continue;
    const assessed = verified && record?.kind === 'assessed' ? record.assessment : undefined;
    entries.push({
      ...(verified ? { pullNumber: claimed.number } : {}),
      title: verified ? claimed.title : subjectOf(c.message),
      mergeCommit: c.sha,
      mergedAt: canonicalTime(c.date),
      hazards,
      approvals:
        assessed?.approval.state === 'approved'
          ? assessed.approval.approvedBy.map((p) => ({
              login: p.login,
              ...(p.name ? { name: p.name } : {}),
              commit: assessed.approval.commit ?? assessed.headSha,
            }))
          : [],
      source: history.source,
      ...(safetyFolderChanges.length ? { safetyFolderChanges } : {}),
    });
  }
  return entries;
}
