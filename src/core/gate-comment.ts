/**
 * The gate's pull-request comment, written for a clinician: the decision first, then the hazards
 * touched and why, the hazard-log changes, the evidence to re-check and who may approve.
 * Built as an mdast tree: file names, titles and logins are text or inline-code nodes, so they
 * render literally (no broken table, no mention, no HTML).
 */
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { describeContribution, describeIgnored, describeKept } from './approval.js';
import type { GateResult } from './gate.js';
import { headEvidenceBlock } from './gate-comment-evidence.js';
import type { HeadEvidence } from './head-evidence.js';
import { details, heading, inlineCode, list, markerNode, paragraph, root, serialize, strong, table, text } from './markdown.js';
import {
  capped,
  cso,
  detailLine,
  fileCode,
  joinPhrases,
  movedMatrix,
  oneLine,
  reasonPhrase,
  residualCell,
  reviewRequestLine,
  visible,
  type ReviewRequest,
} from './gate-comment-phrases.js';

export interface GateCommentContext {
  /** The pull request number: adds the hidden marker that finds the sticky comment again. */
  prNumber?: number;
  /** Where the commit status links (the Actions run), shown in the footer. */
  runUrl?: string;
  /** Leave out the collapsed detail sections (used when the full comment would be too long for GitHub). */
  compact?: boolean;
  /** The review request the gate made of the roster's CSOs: who was asked, or why nobody could be. */
  reviewRequest?: ReviewRequest;
  /** Test results on the head commit for the impacted controls that link tests (issue 15); information only. */
  headEvidence?: HeadEvidence;
}

export type { ReviewRequest };
export { visible };

/** GitHub refuses comments over 65,536 characters; stay well below. */
export const MAX_COMMENT_CHARS = 60_000;
const MAX_LIST = 50;
const MAX_ROWS = 10;
/** Rows inside a collapsed section: the comment's size never grows with the number of hazards. */
const MAX_COLLAPSED_ROWS = 200;
const MAX_REASONS_IN_TABLE = 2;

function headline(r: GateResult): RootContent[] {
  const n = r.impacted.length;
  const touches = n ? `${n} hazard${n === 1 ? '' : 's'} in the hazard log` : 'the safety folder';
  switch (r.decision) {
    case 'not-required':
      return [
        heading(3, '✅ No clinical safety impact'),
        paragraph(
          'No hazard in the hazard log is linked to the files or labels of this pull request, and it does not change the safety folder. No Clinical Safety Officer approval is needed.',
        ),
      ];
    case 'approved': {
      const by = r.approval.state === 'approved' ? r.approval.by.map((l) => cso(r, l)).join(', ') : '';
      return [
        heading(3, `✅ Approved by Clinical Safety Officer ${by} on commit `, inlineCode(r.headSha.slice(0, 7))),
        paragraph(`This pull request touches ${touches}. The approval covers this commit only: a new push needs a fresh approval.`),
      ];
    }
    case 'pending':
      return [
        heading(3, '⚠️ Needs approval by a Clinical Safety Officer'),
        paragraph(
          `This pull request touches ${touches}. It cannot be merged until a Clinical Safety Officer reviews the hazards below and approves the pull request.`,
        ),
      ];
    case 'blocked': {
      const by = r.approval.state === 'blocked' ? r.approval.by.map((l) => cso(r, l)).join(', ') : '';
      return [
        heading(3, `⛔ Changes requested by Clinical Safety Officer ${by}`),
        paragraph(
          `This pull request touches ${touches}. It cannot be merged until the CSO's requested changes are made and a CSO approves the latest commit.`,
        ),
      ];
    }
    case 'error':
      return [
        heading(3, '❌ The safety gate could not decide — merging is blocked'),
        paragraph(
          'The gate fails closed: until the problem below is fixed, this pull request is treated as needing a Clinical Safety Officer and its status is a failure.',
        ),
        list(r.errors.slice(0, 20).map((e) => [text(oneLine(e.message))])),
        ...(r.errors.length > 20 ? [paragraph(`… and ${r.errors.length - 20} more.`)] : []),
      ];
  }
}

