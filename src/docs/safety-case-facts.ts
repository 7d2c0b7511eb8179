/**
 * The facts the documents list, derived from a safety folder. Pure; every listing here is what a
 * section of the CSCR (DCB0129 IG §3.5) prints, so tests check them directly.
 */
import type { Hazard, Incident, SafetyFolder } from '../core/folder.js';
import { residualBasis } from '../core/acceptability.js';
import { distinctOrganisations, otherManufacturerOf, ownerKind, type OtherManufacturer } from '../core/owners.js';

type Control = Hazard['controls'][number];

/** Hazards that are part of the safety case (retired ones are listed separately). */
export const liveHazards = (folder: SafetyFolder): Hazard[] => folder.hazards.filter((h) => h.status !== 'retired');

export interface ResidualRisk {
  hazard: Hazard;
  constraints: string[];
}

/** Every live hazard with its residual risk and the operational constraints it depends on. */
export function residualRisks(folder: SafetyFolder): ResidualRisk[] {
  return liveHazards(folder).map((hazard) => ({ hazard, constraints: hazard.operationalConstraints }));
}

/**
 * Live hazards whose residual rating as released (the delivered residual when stated) is at or
 * above the scheme's `justifyFrom` (3 for the NHS scheme).
 */
export function highResidualHazards(folder: SafetyFolder): Hazard[] {
  return liveHazards(folder).filter((h) => residualBasis(folder, h).releaseRisk >= folder.scheme.justifyFrom);
}

export interface HandOverHazard {
  hazard: Hazard;
  /** The deploying organisations holding its controls (from `transferredTo` and control owners), each once. */
  organisations: string[];
  /** Controls held by deploying organisations. */
  controls: Control[];
  /** Outstanding actions owned by deploying organisations. */
  actions: Hazard['actions'];
}
/** The older name of a hazard in the DCB0160 hand-over. */
export type TransferredHazard = HandOverHazard;

export interface HandOver {
  /** Status `transferred`: the manufacturer's actions are done; named organisations hold the outstanding controls. */
  transferred: HandOverHazard[];
  /** Not transferred (manufacturer actions outstanding, or closed), but some controls are held by deploying organisations. */
  deployerControlled: HandOverHazard[];
  /** Controls held by manufacturers of interfacing systems: they act in their own safety case. */
  otherManufacturers: { manufacturer: OtherManufacturer; hazard: Hazard; controls: Control[] }[];
  /** Every deploying organisation named, once (case, punctuation and plural folded). */
  organisations: string[];
}

/** The DCB0160 hand-over, kept apart by what each entry is. */
export function handOver(folder: SafetyFolder): HandOver {
  const kind = (owner: string) => ownerKind(folder.config, owner);
  const transferred: HandOverHazard[] = [];
  const deployerControlled: HandOverHazard[] = [];
  const otherManufacturers: HandOver['otherManufacturers'] = [];
  for (const hazard of liveHazards(folder)) {
    const controls = hazard.controls.filter((c) => kind(c.owner) === 'deploying-organisation');
    const byOther = new Map<string, { manufacturer: OtherManufacturer; controls: Control[] }>();
    for (const c of hazard.controls.filter((c) => kind(c.owner) === 'other-manufacturer')) {
      const m = otherManufacturerOf(folder.config, c.owner)!;
      const entry = byOther.get(m.name) ?? { manufacturer: m, controls: [] };
      entry.controls.push(c);
      byOther.set(m.name, entry);
    }
    for (const e of byOther.values()) otherManufacturers.push({ ...e, hazard });
    if (hazard.status !== 'transferred' && controls.length === 0) continue;
    const organisations = distinctOrganisations([
      ...(hazard.transferredTo && kind(hazard.transferredTo) === 'deploying-organisation' ? [hazard.transferredTo] : []),
      ...controls.map((c) => c.owner),
    ]);
    const actions = hazard.actions.filter((a) => kind(a.owner) === 'deploying-organisation' && a.status === 'open');
    (hazard.status === 'transferred' ? transferred : deployerControlled).push({ hazard, organisations, controls, actions });
  }
  const organisations = distinctOrganisations([...transferred, ...deployerControlled].flatMap((t) => t.organisations));
  return { transferred, deployerControlled, otherManufacturers, organisations };
}

/**
 * Hazards handed over to deploying organisations (DCB0160): status `transferred`, or any control
 * held by a deploying organisation. Transferred ones first.
 */
export function transferredHazards(folder: SafetyFolder): HandOverHazard[] {
  const ho = handOver(folder);
  return [...ho.transferred, ...ho.deployerControlled];
}

export interface OutstandingIssue {
  hazard: Hazard;
  kind: 'planned control' | 'missing evidence' | 'open action';
  ref: string;
  description: string;
  owner: string;
  due?: string;
}

/**
 * Outstanding test issues with a safety impact: controls still planned, controls claimed as
 * implemented or verified without evidence, and open actions.
 */
export function outstandingIssues(folder: SafetyFolder): OutstandingIssue[] {
  const out: OutstandingIssue[] = [];
  for (const hazard of liveHazards(folder)) {
    for (const c of hazard.controls) {
      if (c.status === 'planned') out.push({ hazard, kind: 'planned control', ref: c.id, description: c.description, owner: c.owner });
      else if (c.evidence.length === 0)
        out.push({ hazard, kind: 'missing evidence', ref: c.id, description: c.description, owner: c.owner });
    }
    hazard.actions.forEach((a, i) => {
      if (a.status === 'open')
        out.push({
          hazard,
          kind: 'open action',
          ref: `${hazard.id} action ${i + 1}`,
          description: a.summary,
          owner: a.owner,
          ...(a.due ? { due: a.due } : {}),
        });
    });
  }
  return out;
}

export interface SafetyRequirement {
  hazard: Hazard;
  control: Control;
}

/** Every control of every live hazard, as a safety requirement (DCB0129 6.3.2–6.3.3). */
export function safetyRequirements(folder: SafetyFolder): SafetyRequirement[] {
  return liveHazards(folder).flatMap((hazard) => hazard.controls.map((control) => ({ hazard, control })));
}

/** Day part of an ISO date or date-time. */
export const day = (iso: string): string => iso.slice(0, 10);

/**
 * Incidents reported after the previous release and not after this one. Without a previous
 * release date every incident reported up to this release is listed.
 */
export function incidentsSince(folder: SafetyFolder, releaseDate: string, previousDate?: string): Incident[] {
  const until = day(releaseDate);
  const from = previousDate ? day(previousDate) : undefined;
  return folder.incidents
    .filter((i) => i.reportedOn <= until && (from === undefined || i.reportedOn > from))
    .sort((a, b) => (a.reportedOn < b.reportedOn ? -1 : a.reportedOn > b.reportedOn ? 1 : a.reference.localeCompare(b.reference)));
}

/** Incidents still open at the release date, whenever reported. */
export function openIncidents(folder: SafetyFolder, releaseDate: string): Incident[] {
  const until = day(releaseDate);
  return folder.incidents.filter((i) => i.reportedOn <= until && (!i.closedOn || i.closedOn > until));
}

/** Live hazards whose residual as released is at or above `unacceptableFrom` (4 for the NHS scheme). */
export const unacceptableHazards = (folder: SafetyFolder): Hazard[] =>
  liveHazards(folder).filter((h) => residualBasis(folder, h).releaseRisk >= folder.scheme.unacceptableFrom);
