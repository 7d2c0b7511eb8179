/**
 * What the app writes about merges and releases: the safety review after an impacted merge, the
 * release sign-off issue with its checklist, the sign-off / rejection record and the polite
 * refusal. Built as mdast trees; repository text only ever enters as text nodes.
 */
import { residualText } from '../core/acceptability.js';
import type { PhrasingContent, RootContent } from 'mdast';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Hazard, Incident, SafetyFolder } from '../core/folder.js';
import type { ImpactedHazard, Reverify } from '../core/impact.js';
import type { HazardChange } from '../core/hazard-log-delta.js';
import { details, heading, inlineCode, link, list, paragraph, root, serialize, strong, table, text } from '../core/markdown.js';
import { describeRisk } from '../core/risk.js';

export interface MergedPull {
  number: number;
  title: string;
  url: string;
  mergeCommit: string;
  impacted: ImpactedHazard[];
  hazardLogChanges: HazardChange[];
  reverify: Reverify[];
  safetyFolderChanges: string[];
  /** Plain-language account of the CSO approval on the PR's last commit. */
  approval: string;
}

const short = (sha: string) => sha.slice(0, 7);

function riskCell(folder: SafetyFolder, risk: number): string {
  return describeRisk(folder.scheme, risk);
}

/** "Review hazard log after #N": what the merged change touched and what the CSO should check. */
export function afterMergeIssue(folder: SafetyFolder, pr: MergedPull): { title: string; body: string } {
  const children: RootContent[] = [
    paragraph(
      'Pull request ',
      link(pr.url, `#${pr.number} `, pr.title),
      ` was merged (commit ${short(pr.mergeCommit)}). It changed code that the hazard log says these hazards live in, so a Clinical Safety Officer should check that their causes, controls and ratings still hold.`,
    ),
    paragraph(strong('CSO approval on the pull request: '), pr.approval),
  ];
  if (pr.impacted.length) {
    children.push(
      heading(3, `Hazards to review (${pr.impacted.length})`),
      table(
        ['Hazard', 'Title', 'Residual risk', 'Why'],
        pr.impacted.map((h) => [
          h.id,
          h.title,
          `${riskCell(folder, h.residualRisk)}${h.residualNote ? `; ${h.residualNote}` : ''}`,
          h.reasons.map((r) => r.detail).join('; '),
        ]),
      ),
    );
  }
  if (pr.safetyFolderChanges.length) {
    children.push(heading(3, 'Safety folder files changed'), list(pr.safetyFolderChanges.map((f) => [inlineCode(f)])));
  }
  if (pr.hazardLogChanges.length) {
    children.push(
      heading(3, 'Hazard log changes in this pull request'),
      list(pr.hazardLogChanges.map((c) => [text(`${c.id} ${c.change}: ${c.details.map((d) => d.summary).join('; ') || c.title}`)])),
    );
  }
  if (pr.reverify.length) {
    children.push(
      heading(3, 'Evidence to re-verify'),
      paragraph('The pull request changed or removed files that controls cite as their evidence:'),
      table(
        ['Hazard', 'Control', 'Evidence', 'Change'],
        pr.reverify.map((r) => [r.hazard, r.control, inlineCode(r.evidence), r.change]),
      ),
    );
  }
  children.push(
    heading(3, 'Review checklist'),
    list(
      [
        'Do the listed hazards still describe how the product can cause harm after this change?',
        'Are the controls still in place, and is their evidence still valid (re-run or re-read what changed)?',
        'Re-rate any hazard whose severity or likelihood moved, in a pull request a CSO approves',
        'Close this issue with a note of what was reviewed',
      ],
      false,
      false,
    ),
  );
  return { title: `Review hazard log after #${pr.number}`, body: serialize(root(children)) };
}

export interface ReleaseReview {
  tag: string;
  sha: string;
  releaseUrl: string;
  folder?: SafetyFolder;
  /** Why documents could not be built (invalid folder, API failure), when they could not. */
  problem?: string;
  diagnostics?: Diagnostic[];
  previousTag?: string;
  /** Hazard-log changes since the previous release. */
  delta: HazardChange[];
  incidentsSince: Incident[];
  changeRecord: { pullNumber?: number; title: string; hazards: string[]; approvals: { login: string; commit: string }[] }[];
  assets: { name: string; sha256: string }[];
  /** Outstanding test issues at the release commit (issue 15): failing, skipped, missing linked tests, unsupported claims. */
  testIssues?: number;
}

