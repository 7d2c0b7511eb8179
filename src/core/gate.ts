/**
 * The pull-request safety gate (pure): impact + hazard-log delta + CSO approval → one decision.
 * The configuration, CSO roster and triggers come from the BASE commit; the head is read only for
 * the hazard-log delta. Any doubt fails closed: errors make the decision `error`, never a pass.
 */
import { contributionsOf, labelAddedAt, labelsRemovedByNonCso, suspiciousPath, type CommitFact, type PullEvent } from './approval-facts.js';
import { residualQualifier } from './acceptability.js';
import { decideApproval, type Approval, type ApprovalInputs, type Review } from './approval.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { DEFAULT_SAFETY_DIR, type Hazard, type LoadResult } from './folder-types.js';
import { computeImpact, evidenceTouched, type ChangedFile, type Impact, type ImpactedHazard, type Reverify } from './impact.js';
import { compileTriggers, type TriggerIndex } from './trigger-index.js';
import { hazardLogDelta, type HazardChange } from './hazard-log-delta.js';
import { compareIdsNumeric } from './id-order.js';
import { NHS_DCB0129, type RiskScheme } from './risk.js';

export type { ChangedFile } from './impact.js';
export type { Review } from './approval.js';
export type { CommitFact, PullEvent } from './approval-facts.js';

export interface GateInputs {
  changes: ChangedFile[];
  labels: string[];
  author: string;
  commitAuthors: string[];
  headSha: string;
  base: LoadResult;
  head: LoadResult;
  reviews: Review[];
  safetyDir: string;
  /**
   * The pull request's commits with messages and e-mails (Co-authored-by: trailers, forged author
   * e-mails). Absent where there are none to read (the CLI).
   */
  commits?: CommitFact[];
  /**
   * The pull request's issue events (labeled / unlabeled / review_dismissed, with actor and time).
   * When absent, labels are taken as they are now and any dismissal lifts a block.
   */
  events?: PullEvent[];
}

export type GateDecision = 'not-required' | 'approved' | 'pending' | 'blocked' | 'error';

export interface GateError {
  code: string;
  message: string;
}

export interface Cso {
  github: string;
  name: string;
  profession: string;
}

export interface GateResult {
  decision: GateDecision;
  requiresApproval: boolean;
  impacted: ImpactedHazard[];
  safetyFolderChanges: string[];
  alwaysImpacted: { file: string; pattern: string }[];
  /** Changed paths holding invisible or bidirectional-control characters: a CSO must look. */
  suspiciousPaths: { file: string; why: string }[];
  hazardLogChanges: HazardChange[];
  reverify: Reverify[];
  approval: Approval;
  errors: GateError[];
  /** Warnings worth showing (e.g. the base folder has errors, so every PR needs a CSO). */
  notes: string[];
  headSha: string;
  safetyDir: string;
  statusContext: string;
  requiredApprovals: number;
  roster: Cso[];
  scheme: RiskScheme;
  productName?: string;
  /** `gate.label` from the base configuration: the label the gate adds to impacted pull requests. */
  label?: string;
}

export const DEFAULT_STATUS_CONTEXT = 'clinsafe/cso-approval';

/** Cache of compiled triggers per base configuration (keyed by the hazards array identity), per case setting. */
const indexCache = { sensitive: new WeakMap<object, TriggerIndex>(), insensitive: new WeakMap<object, TriggerIndex>() };

function triggerIndex(hazards: Hazard[], caseSensitive: boolean): TriggerIndex {
  const cache = caseSensitive ? indexCache.sensitive : indexCache.insensitive;
  let idx = cache.get(hazards);
  if (!idx) {
    idx = compileTriggers(hazards, { caseSensitive });
    cache.set(hazards, idx);
  }
  return idx;
}