/** The table of hazards the change touches, with every reason when there are many. */
function impactedBlock(r: GateResult, ctx: GateCommentContext): RootContent[] {
  const out: RootContent[] = [];
  if (r.impacted.length) {
    const rows = r.impacted.slice(0, MAX_ROWS + MAX_COLLAPSED_ROWS).map((h) => {
      const shown = h.reasons.slice(0, MAX_REASONS_IN_TABLE).map(reasonPhrase);
      const more = h.reasons.length - shown.length;
      const why = joinPhrases(shown);
      if (more > 0) why.push(text(` and ${more} more`));
      return [text(h.id), text(oneLine(h.title)), residualCell(r, h), ...[why]] as (PhrasingContent | PhrasingContent[])[];
    });
    const mk = (rs: typeof rows) =>
      tableWithPhrases(['Hazard', 'Title', 'Residual risk (what the rating means)', 'Why this pull request touches it'], rs);
    out.push(heading(4, 'Hazards this change touches'));
    out.push(mk(rows.slice(0, MAX_ROWS)));
    if (r.impacted.length > MAX_ROWS) {
      if (ctx.compact)
        out.push(paragraph(`… and ${r.impacted.length - MAX_ROWS} more hazards (run clinsafe check locally for the full list).`));
      else {
        const beyond = r.impacted.length - MAX_ROWS - MAX_COLLAPSED_ROWS;
        out.push(
          ...details(`${r.impacted.length - MAX_ROWS} more hazards`, [
            mk(rows.slice(MAX_ROWS, MAX_ROWS + MAX_COLLAPSED_ROWS)),
            ...(beyond > 0 ? [paragraph(`… and ${beyond} more hazards (run clinsafe check locally for the full list).`)] : []),
          ]),
        );
      }
    }
    if (!ctx.compact && r.impacted.some((h) => h.reasons.length > MAX_REASONS_IN_TABLE)) {
      out.push(
        ...details('Every reason, file by file', [
          list(
            capped(
              r.impacted,
              MAX_COLLAPSED_ROWS,
              (h) => [paragraph(strong(h.id)), list(capped(h.reasons, MAX_LIST, reasonPhrase))] as never,
            ),
          ),
        ]),
      );
    }
  }
  return out;
}

/** What changed in the hazard log, and whether deploying organisations must be told. */
function hazardLogBlock(r: GateResult, ctx: GateCommentContext): RootContent[] {
  const out: RootContent[] = [];
  if (r.hazardLogChanges.length) {
    out.push(heading(4, 'Changes to the hazard log'));
    const items = r.hazardLogChanges
      .slice(0, MAX_LIST)
      .map((c) => [paragraph(strong(c.id), text(`: ${oneLine(c.title)} — ${c.change}`)), list(capped(c.details, 20, detailLine))] as never);
    if (r.hazardLogChanges.length > MAX_LIST)
      items.push([
        paragraph(`… and ${r.hazardLogChanges.length - MAX_LIST} more hazards changed (run clinsafe check locally for the full list)`),
      ] as never);
    const body = list(items);
    if (r.hazardLogChanges.length <= 5) out.push(body);
    else if (ctx.compact) {
      const shown = r.hazardLogChanges.slice(0, MAX_LIST).map((c) => `${c.id} (${c.change})`);
      const more = r.hazardLogChanges.length - shown.length;
      out.push(paragraph(`${r.hazardLogChanges.length} hazards changed: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`));
    } else out.push(...details(`${r.hazardLogChanges.length} hazards changed`, [body]));
    const moved = movedMatrix(r);
    if (moved)
      out.push(
        paragraph(strong('Where the re-rated hazards sit on the risk matrix'), text(" (R: the cell's rating):")),
        table(moved.header, moved.rows),
      );
    const told = r.hazardLogChanges.filter((c) => c.deployers);
    if (told.length)
      out.push(
        paragraph(
          strong('Deploying organisations must be told: '),
          text(
            `${told.map((c) => c.id).join(', ')} ${told.length === 1 ? 'is' : 'are'} transferred to deploying organisations or ${told.length === 1 ? 'relies' : 'rely'} on controls they hold. A change here changes what they must do under DCB0160: record it in the release's hand-over so each deploying organisation's CSO can re-assess.`,
          ),
        ),
      );
  }
  return out;
}

