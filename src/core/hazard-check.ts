/**
 * The per-hazard rules of loading a safety folder (folder-load.ts): risk ratings looked up, not
 * typed; causes, controls and their evidence; what each status requires. Pure.
 */
import { linkFile, testLinkProblem } from './evidence.js';
import { evidenceVerdict } from './evidence-verdict.js';
import type { Hazard, Snapshot } from './folder-types.js';
import { globProblem } from './glob-check.js';
import { isManufacturerOwner } from './owners.js';
import { describeRisk, riskOf, type RiskScheme } from './risk.js';
import type { Config, HazardFile } from './schema.js';
import { positionOf, type ParsedYaml, type Position, type Segment } from './yaml-core.js';

export type Report = (
  file: string,
  pos: { line: number; col: number },
  code: string,
  message: string,
  severity?: 'error' | 'warning',
) => void;

/** A position in the hazard file being checked: a path's value, or with `key`, its key. */
type At = (p: Segment[], prefer?: 'key' | 'value') => Position;

export function checkRiskStated(
  parsed: ParsedYaml,
  at: Segment[],
  a: { severity: string; likelihood: string; risk?: number | undefined } | undefined,
  scheme: RiskScheme,
  schemeOk: boolean,
  err: Report,
): number | undefined {
  if (!a || !schemeOk) return undefined;
  const derived = riskOf(scheme, a.severity, a.likelihood);
  if (derived === undefined) return undefined;
  if (a.risk !== undefined && a.risk !== derived) {
    err(
      parsed.file,
      positionOf(parsed, [...at, 'risk']),
      'risk-mismatch',
      `${at.join('.')}.risk is ${a.risk}, but the risk matrix gives ${describeRisk(scheme, derived)} for ${a.severity} severity and ${a.likelihood} likelihood; correct the rating or the severity/likelihood (risk is looked up, not typed)`,
    );
  }
  return derived;
}

export function checkHazard(
  config: Config | undefined,
  h: HazardFile,
  path: string,
  parsed: ParsedYaml,
  scheme: RiskScheme,
  schemeOk: boolean,
  snapshot: Snapshot,
  err: Report,
): Hazard {
  const at = (p: Segment[], prefer: 'key' | 'value' = 'value') => positionOf(parsed, p, prefer);
  const initialRisk = checkRiskStated(parsed, ['initial'], h.initial, scheme, schemeOk, err) ?? 0;
  const residualRisk = checkRiskStated(parsed, ['residual'], h.residual, scheme, schemeOk, err) ?? 0;
  if (schemeOk && residualRisk > initialRisk) {
    err(
      path,
      at(['residual']),
      'residual-above-initial',
      `residual risk ${describeRisk(scheme, residualRisk)} is above initial risk ${describeRisk(scheme, initialRisk)}; controls cannot increase risk — re-assess the residual or the initial rating`,
    );
  }
  const deliveredRisk = checkRiskStated(parsed, ['deliveredResidual'], h.deliveredResidual, scheme, schemeOk, err) ?? 0;
  if (schemeOk && h.deliveredResidual && (deliveredRisk < residualRisk || deliveredRisk > initialRisk)) {
    err(
      path,
      at(['deliveredResidual']),
      'delivered-residual-range',
      `deliveredResidual ${describeRisk(scheme, deliveredRisk)} must lie between the residual (${residualRisk}) and the initial risk (${initialRisk}): it is the residual without the planned controls`,
    );
  }
  const unique = (list: { id: string }[], key: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id))
        err(path, at([key, i, 'id']), 'duplicate-id', `${what} id "${item.id}" is used twice in this hazard; give each ${what} its own id`);
      seen.add(item.id);
    });
  };
  unique(h.causes, 'causes', 'cause');
  unique(h.controls, 'controls', 'control');
  const causeIds = new Set(h.causes.map((c) => c.id));
  const isManufacturer = (owner: string) => (config ? isManufacturerOwner(config, owner) : owner.trim().toLowerCase() === 'manufacturer');

  checkControls(h, path, at, causeIds, snapshot, err);
  checkStatus(h, path, at, isManufacturer, err);

  h.triggers.paths.forEach((g, i) => {
    const problem = globProblem(g);
    if (problem) err(path, at(['triggers', 'paths', i]), 'bad-glob', `trigger glob "${g}" ${problem}`);
  });

  if (h.draft)
    err(
      path,
      at(['draft'], 'key'),
      'draft',
      'hazard is still a draft: the CSO has not assessed it yet (remove draft: true once assessed)',
      'warning',
    );

  const initial = { severity: h.initial.severity, likelihood: h.initial.likelihood, risk: initialRisk };
  const residual = { severity: h.residual.severity, likelihood: h.residual.likelihood, risk: residualRisk };
  // Most hazards state no deliveredResidual: a plain copy (object rest is a slow runtime call), same keys in the same order.
  if (!Object.prototype.hasOwnProperty.call(h, 'deliveredResidual'))
    return { ...(h as Omit<HazardFile, 'deliveredResidual'>), file: path, initial, residual };
  const { deliveredResidual, ...rest } = h;
  return {
    ...rest,
    file: path,
    initial,
    residual,
    ...(deliveredResidual
      ? { deliveredResidual: { severity: deliveredResidual.severity, likelihood: deliveredResidual.likelihood, risk: deliveredRisk } }
      : {}),
  };
}

