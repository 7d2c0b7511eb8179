/**
 * Is this safety case one a CSO can sign? The clinical rules of DCB0129 acceptability, as pure
 * functions over a loaded safety folder: which residual ratings are releasable, whether a residual
 * rests on controls not yet in place, incidents that contradict the safety case (7.2.2/7.2.3), and
 * what else a CSO must see before signing. `validate`, the documents and the release sign-off all
 * read the same findings, so what blocks a sign-off is exactly what the documents print.
 */
import type { Assessment, Hazard, Incident, SafetyFolder } from './folder-types.js';
import { ownerKind } from './owners.js';
import { describeRisk, riskOf } from './risk.js';
import type { Segment } from './yaml.js';

type Control = Hazard['controls'][number];

export const liveHazardsOf = (folder: SafetyFolder): Hazard[] => folder.hazards.filter((h) => h.status !== 'retired');

export interface ResidualBasis {
  hazard: Hazard;
  /** Manufacturer controls still planned: the stated residual may count on them. */
  plannedControls: Control[];
  /** Controls held by other organisations and not yet in place there (the residual assumes them). */
  plannedElsewhere: Control[];
  /** Causes that no implemented or verified control treats (`plannedOnly`: only planned controls name it). */
  uncoveredCauses: { id: string; description: string; plannedOnly: boolean }[];
  /** The residual as delivered in this release, when the hazard states one (`deliveredResidual`). */
  delivered?: Assessment;
  /**
   * The stated residual is rated below the initial rating while manufacturer controls are still
   * planned, and no delivered residual states the rating without them.
   */
  restsOnPlanned: boolean;
  /** The rating acceptability is judged on: the delivered residual if stated, else the residual. */
  releaseRisk: number;
}

export function residualBasis(folder: SafetyFolder, hazard: Hazard): ResidualBasis {
  const kind = (c: Control) => ownerKind(folder.config, c.owner);
  const plannedControls = hazard.controls.filter((c) => c.status === 'planned' && kind(c) === 'manufacturer');
  const plannedElsewhere = hazard.controls.filter((c) => c.status === 'planned' && kind(c) !== 'manufacturer');
  const uncoveredCauses = hazard.causes
    .filter((cause) => !hazard.controls.some((c) => c.status !== 'planned' && c.causes.includes(cause.id)))
    .map((cause) => ({
      id: cause.id,
      description: cause.description,
      plannedOnly: hazard.controls.some((c) => c.causes.includes(cause.id)),
    }));
  const delivered = hazard.deliveredResidual;
  return {
    hazard,
    plannedControls,
    plannedElsewhere,
    uncoveredCauses,
    ...(delivered ? { delivered } : {}),
    // Only a residual rated below the initial rating credits anything; the delivered residual says what holds without them.
    restsOnPlanned: plannedControls.length > 0 && !delivered && hazard.residual.risk < hazard.initial.risk,
    releaseRisk: Math.max(hazard.residual.risk, delivered?.risk ?? 0),
  };
}

/** " (causes C2, C3 have no implemented control)", or nothing. */
function bare(b: ResidualBasis): string {
  const cs = b.uncoveredCauses.filter((c) => c.plannedOnly).map((c) => c.id);
  if (cs.length === 0) return '';
  return ` (cause${cs.length === 1 ? '' : 's'} ${cs.join(', ')} ${cs.length === 1 ? 'has' : 'have'} no implemented control)`;
}

/** "H-003-C03, C04": the hazard's prefix written once. */
export function controlList(hazardId: string, ids: readonly string[]): string {
  return ids.map((id, i) => (i > 0 && id.startsWith(`${hazardId}-`) ? id.slice(hazardId.length + 1) : id)).join(', ');
}

const rated = (folder: SafetyFolder, a: Assessment) => `${a.severity} / ${a.likelihood}: ${describeRisk(folder.scheme, a.risk)}`;

/**
 * The residual as every document prints it: the stated rating, and what it rests on. Defined once:
 * "once planned controls X are in place" means the stated residual counts controls not yet
 * delivered; "as delivered in this release" is the rating without them — the delivered residual
 * when the hazard states one, otherwise the initial rating, because nothing else has been assessed.
 */
