/**
 * The hazard-log delta (pure): what changed in the hazard log between two versions of the safety
 * folder, base → head, hazard by hazard (impact.ts decides which hazards a change touches).
 */
import type { Hazard, SafetyFolder } from './folder-types.js';
import { compareIdsNumeric } from './id-order.js';
import { ownerKind } from './owners.js';
import type { RiskScheme } from './risk.js';

export type Direction = 'up' | 'down' | 'same';

export type ChangeDetail =
  | {
      kind: 'risk';
      which: 'initial' | 'residual';
      before: { severity: string; likelihood: string; risk: number };
      after: { severity: string; likelihood: string; risk: number };
      direction: Direction;
      summary: string;
    }
  | { kind: 'status'; before: string; after: string; summary: string }
  | { kind: 'control-added'; control: string; type: string; owner: string; status: string; summary: string }
  | { kind: 'control-removed'; control: string; summary: string }
  | { kind: 'control-changed'; control: string; field: 'type' | 'owner' | 'status'; before: string; after: string; summary: string }
  | { kind: 'evidence-removed'; control: string; evidence: string; summary: string }
  | { kind: 'triggers-narrowed'; removedPaths: string[]; addedExclusions: string[]; removedLabels: string[]; summary: string }
  | { kind: 'fields'; fields: string[]; summary: string }
  | { kind: 'deleted'; file: string; summary: string }
  | { kind: 'added'; title: string; residualRisk: number; summary: string }
  | { kind: 'retired'; reason: string; summary: string }
  /** A text a CSO reads changed: the justification, or a control's description (before → after). */
  | {
      kind: 'text-changed';
      field: 'justification' | 'control-description';
      control?: string;
      before: string;
      after: string;
      summary: string;
    };

export interface HazardChange {
  id: string;
  title: string;
  change: 'added' | 'modified' | 'retired' | 'deleted';
  details: ChangeDetail[];
  /** Before or after the change, the hazard is transferred or holds controls of a deploying organisation: they must be told. */
  deployers?: boolean;
}

const TRACKED_FIELDS = [
  'title',
  'description',
  'clinicalImpact',
  'causes',
  'existingControls',
  'justification',
  'operationalConstraints',
  'actions',
  'transferredTo',
  'owner',
  'assumptions',
  'draft',
] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function riskDetail(
  which: 'initial' | 'residual',
  a: Hazard['initial'],
  b: Hazard['initial'],
  scheme: RiskScheme,
): ChangeDetail | undefined {
  if (a.severity === b.severity && a.likelihood === b.likelihood && a.risk === b.risk) return undefined;
  const direction: Direction = b.risk > a.risk ? 'up' : b.risk < a.risk ? 'down' : 'same';
  const name = (v: number) => scheme.ratings.find((r) => r.value === v)?.name;
  const fmt = (x: Hazard['initial']) =>
    `${x.risk}${name(x.risk) ? ` (${name(x.risk)})` : ''}: ${x.severity} severity, ${x.likelihood} likelihood`;
  const word = direction === 'up' ? 'went up' : direction === 'down' ? 'went down' : 'was re-assessed at the same rating';
  return {
    kind: 'risk',
    which,
    before: { severity: a.severity, likelihood: a.likelihood, risk: a.risk },
    after: { severity: b.severity, likelihood: b.likelihood, risk: b.risk },
    direction,
    summary: `${which} risk ${word}: ${fmt(a)} → ${fmt(b)}`,
  };
}

/** Flag changes to hazards that are transferred or hold deploying organisations' controls, before or after. */
function markDeployers(changes: HazardChange[], before: Map<string, Hazard>, after: Map<string, Hazard>, head: SafetyFolder): void {
  const touches = (hz: Hazard | undefined) =>
    !!hz && (hz.status === 'transferred' || hz.controls.some((x) => ownerKind(head.config, x.owner) === 'deploying-organisation'));
  for (const c of changes) if (touches(before.get(c.id)) || touches(after.get(c.id))) c.deployers = true;
}