function errorsOf(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/**
 * Impact of the change by the base triggers. A trigger label removed by someone who is not a
 * roster CSO still counts (GitHub's label events say who removed it), and its reason says so.
 */
function impactCountingRemovedLabels(i: GateInputs, base: NonNullable<LoadResult['folder']>, safetyDir: string): Impact {
  const index = triggerIndex(base.hazards, base.config.gate.caseSensitivePaths);
  const roster = base.config.cso.map((c) => c.github);
  const stillCounting = i.events ? labelsRemovedByNonCso(i.labels, i.events, roster) : [];
  const impact = computeImpact(base, i.changes, [...i.labels, ...stillCounting.map((l) => l.label)], safetyDir, index);
  for (const h of impact.impacted)
    for (const reason of h.reasons) {
      const kept = reason.kind === 'label' && stillCounting.find((l) => l.label.toLowerCase() === reason.label?.toLowerCase());
      if (kept) reason.detail = `label ${kept.label} (removed by ${kept.removedBy}, who is not a CSO, so it still counts)`;
    }
  return impact;
}

/** Changed paths (old and new names) that do not read as they are: invisible or bidirectional-control characters. */
function suspiciousPaths(changes: readonly ChangedFile[]): { file: string; why: string }[] {
  const out: { file: string; why: string }[] = [];
  for (const f of changes)
    for (const name of new Set([f.filename, f.previousFilename ?? f.filename])) {
      const why = suspiciousPath(name);
      if (why) out.push({ file: name, why });
    }
  return out;
}

/**
 * The approval rules' inputs: the roster at the base commit, the commits' contributions
 * (Co-authored-by: included), the issue events, and the hazards that only labels bring in (with
 * when each label was last added), so an approval covers only what was impacted when it was given.
 */
function approvalInputs(
  i: GateInputs,
  base: NonNullable<LoadResult['folder']>,
  impacted: ImpactedHazard[],
  required: boolean,
): ApprovalInputs {
  const added = i.events ? labelAddedAt(i.events) : undefined;
  const labelOnly = added
    ? impacted
        .filter((h) => h.reasons.length > 0 && h.reasons.every((r) => r.kind === 'label'))
        .map((h) => ({
          hazard: h.id,
          labels: h.reasons.map((r) => ({ name: r.label ?? '', addedAt: added.get((r.label ?? '').toLowerCase()) })),
        }))
    : [];
  return {
    required,
    reviews: i.reviews,
    roster: base.config.cso.map((c) => c.github),
    author: i.author,
    commitAuthors: i.commitAuthors,
    headSha: i.headSha,
    requiredApprovals: base.config.gate.requiredApprovals,
    rosterNames: Object.fromEntries(base.config.cso.map((c) => [c.github.toLowerCase(), c.name])),
    ...(i.commits ? { contributions: contributionsOf(i.commits) } : {}),
    ...(i.events ? { events: i.events, labelOnly } : {}),
  };
}

export function evaluateGate(i: GateInputs): GateResult {
  const safetyDir = (i.safetyDir || DEFAULT_SAFETY_DIR).replace(/\/+$/, '');
  const errors: GateError[] = [];
  const notes: string[] = [];
  const base = i.base.folder;
  const head = i.head.folder;
  const result: GateResult = {
    decision: 'error',
    requiresApproval: true,
    impacted: [],
    safetyFolderChanges: [],
    alwaysImpacted: [],
    suspiciousPaths: [],
    hazardLogChanges: [],
    reverify: [],
    approval: { state: 'pending', eligible: [], have: [], needed: 1, ignored: [] },
    errors,
    notes,
    headSha: i.headSha,
    safetyDir,
    statusContext: base?.config.gate.statusContext ?? DEFAULT_STATUS_CONTEXT,
    requiredApprovals: base?.config.gate.requiredApprovals ?? 1,
    roster: base ? base.config.cso.map((c) => ({ github: c.github, name: c.name, profession: c.profession })) : [],
    scheme: base?.scheme ?? NHS_DCB0129,
    ...(base ? { productName: base.config.product.name } : {}),
    ...(base?.config.gate.label ? { label: base.config.gate.label } : {}),
  };

  if (!base) {
    const first = errorsOf(i.base.diagnostics)[0];
    errors.push({
      code: 'base-config',
      message: `the safety configuration on the base branch cannot be read (${first ? formatDiagnostic(first) : `no ${safetyDir}/clinsafe.yml`}), so the gate cannot tell who the Clinical Safety Officers are or which hazards this change touches; fix clinsafe.yml on the base branch (a repository admin must merge that fix)`,
    });
    return result;
  }

  const baseErrors = errorsOf(i.base.diagnostics);
  if (baseErrors.length) {
    notes.push(
      `The safety folder on the base branch has ${baseErrors.length} error${baseErrors.length === 1 ? '' : 's'} (first: ${formatDiagnostic(baseErrors[0]!)}), so its hazard triggers cannot be fully trusted: every pull request needs a CSO until it is fixed.`,
    );
  }

  const impact = impactCountingRemovedLabels(i, base, safetyDir);
  result.impacted = impact.impacted;
  result.safetyFolderChanges = impact.safetyFolderChanges;
  result.alwaysImpacted = impact.alwaysImpacted;

  checkHeadFolder(i, result, base, head, baseErrors);
  coverChanges(i, result, base, head);

  result.suspiciousPaths = suspiciousPaths(i.changes);

  const required =
    result.impacted.length > 0 ||
    result.safetyFolderChanges.length > 0 ||
    result.alwaysImpacted.length > 0 ||
    result.suspiciousPaths.length > 0 ||
    baseErrors.length > 0;
  result.requiresApproval = required || errors.length > 0;
  result.approval = decideApproval(approvalInputs(i, base, result.impacted, required));
  if (errors.length) result.decision = 'error';
  else result.decision = result.approval.state;
  return result;
}

/**
 * The head folder's errors (this pull request's to fix) and the hazard-log delta from base to head,
 * into `result.errors` and `result.hazardLogChanges`.
 */
function checkHeadFolder(
  i: GateInputs,
  result: GateResult,
  base: NonNullable<LoadResult['folder']>,
  head: LoadResult['folder'],
  baseErrors: Diagnostic[],
): void {
  const { errors, safetyDir } = result;
  // The head folder: its errors are the PR's to fix; the delta needs it loaded.
  // Errors already on the base branch are the note above, not this PR's fault (no deadlock).
  const known = new Set(baseErrors.map((d) => `${d.file}\0${d.code}\0${d.message}`));
  const headErrors = errorsOf(i.head.diagnostics).filter((d) => !known.has(`${d.file}\0${d.code}\0${d.message}`));
  for (const d of headErrors)
    errors.push({ code: `head-${d.code}`, message: `${formatDiagnostic(d)} (in this pull request's safety folder)` });
  if (!head && headErrors.length === 0)
    errors.push({
      code: 'head-config',
      message: `this pull request's safety folder has no readable ${safetyDir}/clinsafe.yml; the safety folder must not be removed`,
    });
  if (head) {
    // A hazard file the head still holds but cannot read (a YAML error, reported above) is not deleted.
    const unreadable = new Set(headErrors.map((d) => d.file));
    result.hazardLogChanges = hazardLogDelta(base, head, base.scheme).map((c) =>
      c.change === 'deleted' && c.details.some((d) => d.kind === 'deleted' && unreadable.has(d.file)) ? unreadableChange(c) : c,
    );
    for (const c of result.hazardLogChanges) {
      if (c.change === 'deleted')
        errors.push({
          code: 'hazard-deleted',
          message: `hazard ${c.id} was deleted; hazards are never removed from the log: restore its file and set status: retired with a retiredReason`,
        });
    }
  }
}

/**
 * What an approval must cover: the impacted hazards widened by the evidence the change touches, the
 * hazard-log entries it changes and the hazard files it edits; sorted, each with its residual note.
 */
function coverChanges(i: GateInputs, result: GateResult, base: NonNullable<LoadResult['folder']>, head: LoadResult['folder']): void {
  // Evidence the PR touches: the hazard is impacted (its verification must be re-checked).
  const reverify = evidenceTouched(base.hazards, i.changes);
  result.reverify = reverify;
  const byId = new Map(result.impacted.map((h) => [h.id, h]));
  for (const r of reverify) {
    let entry = byId.get(r.hazard);
    if (!entry) {
      const hz = base.hazards.find((h) => h.id === r.hazard)!;
      entry = { id: hz.id, title: hz.title, residualRisk: hz.residual.risk, reasons: [] };
      byId.set(hz.id, entry);
      result.impacted.push(entry);
    }
    entry.reasons.push({ kind: 'path', detail: `${r.evidence} is ${r.change} and is evidence for control ${r.control}`, file: r.evidence });
  }
  // Hazards changed in the log are impacted too.
  for (const c of result.hazardLogChanges) {
    let entry = byId.get(c.id);
    if (!entry) {
      const hz = head?.hazards.find((h) => h.id === c.id) ?? base.hazards.find((h) => h.id === c.id)!;
      entry = { id: hz.id, title: hz.title, residualRisk: hz.residual.risk, reasons: [] };
      byId.set(hz.id, entry);
      result.impacted.push(entry);
    }
    entry.reasons.push({ kind: 'hazard-log', detail: `hazard log entry ${c.change}` });
  }
  // Hazard files the PR edits inside the safety folder.
  const fileToId = new Map<string, string>();
  for (const h of [...base.hazards, ...(head?.hazards ?? [])]) fileToId.set(h.file, h.id);
  for (const f of result.safetyFolderChanges) {
    const id = fileToId.get(f);
    const entry = id ? byId.get(id) : undefined;
    if (entry) entry.reasons.push({ kind: 'safety-folder', detail: `${f} is changed`, file: f });
  }
  result.impacted.sort((a, b) => compareIdsNumeric(a.id, b.id));
  // What each residual rests on (planned controls), as the documents print it.
  for (const e of result.impacted) {
    const folder = head?.hazards.some((h) => h.id === e.id) ? head : base;
    const hz = folder.hazards.find((h) => h.id === e.id);
    const note = hz && hz.status !== 'retired' ? residualQualifier(folder, hz) : '';
    if (note) e.residualNote = note;
  }
}

/** `approval-required` unless no CSO is needed at all (the JSON shape of `clinsafe check`). */
export function checkDecision(r: GateResult): 'not-required' | 'approval-required' {
  return r.requiresApproval ? 'approval-required' : 'not-required';
}

/** The commit status for a result: state and a description of at most 140 characters. */
export function statusFor(r: GateResult | undefined, problem?: string): { state: 'success' | 'pending' | 'failure'; description: string } {
  const clip = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);
  if (!r || problem) return { state: 'failure', description: clip(`Safety gate could not run: ${problem ?? 'unknown error'}`) };
  const n = r.impacted.length;
  const touches = n ? `${n} hazard${n === 1 ? '' : 's'}` : 'the safety folder';
  switch (r.decision) {
    case 'not-required':
      return { state: 'success', description: 'No clinical safety impact' };
    case 'approved':
      return {
        state: 'success',
        description: clip(`Approved by CSO ${r.approval.state === 'approved' ? r.approval.by.join(', ') : ''} on ${r.headSha.slice(0, 7)}`),
      };
    case 'pending':
      return { state: 'pending', description: clip(`Touches ${touches}: needs approval by a Clinical Safety Officer`) };
    case 'blocked':
      return {
        state: 'failure',
        description: clip(`Changes requested by CSO ${r.approval.state === 'blocked' ? r.approval.by.join(', ') : ''}`),
      };
    case 'error':
      return { state: 'failure', description: clip(`Safety gate error: ${r.errors[0]?.message ?? 'unknown'}`) };
  }
}

/** A hazard whose file is still there but cannot be read at the head: modified, pending the fix. */
function unreadableChange(c: HazardChange): HazardChange {
  const file = c.details.find((d) => d.kind === 'deleted')!.file;
  return {
    ...c,
    change: 'modified',
    details: [
      {
        kind: 'fields',
        fields: [],
        summary: `${file} cannot be read in this pull request (see the error above); fix it to see what changed`,
      },
    ],
  };
}
