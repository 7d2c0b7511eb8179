/**
 * The risk heat map (issue 11 §4): the scheme's matrix with how many live hazards sit in each cell
 * initially and residually. One set of counts feeds both the picture (an SVG in the subset the PDF
 * renderer draws: rect, line, text) and a table with the same numbers, so the picture is never
 * the only carrier: a screen reader, a Markdown reader and a greyscale print all get the numbers.
 */
import type { Image, RootContent } from 'mdast';
import type { SafetyFolder } from '../core/folder.js';
import { paragraph } from '../core/markdown.js';
import type { RiskScheme } from '../core/risk.js';
import { toneOfRating, type Tone } from './risk-matrix.js';
import { grid } from './mdast.js';
import { liveHazards } from './safety-case-facts.js';

export interface HeatMap {
  /** Likelihoods, most likely first (the matrix's top row). */
  likelihoods: string[];
  /** Severities, least severe first (left to right). */
  severities: string[];
  /** counts[likelihood][severity] */
  initial: Record<string, Record<string, number>>;
  residual: Record<string, Record<string, number>>;
  total: number;
}

/** How many live hazards sit in each cell of the matrix, initially and residually. */
export function heatMapCounts(folder: SafetyFolder): HeatMap {
  const s = folder.scheme;
  const empty = () => Object.fromEntries(s.likelihoods.map((l) => [l, Object.fromEntries(s.severities.map((v) => [v, 0]))]));
  const initial = empty();
  const residual = empty();
  const live = liveHazards(folder);
  for (const h of live) {
    if (initial[h.initial.likelihood]?.[h.initial.severity] !== undefined) initial[h.initial.likelihood]![h.initial.severity]!++;
    if (residual[h.residual.likelihood]?.[h.residual.severity] !== undefined) residual[h.residual.likelihood]![h.residual.severity]!++;
  }
  return { likelihoods: [...s.likelihoods].reverse(), severities: [...s.severities], initial, residual, total: live.length };
}

/** Light fills: the number in the cell carries the meaning; colour only repeats it. */
const FILL: Record<Tone, string> = { low: '#cce5d8', medium: '#fff3b0', high: '#ffd0a0', unacceptable: '#f4b6b0' };

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CELL = 54;
const LEFT = 84;
const TOP = 40;
const GAP = 36;

/** One grid (initial or residual) at x offset `ox`. */
function gridSvg(scheme: RiskScheme, map: HeatMap, which: 'initial' | 'residual', ox: number): string[] {
  const out: string[] = [];
  const title = which === 'initial' ? 'Initial risk' : 'Residual risk';
  out.push(
    `<text x="${ox + (CELL * map.severities.length) / 2}" y="16" font-size="13" font-weight="bold" text-anchor="middle">${title}</text>`,
  );
  map.likelihoods.forEach((l, r) => {
    map.severities.forEach((sev, c) => {
      const x = ox + c * CELL;
      const y = TOP + r * CELL;
      const rating = scheme.matrix[l]?.[sev];
      const n = map[which][l]![sev]!;
      const fill = rating === undefined ? '#ffffff' : FILL[toneOfRating(scheme, rating)];
      out.push(`<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#4c6272" stroke-width="1"/>`);
      if (rating !== undefined) out.push(`<text x="${x + 4}" y="${y + 12}" font-size="9" fill="#4c6272">R${rating}</text>`);
      out.push(
        `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 8}" font-size="${n ? 22 : 14}" ${n ? 'font-weight="bold" ' : ''}text-anchor="middle" fill="${n ? '#000000' : '#768692'}">${n ? n : '·'}</text>`,
      );
    });
  });
  const bottom = TOP + CELL * map.likelihoods.length;
  map.severities.forEach((sev, c) =>
    out.push(`<text x="${ox + c * CELL + CELL / 2}" y="${bottom + 14}" font-size="9" text-anchor="middle">${xml(sev)}</text>`),
  );
  out.push(`<text x="${ox + (CELL * map.severities.length) / 2}" y="${bottom + 30}" font-size="10" text-anchor="middle">Severity</text>`);
  return out;
}

/** The heat map as SVG: two grids side by side, likelihood labels on the left. Deterministic. */
export function heatMapSvg(scheme: RiskScheme, map: HeatMap): string {
  const gw = CELL * map.severities.length;
  const w = LEFT + gw * 2 + GAP + 8;
  const h = TOP + CELL * map.likelihoods.length + 38;
  const parts: string[] = [];
  map.likelihoods.forEach((l, r) =>
    parts.push(`<text x="${LEFT - 6}" y="${TOP + r * CELL + CELL / 2 + 4}" font-size="9" text-anchor="end">${xml(l)}</text>`),
  );
  parts.push(`<text x="4" y="${TOP - 8}" font-size="10">Likelihood</text>`);
  parts.push(...gridSvg(scheme, map, 'initial', LEFT), ...gridSvg(scheme, map, 'residual', LEFT + gw + GAP));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><title>Risk heat map</title>${parts.join('')}</svg>`;
}

/** The block: the picture, then the same counts as a table (tagged in the PDF, readable in Markdown). */
export function heatMapBlock(folder: SafetyFolder): RootContent[] {
  const map = heatMapCounts(folder);
  const s = folder.scheme;
  const alt = `Risk heat map of ${map.total} live hazards: ${['initial', 'residual']
    .map(
      (w) =>
        `${w} ${map.likelihoods
          .flatMap((l) => map.severities.map((v) => [l, v, map[w as 'initial'][l]![v]!] as const))
          .filter(([, , n]) => n > 0)
          .map(([l, v, n]) => `${n} at ${v}/${l}`)
          .join(', ')}`,
    )
    .join('; ')}`;
  const image: Image = {
    type: 'image',
    url: `data:image/svg+xml;base64,${Buffer.from(heatMapSvg(s, map), 'utf8').toString('base64')}`,
    alt,
  };
  const table = grid(
    ['Likelihood \\ Severity', ...map.severities],
    map.likelihoods.map((l) => [
      l,
      ...map.severities.map((v) => {
        const i = map.initial[l]![v]!;
        const r = map.residual[l]![v]!;
        return i || r ? `${i} → ${r}` : '·';
      }),
    ]),
  );
  table.children.slice(1).forEach((row, r) =>
    row.children.slice(1).forEach((cell, c) => {
      const v = s.matrix[map.likelihoods[r]!]?.[map.severities[c]!];
      if (v !== undefined) cell.data = { ...(cell.data ?? {}), tone: toneOfRating(s, v) } as typeof cell.data;
    }),
  );
  return [
    paragraph(image),
    paragraph(
      `Each cell of the matrix shows how many of the ${map.total} live hazards sit there: initially (left picture; first number below) and residually (right picture; second number below). R marks the cell's risk rating; the numbers, not the colours, carry the meaning.`,
    ),
    table,
  ];
}
