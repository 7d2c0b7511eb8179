/**
 * Safety incidents since the previous release, those still open, and their impact on the safety
 * case. Every value from the repository enters as a text node.
 */
import type { RootContent } from 'mdast';
import { heading, paragraph } from '../core/markdown.js';
import { riskOf } from '../core/risk.js';
import { incidentConflictBlock } from './clinical-blocks.js';
import { risk, type DocContext } from './doc-context.js';
import { grid, oneLine, type Cell } from './mdast.js';
import { day, incidentsSince, openIncidents } from './safety-case-facts.js';

export function incidentsBlock(ctx: DocContext): RootContent[] {
  const since = incidentsSince(ctx.folder, ctx.release.date, ctx.release.previousDate);
  const stillOpen = openIncidents(ctx.folder, ctx.release.date).filter((i) => !since.includes(i));
  const out: RootContent[] = [
    paragraph(
      ctx.release.previousDate
        ? `Safety incidents reported after the previous release (${day(ctx.release.previousDate)}) up to this release (${day(ctx.release.date)}).`
        : `No previous release date was given: every safety incident reported up to this release (${day(ctx.release.date)}) is listed.`,
    ),
  ];
  const row = (i: (typeof since)[number]): Cell[] => [
    i.reference,
    i.title ?? oneLine(i.summary).slice(0, 120),
    i.reportedOn,
    i.clinicalRiskAssessment ? incidentRating(ctx, i.clinicalRiskAssessment) : 'not assessed',
    i.hazards.join(', ') || 'none linked',
    i.closedOn && i.closedOn <= day(ctx.release.date) ? `closed ${i.closedOn}` : i.madeSafeOn ? `open (made safe ${i.madeSafeOn})` : 'open',
  ];
  const header = ['Reference', 'Incident', 'Reported', 'Assessed risk', 'Hazards', 'Status'];
  out.push(since.length ? grid(header, since.map(row)) : paragraph('No safety incidents were reported in this period.'));
  if (stillOpen.length) out.push(paragraph('Incidents reported earlier and still open at this release:'), grid(header, stillOpen.map(row)));
  out.push(heading(3, 'Impact of incidents on the safety case (DCB0129 7.2.2, 7.2.3)'), ...incidentConflictBlock(ctx));
  return out;
}

function incidentRating(ctx: DocContext, a: { severity: string; likelihood: string }): string {
  const r = riskOf(ctx.folder.scheme, a.severity, a.likelihood);
  return `${a.severity} / ${a.likelihood}${r === undefined ? '' : `: ${risk(ctx, r)}`}`;
}
