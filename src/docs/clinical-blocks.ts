/**
 * Document blocks for the clinical acceptability rules: the risk scheme in force with its own
 * definitions, the DCB0160 hand-over, incidents against the safety case (DCB0129 7.2.2/7.2.3) and
 * the findings that block or flag a sign-off. Every value from the repository enters as a text node.
 */
import type { RootContent } from 'mdast';
import { acceptabilityCriteria, clinicalBlockers, incidentConflicts, residualText, type ClinicalFinding } from '../core/acceptability.js';
import { testIssueFindings, type ReleaseEvidence } from '../core/evidence-release.js';
import type { Hazard, SafetyFolder } from '../core/folder.js';
import { emphasis, heading, list, paragraph, strong, text } from '../core/markdown.js';
import { describeRisk, ratingOf } from '../core/risk.js';
import { grid, oneLine, type Cell } from './mdast.js';
import { handOver, type HandOverHazard } from './safety-case-facts.js';

interface Ctx {
  folder: SafetyFolder;
  release: { date: string };
  signOff?: { state: string; statement?: string };
  evidence?: ReleaseEvidence;
}

/** The findings as of this release, crediting an approved sign-off's statement; outstanding test issues last. */
export function findingsFor(ctx: Ctx): ClinicalFinding[] {
  const statement = ctx.signOff?.state === 'approved' ? ctx.signOff.statement : undefined;
  const clinical = clinicalBlockers(ctx.folder, { at: ctx.release.date, ...(statement ? { statement } : {}) });
  if (!ctx.evidence) return clinical;
  const tests = testIssueFindings(ctx.evidence, statement).map((f): ClinicalFinding => {
    const h = ctx.folder.hazards.find((x) => x.id === f.hazard);
    const i = h?.controls.findIndex((c) => c.id === f.control) ?? -1;
    return {
      hazardId: f.hazard,
      rule: 'test-issue',
      severity: f.severity,
      message: f.message,
      file: h?.file ?? '',
      at: i >= 0 ? ['controls', i] : [],
    };
  });
  return [...clinical, ...tests];
}

/** The acceptability of a rating as a residual risk for release, under the scheme in force. */
export function acceptabilityOf(folder: SafetyFolder, value: number): string {
  const s = folder.scheme;
  if (value >= s.unacceptableFrom) return 'Not acceptable for release';
  if (value >= s.justifyFrom) return 'Acceptable only with a recorded justification that further risk reduction is impractical';
  return 'Acceptable';
}

/**
 * The risk scheme in force, with its definitions. The default scheme's words are the guidance's,
 * quoted word for word (and said to be); a declared scheme's words are the manufacturer's own.
 */
export function riskScheme(ctx: Ctx): RootContent[] {
  const { folder } = ctx;
  const s = folder.scheme;
  const out: RootContent[] = [
    paragraph(
      'Risk scheme in force: ',
      strong(s.name),
      '. Risk is looked up in the matrix from severity and likelihood; it is never a product of scores.',
    ),
    paragraph(
      s.source
        ? `The rating, likelihood and severity definitions below are quoted word for word from the ${s.source}.`
        : 'This scheme is declared by the manufacturer in clinsafe.yml (riskScheme); the definitions below are the manufacturer’s own.',
    ),
    heading(3, 'Risk acceptability criteria'),
    list(acceptabilityCriteria(folder)),
    heading(3, 'Risk ratings'),
    grid(
      ['Rating', 'Definition', 'Acceptable as a residual risk for release?'],
      [...s.ratings].reverse().map((r) => [String(r.value), r.meaning, acceptabilityOf(folder, r.value)]),
    ),
  ];
  if (Object.values(s.likelihoodMeanings).some(Boolean)) {
    out.push(
      heading(3, 'Likelihood'),
      grid(
        ['Likelihood', 'Definition'],
        [...s.likelihoods].reverse().map((l) => [l, s.likelihoodMeanings[l] ?? 'not defined']),
      ),
    );
  }
  if (s.severityLadder?.length) {
    out.push(
      heading(3, 'Severity (consequence)'),
      paragraph(
        'Severity is graded by the consequence and by the number of patients affected: the same consequence is rated higher when it affects several patients.',
      ),
      grid(
        ['Severity', 'Consequence', 'Patients affected'],
        s.severityLadder.map((l) => [l.severity, l.consequence, l.patients === 'single' ? 'Single patient' : 'Multiple patients']),
      ),
    );
  } else if (Object.values(s.severityMeanings).some(Boolean)) {
    out.push(
      heading(3, 'Severity (consequence)'),
      grid(
        ['Severity', 'Definition'],
        [...s.severities].reverse().map((l) => [l, s.severityMeanings[l] ?? 'not defined']),
      ),
    );
  }
  return out;
}

