/**
 * Step 4a: a hazard's own text (name, description, clinical impact, existing controls) from the
 * first row that has it; a different text on a later row is reported, never merged.
 */
import type { ColumnKey } from '../../core/nhs-layout.js';
import type { HazardBuild, ImportContext } from './context.js';
import { clean, fold, lines } from './text.js';

/** Hazard-level text: the first row that has it; a different text later is reported. */
function hazardText(b: HazardBuild, ctx: ImportContext, k: ColumnKey, label: string): string | undefined {
  const { findings } = ctx;
  const id = b.hazard.id;
  let kept: string | undefined;
  let keptRef = '';
  for (const p of b.rows) {
    const raw = p.record.get(k);
    if (raw === undefined || !raw.trim()) continue;
    const v = clean(raw);
    if (kept === undefined) {
      kept = v;
      keptRef = p.record.ref(k);
      if (v !== raw && k === 'hazardName')
        findings.add('normalised', 'trimmed', `hazard name trimmed of surrounding spaces`, p.record.ref(k));
    } else if (fold(v) !== fold(kept)) {
      if (k === 'hazardName') {
        findings.add(
          'ambiguity',
          'name-differs',
          `${id}: this row names the hazard "${v}", but ${keptRef} names it "${kept}"; the first is kept and this row stays under ${id}`,
          p.record.ref(k),
        );
      } else {
        findings.add(
          'unplaced',
          'text-differs',
          `${id}: ${label} here differs from ${keptRef}; only the first is kept — make the rows agree`,
          p.record.ref(k),
        );
      }
    } else if (v !== raw && k === 'hazardName')
      findings.add('normalised', 'trimmed', `hazard name trimmed of surrounding spaces`, p.record.ref(k));
  }
  return kept;
}

/** Text the hazard must have: when the sheet has none, a placeholder, and the hazard is a draft. */
function requiredText(b: HazardBuild, ctx: ImportContext, k: ColumnKey, label: string): string {
  const v = hazardText(b, ctx, k, label);
  if (v) return v;
  ctx.findings.add(
    'ambiguity',
    'missing-text',
    `${b.hazard.id} has no ${label} in the sheet; a placeholder was written and the hazard marked draft for the CSO`,
    b.firstRef(k),
  );
  b.hazard.draft = true;
  return `Not stated in the imported hazard log (${ctx.source}).`;
}

export function describeHazard(b: HazardBuild, ctx: ImportContext): void {
  const h = b.hazard;
  h.title = hazardText(b, ctx, 'hazardName', 'the hazard name') ?? '';
  if (!h.title) {
    h.title = `Hazard ${h.id}`;
    ctx.findings.add(
      'ambiguity',
      'missing-text',
      `${h.id} has no hazard name; it is called "${h.title}" until the CSO names it`,
      b.firstRef('hazardName'),
    );
  }
  h.description = requiredText(b, ctx, 'description', 'hazard description');
  h.clinicalImpact = requiredText(b, ctx, 'clinicalImpact', 'potential clinical impact');
  h.existingControls = lines(hazardText(b, ctx, 'existingControls', 'the existing controls'));
}
