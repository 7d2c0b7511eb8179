/**
 * The four Roboto faces the PDFs are set in: where they are, whether a character has a glyph, how
 * wide a string is, and the text made drawable (a missing glyph is never dropped silently).
 * Widths are the glyphs' advance widths without kerning, exactly what the draw step writes.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type Face = 'R' | 'B' | 'I' | 'BI';
export const FACES: readonly Face[] = ['R', 'B', 'I', 'BI'];
const FILES: Record<Face, string> = {
  R: 'Roboto-Regular.ttf',
  B: 'Roboto-Medium.ttf',
  I: 'Roboto-Italic.ttf',
  BI: 'Roboto-MediumItalic.ttf',
};

/** Roboto ships with pdfmake's package; only the font files are read from it. */
export const fontFile = (face: Face): string => join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto', FILES[face]);

export interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
export interface FontkitFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): FontkitGlyph;
}

const opened = new Map<Face, FontkitFont>();
export function fontkitFont(face: Face): FontkitFont {
  let f = opened.get(face);
  if (!f) {
    const fontkit = require('fontkit') as { openSync(path: string): FontkitFont };
    opened.set(face, (f = fontkit.openSync(fontFile(face))));
  }
  return f;
}

/** Ascent and descent of Roboto as fractions of the font size (all four faces share them). */
export const ASCENT = 1900 / 2048;
export const DESCENT = 500 / 2048;

const coverage = new Map<number, boolean>();
/** Whether Roboto (regular and medium) has a glyph for a code point. */
function hasGlyph(cp: number): boolean {
  let v = coverage.get(cp);
  if (v === undefined) coverage.set(cp, (v = fontkitFont('R').hasGlyphForCodePoint(cp) && fontkitFont('B').hasGlyphForCodePoint(cp)));
  return v;
}

/** Readable stand-ins for symbols common in clinical text that Roboto lacks. */
const SUBSTITUTES: Record<string, string> = {
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '≈': '~',
  '→': '->',
  '←': '<-',
  '↔': '<->',
  '⇒': '=>',
  '✓': '[yes]',
  '✔': '[yes]',
  '✗': '[no]',
  '✘': '[no]',
  '•': '-',
};

/**
 * Text as the PDF can show it. A character the font cannot draw is never dropped silently (in a
 * safety case "≥ 30" must not become " 30"): it becomes a readable substitute or `[U+XXXX]`.
 * The mention-defusing word joiner is removed (a PDF pings nobody); tabs become spaces.
 */
export function pdfSafe(s: string): string {
  const t = s.replace(/\u2060/g, '').replace(/\t/g, '    ');
  if (/^[\x20-\x7e\n]*$/.test(t)) return t;
  let out = '';
  for (const ch of t) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && hasGlyph(cp))) out += ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += ' ';
    else out += SUBSTITUTES[ch] ?? `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
  }
  return out;
}

/** Advance widths per face in 1/1000 of the font size, filled on first use (NaN = not looked up). */
const advances = new Map<Face, Float32Array>();
const astral = new Map<string, number>();
function advance(face: Face, cp: number): number {
  if (cp < 0x10000) {
    let table = advances.get(face);
    if (!table) advances.set(face, (table = new Float32Array(0x10000).fill(NaN)));
    let w = table[cp]!;
    if (Number.isNaN(w)) {
      const f = fontkitFont(face);
      table[cp] = w = (f.glyphForCodePoint(cp).advanceWidth * 1000) / f.unitsPerEm;
    }
    return w;
  }
  const key = `${face}${cp}`;
  let w = astral.get(key);
  if (w === undefined) {
    const f = fontkitFont(face);
    astral.set(key, (w = (f.glyphForCodePoint(cp).advanceWidth * 1000) / f.unitsPerEm));
  }
  return w;
}

/** Width of `text` in points at `size` in `face`. */
export function widthOf(face: Face, text: string, size: number): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length) cp = text.codePointAt(i++)!;
    w += advance(face, cp);
  }
  return (w * size) / 1000;
}
