/**
 * The safety requirements (additional controls) with their verification evidence and test results
 * at release, and what is still outstanding: open items, test results and issues, and the sign-off
 * checklist. Every value from the repository enters as a text node.
 */
import type { RootContent } from 'mdast';
import { heading, paragraph } from '../core/markdown.js';
import { ownerKind } from '../core/owners.js';
import { signOffFindingsBlock } from './clinical-blocks.js';
import type { DocContext } from './doc-context.js';
import { controlTestCell, testIssuesBlock, testSummaryBlock, verificationCell } from './evidence-blocks.js';
import { evidenceCell, grid } from './mdast.js';
import { outstandingIssues, safetyRequirements } from './safety-case-facts.js';

export function requirementsBlock(ctx: DocContext): RootContent[] {
  const rs = safetyRequirements(ctx.folder);
  if (rs.length === 0) return [paragraph('No safety requirements (additional controls) are recorded.')];
  return [
    grid(
      ['Requirement', 'Hazard', 'Requirement text', 'Type', 'Owner', 'Status', 'Verification evidence and test results at release'],
      rs.map(({ hazard: h, control: c }) => [
        c.id,
        h.id,
        c.description,
        c.type,
        ownerKind(ctx.folder.config, c.owner) === 'manufacturer'
          ? 'manufacturer'
          : ownerKind(ctx.folder.config, c.owner) === 'other-manufacturer'
            ? `${c.owner} (other manufacturer)`
            : c.owner,
        c.status,
        verificationCell(evidenceCell(c.evidence), controlTestCell(ctx, h.id, c.id)),
      ]),
    ),
  ];
}

export function outstandingBlock(ctx: DocContext): RootContent[] {
  const is = outstandingIssues(ctx.folder);
  const out: RootContent[] = [];
  if (is.length === 0)
    out.push(
      paragraph('There are no outstanding test issues: every control is implemented or verified with evidence, and no action is open.'),
    );
  else
    out.push(
      paragraph(`${is.length} outstanding item${is.length === 1 ? '' : 's'} with a safety impact:`),
      grid(
        ['Hazard', 'Item', 'Kind', 'Description', 'Owner', 'Due'],
        is.map((i) => [i.hazard.id, i.ref, i.kind, i.description, i.owner, i.due ?? '']),
      ),
    );
  out.push(heading(3, 'Test results at release'), ...testSummaryBlock(ctx));
  out.push(heading(3, 'Test issues at release'), ...testIssuesBlock(ctx));
  out.push(heading(3, 'Sign-off checklist: findings that block or flag sign-off'), ...signOffFindingsBlock(ctx));
  return out;
}