/** Controls not yet verified: planned, or implemented without verification. */
function openControls(folder: SafetyFolder): { hazard: Hazard; id: string; description: string; status: string; owner: string }[] {
  return folder.hazards
    .filter((h) => h.status !== 'retired')
    .flatMap((h) =>
      h.controls
        .filter((c) => c.status !== 'verified')
        .map((c) => ({ hazard: h, id: c.id, description: c.description, status: c.status, owner: c.owner })),
    );
}

/** What the issue opens with: the release, what is attached (only if the documents were built), the two commands. */
function signOffIntro(r: ReleaseReview): RootContent[] {
  const built = !r.problem && !!r.folder;
  return [
    // Say what is attached only when the documents were built: a failed build attached nothing.
    built
      ? paragraph(
          'Release ',
          link(r.releaseUrl, r.tag),
          ` (commit ${short(r.sha)}) was published. Its Clinical Safety Case Report is attached to the release as a `,
          strong('draft awaiting CSO sign-off'),
          '. A Clinical Safety Officer named in clinsafe.yml at this commit reviews it and comments here:',
        )
      : paragraph(
          'Release ',
          link(r.releaseUrl, r.tag),
          ` (commit ${short(r.sha)}) was published, but `,
          strong('its safety documents could not be built'),
          ', so no Clinical Safety Case Report is attached and the release cannot be signed off until they are (see below). A Clinical Safety Officer named in clinsafe.yml at this commit then comments here:',
        ),
    list([
      [
        inlineCode('/clinsafe sign-off'),
        text(
          built
            ? ' — approve the release; the signed CSO release memo and the approved CSCR replace the draft on the release.'
            : ' — approve the release once the documents are built; the signed CSO release memo and the approved CSCR are then attached.',
        ),
      ],
      [inlineCode('/clinsafe reject <reason>'), text(' — refuse it; the release notes will say it is not safety-approved.')],
    ]),
  ];
}

