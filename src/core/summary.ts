/** Plain summaries of a safety folder, shared by the CLI and the documents. */
import type { Hazard, SafetyFolder } from './folder-types.js';
import { residualBasis } from './acceptability.js';
import { isManufacturerOwner, organisationKey } from './owners.js';
import { describeRisk } from './risk.js';
import { HAZARD_STATUSES } from './schema-values.js';

export interface FolderSummary {
  hazards: number;
  byStatus: Record<(typeof HAZARD_STATUSES)[number], number>;
  controls: number;
  transferredControls: number;
  outstandingControls: number;
  drafts: number;
  incidents: number;
  openIncidents: number;
  workshops: number;
  /** Residual rating → number of live (not retired) hazards. */
  residualByRating: Record<number, number>;
}

/**
 * True when `owner` is the manufacturer: the word `manufacturer` or, given the folder, the
 * manufacturer's own name in any spelling (see core/owners.ts).
 */
export const isManufacturer = (owner: string, folder?: Pick<SafetyFolder, 'config'>): boolean =>
  folder ? isManufacturerOwner(folder.config, owner) : organisationKey(owner) === 'manufacturer';

export function summarize(folder: SafetyFolder): FolderSummary {
  const byStatus = { open: 0, transferred: 0, closed: 0, retired: 0 };
  const residualByRating: Record<number, number> = {};
  let controls = 0;
  let transferredControls = 0;
  let outstandingControls = 0;
  for (const h of folder.hazards) {
    byStatus[h.status]++;
    controls += h.controls.length;
    transferredControls += h.controls.filter((c) => !isManufacturer(c.owner, folder)).length;
    outstandingControls += h.controls.filter((c) => c.status === 'planned').length;
    if (h.status !== 'retired') residualByRating[h.residual.risk] = (residualByRating[h.residual.risk] ?? 0) + 1;
  }
  return {
    hazards: folder.hazards.length,
    byStatus,
    controls,
    transferredControls,
    outstandingControls,
    drafts: folder.hazards.filter((h) => h.draft).length,
    incidents: folder.incidents.length,
    openIncidents: folder.incidents.filter((i) => !i.closedOn).length,
    workshops: folder.workshops.length,
    residualByRating,
  };
}

export function summaryLine(folder: SafetyFolder): string {
  const s = summarize(folder);
  const statuses = HAZARD_STATUSES.filter((k) => s.byStatus[k] > 0)
    .map((k) => `${s.byStatus[k]} ${k}`)
    .join(', ');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${folder.config.product.name}: ${plural(s.hazards, 'hazard')}${statuses ? ` (${statuses})` : ''}, ${plural(s.controls, 'control')}, ${plural(s.incidents, 'incident')}, ${plural(s.workshops, 'workshop')}`;
}

export interface HazardRow {
  id: string;
  title: string;
  status: string;
  initial: string;
  residual: string;
  residualRisk: number;
  /** The rating acceptability is judged on: the delivered residual when stated, else the residual. */
  releaseRisk: number;
  /** Set when planned controls are counted: "3 as delivered (2 with planned controls)". */
  residualNote?: string;
}

export function hazardRows(folder: SafetyFolder): HazardRow[] {
  return folder.hazards.map((h: Hazard) => {
    const b = residualBasis(folder, h);
    const delivered = b.restsOnPlanned ? h.initial.risk : b.delivered?.risk;
    const note =
      delivered !== undefined && delivered !== h.residual.risk
        ? `${delivered} as delivered${b.delivered ? '' : ' (initial)'}, ${h.residual.risk} with planned controls`
        : undefined;
    return {
      id: h.id,
      title: h.title,
      status: h.draft ? `${h.status} (draft)` : h.status,
      initial: describeRisk(folder.scheme, h.initial.risk),
      residual: note ?? describeRisk(folder.scheme, h.residual.risk),
      residualRisk: h.residual.risk,
      releaseRisk: b.releaseRisk,
      ...(note ? { residualNote: note } : {}),
    };
  });
}
