/** Phrases of the gate's pull-request comment (gate-comment.ts): reasons, ratings, changes, review requests. */
import type { PhrasingContent, RootContent } from 'mdast';
import type { GateResult } from './gate.js';
import type { ImpactReason } from './impact.js';
import type { ChangeDetail } from './hazard-log-delta.js';
import { inlineCode, paragraph, strong, text } from './markdown.js';

/** `requested`: GitHub asked these CSOs to review; `notRequested`: the token could not, so a person must ask them. */
export type ReviewRequest = { requested: string[] } | { notRequested: string[]; why: string };

/** At most `max` items, then a line saying how many were left out. */
export function capped<T>(items: T[], max: number, render: (x: T) => PhrasingContent[]): PhrasingContent[][] {
  const out = items.slice(0, max).map(render);
  if (items.length > max) out.push([text(`… and ${items.length - max} more (run clinsafe check locally for the full list)`)]);
  return out;
}

/** Control characters (a newline in a file name) shown visibly, never breaking a table row. */
export function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line of text for a table cell: runs of white space (newlines included) become one space. */
export function oneLine(s: string): string {
  return visible(s.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

export const fileCode = (path: string): PhrasingContent => inlineCode(visible(path));

export function ratingText(r: GateResult, value: number): string {
  const rating = r.scheme.ratings.find((x) => x.value === value);
  return rating ? `${value} — ${rating.meaning.replace(/\.$/, '')}` : String(value);
}

export function reasonPhrase(reason: ImpactReason): PhrasingContent[] {
  switch (reason.kind) {
    case 'path':
      if (reason.file && reason.pattern) return [fileCode(reason.file), text(' matches '), fileCode(reason.pattern)];
      if (reason.file)
        return [
          fileCode(reason.file),
          // The space after the file name is kept: the name is inline code, the rest is prose.
          text(` ${oneLine(reason.detail.startsWith(reason.file) ? reason.detail.slice(reason.file.length) : reason.detail)}`),
        ];
      return [text(oneLine(reason.detail))];
    case 'label': {
      const lead = `label ${reason.label ?? ''}`;
      const more = reason.label && reason.detail.startsWith(lead) ? oneLine(reason.detail.slice(lead.length)) : '';
      return [text('label '), fileCode(reason.label ?? reason.detail), ...(more ? [text(` ${more}`)] : [])];
    }
    case 'safety-folder':
      return reason.file ? [fileCode(reason.file), text(' is changed')] : [text(oneLine(reason.detail))];
    default:
      return [text(oneLine(reason.detail))];
  }
}

export function joinPhrases(parts: PhrasingContent[][], sep = '; '): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  parts.forEach((p, i) => {
    if (i) out.push(text(sep));
    out.push(...p);
  });
  return out;
}

export function cso(r: GateResult, login: string): string {
  const entry = r.roster.find((c) => c.github.toLowerCase() === login.toLowerCase());
  return entry ? `${entry.name} (${entry.github})` : login;
}

/** Long texts are cut in the comment; the hazard file holds the whole. */
export const clip = (s: string, max = 400): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function detailLine(d: ChangeDetail): PhrasingContent[] {
  if (d.kind === 'risk') {
    const arrow = d.direction === 'up' ? '⬆️ went up' : d.direction === 'down' ? '⬇️ went down' : 're-assessed, same rating';
    return [
      strong(`${d.which === 'initial' ? 'Initial' : 'Residual'} risk ${arrow}: `),
      text(
        `${d.before.risk} (${d.before.severity} severity, ${d.before.likelihood} likelihood) → ${d.after.risk} (${d.after.severity} severity, ${d.after.likelihood} likelihood)`,
      ),
    ];
  }
  if (d.kind === 'text-changed') {
    const what = d.field === 'justification' ? 'Justification' : `Control ${d.control ?? ''} description`;
    return [strong(`${what} changed: `), text(`was “${clip(oneLine(d.before) || 'none')}”, now “${clip(oneLine(d.after) || 'none')}”`)];
  }
  if (d.kind === 'evidence-removed') return [text(`Control ${d.control} no longer cites evidence `), fileCode(d.evidence)];
  if (d.kind === 'deleted')
    return [
      strong('Deleted: '),
      text('hazards are never removed from the log — restore '),
      fileCode(d.file),
      text(' and retire it with a reason instead.'),
    ];
  return [text(oneLine(d.summary))];
}

/** The residual as the head states it where the change re-rated it, with what it rests on. */
export function residualCell(r: GateResult, h: GateResult['impacted'][number]): PhrasingContent[] {
  const change = r.hazardLogChanges.find((c) => c.id === h.id);
  const risk = change?.details.find((d) => d.kind === 'risk' && d.which === 'residual');
  const out: PhrasingContent[] = [];
  if (risk && risk.kind === 'risk' && risk.after.risk !== risk.before.risk)
    out.push(strong(`now ${ratingText(r, risk.after.risk)}`), text(` (was ${risk.before.risk} before this pull request)`));
  else out.push(text(ratingText(r, h.residualRisk)));
  if (h.residualNote) out.push(text(`; ${oneLine(h.residualNote)}`));
  return out;
}

/** Who the gate asked to review, or who a person must ask. */
export function reviewRequestLine(r: GateResult, req: ReviewRequest | undefined): RootContent[] {
  if (!req) return [];
  if ('requested' in req)
    return req.requested.length ? [paragraph(text(`Review requested from ${req.requested.map((l) => cso(r, l)).join(', ')}.`))] : [];
  return [
    paragraph(
      strong('Please ask for a review: '),
      text(
        `clinsafe could not request it (${oneLine(req.why)}); ask ${req.notRequested.map((l) => cso(r, l)).join(', ')} to review this pull request.`,
      ),
    ),
  ];
}

/**
 * The hazards this pull request moves on the risk matrix, before → after, as a small matrix in text
 * (likelihood rows, severity columns): readable without colour. Nothing when no rating moved.
 */
export function movedMatrix(r: GateResult): { header: string[]; rows: string[][] } | undefined {
  const cells = new Map<string, string[]>();
  const put = (l: string, s: string, label: string) => cells.set(`${l}\0${s}`, [...(cells.get(`${l}\0${s}`) ?? []), label]);
  for (const c of r.hazardLogChanges)
    for (const d of c.details) {
      if (d.kind !== 'risk' || (d.before.severity === d.after.severity && d.before.likelihood === d.after.likelihood)) continue;
      put(d.before.likelihood, d.before.severity, `${c.id} ${d.which} before`);
      put(d.after.likelihood, d.after.severity, `${c.id} ${d.which} now`);
    }
  if (cells.size === 0) return undefined;
  const s = r.scheme;
  return {
    header: ['Likelihood \\ Severity', ...s.severities],
    rows: [...s.likelihoods]
      .reverse()
      .map((l) => [l, ...s.severities.map((v) => [`R${s.matrix[l]?.[v] ?? '?'}`, ...(cells.get(`${l}\0${v}`) ?? [])].join(': '))]),
  };
}
