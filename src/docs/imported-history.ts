/**
 * The history before clinsafe of an imported hazard log: the workbook's own versions, reviewers
 * and approvals (provenance.yml, written by `clinsafe import`), printed under document control
 * in the CRMP and CSCR. Nothing when the folder has no provenance.yml. Workbook text only ever
 * enters as text nodes.
 */
import type { RootContent } from 'mdast';
import type { SafetyFolder } from '../core/folder.js';
import { paragraph, strong } from '../core/markdown.js';
import { grid, oneLine } from './mdast.js';

export function importedHistory(folder: SafetyFolder): RootContent[] {
  const out: RootContent[] = [];
  for (const p of folder.provenance?.sources ?? []) {
    const stated = p.cover.map((c) => `${c.label}: ${c.value}`).join('; ');
    out.push(
      paragraph(
        strong('History before clinsafe'),
        `: the hazard log was imported from ${p.workbook}${p.title ? ` ("${oneLine(p.title)}")` : ''}. As that workbook records it (provenance.yml, each entry with its cell)${stated ? ` — ${stated}` : ''}.`,
      ),
    );
    const dated = p.versions.some((v) => v.date);
    if (p.versions.length)
      out.push(
        grid(
          ['Workbook version', ...(dated ? ['Date'] : []), 'Amendment'],
          p.versions.map((v) => [v.version, ...(dated ? [v.date ?? ''] : []), v.summary]),
        ),
      );
    const people = [...p.approvals.map((a) => ['Approved', a] as const), ...p.reviewers.map((r) => ['Reviewed', r] as const)];
    if (people.length)
      out.push(
        grid(
          ['', 'Name', 'Title / responsibility', 'Date', 'Workbook version'],
          people.map(([what, x]) => [what, x.name, x.role ?? '', x.date ?? '', x.version ?? '']),
        ),
      );
    if (p.distribution) out.push(paragraph(`Distribution stated in the workbook: ${oneLine(p.distribution)}`));
  }
  return out;
}