/** Each control: the causes it names, its evidence and test links. */
function checkControls(h: HazardFile, path: string, at: At, causeIds: Set<string>, snapshot: Snapshot, err: Report): void {
  h.controls.forEach((c, i) => {
    c.causes.forEach((cid, j) => {
      if (!causeIds.has(cid))
        err(
          path,
          at(['controls', i, 'causes', j]),
          'unknown-cause',
          `control ${c.id} names cause "${cid}", which is not one of this hazard's causes (${[...causeIds].join(', ') || 'none listed'})`,
        );
    });
    if (c.status !== 'planned' && c.evidence.length === 0 && !c.tests?.length) {
      err(
        path,
        at(['controls', i, 'status']),
        'evidence-required',
        `control ${c.id} is ${c.status} but cites no evidence; add the test, document or URL that verifies it under evidence, or set status: planned`,
      );
    }
    (c.tests ?? []).forEach((t, j) => {
      const problem = testLinkProblem(t);
      const file = linkFile(t);
      if (problem) err(path, at(['controls', i, 'tests', j]), 'test-link-invalid', `control ${c.id}: test link ${problem}`);
      else if (file !== undefined && !snapshot.exists(file))
        err(
          path,
          at(['controls', i, 'tests', j]),
          'evidence-missing',
          `control ${c.id}: test file "${file}" does not exist in the repository; fix the path (relative to the repository root) or remove the link`,
        );
    });
    c.evidence.forEach((e, j) => {
      const verdict = evidenceVerdict(snapshot, e);
      if (verdict === 'ok') return;
      if (verdict === 'not-a-path') {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-invalid',
          `evidence "${e}" is neither a repository path nor an http(s) URL`,
        );
        return;
      }
      if (verdict === 'outside') {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-invalid',
          `evidence "${e}" must be a path relative to the repository root, inside the repository`,
        );
      } else {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-missing',
          `evidence "${e}" does not exist in the repository; fix the path (relative to the repository root) or remove it`,
        );
      }
    });
  });
}

/** Where status findings go: the hazard file, positions in it, whose owner is the manufacturer, the report. */
interface StatusWhere {
  path: string;
  at: At;
  isManufacturer: (owner: string) => boolean;
  err: Report;
}

/**
 * The work a transferred or closed hazard must not still have: each control still planned or
 * action still open whose owner is on the side asked (the manufacturer's, another organisation's,
 * or anyone's), reported at its status.
 */