export function residualText(folder: SafetyFolder, hazard: Hazard): string {
  const b = residualBasis(folder, hazard);
  const parts = [rated(folder, hazard.residual)];
  const ids = controlList(
    hazard.id,
    b.plannedControls.map((c) => c.id),
  );
  const note = plannedNote(b, ids);
  if (note === 'rests')
    parts.push(
      `once planned controls ${ids} are in place; as delivered in this release no lower rating is assessed, so the initial rating applies: ${rated(folder, hazard.initial)}`,
    );
  else if (note === 'delivered')
    parts.push(`once planned controls ${ids} are in place; as delivered in this release: ${rated(folder, b.delivered!)}`);
  else if (note === 'not-credited') parts.push(`assessed as delivered: planned controls ${ids} are not credited`);
  if (b.plannedElsewhere.length) {
    const by = [...new Set(b.plannedElsewhere.map((c) => c.owner.trim()))].join(', ');
    parts.push(
      `assumes controls ${controlList(
        hazard.id,
        b.plannedElsewhere.map((c) => c.id),
      )} held by ${by} are in place`,
    );
  }
  return parts.join('; ');
}

/**
 * How the residual relates to planned manufacturer controls: `rests` (counts them, nothing else
 * assessed), `delivered` (counts them; a delivered residual says the rating without them),
 * `not-credited` (the residual holds without them), or `none` (no planned control).
 */
function plannedNote(b: ResidualBasis, ids: string): 'rests' | 'delivered' | 'not-credited' | 'none' {
  if (!ids) return 'none';
  if (b.restsOnPlanned) return 'rests';
  const r = b.hazard.residual;
  const d = b.delivered;
  if (d && (d.severity !== r.severity || d.likelihood !== r.likelihood)) return 'delivered';
  return 'not-credited';
}

/** A short form for narrow cells (the hazard-log spreadsheet); empty when no manufacturer control is planned. */
export function residualQualifier(folder: SafetyFolder, hazard: Hazard): string {
  const b = residualBasis(folder, hazard);
  const ids = controlList(
    hazard.id,
    b.plannedControls.map((c) => c.id),
  );
  switch (plannedNote(b, ids)) {
    case 'rests':
      return `Rests on planned controls ${ids}; as delivered in this release the initial risk ${hazard.initial.risk} applies`;
    case 'delivered':
      return `Once planned controls ${ids} are in place; as delivered in this release: ${b.delivered!.severity} / ${b.delivered!.likelihood}, risk ${b.delivered!.risk}`;
    case 'not-credited':
      return `Assessed as delivered; planned controls ${ids} not credited`;
    default:
      return '';
  }
}

/** A linked hazard rated, by an open incident, above the residual the safety case claims (DCB0129 7.2.2/7.2.3). */
export interface IncidentConflict {
  incident: Incident;
  hazard: Hazard;
  incidentRisk: number;
  /** The CSO's recorded reason for not re-assessing, if any. */
  recorded: boolean;
}

/** Incidents open at `at` (ISO date; default: open now), assessed above a linked live hazard's residual. */
export function incidentConflicts(folder: SafetyFolder, at?: string): IncidentConflict[] {
  const out: IncidentConflict[] = [];
  const day = at?.slice(0, 10);
  for (const incident of openIncidentsAt(folder, day)) {
    const a = incident.clinicalRiskAssessment;
    if (!a) continue;
    const incidentRisk = riskOf(folder.scheme, a.severity, a.likelihood);
    if (incidentRisk === undefined) continue;
    for (const id of incident.hazards) {
      const hazard = folder.hazards.find((h) => h.id === id);
      if (!hazard || hazard.status === 'retired') continue;
      if (incidentRisk > residualBasis(folder, hazard).releaseRisk)
        out.push({ incident, hazard, incidentRisk, recorded: isCsoRecord(folder, incident.safetyCaseImpact) });
    }
  }
  return out;
}

export function openIncidentsAt(folder: SafetyFolder, day?: string): Incident[] {
  return folder.incidents.filter(
    (i) => (day === undefined || i.reportedOn <= day) && (!i.closedOn || (day !== undefined && i.closedOn > day)),
  );
}

/** A CSO record counts only when its author is on the roster. */
export function isCsoRecord(folder: SafetyFolder, r: { by: string } | undefined): boolean {
  return !!r && folder.config.cso.some((c) => c.github.toLowerCase() === r.by.toLowerCase());
}

export type Rule =
  | 'residual-unacceptable'
  | 'justification-missing'
  | 'draft'
  | 'planned-residual'
  | 'cause-without-control'
  | 'severity-reduced'
  | 'no-triggers'
  | 'incident-above-residual'
  | 'open-incident'
  | 'held-elsewhere'
  /** A linked test failed, was skipped or has no result at the release commit (core/evidence-release.ts). */
  | 'test-issue';

