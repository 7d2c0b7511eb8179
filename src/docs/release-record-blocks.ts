/**
 * Document blocks for the DCB0129 MUST items a release records (issue 11 §2): third-party products
 * (2.5.2), the formal review before delivery (7.1.2), the release configuration (7.1.3),
 * authorisation levels (2.2.2), the CRMP's approval (3.2.2), the document-control history,
 * reviewers and distribution, the CSCR's executive summary and what changed in the safety case
 * since the previous release. Every value from the repository enters as a text node.
 */
import type { RootContent } from 'mdast';
import { residualBasis } from '../core/acceptability.js';
import type { SafetyFolder } from '../core/folder.js';
import { hazardLogDelta } from '../core/hazard-log-delta.js';
import { inlineCode, list, paragraph, strong, text } from '../core/markdown.js';
import { findingsFor } from './clinical-blocks.js';
import { grid, oneLine, type Cell } from './mdast.js';
import { day, handOver, incidentsSince, liveHazards, outstandingIssues } from './safety-case-facts.js';
import type { ReleaseInfo, SignOff } from './types.js';

export interface RecordCtx {
  folder: SafetyFolder;
  release: ReleaseInfo;
  signOff?: SignOff;
  /** The safety folder at the previous release, when known: the source of "what changed". */
  previousFolder?: SafetyFolder;
}

const short = (sha: string): string => sha.slice(0, 12);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** DCB0129 2.5.2: third-party products included in the release, with their assessment. */
export function thirdPartyBlock(ctx: RecordCtx): RootContent[] {
  const tp = ctx.folder.config.thirdParty;
  if (tp.length === 0)
    return [
      paragraph(
        strong('No third-party products are declared'),
        ' (clinsafe.yml ',
        inlineCode('thirdParty'),
        '). DCB0129 2.5.2 requires the assessment of third-party products included in the release (libraries, SOUP, external services); declare each with its assessment.',
      ),
    ];
  return [
    paragraph(`${plural(tp.length, 'third-party product')} included in this release, each with its clinical safety assessment:`),
    grid(
      ['Product', 'Version', 'Kind', 'Supplier', 'Use in this release', 'Assessment', 'Hazards', 'Assessed'],
      tp.map((t) => [
        t.name,
        t.version ?? 'not stated',
        t.kind,
        t.supplier ?? 'not stated',
        t.use,
        t.assessment,
        t.hazards.join(', ') || 'none',
        [t.assessedBy, t.assessedOn].filter(Boolean).join(', ') || 'not stated',
      ]),
    ),
  ];
}

/** DCB0129 7.1.3: the release configuration: tag, commit and what the safety folder declares. */
export function releaseConfigurationBlock(ctx: RecordCtx): RootContent[] {
  const { release, folder } = ctx;
  const rows: Cell[][] = [
    ['Release tag', 'release', release.tag, ''],
    ['Commit', 'release', inlineCode(release.commit), ''],
    ['Product version', 'release', folder.config.product.version ?? 'not stated in clinsafe.yml', ''],
    ...folder.config.configuration.map((c): Cell[] => [c.item, c.kind, c.value, c.notes ?? '']),
    ...folder.config.product.interfaces.map((i): Cell[] => [i.name, 'interface', i.direction ?? 'not stated', i.description ?? '']),
  ];
  const out: RootContent[] = [grid(['Item', 'Kind', 'Value', 'Notes'], rows)];
  if (folder.config.configuration.length === 0)
    out.push(
      paragraph(
        strong('No release configuration is declared'),
        ' (clinsafe.yml ',
        inlineCode('configuration'),
        ': deployment options, feature flags, versions of interfaced specifications and services).',
      ),
    );
  return out;
}

/** DCB0129 7.1.2: the formal review before delivery, for this release. Not the CSO's sign-off. */
export function formalReviewBlock(ctx: RecordCtx): RootContent[] {
  const reviews = ctx.folder.config.releaseReviews.filter((r) => r.release === ctx.release.tag);
  if (reviews.length === 0)
    return [
      paragraph(
        strong(`No formal review before delivery is recorded for ${ctx.release.tag}`),
        ' (clinsafe.yml ',
        inlineCode('releaseReviews'),
        `, release ${ctx.release.tag}). DCB0129 7.1.2 requires the results of the formal review: what was reviewed, by whom, when and the outcome. The CSO's sign-off below is the release decision, not this review.`,
      ),
    ];
  const out: RootContent[] = [];
  for (const r of reviews) {
    out.push(
      grid(
        ['Item', 'Value'],
        [
          ['Release reviewed', r.release],
          ['Date', r.date],
          ['Reviewed by', r.reviewers.map((p) => `${oneLine(p.name)} (${oneLine(p.role)})`).join('; ')],
          ['What was reviewed', r.reviewed.map(oneLine).join('; ')],
          ['Outcome', r.outcome.replace(/-/g, ' ')],
          ['Actions', r.actions.map(oneLine).join('; ') || 'none'],
          ...(r.notes ? [['Notes', r.notes] as Cell[]] : []),
        ],
      ),
    );
  }
  return out;
}

