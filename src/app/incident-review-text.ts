/**
 * The text of the issues and comments the app writes, built as mdast trees (repository text is
 * always a text node). Pure: data in, Markdown out.
 */
import type { RootContent } from 'mdast';
import type { Hazard, SafetyFolder } from '../core/folder.js';
import { describeRisk } from '../core/risk.js';
import type { ReviewDue } from '../core/review-due.js';
import { code, details, heading, inlineCode, link, list, paragraph, root, serialize, strong, table, text } from '../core/markdown.js';
import { stringify } from 'yaml';
import { DEFAULT_SAFETY_DIR } from '../core/folder.js';

const STOP = new Set([
  'with',
  'from',
  'that',
  'this',
  'when',
  'were',
  'have',
  'been',
  'into',
  'than',
  'then',
  'they',
  'their',
  'there',
  'which',
  'while',
  'would',
  'could',
  'should',
  'about',
  'after',
  'before',
  'patient',
  'patients',
  'system',
  'shown',
  'being',
  'does',
  'other',
]);

function words(s: string): Set<string> {
  return new Set(
    s
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 4 && !STOP.has(w)),
  );
}

/** Hazards an incident report may relate to: shared labels, then shared significant words. */
export function candidateHazards(
  folder: SafetyFolder,
  incident: { title: string; body: string; labels: string[] },
  max = 5,
): { hazard: Hazard; why: string }[] {
  const incidentWords = words(`${incident.title} ${incident.body}`);
  const labels = new Set(incident.labels.map((l) => l.toLowerCase()));
  const scored = folder.hazards
    .filter((h) => h.status !== 'retired')
    .map((h) => {
      const labelHits = h.triggers.labels.filter((l) => labels.has(l.toLowerCase()));
      const shared = [...words(`${h.title} ${h.description} ${h.clinicalImpact}`)].filter((w) => incidentWords.has(w));
      const score = labelHits.length * 3 + shared.length;
      const why = labelHits.length ? `label ${labelHits.join(', ')}` : `mentions ${shared.slice(0, 4).join(', ')}`;
      return { hazard: h, score, why };
    })
    .filter((s) => s.score >= 2)
    .sort((a, b) => b.score - a.score || a.hazard.id.localeCompare(b.hazard.id, 'en', { numeric: true }));
  return scored.slice(0, max).map(({ hazard, why }) => ({ hazard, why }));
}

export function incidentGuidance(
  folder: SafetyFolder | undefined,
  issue: { number: number; title: string; body: string; user: string; createdAt: string; labels: string[] },
  folderProblem?: string,
): string {
  const reference = `INC-${issue.createdAt.slice(0, 4)}-${String(issue.number).padStart(3, '0')}`;
  const candidates = folder ? candidateHazards(folder, issue) : [];
  const entry = {
    reference,
    title: issue.title,
    reportedBy: issue.user,
    reportedOn: issue.createdAt.slice(0, 10),
    summary: 'What happened, to whom (no patient identifiers), and what the clinical consequence was or could have been.',
    clinicalRiskAssessment: { severity: 'TODO', likelihood: 'TODO', notes: 'The CSO’s assessment of the clinical risk.' },
    release: folder?.config.product.version ?? 'TODO',
    hazards: candidates.map((c) => c.hazard.id),
    cause: 'Root cause, once known.',
    journal: [{ date: issue.createdAt.slice(0, 10), by: issue.user, entry: `Reported in issue #${issue.number}.` }],
  };
  const children: RootContent[] = [
    heading(3, 'Clinical safety incident: what happens next'),
    paragraph(
      'This issue is labelled as a clinical safety incident. Under DCB0129 §3.6 it must be recorded in the safety incident log, assessed by a Clinical Safety Officer, and linked to the hazards it relates to. Do not put patient-identifiable information in this issue.',
    ),
    list(
      [
        'A CSO assesses the clinical risk (severity and likelihood) and decides whether the product must be made safe now.',
        'Record the incident in the safety folder as the file below, in a pull request that a CSO approves.',
        'If the incident shows a hazard the log does not cover, add a hazard; if it shows a control failed, re-rate the hazard.',
        'Add journal entries as the investigation goes on; set madeSafeOn and closedOn when they happen.',
      ],
      true,
    ),
  ];
  if (folderProblem) children.push(paragraph(strong('Note: '), folderProblem));
  if (candidates.length) {
    children.push(
      heading(4, 'Hazards this may relate to'),
      table(
        ['Hazard', 'Title', 'Residual risk', 'Why suggested'],
        candidates.map((c) => [c.hazard.id, c.hazard.title, describeRisk(folder!.scheme, c.hazard.residual.risk), c.why]),
      ),
    );
  } else if (folder) {
    children.push(paragraph('No existing hazard clearly matches this report: the CSO should consider whether it reveals a new hazard.'));
  }
  children.push(
    heading(4, 'Incident log entry to add'),
    paragraph(inlineCode(`${folder?.dir ?? DEFAULT_SAFETY_DIR}/incidents/${reference}.yml`)),
    code(stringify(entry, { lineWidth: 0 }), 'yaml'),
  );
  return serialize(root(children));
}

