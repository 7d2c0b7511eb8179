/**
 * Inline content: mdast phrasing nodes → styled runs → lines that fit a width. Lines break at
 * spaces only; a word wider than the whole line (a URL, a path) breaks after `/`, `-`, `_`, `.`…
 * and only then between characters — ids such as H-004-C01 never break while they fit a line.
 */
import type { PhrasingContent } from 'mdast';
import { plainText } from '../html.js';
import { pdfSafe, widthOf, type Face } from './fonts.js';

export interface Style {
  face: Face;
  size: number;
  color: string;
  /** An external link target (http/https only). */
  link?: string;
  /** Inline code: drawn on a light background. */
  code?: boolean;
}
export interface Run {
  text: string;
  style: Style;
  /** A hard line break (mdast `break`, or a line end in a code block). */
  hard?: boolean;
}
export interface Frag {
  text: string;
  style: Style;
  w: number;
}
export interface Line {
  frags: Frag[];
  w: number;
}

export const LINK_COLOUR = '#005eb8';
const CODE_COLOUR = '#212b32';

const bold = (f: Face): Face => (f === 'I' || f === 'BI' ? 'BI' : 'B');
const italic = (f: Face): Face => (f === 'B' || f === 'BI' ? 'BI' : 'I');

/** Styled runs for phrasing content; soft line breaks in text are spaces, as in Markdown. */
export function runsOf(nodes: readonly PhrasingContent[], style: Style, out: Run[] = []): Run[] {
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        out.push({ text: pdfSafe(n.value).replace(/\n/g, ' '), style });
        break;
      case 'strong':
        runsOf(n.children, { ...style, face: bold(style.face) }, out);
        break;
      case 'emphasis':
        runsOf(n.children, { ...style, face: italic(style.face) }, out);
        break;
      case 'inlineCode':
        out.push({ text: pdfSafe(n.value).replace(/\n/g, ' '), style: { ...style, color: CODE_COLOUR, code: true } });
        break;
      case 'link':
        runsOf(n.children, /^https?:\/\//i.test(n.url) ? { ...style, color: LINK_COLOUR, link: n.url } : style, out);
        break;
      case 'break':
        out.push({ text: '', style, hard: true });
        break;
      case 'image':
        out.push({ text: pdfSafe(n.alt ? `[image: ${n.alt}]` : '[image]'), style });
        break;
      default:
        out.push({ text: pdfSafe(plainText(n)).replace(/\n/g, ' '), style });
    }
  }
  return out;
}

/** Runs of preformatted text (code blocks): every line end is a hard break. */
export function codeRuns(value: string, style: Style): Run[] {
  return pdfSafe(value)
    .split('\n')
    .flatMap((line, i) =>
      i === 0
        ? [{ text: line, style }]
        : [
            { text: '', style, hard: true },
            { text: line, style },
          ],
    );
}

const sameStyle = (a: Style, b: Style): boolean =>
  a === b || (a.face === b.face && a.size === b.size && a.color === b.color && a.link === b.link && a.code === b.code);

/** Break runs into lines no wider than `width` (points). */
export function breakLines(runs: readonly Run[], width: number): Line[] {
  const lines: Line[] = [];
  let cur: Frag[] = [];
  let curW = 0;
  let word: Frag[] = [];
  let wordW = 0;
  let space: Frag | undefined;
  const limit = width + 0.01;

  const pushLine = () => {
    const merged: Frag[] = [];
    for (const f of cur) {
      const last = merged[merged.length - 1];
      if (last && sameStyle(last.style, f.style))
        merged[merged.length - 1] = { text: last.text + f.text, style: last.style, w: last.w + f.w };
      else merged.push(f);
    }
    lines.push({ frags: merged, w: curW });
    cur = [];
    curW = 0;
  };
  const flushWord = () => {
    if (!word.length) return;
    let sw = space && cur.length ? space.w : 0;
    if (cur.length && curW + sw + wordW > limit) {
      pushLine();
      sw = 0;
    }
    if (wordW > limit) {
      // cur is empty here: the word starts a line of its own and is cut to the line width.
      const pieces = splitWord(word, width);
      pieces.forEach((piece, k) => {
        cur.push(...piece);
        curW += piece.reduce((s, f) => s + f.w, 0);
        if (k < pieces.length - 1) pushLine();
      });
    } else {
      if (sw) {
        cur.push(space!);
        curW += sw;
      }
      cur.push(...word);
      curW += wordW;
    }
    word = [];
    wordW = 0;
    space = undefined;
  };

  for (const run of runs) {
    if (run.hard) {
      flushWord();
      pushLine();
      space = undefined;
      continue;
    }
    const parts = run.text.split(/( +)/);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (!p) continue;
      if (i % 2 === 1) {
        flushWord();
        if (cur.length) space = { text: ' ', style: run.style, w: widthOf(run.style.face, ' ', run.style.size) };
      } else {
        const w = widthOf(run.style.face, p, run.style.size);
        word.push({ text: p, style: run.style, w });
        wordW += w;
      }
    }
  }
  flushWord();
  if (cur.length || lines.length === 0) pushLine();
  return lines;
}

const PREFERRED = /[/\-_.?&=,:;]/;

/** A word wider than a line, cut into pieces no wider than `width`, preferably after punctuation. */
function splitWord(word: Frag[], width: number): Frag[][] {
  const chars: Frag[] = [];
  for (const f of word) for (const ch of f.text) chars.push({ text: ch, style: f.style, w: widthOf(f.style.face, ch, f.style.size) });
  const pieces: Frag[][] = [];
  let start = 0;
  while (start < chars.length) {
    let w = 0;
    let end = start;
    let soft = -1;
    while (end < chars.length && w + chars[end]!.w <= width) {
      w += chars[end]!.w;
      if (PREFERRED.test(chars[end]!.text)) soft = end + 1;
      end++;
    }
    if (end === start)
      end = start + 1; // one character wider than the line: drawn anyway
    else if (end < chars.length && soft > start) end = soft;
    pieces.push(chars.slice(start, end));
    start = end;
  }
  return pieces;
}