export function releaseSignOffIssue(r: ReleaseReview): { title: string; body: string } {
  const children: RootContent[] = signOffIntro(r);
  if (r.problem || !r.folder) {
    children.push(
      heading(3, 'The safety documents could not be built'),
      paragraph(r.problem ?? 'The safety folder could not be read at this commit.'),
    );
    if (r.diagnostics?.length)
      children.push(list(r.diagnostics.slice(0, 30).map((d) => [inlineCode(`${d.file}:${d.line}:${d.col}`), text(` ${d.message}`)])));
    children.push(paragraph('Fix the safety folder and publish the release again; nothing can be signed off until the documents build.'));
    return { title: `Release sign-off: ${r.tag}`, body: serialize(root(children)) };
  }
  const folder = r.folder;
  const rerated = r.delta.filter((c) => c.details.some((d) => d.kind === 'risk') || c.change !== 'modified');
  const open = openControls(folder);
  const transferred = folder.hazards.filter(
    (h) => h.status === 'transferred' || h.controls.some((c) => c.owner.toLowerCase() !== 'manufacturer'),
  );
  const since = r.previousTag ? `since ${r.previousTag}` : 'in this first release';
  children.push(heading(3, 'Checklist for this release'));
  children.push(
    list(
      [
        [
          text(
            `Hazard log changes ${since} reviewed (${rerated.length} hazard${rerated.length === 1 ? '' : 's'} added, retired or re-rated)`,
          ),
        ],
        [text(`Controls not yet verified accepted or followed up (${open.length})`)],
        ...(r.testIssues !== undefined
          ? [
              [
                text(
                  `Outstanding test issues at the release commit resolved, or accepted explicitly in the sign-off statement with "I accept the outstanding test issues" (${r.testIssues}; listed in the CSCR, section 11)`,
                ),
              ],
            ]
          : []),
        [text(`Incidents ${since} considered (${r.incidentsSince.length})`)],
        [
          text(
            `Transferred hazards and the controls deploying organisations must put in place are stated in the CSCR (${transferred.length})`,
          ),
        ],
        [
          text(
            `Merged pull requests that impacted hazards ${since} were approved by a CSO (${r.changeRecord.filter((c) => c.hazards.length).length})`,
          ),
        ],
      ],
      false,
      false,
    ),
  );
  if (rerated.length) {
    children.push(
      heading(4, `Hazard log changes ${since}`),
      table(
        ['Hazard', 'Change', 'Detail'],
        rerated.map((c) => [c.id, c.change, c.details.map((d) => d.summary).join('; ') || c.title]),
      ),
    );
  }
  if (open.length) {
    children.push(
      ...details(`Controls not yet verified (${open.length})`, [
        table(
          ['Hazard', 'Control', 'Status', 'Owner'],
          open.map((o) => [o.hazard.id, `${o.id}: ${o.description}`, o.status, o.owner]),
        ),
      ]),
    );
  }
  if (r.incidentsSince.length) {
    children.push(heading(4, `Incidents ${since}`), list(r.incidentsSince.map((i) => [text(`${i.reference}: ${i.title ?? i.summary}`)])));
  }
  if (transferred.length) {
    children.push(
      ...details(`Transferred hazards (${transferred.length})`, [
        table(
          ['Hazard', 'Title', 'Transferred to', 'Residual risk (and what it rests on)'],
          transferred.map((h) => [h.id, h.title, h.transferredTo ?? controlOwners(h), residualText(folder, h)]),
        ),
      ]),
    );
  }
  const unapproved = r.changeRecord.filter((c) => c.hazards.length && c.approvals.length === 0);
  if (unapproved.length) {
    children.push(
      heading(4, 'Impacting changes without a recorded CSO approval'),
      list(unapproved.map((c) => [text(`${c.pullNumber ? `#${c.pullNumber} ` : ''}${c.title} (hazards ${c.hazards.join(', ')})`)])),
    );
  }
  if (r.assets.length) {
    children.push(
      ...details('Documents attached to the release (SHA-256)', [
        table(
          ['File', 'SHA-256'],
          r.assets.map((a) => [a.name, inlineCode(a.sha256)]),
        ),
      ]),
    );
  }
  return { title: `Release sign-off: ${r.tag}`, body: serialize(root(children)) };
}

function controlOwners(h: Hazard): string {
  return [...new Set(h.controls.filter((c) => c.owner.toLowerCase() !== 'manufacturer').map((c) => c.owner))].join(', ');
}

export interface SignOffRecord {
  tag: string;
  sha: string;
  cso: { github: string; name: string; profession: string; registration: string };
  statement: string;
  signedAt: string;
  cscr: { name: string; sha256: string }[];
  memo?: { name: string; sha256: string };
}

export function signOffComment(s: SignOffRecord): string {
  const children: RootContent[] = [
    paragraph(strong(`Release ${s.tag} is safety-approved.`)),
    paragraph(
      `Signed off by ${s.cso.name} (${s.cso.profession}, ${s.cso.registration}; GitHub `,
      inlineCode(s.cso.github),
      `) on ${s.signedAt}, for commit ${s.sha}.`,
    ),
    paragraph(strong('Statement: '), s.statement),
    table(
      ['Document', 'SHA-256'],
      [...s.cscr, ...(s.memo ? [s.memo] : [])].map((a) => [a.name, inlineCode(a.sha256)]),
    ),
    paragraph('The approved Clinical Safety Case Report and the CSO release memo have replaced the draft on the release.'),
  ];
  return serialize(root(children));
}

export function rejectionComment(r: { tag: string; sha: string; by: string; reason: string; at: string }): string {
  return serialize(
    root([
      paragraph(strong(`Release ${r.tag} is NOT safety-approved.`)),
      paragraph('Rejected by ', inlineCode(r.by), ` on ${r.at} (commit ${short(r.sha)}).`),
      paragraph(strong('Reason: '), r.reason),
      paragraph(
        'The release notes and the Clinical Safety Case Report attached to the release now say so. A CSO can still sign off this release later with /clinsafe sign-off once the concern is resolved.',
      ),
    ]),
  );
}

export function refusalComment(login: string, reason: string): string {
  const who: PhrasingContent[] = [text('Thank you, '), inlineCode(login), text('. ')];
  return serialize(root([paragraph(...who, `This command was not carried out: ${reason}. Nothing has changed on the release.`)]));
}

/** The clinsafe section of the release notes (between markers; the rest of the notes is left alone). */
export function releaseNotesSection(
  state:
    | { kind: 'awaiting'; issueUrl: string }
    | { kind: 'approved'; cso: string; at: string }
    | { kind: 'rejected'; by: string; reason: string; at: string }
    | { kind: 'failed'; issueUrl: string },
): string {
  const line: RootContent =
    state.kind === 'awaiting'
      ? paragraph(
          strong('Clinical safety: '),
          'awaiting sign-off by a Clinical Safety Officer — the attached CSCR is a draft (',
          link(state.issueUrl, 'sign-off issue'),
          ').',
        )
      : state.kind === 'approved'
        ? paragraph(strong('Clinical safety: '), `safety-approved by ${state.cso} on ${state.at}. The CSO release memo is attached.`)
        : state.kind === 'rejected'
          ? paragraph(strong('Clinical safety: NOT safety-approved. '), `Rejected by ${state.by} on ${state.at}: ${state.reason}`)
          : paragraph(
              strong('Clinical safety: NOT safety-approved. '),
              'The safety documents could not be built for this release (',
              link(state.issueUrl, 'details'),
              ').',
            );
  return serialize(root([line])).trim();
}
