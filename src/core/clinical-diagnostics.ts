/**
 * The clinical findings of `acceptability.ts` as `validate` diagnostics (file:line:col). One
 * source of truth: what blocks a release sign-off is an error or a warning here, never silent.
 */
import { clinicalBlockers, isCsoRecord, type ClinicalFinding, type Rule } from './acceptability.js';
import type { Diagnostic } from './diagnostics.js';
import type { SafetyFolder } from './folder-types.js';
import { positionOf, type ParsedYaml, type Segment } from './yaml-core.js';

/** How `validate` reports each rule; `undefined`: not a validate diagnostic (sign-off checklist only). */
function validateSeverity(f: ClinicalFinding, draft: boolean): 'error' | 'warning' | undefined {
  const table: Record<Rule, 'error' | 'warning' | undefined> = {
    'residual-unacceptable': 'error',
    'justification-missing': draft ? 'warning' : 'error',
    draft: undefined, // reported by the hazard checks already
    'planned-residual': 'warning',
    'cause-without-control': undefined,
    'severity-reduced': 'warning',
    'no-triggers': 'warning',
    'incident-above-residual': 'warning',
    'open-incident': undefined,
    'held-elsewhere': undefined,
    'test-issue': undefined, // a property of a test run at a commit, not of the folder (clinsafe evidence)
  };
  return table[f.rule];
}

export function clinicalDiagnostics(folder: SafetyFolder, sources: ReadonlyMap<string, ParsedYaml>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pos = (file: string, at: Segment[], prefer: 'key' | 'value' = 'key') => {
    const parsed = sources.get(file);
    return parsed ? positionOf(parsed, at, prefer) : { line: 1, col: 1 };
  };
  const drafts = new Set(folder.hazards.filter((h) => h.draft).map((h) => h.id));
  for (const f of clinicalBlockers(folder)) {
    const severity = validateSeverity(f, drafts.has(f.hazardId));
    if (!severity) continue;
    const message = f.rule === 'incident-above-residual' ? `${f.message} (DCB0129 7.2.2/7.2.3)` : f.message;
    out.push({ file: f.file, ...pos(f.file, f.at), severity, code: f.rule, message });
  }
  // A CSO decision recorded in a file counts only when its author is on the roster.
  const roster = folder.config.cso.map((c) => c.github).join(', ') || 'nobody yet';
  for (const h of folder.hazards) {
    const r = h.acceptedPlannedResidual;
    if (r && !isCsoRecord(folder, r))
      out.push({
        file: h.file,
        ...pos(h.file, ['acceptedPlannedResidual', 'by'], 'value'),
        severity: 'error',
        code: 'cso-record',
        message: `acceptedPlannedResidual.by "${r.by}" is not a CSO on the roster (${roster}); only a CSO can accept a residual that rests on planned controls`,
      });
  }
  for (const i of folder.incidents) {
    const r = i.safetyCaseImpact;
    if (r && !isCsoRecord(folder, r))
      out.push({
        file: i.file,
        ...pos(i.file, ['safetyCaseImpact', 'by'], 'value'),
        severity: 'error',
        code: 'cso-record',
        message: `safetyCaseImpact.by "${r.by}" is not a CSO on the roster (${roster}); only a CSO can record why a hazard is not re-assessed after an incident`,
      });
  }
  return out;
}