/** DCB0129 2.2.2: authorisation levels defined by Top Management. */
export function authorisationBlock(ctx: RecordCtx): RootContent[] {
  const a = ctx.folder.config.authorisation;
  if (a.length === 0)
    return [
      paragraph(
        strong('No authorisation levels are declared'),
        ' (clinsafe.yml ',
        inlineCode('authorisation'),
        '). DCB0129 2.2.2 asks Top Management to define them; until then only the CSO roster below approves.',
      ),
    ];
  return [
    grid(
      ['Authority', 'Held by', 'Granted by'],
      a.map((x) => [x.level, x.role, x.grantedBy ?? 'not stated']),
    ),
  ];
}

/** DCB0129 3.2.2: the CSO approves each version of the CRMP; the release sign-off covers it. */
export function crmpApprovalBlock(ctx: RecordCtx): RootContent[] {
  const s = ctx.signOff;
  const header = ['Document', 'Version', 'Decision', 'By', 'Date'];
  const version = ctx.release.documentVersion ?? ctx.release.tag;
  const lead = paragraph(
    `This plan is approved with each release: the CSO's release sign-off covers every released document (CSCR, this CRMP, the hazard log and the safety requirements), and the release memo lists the SHA-256 of each.`,
  );
  if (s?.state === 'approved')
    return [
      lead,
      grid(header, [
        [
          'Clinical Risk Management Plan',
          version,
          'Approved',
          `${s.cso.name} (${s.cso.profession}, ${s.cso.registration})`,
          day(s.signedAt),
        ],
      ]),
    ];
  if (s?.state === 'rejected') return [lead, grid(header, [['Clinical Risk Management Plan', version, 'Rejected', s.by, day(s.at)]])];
  return [lead, paragraph(strong('Not yet approved.'), ` This version awaits the CSO's sign-off of release ${ctx.release.tag}.`)];
}

/** One line of what changed in the safety case since the previous release, or undefined when unknown. */
export function changeSummary(ctx: RecordCtx): string | undefined {
  if (!ctx.previousFolder) return undefined;
  const delta = hazardLogDelta(ctx.previousFolder, ctx.folder);
  const n = (k: string) => delta.filter((d) => d.change === k).length;
  const rerated = delta.filter((d) => d.details.some((x) => x.kind === 'risk')).length;
  return `${plural(n('added'), 'hazard')} added, ${n('retired')} retired, ${n('modified')} modified (${rerated} re-rated)`;
}

/** Document control beyond the identity table: revision history, reviewers, distribution. */
export function documentControlExtras(ctx: RecordCtx): RootContent[] {
  const { release } = ctx;
  const history: Cell[][] = [];
  if (release.previousTag)
    history.push([
      release.previousTag,
      release.previousDate ? day(release.previousDate) : 'not known',
      release.previousCommit ? inlineCode(short(release.previousCommit)) : 'not known',
      'Previous issue',
    ]);
  history.push([
    release.documentVersion ?? release.tag,
    day(release.date),
    inlineCode(short(release.commit)),
    release.previousTag
      ? `Regenerated for ${release.tag}: ${changeSummary(ctx) ?? 'changes listed in the change record'}`
      : 'First issue generated by clinsafe',
  ]);
  const docs = ctx.folder.config.documents;
  const reviews = ctx.folder.config.releaseReviews.filter((r) => r.release === release.tag);
  const reviewers = [...docs.reviewers, ...reviews.flatMap((r) => r.reviewers)];
  const seen = new Set<string>();
  const uniqueReviewers = reviewers.filter((p) => !seen.has(p.name.toLowerCase()) && seen.add(p.name.toLowerCase()));
  return [
    paragraph(strong('Revision history')),
    grid(['Version', 'Date', 'Commit', 'Change'], history),
    paragraph(strong('Reviewers')),
    uniqueReviewers.length
      ? grid(
          ['Name', 'Role'],
          uniqueReviewers.map((p) => [p.name, p.role]),
        )
      : paragraph(
          'No reviewers are declared (clinsafe.yml ',
          inlineCode('documents.reviewers'),
          ' or ',
          inlineCode('releaseReviews'),
          ').',
        ),
    paragraph(strong('Distribution')),
    docs.distribution.length
      ? list(docs.distribution.map((d) => [text(oneLine(d))]))
      : paragraph(
          'Published with the release on GitHub; no further distribution is declared (clinsafe.yml ',
          inlineCode('documents.distribution'),
          ').',
        ),
  ];
}