/** Who may approve, the review request, how to approve, and the reviews that do not count. */
function approveBlock(r: GateResult, ctx: GateCommentContext): RootContent[] {
  const out: RootContent[] = [];
  {
    out.push(heading(4, 'Who may approve, and how'));
    const a = r.approval;
    const eligible = a.state === 'pending' ? a.eligible : r.roster.map((c) => c.github);
    const excluded = a.state === 'pending' ? (a.excluded ?? []) : [];
    if (a.state === 'blocked' && a.kept?.length) out.push(list(a.kept.map((k) => [text(describeKept(k))])));
    if (eligible.length === 0 && excluded.length) {
      // Every CSO is excluded by a record in the commits: say which commit and which e-mail, not "add a CSO".
      out.push(
        paragraph(
          'Nobody on the roster can approve this pull request as it is, because the commits name every Clinical Safety Officer as an author:',
        ),
      );
      out.push(list(excluded.map((x) => [text(`${describeContribution(x.login, x.contribution!)}.`)])));
      out.push(
        paragraph(
          'Anyone can put a name or e-mail in a commit. If a CSO did not write the commit, re-author it (git commit --amend --reset-author, or rebase) and push again; otherwise another CSO must approve.',
        ),
      );
    } else if (eligible.length === 0) {
      out.push(
        paragraph(
          'Nobody can approve: no Clinical Safety Officer who is not an author of this pull request is on the roster in clinsafe.yml on the base branch. Add one there first.',
        ),
      );
    } else {
      out.push(
        paragraph(
          text('A Clinical Safety Officer on the roster in clinsafe.yml on the base branch: '),
          text(eligible.map((l) => cso(r, l)).join(', ')),
          text('.'),
        ),
      );
      out.push(...reviewRequestLine(r, ctx.reviewRequest));
    }
    out.push(
      paragraph(
        `To approve: open Files changed → Review changes → Approve. The approval counts on the latest commit only, from a CSO who did not write or co-author any of its commits (applying a suggestion from a review makes its author a co-author), and covers the hazards impacted when it is given${r.requiredApprovals > 1 ? `; ${r.requiredApprovals} CSOs must approve` : ''}. Request changes to hold the merge.`,
      ),
    );
    if (a.state !== 'not-required' && a.ignored.length) {
      out.push(paragraph('Reviews that do not count:'));
      out.push(list(a.ignored.map((x) => describeIgnored(x))));
    }
  }
  return out;
}

/** The comment as an mdast tree. */
export function gateCommentTree(r: GateResult, ctx: GateCommentContext = {}): Root {
  const out: RootContent[] = [...headline(r)];
  for (const note of r.notes) out.push(paragraph(strong('Note: '), text(oneLine(note))));

  out.push(...impactedBlock(r, ctx));

  if (r.safetyFolderChanges.length) {
    const files = list(capped(r.safetyFolderChanges, MAX_LIST, (f) => [fileCode(f)]));
    out.push(
      paragraph(
        strong('This pull request edits the safety folder itself'),
        text(
          ` (${r.safetyFolderChanges.length} file${r.safetyFolderChanges.length === 1 ? '' : 's'}), so a Clinical Safety Officer must approve it.`,
        ),
      ),
    );
    if (r.safetyFolderChanges.length <= 5) out.push(files);
    else if (!ctx.compact) out.push(...details('Safety folder files changed', [files]));
  }
  if (r.suspiciousPaths.length) {
    out.push(
      paragraph(
        strong('Paths that do not read as they are'),
        text(
          ': these changed file names hold invisible or bidirectional-control characters, so what you see may not be the file that changed. A Clinical Safety Officer must look at them.',
        ),
      ),
    );
    out.push(list(capped(r.suspiciousPaths, 20, (x) => [fileCode(x.file), text(` — ${oneLine(x.why)}`)])));
  }
  if (r.alwaysImpacted.length) {
    out.push(paragraph(text('Files the configuration marks as always needing a CSO:')));
    out.push(list(r.alwaysImpacted.slice(0, 20).map((a) => [fileCode(a.file), text(' matches '), fileCode(a.pattern)])));
  }

  out.push(...hazardLogBlock(r, ctx));

  if (r.reverify.length) {
    out.push(heading(4, 'Evidence to re-check'));
    out.push(
      paragraph(
        'This pull request edits files cited as verification evidence for these controls. Check that each control is still verified:',
      ),
    );
    const body = list(
      capped(r.reverify, MAX_LIST, (x) => [text(`${x.hazard}, control ${x.control}: `), fileCode(x.evidence), text(` (${x.change})`)]),
    );
    if (r.reverify.length <= 8) out.push(body);
    else if (ctx.compact) out.push(paragraph(`${r.reverify.length} evidence files (run clinsafe check locally for the list).`));
    else out.push(...details(`${r.reverify.length} evidence files`, [body]));
  }

  out.push(...headEvidenceBlock(ctx.headEvidence, ctx.compact));

  if (r.decision !== 'not-required' && r.decision !== 'approved') out.push(...approveBlock(r, ctx));
  if (ctx.prNumber !== undefined) out.push(markerNode('gate-comment', `pr-${ctx.prNumber}`));
  return root(out);
}

