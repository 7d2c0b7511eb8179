/**
 * CSCR hazard details, readable at a safety committee (issue 11 §4): each cause with the controls
 * that treat it (the hazard files link controls to causes), each control with its description,
 * not its id alone. Controls that name no cause are listed as treating the hazard as a whole.
 */
import type { RootContent } from 'mdast';
import type { Hazard } from '../core/folder.js';
import { grid, oneLine, type Cell } from './mdast.js';

type Control = Hazard['controls'][number];

const controlCells = (c: Control): Cell[] => [c.id, c.description, c.type, c.owner, c.status];

/** One row per cause and control that treats it; a cause no control treats says so. */
export function causeControlRows(h: Hazard): Cell[][] {
  const rows: Cell[][] = [];
  for (const cause of h.causes) {
    const treating = h.controls.filter((c) => c.causes.includes(cause.id));
    const label = `${cause.id} ${oneLine(cause.description)}`;
    if (treating.length === 0) rows.push([label, '', 'no control treats this cause', '', '', '']);
    treating.forEach((c, i) => rows.push([i === 0 ? label : '', ...controlCells(c)]));
  }
  const known = new Set(h.causes.map((c) => c.id));
  const general = h.controls.filter((c) => !c.causes.some((id) => known.has(id)));
  general.forEach((c, i) =>
    rows.push([
      i === 0 ? (h.causes.length ? 'The hazard as a whole (no cause named)' : 'The hazard (no causes recorded)') : '',
      ...controlCells(c),
    ]),
  );
  return rows;
}

/** The table under a hazard's details; nothing when the hazard has neither causes nor controls. */
export function causeControlBlock(h: Hazard): RootContent[] {
  const rows = causeControlRows(h);
  if (rows.length === 0) return [];
  return [grid(['Cause', 'Control', 'What the control does', 'Type', 'Owner', 'Status'], rows)];
}