const controlRows = (cs: Hazard['controls']): Cell[][] => cs.map((c) => [c.id, c.description, c.type, c.owner, c.status]);

function handOverEntry(ctx: Ctx, t: HandOverHazard): RootContent[] {
  const h = t.hazard;
  const out: RootContent[] = [
    heading(4, `${h.id} ${oneLine(h.title)}`),
    grid(
      ['Item', 'Detail'],
      [
        ['Hazard', h.description],
        ['Potential clinical impact', h.clinicalImpact],
        ['Held by', t.organisations.join(', ')],
        ['Residual risk', residualText(ctx.folder, h)],
      ],
    ),
    grid(['Control', 'What the organisation must do', 'Type', 'Held by', 'Status'], controlRows(t.controls)),
  ];
  if (t.actions.length)
    out.push(list(t.actions.map((a) => `Open action (${oneLine(a.owner)}${a.due ? `, due ${a.due}` : ''}): ${oneLine(a.summary)}`)));
  return out;
}

/** DCB0160 hand-over: transferred hazards, open hazards relying on deployer controls, and other manufacturers' part. */
export function transferredBlock(ctx: Ctx): RootContent[] {
  const ho = handOver(ctx.folder);
  if (!ho.transferred.length && !ho.deployerControlled.length && !ho.otherManufacturers.length)
    return [paragraph('No hazard is transferred and no control is held by another organisation.')];
  const out: RootContent[] = [
    paragraph(
      'Deploying organisations must put the controls below in place, and assess them in their own clinical risk management under DCB0160, before and while using the product.',
    ),
  ];
  if (ho.organisations.length) out.push(paragraph('Deploying organisations named: ', text(ho.organisations.join('; ')), '.'));
  out.push(heading(3, 'Transferred hazards'));
  out.push(
    paragraph(
      emphasis(
        'Transferred: the manufacturer’s actions for the hazard are complete, and the named organisation holds the controls still outstanding.',
      ),
    ),
  );
  if (ho.transferred.length) for (const t of ho.transferred) out.push(...handOverEntry(ctx, t));
  else out.push(paragraph('No hazard is transferred.'));
  out.push(heading(3, 'Open hazards with controls held by deploying organisations'));
  out.push(
    paragraph(
      emphasis(
        'Not transferred: the manufacturer still has actions outstanding on these hazards, and some of their controls are held by the deploying organisation.',
      ),
    ),
  );
  if (ho.deployerControlled.length) for (const t of ho.deployerControlled) out.push(...handOverEntry(ctx, t));
  else out.push(paragraph('No other hazard has a control held by a deploying organisation.'));
  if (ho.otherManufacturers.length) {
    out.push(heading(3, 'Controls held by other manufacturers'));
    out.push(
      paragraph(
        'These organisations make systems this product interfaces with. They are not deploying organisations: each must put its control in place in its own system and record it in its own clinical safety case, under the standard named.',
      ),
    );
    for (const m of ho.otherManufacturers) {
      const who = m.manufacturer;
      out.push(
        heading(4, `${who.name}: ${m.hazard.id} ${oneLine(m.hazard.title)}`),
        paragraph(
          'Who must act: ',
          strong(who.name),
          who.system ? `, manufacturer of ${oneLine(who.system)},` : ',',
          ` in its own clinical safety case under ${who.standard}.`,
        ),
        grid(
          ['Item', 'Detail'],
          [
            ['Hazard', m.hazard.description],
            ['Potential clinical impact', m.hazard.clinicalImpact],
            ['Residual risk', residualText(ctx.folder, m.hazard)],
          ],
        ),
        grid(
          ['Control', 'What the manufacturer must do', 'Type', 'Status'],
          m.controls.map((c) => [c.id, c.description, c.type, c.status]),
        ),
      );
    }
  }
  return out;
}