/** A table whose cells may hold several phrasing nodes. */
function tableWithPhrases(header: string[], rows: (PhrasingContent | PhrasingContent[])[][]): RootContent {
  const t = table(header, []);
  for (const r of rows) {
    t.children.push({ type: 'tableRow', children: r.map((c) => ({ type: 'tableCell', children: Array.isArray(c) ? c : [c] })) });
  }
  return t;
}

/** GitHub's own limit on a comment body: a longer one is refused. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * The shortest comment that still says what matters: the decision, how much was left out and
 * where to see it all. Used when even the compact comment would be too long for GitHub.
 */
function minimalTree(r: GateResult, ctx: GateCommentContext): Root {
  const n = r.impacted.length;
  const out: RootContent[] = [
    ...headline({ ...r, errors: r.errors.slice(0, 3) }),
    paragraph(
      strong('This comment is shortened to fit GitHub. '),
      text(
        `The full account (${n} hazard${n === 1 ? '' : 's'} touched, ${r.hazardLogChanges.length} hazard-log changes, ${r.safetyFolderChanges.length} safety-folder files, ${r.reverify.length} evidence files) is too long for one comment: run clinsafe check on this branch to see all of it.`,
      ),
    ),
  ];
  if (r.decision !== 'not-required' && r.decision !== 'approved')
    out.push(
      paragraph(
        'A Clinical Safety Officer on the roster in clinsafe.yml on the base branch approves it under Files changed → Review changes → Approve.',
      ),
    );
  if (ctx.prNumber !== undefined) out.push(markerNode('gate-comment', `pr-${ctx.prNumber}`));
  return root(out);
}

/**
 * The comment as Markdown, never longer than MAX_COMMENT_CHARS (below GitHub's 65,536-character
 * limit): the full form, else the compact form (no collapsed detail), else a minimal form that
 * says what was left out.
 */
export function renderGateComment(r: GateResult, ctx: GateCommentContext = {}): string {
  const full = serialize(gateCommentTree(r, ctx));
  if (full.length <= MAX_COMMENT_CHARS) return full;
  const compact = ctx.compact ? full : serialize(gateCommentTree(r, { ...ctx, compact: true }));
  if (compact.length <= MAX_COMMENT_CHARS) return compact;
  const minimal = serialize(minimalTree(r, ctx));
  if (minimal.length <= MAX_COMMENT_CHARS) return minimal;
  // Unreachable with bounded inputs; a last guard all the same (the marker stays at the end).
  const tail = ctx.prNumber !== undefined ? `\n\n${serialize(root([markerNode('gate-comment', `pr-${ctx.prNumber}`)]))}` : '';
  return `${minimal.slice(0, MAX_COMMENT_CHARS - tail.length - 2)}…${tail}`;
}

/** A short body for a sticky comment on a pull request that is no longer impacted. */
export function noLongerImpactedTree(prNumber: number): Root {
  return root([
    heading(3, '✅ No clinical safety impact any more'),
    paragraph(
      'After the latest changes, no hazard is linked to this pull request and the safety folder is unchanged. No Clinical Safety Officer approval is needed.',
    ),
    markerNode('gate-comment', `pr-${prNumber}`),
  ]);
}

/** The comment when the gate could not even evaluate (an API failure): plain words, fail closed. */
export function gateProblemTree(problem: string, prNumber?: number): Root {
  const out: RootContent[] = [
    heading(3, '❌ The safety gate could not run — merging is blocked'),
    paragraph(text(oneLine(problem))),
    paragraph('The gate fails closed: its status stays a failure until it runs successfully. Re-run the job, or push again.'),
  ];
  if (prNumber !== undefined) out.push(markerNode('gate-comment', `pr-${prNumber}`));
  return root(out);
}
