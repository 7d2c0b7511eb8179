/**
 * The hazard log in the documents: the summary table, each live hazard's details with its causes
 * and controls, residual risks, and the hazards whose residual rating needs a justification. Every
 * value from the repository enters as a text node.
 */
import type { RootContent } from 'mdast';
import type { Hazard } from '../core/folder.js';
import { emphasis, heading, list, paragraph, strong, text } from '../core/markdown.js';
import { ratingOf } from '../core/risk.js';
import { residualBasis, residualText } from '../core/acceptability.js';
import { causeControlBlock } from './cause-controls.js';
import { risk, type DocContext } from './doc-context.js';
import { grid, oneLine, type Cell } from './mdast.js';
import { highResidualHazards, liveHazards, residualRisks } from './safety-case-facts.js';

const assessment = (ctx: DocContext, a: Hazard['initial']): string => `${a.severity} / ${a.likelihood}: ${risk(ctx, a.risk)}`;
const hazardStatus = (h: Hazard): string =>
  `${h.status}${h.status === 'transferred' && h.transferredTo ? ` to ${oneLine(h.transferredTo)}` : ''}${h.draft ? ' (draft, not yet assessed by a CSO)' : ''}`;

export function hazardSummary(ctx: DocContext): RootContent[] {
  const hs = ctx.folder.hazards;
  if (hs.length === 0) return [paragraph('The hazard log holds no hazards.')];
  const live = liveHazards(ctx.folder);
  const counts = ['open', 'transferred', 'closed', 'retired'].map((s) => `${hs.filter((h) => h.status === s).length} ${s}`).join(', ');
  const out: RootContent[] = [
    paragraph(
      `The hazard log holds ${hs.length} hazard${hs.length === 1 ? '' : 's'} (${counts}) with ${live.reduce((n, h) => n + h.controls.length, 0)} additional controls.`,
    ),
    grid(
      ['ID', 'Hazard', 'Initial risk (severity / likelihood: rating)', 'Residual risk (severity / likelihood: rating)', 'Status'],
      hs.map((h) => [h.id, h.title, assessment(ctx, h.initial), residualText(ctx.folder, h), hazardStatus(h)]),
    ),
  ];
  const retired = hs.filter((h) => h.status === 'retired');
  if (retired.length)
    out.push(
      paragraph('Retired hazards (kept in the log, not part of this safety case):'),
      list(retired.map((h) => [text(`${h.id} ${oneLine(h.title)}: `), emphasis(oneLine(h.retiredReason ?? 'no reason recorded'))])),
    );
  return out;
}

export function hazardDetails(ctx: DocContext): RootContent[] {
  const out: RootContent[] = [];
  for (const h of liveHazards(ctx.folder)) {
    out.push(heading(4, `${h.id} ${oneLine(h.title)}`));
    out.push(
      grid(
        ['Field', 'Value'],
        [
          ['Description', h.description],
          ['Potential clinical impact', h.clinicalImpact],
          [
            'Possible causes',
            h.causes.length ? `${h.causes.length}, each with the controls that treat it in the table below` : 'none recorded',
          ],
          ['Existing controls', h.existingControls.map(oneLine).join('; ') || 'none recorded'],
          ['Initial risk', assessment(ctx, h.initial)],
          ['Additional controls', h.controls.length ? `${h.controls.length}, described in the table below` : 'none'],
          ['Residual risk', residualText(ctx.folder, h)],
          ...(h.severityReductionReason ? [['Why the severity is lower', h.severityReductionReason] as Cell[]] : []),
          ...(h.acceptedPlannedResidual
            ? [
                [
                  'Residual resting on planned controls accepted by',
                  `${h.acceptedPlannedResidual.by} on ${h.acceptedPlannedResidual.on}: ${oneLine(h.acceptedPlannedResidual.reason)}`,
                ] as Cell[],
              ]
            : []),
          ['Status', hazardStatus(h)],
          [
            'Actions',
            h.actions.map((a) => `${oneLine(a.summary)} (${oneLine(a.owner)}, ${a.status}${a.due ? `, due ${a.due}` : ''})`).join('; ') ||
              'none',
          ],
          ['Dependencies and assumptions', h.assumptions.map(oneLine).join('; ') || 'none recorded'],
          ['Owner', h.owner ?? 'not stated'],
          ['Introduced in', h.introducedIn ?? 'not stated'],
          ...(h.comments ? [['Comments', h.comments] as Cell[]] : []),
        ],
      ),
    );
    out.push(...causeControlBlock(h));
  }
  return out.length ? out : [paragraph('No live hazards.')];
}

export function residualRiskBlock(ctx: DocContext): RootContent[] {
  const rs = residualRisks(ctx.folder);
  if (rs.length === 0) return [paragraph('There are no live hazards, so no residual risks.')];
  return [
    grid(
      ['ID', 'Hazard', 'Residual risk', 'Definition of the rating as released', 'Operational constraints'],
      rs.map(({ hazard: h, constraints }) => [
        h.id,
        h.title,
        residualText(ctx.folder, h),
        ratingOf(ctx.folder.scheme, residualBasis(ctx.folder, h).releaseRisk)?.meaning ?? '',
        constraints.length ? constraints.map(oneLine).join('; ') : 'none stated',
      ]),
    ),
  ];
}

export function highResidualBlock(ctx: DocContext): RootContent[] {
  const hs = highResidualHazards(ctx.folder);
  const s = ctx.folder.scheme;
  if (hs.length === 0) return [paragraph(`No live hazard has a residual rating of ${s.justifyFrom} or more.`)];
  return [
    paragraph(
      `These hazards have a residual rating of ${s.justifyFrom} or more: risk has not been reduced to a broadly acceptable level, and the justification below explains why further reduction is impractical.`,
    ),
    grid(
      ['ID', 'Hazard', 'Residual risk', 'Justification'],
      hs.map((h) => [
        h.id,
        h.title,
        residualText(ctx.folder, h),
        h.justification ? h.justification : strong('No justification recorded: the CSO must justify this before sign-off'),
      ]),
    ),
  ];
}