/** DCB0129 7.2.2/7.2.3: incidents rated above the residual of a linked hazard, with their assessment. */
export function incidentConflictBlock(ctx: Ctx): RootContent[] {
  const cs = incidentConflicts(ctx.folder, ctx.release.date);
  if (cs.length === 0)
    return [paragraph('No open incident is rated above the residual risk of a hazard it is linked to, so no hazard awaits re-assessment.')];
  return [
    paragraph(
      'These open incidents are rated above the residual risk the safety case claims for a linked hazard. Each hazard must be re-assessed, or a Clinical Safety Officer must record why not; until then the release cannot be signed off.',
    ),
    grid(
      ['Incident', 'Assessment', 'Hazard and its residual risk', 'Impact on the safety case'],
      cs.map((c): Cell[] => {
        const a = c.incident.clinicalRiskAssessment!;
        const r = c.incident.safetyCaseImpact;
        return [
          `${c.incident.reference}${c.incident.title ? ` ${oneLine(c.incident.title)}` : ''}`,
          `${a.severity} / ${a.likelihood}: ${describeRisk(ctx.folder.scheme, c.incidentRisk)}${a.notes ? `. ${oneLine(a.notes)}` : ''}`,
          `${c.hazard.id}: ${residualText(ctx.folder, c.hazard)}`,
          c.recorded && r
            ? `Not re-assessed; ${r.by} recorded on ${r.on}: ${oneLine(r.reason)}`
            : strong('Awaiting re-assessment of the hazard or a CSO’s recorded reason'),
        ];
      }),
    ),
  ];
}

const RULE_LABELS: Record<ClinicalFinding['rule'], string> = {
  'residual-unacceptable': 'Residual risk not acceptable for release',
  'justification-missing': 'Residual risk without justification',
  draft: 'Hazard not yet assessed (draft)',
  'planned-residual': 'Residual rests on planned controls',
  'cause-without-control': 'Cause without an additional control',
  'severity-reduced': 'Severity reduced without a reason',
  'no-triggers': 'Hazard without triggers',
  'incident-above-residual': 'Incident rated above the residual',
  'open-incident': 'Open incident',
  'held-elsewhere': 'Residual relies on another organisation',
  'test-issue': 'Outstanding test issue at the release commit',
};

/** The sign-off checklist: every finding that blocks or flags sign-off, with its hazard. */
export function signOffFindingsBlock(ctx: Ctx): RootContent[] {
  const fs = findingsFor(ctx);
  const blocking = fs.filter((f) => f.severity === 'blocks');
  const out: RootContent[] = [
    paragraph(
      blocking.length
        ? strong(
            `${blocking.length} finding${blocking.length === 1 ? '' : 's'} block${blocking.length === 1 ? 's' : ''} the release sign-off until resolved.`,
          )
        : 'No finding blocks the release sign-off; the Clinical Safety Officer must consider each finding flagged below before signing.',
    ),
  ];
  if (fs.length)
    out.push(
      grid(
        ['Hazard', 'Finding', 'Sign-off', 'Detail'],
        fs.map((f) => [
          f.incident ? `${f.hazardId || 'none linked'} (${f.incident})` : f.hazardId,
          RULE_LABELS[f.rule],
          f.severity === 'blocks' ? strong('blocks') : 'flagged',
          f.message,
        ]),
      ),
    );
  return out;
}

/** The meaning of the rating acceptability is judged on. */
export const releaseMeaning = (folder: SafetyFolder, value: number): string => ratingOf(folder.scheme, value)?.meaning ?? '';
