/** The risk matrix as a table, each rating cell carrying the tone coloured renderers paint it in. */
import type { RootContent } from 'mdast';
import type { SafetyFolder } from '../core/folder.js';
import { paragraph } from '../core/markdown.js';
import type { DocContext } from './doc-context.js';
import { grid } from './mdast.js';

/**
 * How a rating reads on the page: below justifyFrom green (acceptable), at justifyFrom yellow (needs
 * justification), between it and unacceptableFrom orange, at or above unacceptableFrom red.
 */
export type Tone = 'low' | 'medium' | 'high' | 'unacceptable';
export function toneOfRating(scheme: SafetyFolder['scheme'], value: number): Tone {
  if (value >= scheme.unacceptableFrom) return 'unacceptable';
  if (value > scheme.justifyFrom) return 'high';
  return value === scheme.justifyFrom ? 'medium' : 'low';
}

export function riskMatrix(ctx: DocContext): RootContent[] {
  const s = ctx.folder.scheme;
  const rows = [...s.likelihoods].reverse();
  const table = grid(
    ['Likelihood \\ Severity', ...s.severities],
    rows.map((l) => [l, ...s.severities.map((sev) => String(s.matrix[l]?.[sev] ?? '?'))]),
  );
  // Renderers that can colour (HTML, PDF) read the tone from the cell's data; Markdown ignores it.
  table.children.slice(1).forEach((row, r) =>
    row.children.slice(1).forEach((cell, c) => {
      const v = s.matrix[rows[r]!]?.[s.severities[c]!];
      if (v !== undefined) cell.data = { ...(cell.data ?? {}), tone: toneOfRating(s, v) } as typeof cell.data;
    }),
  );
  return [table, paragraph(`Ratings: ${s.ratings.map((r) => `${r.value} ${r.name}`).join(' · ')}.`)];
}
