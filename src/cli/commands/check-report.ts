/**
 * The heavy half of `clinsafe check`: load the safety folder at base and head, run the gate, and
 * present its result. `check.ts` imports this module only after it has started the git processes
 * that read the facts, so the parsers and the gate load while git works.
 */
import type { ChangedFile } from '../../core/impact.js';
import { loadFolder, type Snapshot } from '../../core/folder.js';
import { checkDecision, evaluateGate, type GateResult } from '../../core/gate.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { ParseCache } from '../../core/yaml.js';
import type { CliIO } from '../io.js';
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
  headSha: string;
  changes: ChangedFile[];
  base: Snapshot;
  head: Snapshot;
}

export interface CheckRequest {
  labels: string[];
  author: string;
  dir: string;
  format: string;
}

/** Decide and print; returns the exit code (0 no CSO approval needed, 2 needed, 1 error). */
export async function reportCheck(io: CliIO, facts: CheckFacts, req: CheckRequest): Promise<number> {
  // Base and head share parsed files (their unchanged blobs are the same bytes).
  const parseCache: ParseCache = new Map();
  const base = loadFolder(facts.base, { parseCache });
  const head = loadFolder(facts.head, { parseCache });
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