/** What changed in the hazard log between two versions of the safety folder. */
export function hazardLogDelta(base: SafetyFolder, head: SafetyFolder, schemeForRisk: RiskScheme = head.scheme): HazardChange[] {
  const before = new Map(base.hazards.map((h) => [h.id, h]));
  const after = new Map(head.hazards.map((h) => [h.id, h]));
  const changes: HazardChange[] = [];
  for (const h of head.hazards) {
    const b = before.get(h.id);
    if (!b) {
      changes.push({
        id: h.id,
        title: h.title,
        change: h.status === 'retired' ? 'retired' : 'added',
        details: [
          { kind: 'added', title: h.title, residualRisk: h.residual.risk, summary: `new hazard, residual risk ${h.residual.risk}` },
        ],
      });
      continue;
    }
    const details: ChangeDetail[] = [];
    if (b.status !== h.status)
      details.push({ kind: 'status', before: b.status, after: h.status, summary: `status ${b.status} → ${h.status}` });
    const ri = riskDetail('initial', b.initial, h.initial, schemeForRisk);
    if (ri) details.push(ri);
    const rr = riskDetail('residual', b.residual, h.residual, schemeForRisk);
    if (rr) details.push(rr);
    const bc = new Map(b.controls.map((c) => [c.id, c]));
    const hc = new Map(h.controls.map((c) => [c.id, c]));
    for (const c of h.controls) {
      const old = bc.get(c.id);
      if (!old) {
        details.push({
          kind: 'control-added',
          control: c.id,
          type: c.type,
          owner: c.owner,
          status: c.status,
          summary: `control ${c.id} added (${c.type}, ${c.owner}, ${c.status})`,
        });
        continue;
      }
      if (old.description !== c.description)
        details.push({
          kind: 'text-changed',
          field: 'control-description',
          control: c.id,
          before: old.description,
          after: c.description,
          summary: `control ${c.id} description changed`,
        });
      for (const field of ['type', 'owner', 'status'] as const) {
        if (old[field] !== c[field])
          details.push({
            kind: 'control-changed',
            control: c.id,
            field,
            before: old[field],
            after: c[field],
            summary: `control ${c.id} ${field} ${old[field]} → ${c[field]}`,
          });
      }
      for (const e of old.evidence) {
        if (!c.evidence.includes(e))
          details.push({ kind: 'evidence-removed', control: c.id, evidence: e, summary: `control ${c.id} no longer cites evidence ${e}` });
      }
    }
    for (const c of b.controls)
      if (!hc.has(c.id)) details.push({ kind: 'control-removed', control: c.id, summary: `control ${c.id} removed` });
    const removedPaths = b.triggers.paths.filter((p) => !p.startsWith('!') && !h.triggers.paths.includes(p));
    const addedExclusions = h.triggers.paths.filter((p) => p.startsWith('!') && !b.triggers.paths.includes(p));
    const headLabels = new Set(h.triggers.labels.map((l) => l.toLowerCase()));
    const removedLabels = b.triggers.labels.filter((l) => !headLabels.has(l.toLowerCase()));
    if (removedPaths.length || addedExclusions.length || removedLabels.length) {
      const parts = [
        removedPaths.length ? `paths removed: ${removedPaths.join(', ')}` : '',
        addedExclusions.length ? `exclusions added: ${addedExclusions.join(', ')}` : '',
        removedLabels.length ? `labels removed: ${removedLabels.join(', ')}` : '',
      ].filter(Boolean);
      details.push({
        kind: 'triggers-narrowed',
        removedPaths,
        addedExclusions,
        removedLabels,
        summary: `triggers narrowed — ${parts.join('; ')}`,
      });
    }
    if ((b.justification ?? '') !== (h.justification ?? ''))
      details.push({
        kind: 'text-changed',
        field: 'justification',
        before: b.justification ?? '',
        after: h.justification ?? '',
        summary: 'justification changed',
      });
    const fields = TRACKED_FIELDS.filter((f) => !same(b[f], h[f]) && f !== 'justification');
    if (!same(b.triggers, h.triggers) && !details.some((d) => d.kind === 'triggers-narrowed')) fields.push('triggers' as never);
    if (fields.length) details.push({ kind: 'fields', fields: [...fields], summary: `also changed: ${fields.join(', ')}` });
    if (details.length === 0) continue;
    const retired = b.status !== 'retired' && h.status === 'retired';
    if (retired)
      details.unshift({ kind: 'retired', reason: h.retiredReason ?? '', summary: `retired: ${h.retiredReason ?? 'no reason given'}` });
    changes.push({ id: h.id, title: h.title, change: retired ? 'retired' : 'modified', details });
  }
  for (const b of base.hazards) {
    if (after.has(b.id)) continue;
    changes.push({
      id: b.id,
      title: b.title,
      change: 'deleted',
      details: [
        {
          kind: 'deleted',
          file: b.file,
          summary: `hazard file ${b.file} was deleted; hazards are never removed from the log — restore it and set status: retired with a retiredReason`,
        },
      ],
    });
  }
  markDeployers(changes, before, after, head);
  return changes.sort((a, b) => compareIdsNumeric(a.id, b.id));
}