export function incidentReviewIssue(
  folder: SafetyFolder,
  issue: { number: number; title: string; url: string },
  candidates: { hazard: Hazard; why: string }[],
): { title: string; body: string } {
  const children: RootContent[] = [
    paragraph('A clinical safety incident has been reported: ', link(issue.url, `#${issue.number} `, issue.title), '.'),
    paragraph(
      candidates.length
        ? 'It may relate to hazards whose residual risk needs a written justification, so the CSO should review whether their ratings and controls still hold.'
        : 'No existing hazard matches it, so it may reveal a hazard the log does not cover.',
    ),
  ];
  if (candidates.length) {
    children.push(
      table(
        ['Hazard', 'Title', 'Residual risk'],
        candidates.map((c) => [c.hazard.id, c.hazard.title, describeRisk(folder.scheme, c.hazard.residual.risk)]),
      ),
    );
  }
  children.push(
    heading(4, 'Review checklist'),
    list(
      [
        'Assess the clinical risk of the incident',
        'Link it to existing hazards or add a new hazard',
        'Re-rate affected hazards and record new controls',
        'Record the incident in the safety incident log',
      ],
      false,
      false,
    ),
  );
  return { title: `Safety review: clinical incident #${issue.number}`, body: serialize(root(children)) };
}

export function periodicReviewIssue(folder: SafetyFolder, due: ReviewDue): { title: string; body: string } {
  const open = folder.hazards.filter((h) => h.status === 'open' || h.status === 'transferred');
  const planned = folder.hazards.flatMap((h) => h.controls.filter((c) => c.status === 'planned').map((c) => ({ h, c })));
  const openIncidents = folder.incidents.filter((i) => !i.closedOn);
  const children: RootContent[] = [
    paragraph(
      due.lastReviewed
        ? `The hazard log of ${folder.config.product.name} was last reviewed on ${due.lastReviewed}. The declared cadence is every ${due.cadenceMonths} month${due.cadenceMonths === 1 ? '' : 's'}, so a full review fell due on ${due.dueOn}.`
        : `The hazard log of ${folder.config.product.name} has no recorded review (review.lastReviewed is not set in clinsafe.yml). The declared cadence is every ${due.cadenceMonths} months.`,
    ),
    heading(4, 'Review checklist'),
    list(
      [
        'Re-read every live hazard: are the causes, controls and ratings still right for how the product is used now?',
        'Check incidents and complaints since the last review against the hazard log',
        'Confirm that planned controls are still planned, or record their evidence',
        'Update review.lastReviewed in clinsafe.yml in a pull request approved by a CSO',
      ],
      false,
      false,
    ),
    heading(4, `Live hazards (${open.length})`),
    table(
      ['Hazard', 'Title', 'Residual risk', 'Status'],
      open.map((h) => [h.id, h.title, describeRisk(folder.scheme, h.residual.risk), h.status]),
    ),
  ];
  if (planned.length) {
    children.push(
      ...details(`Controls still planned (${planned.length})`, [
        table(
          ['Hazard', 'Control', 'Owner'],
          planned.map(({ h, c }) => [h.id, `${c.id}: ${c.description}`, c.owner]),
        ),
      ]),
    );
  }
  if (openIncidents.length) {
    children.push(heading(4, 'Open incidents'), list(openIncidents.map((i) => [text(`${i.reference}: ${i.title ?? i.summary}`)])));
  }
  return { title: `Periodic safety review due${due.dueOn ? ` (${due.dueOn})` : ''}`, body: serialize(root(children)) };
}
