/** Imported hazards as safety-folder files (pure: returns text; the CLI writes it). */
import { Document, isMap, isSeq, visit } from 'yaml';
import type { ImportedHazard } from './nhs.js';

/** A file-name slug from a hazard title: lower case, words joined by `-`, at most 50 characters. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = s.length > 50 ? s.slice(0, 50).replace(/-[^-]*$/, '') : s;
  return cut || 'hazard';
}

export function hazardFileName(h: ImportedHazard): string {
  return `${h.id}-${slug(h.title)}.yml`;
}

const HEADER =
  '# yaml-language-server: $schema=../schema/hazard.schema.json\n# Imported by `clinsafe import` (see docs/import.md). Review with the CSO, then edit freely.\n';

/** The hazard file: fields in the documented order; empty optional fields left out. */
export function hazardYaml(h: ImportedHazard): string {
  const o: Record<string, unknown> = {
    id: h.id,
    title: h.title,
    description: h.description,
    clinicalImpact: h.clinicalImpact,
  };
  if (h.causes.length) o.causes = h.causes.map((c) => ({ id: c.id, description: c.description }));
  if (h.existingControls.length) o.existingControls = h.existingControls;
  o.initial = { severity: h.initial.severity, likelihood: h.initial.likelihood };
  if (h.controls.length) {
    o.controls = h.controls.map((c) => {
      const out: Record<string, unknown> = { id: c.id, description: c.description, type: c.type, owner: c.owner, status: c.status };
      if (c.causes.length) out.causes = c.causes;
      if (c.evidence.length) out.evidence = c.evidence;
      if (c.introducedIn !== undefined) out.introducedIn = c.introducedIn;
      return out;
    });
  }
  o.residual = { severity: h.residual.severity, likelihood: h.residual.likelihood };
  if (h.deliveredResidual) o.deliveredResidual = { severity: h.deliveredResidual.severity, likelihood: h.deliveredResidual.likelihood };
  if (h.severityReductionReason) o.severityReductionReason = h.severityReductionReason;
  if (h.acceptedPlannedResidual) o.acceptedPlannedResidual = { ...h.acceptedPlannedResidual };
  o.status = h.status;
  if (h.transferredTo) o.transferredTo = h.transferredTo;
  if (h.retiredReason) o.retiredReason = h.retiredReason;
  if (h.justification) o.justification = h.justification;
  if (h.operationalConstraints.length) o.operationalConstraints = h.operationalConstraints;
  if (h.actions.length) {
    o.actions = h.actions.map((a) => {
      const out: Record<string, unknown> = { summary: a.summary, owner: a.owner, status: a.status };
      if (a.due) out.due = a.due;
      if (a.control) out.control = a.control;
      return out;
    });
  }
  if (h.owner) o.owner = h.owner;
  if (h.assumptions.length) o.assumptions = h.assumptions;
  if (h.comments) o.comments = h.comments;
  if (h.introducedIn !== undefined) o.introducedIn = h.introducedIn;
  if (h.draft) o.draft = true;
  if (h.triggers.paths.length || h.triggers.labels.length) o.triggers = { paths: h.triggers.paths, labels: h.triggers.labels };
  const doc = new Document(o);
  // Short id lists read best inline: causes: [C0101, C0102].
  visit(doc, {
    Pair(_, pair) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if ((key === 'causes' || key === 'labels') && isSeq(pair.value) && pair.value.items.every((i) => !isMap(i))) pair.value.flow = true;
    },
  });
  return HEADER + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
