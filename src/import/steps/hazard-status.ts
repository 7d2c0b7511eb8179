/**
 * Step 4e: the hazard's status and the hazard-level fields of clinsafe's own columns (present in
 * exported logs). The status is derived from the controls and actions; a status the sheet states
 * is kept unless the controls contradict it.
 */
import type { ColumnKey } from '../../core/nhs-layout.js';
import { HAZARD_STATUSES } from '../../core/schema.js';
import type { ImportedHazardStatus } from '../types.js';
import type { HazardBuild, ImportContext } from './context.js';
import { clean, lines } from './text.js';

/** The first non-blank value of column k on the hazard's rows, cleaned. */
const firstValue = (b: HazardBuild, k: ColumnKey) => b.first((p) => (p.record.get(k)?.trim() ? clean(p.record.get(k)!) : undefined))?.[0];

/** The first value of column k that is not empty text, as written. */
const firstRaw = (b: HazardBuild, k: ColumnKey) => b.first((p) => p.record.get(k) || undefined)?.[0];

/**
 * A stated status is kept unless it contradicts the controls (closed with the manufacturer's work
 * outstanding, transferred with nobody else holding a control): then the controls decide and the
 * sheet's word is kept in the comments.
 */
function decideStatus(b: HazardBuild, ctx: ImportContext): void {
  const h = b.hazard;
  const statusCol = firstValue(b, 'hazardStatus')?.toLowerCase();
  const others = [...new Set(h.controls.filter((c) => c.owner !== 'manufacturer').map((c) => c.owner))];
  const outstanding =
    h.controls.some((c) => c.owner === 'manufacturer' && c.status === 'planned') ||
    h.actions.some((a) => a.owner === 'manufacturer' && a.status === 'open');
  const derived: ImportedHazardStatus = outstanding ? 'open' : others.length > 0 ? 'transferred' : 'closed';
  const stated = statusCol && (HAZARD_STATUSES as readonly string[]).includes(statusCol) ? (statusCol as ImportedHazardStatus) : undefined;
  const contradicts = (stated === 'closed' && outstanding) || (stated === 'transferred' && others.length === 0);
  if (stated && !contradicts) h.status = stated;
  else {
    h.status = derived;
    if (statusCol && !stated)
      ctx.findings.add(
        'ambiguity',
        'hazard-status',
        `hazard status "${statusCol}" is not open, transferred, closed or retired; derived from the controls instead (${derived})`,
        b.firstRef('hazardStatus'),
      );
    if (stated) {
      ctx.findings.add(
        'ambiguity',
        'hazard-status',
        `${h.id}: the sheet says ${stated}, but ${stated === 'closed' ? "the manufacturer's controls or actions are not all done" : 'no other organisation holds a control'}; written as ${derived} — the CSO must confirm`,
        b.firstRef('hazardStatus'),
      );
      b.notes.push(
        `Imported from ${ctx.source}: the sheet gives the status ${stated} at ${b.firstRef('hazardStatus')}; the controls say ${derived}, which is what is written. The CSO must confirm.`,
      );
    }
  }
  const transferredTo = firstValue(b, 'transferredTo');
  if (transferredTo) h.transferredTo = transferredTo;
  else if (h.status === 'transferred') h.transferredTo = others.join(', ');
}

export function finishHazard(b: HazardBuild, ctx: ImportContext): void {
  decideStatus(b, ctx);
  const h = b.hazard;
  const retired = firstValue(b, 'retiredReason');
  if (retired) h.retiredReason = retired;
  const justification = firstValue(b, 'justification');
  if (justification) h.justification = justification;
  // clinsafe's own columns for the residual as delivered and the CSO's acceptance (see core/acceptability.ts).
  const label = (list: readonly string[], v: string | undefined) => list.find((l) => l.toLowerCase() === v?.trim().toLowerCase());
  const dSev = label(ctx.opts.scheme.severities, firstValue(b, 'deliveredSeverity'));
  const dLik = label(ctx.opts.scheme.likelihoods, firstValue(b, 'deliveredLikelihood'));
  if (dSev && dLik) h.deliveredResidual = { severity: dSev, likelihood: dLik };
  const reduction = firstValue(b, 'severityReductionReason');
  if (reduction) h.severityReductionReason = reduction;
  const accepted = /^(\S+) on (\d{4}-\d{2}-\d{2}): (.+)$/s.exec(firstValue(b, 'plannedResidualAcceptance') ?? '');
  if (accepted) h.acceptedPlannedResidual = { by: accepted[1]!, on: accepted[2]!, reason: accepted[3]! };
  h.operationalConstraints = lines(firstRaw(b, 'operationalConstraints'));
  const hazardOwner = firstValue(b, 'hazardOwner');
  if (hazardOwner) h.owner = hazardOwner;
  h.assumptions = lines(firstRaw(b, 'assumptions'));
  const commentText = firstValue(b, 'comments');
  const comments = [commentText, ...b.notes].filter(Boolean).join('\n\n');
  if (comments) h.comments = comments;
  const draft = firstValue(b, 'draft');
  if (draft && /^(yes|true|y|1)$/i.test(draft)) h.draft = true;
  h.triggers = { paths: lines(firstRaw(b, 'triggerPaths')), labels: lines(firstRaw(b, 'triggerLabels')) };
}