/** Count of live hazards at each residual rating: as stated, and as delivered (crediting no planned control). */
export function residualCounts(folder: SafetyFolder): { value: number; name: string; stated: number; delivered: number }[] {
  const live = liveHazards(folder);
  const asDelivered = (h: (typeof live)[number]) => {
    const b = residualBasis(folder, h);
    return b.restsOnPlanned ? h.initial.risk : b.releaseRisk;
  };
  return [...folder.scheme.ratings]
    .sort((a, b) => b.value - a.value)
    .map((r) => ({
      value: r.value,
      name: r.name,
      stated: live.filter((h) => h.residual.risk === r.value).length,
      delivered: live.filter((h) => asDelivered(h) === r.value).length,
    }));
}

/** The CSCR's executive summary: release, conclusion, counts, what is outstanding, what deployers must do. */
export function executiveSummary(ctx: RecordCtx): RootContent[] {
  const { folder, release } = ctx;
  const p = folder.config.product;
  const live = liveHazards(folder);
  const findings = findingsFor(ctx);
  const blocking = findings.filter((f) => f.severity === 'blocks');
  const flagged = findings.filter((f) => f.severity === 'flags');
  const s = ctx.signOff;
  const conclusion =
    s?.state === 'approved'
      ? `Approved for release by ${s.cso.name}, Clinical Safety Officer, on ${day(s.signedAt)} (statement in section 14).`
      : s?.state === 'rejected'
        ? `NOT safety-approved: sign-off was rejected by ${s.by} on ${day(s.at)}.`
        : blocking.length
          ? `Not yet releasable: ${plural(blocking.length, 'finding')} block sign-off (${[...new Set(blocking.map((b) => b.hazardId))].join(', ')}). DRAFT awaiting CSO sign-off.`
          : 'No finding blocks sign-off; DRAFT awaiting CSO sign-off.';
  const ho = handOver(folder);
  const outstanding = outstandingIssues(folder);
  const since = incidentsSince(folder, release.date, release.previousDate);
  const out: RootContent[] = [
    grid(
      ['Item', 'Summary'],
      [
        ['Release', `${p.name} ${release.tag} (commit ${short(release.commit)}), ${day(release.date)}, by ${p.manufacturer}`],
        ['Overall conclusion', conclusion],
        ['Hazards', `${plural(live.length, 'live hazard')}; ${plural(folder.hazards.length - live.length, 'retired hazard')}`],
        [
          'Outstanding',
          `${plural(outstanding.length, 'outstanding item')} (section 11); ${plural(blocking.length, 'finding')} blocking and ${plural(flagged.length, 'finding')} flagged at sign-off; ${plural(since.length, 'incident')} since the previous release (section 13)`,
        ],
        [
          'Deploying organisations must',
          ho.transferred.length + ho.deployerControlled.length
            ? `put in place the controls of ${plural(ho.transferred.length, 'transferred hazard')} and ${plural(ho.deployerControlled.length, 'hazard')} with controls they hold (section 9), under their own DCB0160 clinical risk management`
            : 'carry out their own DCB0160 clinical risk management; no hazard is transferred to them',
        ],
        ...(ctx.previousFolder
          ? [['Changed since ' + (release.previousTag ?? 'the previous release'), changeSummary(ctx)!] as Cell[]]
          : []),
      ],
    ),
    paragraph(strong('Hazards by residual rating')),
    grid(
      ['Rating', 'As stated', 'As delivered in this release (no planned control credited)'],
      residualCounts(folder).map((r) => [`${r.value} ${r.name}`, String(r.stated), String(r.delivered)]),
    ),
  ];
  return out;
}

/** What changed in the safety case since the previous release: hazards, controls, incidents. */
export function safetyCaseChangesBlock(ctx: RecordCtx): RootContent[] {
  const { release } = ctx;
  const out: RootContent[] = [];
  if (!ctx.previousFolder) {
    out.push(
      paragraph(
        release.previousTag
          ? `The safety folder at ${release.previousTag} could not be read, so the hazard-by-hazard comparison is not available; the change record above lists every merged change.`
          : 'No previous release: every hazard in this safety case is new in this issue.',
      ),
    );
  } else {
    const delta = hazardLogDelta(ctx.previousFolder, ctx.folder);
    if (delta.length === 0) out.push(paragraph(`No hazard changed since ${release.previousTag ?? 'the previous release'}.`));
    else
      out.push(
        grid(
          ['Hazard', 'Change', 'What changed'],
          delta.map((d) => [`${d.id} ${oneLine(d.title)}`, d.change, d.details.map((x) => oneLine(x.summary)).join('; ')]),
        ),
      );
  }
  const since = incidentsSince(ctx.folder, release.date, release.previousDate);
  out.push(
    paragraph(
      since.length
        ? `Incidents reported since the previous release: ${since.map((i) => i.reference).join(', ')} (section 13).`
        : 'No incident was reported since the previous release.',
    ),
  );
  return out;
}