export interface ClinicalFinding {
  hazardId: string;
  rule: Rule;
  message: string;
  /** `blocks`: the release cannot be signed off while it stands; `flags`: the CSO must see it when signing. */
  severity: 'blocks' | 'flags';
  /** The file the finding is about, and where in it (for file:line:col). */
  file: string;
  at: Segment[];
  /** Set for incident findings. */
  incident?: string;
}

export interface BlockerOptions {
  /** Release date (ISO): incidents open at that date count. Default: every incident not closed. */
  at?: string;
  /**
   * The statement of the CSO signing off. A residual resting on planned controls is accepted for a
   * hazard the statement names in the phrase "I accept the residual risk resting on planned controls
   * for H-003 and H-007" (see `plannedAcceptedIn`).
   */
  statement?: string;
}

const ACCEPT_PHRASE = /\baccepts?\s+(?:the\s+)?residual(?:\s+risks?)?\s+resting\s+on\s+planned\s+controls\s+(?:of|for)\s+([^.;\n]+)/gi;

/**
 * Hazard ids a sign-off statement explicitly accepts as releasable with a residual resting on planned
 * controls: each id after "accept the residual risk resting on planned controls for", up to the end of
 * the sentence ("…for H-003, H-007 and H-009."). Words that are not hazard ids of `folder` are ignored.
 */
export function plannedAcceptedIn(folder: SafetyFolder, statement: string): string[] {
  const ids = new Set(folder.hazards.map((h) => h.id));
  const out = new Set<string>();
  for (const m of statement.matchAll(ACCEPT_PHRASE)) for (const word of m[1]!.split(/[\s,]+/)) if (ids.has(word)) out.add(word);
  return [...out];
}

/**
 * Every clinical finding that blocks or flags a release sign-off, each with its hazard id, in hazard
 * then rule order. The release sign-off refuses while any finding `blocks`, and lists every `flags`
 * finding in its checklist.
 */
export function clinicalBlockers(folder: SafetyFolder, opts: BlockerOptions = {}): ClinicalFinding[] {
  const out: ClinicalFinding[] = [];
  const s = folder.scheme;
  const statementAccepts = new Set(opts.statement ? plannedAcceptedIn(folder, opts.statement) : []);
  for (const h of liveHazardsOf(folder)) {
    const add = (rule: Rule, severity: 'blocks' | 'flags', message: string, at: Segment[]) =>
      out.push({ hazardId: h.id, rule, severity, message, file: h.file, at });
    const b = residualBasis(folder, h);
    const where: Segment[] = b.delivered ? ['deliveredResidual'] : ['residual'];
    const which = b.delivered ? 'residual risk as delivered' : 'residual risk';
    if (b.releaseRisk >= s.unacceptableFrom) {
      add(
        'residual-unacceptable',
        'blocks',
        `${which} ${describeRisk(s, b.releaseRisk)} is not acceptable for release (the scheme in force releases nothing rated ${s.unacceptableFrom} or more); add or complete controls and re-assess, or retire the hazard with a reason`,
        where,
      );
    } else if (b.releaseRisk >= s.justifyFrom && !h.justification) {
      add(
        'justification-missing',
        'blocks',
        `${which} ${describeRisk(s, b.releaseRisk)} is acceptable only with a recorded justification that further risk reduction is impractical: add justification`,
        where,
      );
    }
    if (h.draft) add('draft', 'blocks', 'hazard is a draft: no CSO has assessed it yet', ['draft']);
    if (b.restsOnPlanned) {
      const ids = controlList(
        h.id,
        b.plannedControls.map((c) => c.id),
      );
      const recorded = isCsoRecord(folder, h.acceptedPlannedResidual);
      const inStatement = statementAccepts.has(h.id);
      add(
        'planned-residual',
        recorded || inStatement ? 'flags' : 'blocks',
        recorded
          ? `residual ${h.residual.risk} rests on planned controls ${ids}; accepted for release by ${h.acceptedPlannedResidual!.by} on ${h.acceptedPlannedResidual!.on}`
          : inStatement
            ? `residual ${h.residual.risk} rests on planned controls ${ids}; accepted for release in the CSO's sign-off statement`
            : `residual ${h.residual.risk} rests on planned controls ${ids}, not yet in place${bare(b)}; as delivered the initial rating ${h.initial.risk} applies. State deliveredResidual (the rating without them), or a CSO records acceptedPlannedResidual (or signs off stating "I accept the residual risk resting on planned controls for ${h.id}")`,
        ['residual'],
      );
    }
    for (const c of b.uncoveredCauses.filter((u) => !u.plannedOnly)) {
      add('cause-without-control', 'flags', `cause ${c.id} has no additional control linked to it; only the existing controls treat it`, [
        'causes',
        h.causes.findIndex((x) => x.id === c.id),
      ]);
    }
    const si = s.severities.indexOf(h.initial.severity);
    const sr = s.severities.indexOf(h.residual.severity);
    if (sr >= 0 && si >= 0 && sr < si && !h.severityReductionReason) {
      add(
        'severity-reduced',
        'flags',
        `residual severity ${h.residual.severity} is lower than initial ${h.initial.severity}, but no severityReductionReason says how the controls reduce the harm (most controls reduce likelihood, not severity)`,
        ['residual', 'severity'],
      );
    }
    if (h.triggers.paths.length === 0 && h.triggers.labels.length === 0)
      add(
        'no-triggers',
        'flags',
        'hazard has no triggers: the gate can never link a code change to it; add triggers.paths or triggers.labels',
        ['id'],
      );
    if (b.plannedElsewhere.length) {
      const by = [...new Set(b.plannedElsewhere.map((c) => c.owner.trim()))].join(', ');
      add(
        'held-elsewhere',
        'flags',
        `residual assumes that controls ${controlList(
          h.id,
          b.plannedElsewhere.map((c) => c.id),
        )} held by ${by} are put in place (the hand-over lists them)`,
        ['controls'],
      );
    }
  }
  const day = opts.at?.slice(0, 10);
  for (const c of incidentConflicts(folder, day)) {
    out.push({
      hazardId: c.hazard.id,
      incident: c.incident.reference,
      rule: 'incident-above-residual',
      severity: c.recorded ? 'flags' : 'blocks',
      message: c.recorded
        ? `incident ${c.incident.reference} is rated ${describeRisk(s, c.incidentRisk)}, above the residual ${c.hazard.residual.risk} of ${c.hazard.id}; ${c.incident.safetyCaseImpact!.by} recorded on ${c.incident.safetyCaseImpact!.on} why the hazard is not re-assessed`
        : `incident ${c.incident.reference} is rated ${describeRisk(s, c.incidentRisk)}, above the residual ${c.hazard.residual.risk} ${c.hazard.id} claims: re-assess ${c.hazard.id}, or a CSO records safetyCaseImpact on the incident saying why not`,
      file: c.incident.file,
      at: ['clinicalRiskAssessment'],
    });
  }
  for (const i of openIncidentsAt(folder, day)) {
    for (const hazardId of i.hazards.length ? i.hazards : ['']) {
      out.push({
        hazardId,
        incident: i.reference,
        rule: 'open-incident',
        severity: 'flags',
        message: `incident ${i.reference} is still open${i.madeSafeOn ? ` (made safe ${i.madeSafeOn})` : ''}`,
        file: i.file,
        at: ['reference'],
      });
    }
  }
  return out;
}