function reportOutstanding<T extends { owner: string; status: string }>(
  items: readonly T[],
  list: 'controls' | 'actions',
  side: 'manufacturer' | 'other' | 'any',
  { path, at, isManufacturer, err }: StatusWhere,
  code: string,
  message: (item: T) => string,
  severity?: 'warning',
): void {
  items.forEach((item, i) => {
    if (
      (side === 'any' || isManufacturer(item.owner) === (side === 'manufacturer')) &&
      (item.status === 'planned' || item.status === 'open')
    )
      err(path, at([list, i, 'status']), code, message(item), severity);
  });
}

/** Fields only one status may have, and the code of the finding when another status has them. */
const STATUS_ONLY_FIELDS = [
  { field: 'transferredTo', status: 'transferred', code: 'transfer-incomplete' },
  { field: 'retiredReason', status: 'retired', code: 'retired-reason' },
] as const;

/** What the hazard's status requires (transferred, closed, retired), and fields only a status may have. */
function checkStatus(h: HazardFile, path: string, at: At, isManufacturer: (owner: string) => boolean, err: Report): void {
  const where: StatusWhere = { path, at, isManufacturer, err };
  switch (h.status) {
    case 'transferred':
      if (h.transferredTo && isManufacturer(h.transferredTo))
        err(
          path,
          at(['transferredTo']),
          'transfer-incomplete',
          `transferredTo names the manufacturer (${h.transferredTo}); a hazard is transferred to another organisation, otherwise its status is open or closed`,
        );
      reportOutstanding(
        h.controls,
        'controls',
        'manufacturer',
        where,
        'transfer-incomplete',
        (c) =>
          `hazard is transferred but manufacturer control ${c.id} is still planned; "transferred" means the manufacturer's actions are done — set the status to open until ${c.id} is implemented`,
      );
      reportOutstanding(
        h.actions,
        'actions',
        'manufacturer',
        where,
        'transfer-incomplete',
        (a) =>
          `hazard is transferred but the manufacturer's action "${a.summary.slice(0, 60)}" is still open; set the status to open until it is done`,
      );
      if (!h.transferredTo)
        err(
          path,
          at(['status']),
          'transfer-incomplete',
          'a transferred hazard must name the organisation it is transferred to: add transferredTo (e.g. Deploying organisation)',
        );
      if (!h.controls.some((c) => !isManufacturer(c.owner))) {
        err(
          path,
          at(['status']),
          'transfer-incomplete',
          'a transferred hazard needs at least one control owned by another organisation (owner: the organisation that holds it); otherwise its status is open or closed',
        );
      }
      break;
    case 'closed':
      reportOutstanding(
        h.controls,
        'controls',
        'manufacturer',
        where,
        'closed-outstanding',
        (c) =>
          `hazard is closed but manufacturer control ${c.id} is still planned; implement and verify it, or set the hazard status to open`,
      );
      reportOutstanding(
        h.controls,
        'controls',
        'other',
        where,
        'closed-outstanding',
        (c) =>
          `hazard is closed but control ${c.id}, held by ${c.owner}, is still planned; if that organisation must still act, the status is transferred`,
        'warning',
      );
      reportOutstanding(
        h.actions,
        'actions',
        'any',
        where,
        'closed-outstanding',
        (a) =>
          `hazard is closed but an action owned by ${a.owner} is still open; a closed hazard has every action complete — set it to done, or set the hazard status to ${isManufacturer(a.owner) ? 'open' : 'transferred'}`,
      );
      break;
    case 'retired':
      if (!h.retiredReason)
        err(
          path,
          at(['status']),
          'retired-reason',
          'a retired hazard must say why: add retiredReason (hazards are retired with a reason, never deleted)',
        );
      break;
    default:
      break;
  }
  for (const only of STATUS_ONLY_FIELDS)
    if (h.status !== only.status && h[only.field])
      err(
        path,
        at([only.field], 'key'),
        only.code,
        `${only.field} is set but status is ${h.status}; set status: ${only.status} or remove ${only.field}`,
      );
}