/** Live hazards with neither trigger paths nor labels. */
export const hazardsWithoutTriggers = (folder: SafetyFolder): Hazard[] =>
  liveHazardsOf(folder).filter((h) => h.triggers.paths.length === 0 && h.triggers.labels.length === 0);

/** "N live hazards have no triggers: the gate can never link code to them" (empty when none). */
export function noTriggersSummary(folder: SafetyFolder): string {
  const n = hazardsWithoutTriggers(folder).length;
  if (n === 0) return '';
  return `${n} live hazard${n === 1 ? ' has' : 's have'} no triggers: the gate can never link code to ${n === 1 ? 'it' : 'them'}`;
}

/** The acceptability criteria in force, in words (the CRMP and the CSCR print them). */
export function acceptabilityCriteria(folder: SafetyFolder): string[] {
  const s = folder.scheme;
  const values = s.ratings.map((r) => r.value);
  const group = (vs: number[]) => vs.join(' or ');
  const never = values.filter((v) => v >= s.unacceptableFrom);
  const justify = values.filter((v) => v >= s.justifyFrom && v < s.unacceptableFrom);
  const ok = values.filter((v) => v < s.justifyFrom);
  return [
    ...(never.length ? [`A residual risk of ${group(never)} is not acceptable for release.`] : []),
    ...(justify.length
      ? [
          `A residual risk of ${group(justify)} is acceptable only with a recorded justification that further risk reduction is impractical.`,
        ]
      : []),
    ...(ok.length ? [`A residual risk of ${group(ok)} is acceptable.`] : []),
    'A residual risk is credited only for controls in place in the release: where a hazard’s residual counts controls still planned, the rating as delivered is judged, and a Clinical Safety Officer must record acceptance before release.',
    'A severity reduced by controls needs a written reason (most controls reduce likelihood, not severity).',
  ];
}
