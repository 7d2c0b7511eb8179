/**
 * Escaping of text for the Markdown serialiser (markdown-serializer.ts): what a text node, a code
 * span or a link destination must be written as so that it parses back to itself and can open no
 * construct. Fast paths first (one screening test per text node); the reference loop they must
 * agree with byte for byte is test/helpers/markdown-serializer-reference.ts.
 */
/** `&#xHH;` for one character (a character reference survives every Markdown context). */
export const ref = (ch: string): string => `&#x${ch.codePointAt(0)!.toString(16).toUpperCase()};`;

export interface TextContext {
  /** Inside a table cell: `|` and line breaks need care. */
  cell: boolean;
  /** Inside a heading: no line breaks. */
  heading: boolean;
}

/**
 * Text that cannot need escaping anywhere has none of SPECIAL (the characters the line loop always
 * or often writes other than as themselves) and no AUTOLINK (a `:` or `.` that could end an autolink
 * scheme or a `www`; `:` and `.` alone are common and harmless). Together a superset of what
 * `escapeLine` changes, so a miss only costs the loop. (Two tests are faster than one alternation.)
 */
const SPECIAL = /[\n\r\\`*_[\]~|<&]/;
const AUTOLINK_PUNCT = /[:.]/;
const AUTOLINK = /(?:https?|ftp|mailto|xmpp):|[Ww]{3}\./i;
/** What `escapeLineStart` and the leading-whitespace rule can change at the start of a line. */
const LINE_START_SPECIAL = /^[#>=+\-0-9 \t]/;
const CHAR_REFERENCE = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/y;
/**
 * After a backslash, what makes it an escape: ASCII punctuation, or what is written as a character
 * reference (`&`…): a line ending in a cell or heading, whitespace to the end of the line.
 */
const BACKSLASH_ESCAPES = /^(?:[!-/:-@[-`{-~\n\r]|[ \t]+$)/;
const AUTOLINK_SCHEME = /(https?|ftp|mailto|xmpp)$/i;
const WWW = /(^|[^A-Za-z0-9])[Ww]{3}$/;

/** Escape the punctuation of one line that can open a construct anywhere; a character is copied only when it changes. */
function escapeLine(line: string): string {
  let body = '';
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    let rep: string;
    switch (line.charCodeAt(i)) {
      case 0x0a: // \n (only in table cells and headings, which are one line)
        rep = '&#xA;';
        break;
      case 0x0d: // a lone \r (same): a line ending too in Markdown
        rep = '&#xD;';
        break;
      case 0x5c: // \\: escapes only ASCII punctuation, so written plain before anything else
        if (i + 1 < line.length && !BACKSLASH_ESCAPES.test(line.slice(i + 1))) continue;
        rep = '\\\\';
        break;
      case 0x60: // `
      case 0x2a: // *
      case 0x5f: // _
      case 0x5b: // [
      case 0x5d: // ]
      case 0x7e: // ~
      case 0x7c: // |
        rep = '\\' + line[i];
        break;
      case 0x3c: // <: a character reference, not `\\<`: the raw body then never holds `<!--` from user text
        rep = '&lt;';
        break;
      case 0x26: // &
        CHAR_REFERENCE.lastIndex = i;
        if (!CHAR_REFERENCE.test(line)) continue;
        rep = '\\&';
        break;
      case 0x3a: // :, GFM autolink literals: `https://…` would become a link
        if (!AUTOLINK_SCHEME.test(line.slice(Math.max(0, i - 6), i))) continue;
        rep = '\\:';
        break;
      case 0x2e: // .
        if (!WWW.test(line.slice(Math.max(0, i - 4), i))) continue;
        rep = '\\.';
        break;
      default:
        continue;
    }
    body += line.slice(from, i) + rep;
    from = i + 1;
  }
  return from === 0 ? line : body + line.slice(from);
}

export const refs = (s: string): string => [...s].map(ref).join('');
export const isSpaceOrTab = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c === 0x20 || c === 0x09;
};

/** One escaped line: block markers and leading whitespace at a line start, trailing whitespace before a line ending. */
function escapeOneLine(line: string, start: boolean, beforeLineEnding: boolean): string {
  let body = escapeLine(line);
  if (start) body = escapeLineStart(body);
  // Leading whitespace would indent (code block); trailing would make a hard break or be lost.
  if (start && isSpaceOrTab(body, 0)) body = body.replace(/^[ \t]+/, refs);
  if (beforeLineEnding && isSpaceOrTab(body, body.length - 1)) body = body.replace(/[ \t]+$/, refs);
  return body;
}

/**
 * Escape a text node. Punctuation that can open a construct anywhere is backslash-escaped;
 * what only matters at the start of a line (block markers) is escaped there; spaces at a line's
 * edges become character references so they are neither indentation nor a hard break.
 */
export function escapeText(value: string, ctx: TextContext, atLineStart: boolean): string {
  // Most text needs nothing: one test, no per-character work (test/markdown-serializer.test.ts
  // compares every path with the reference loop byte for byte).
  if (!SPECIAL.test(value) && !(AUTOLINK_PUNCT.test(value) && AUTOLINK.test(value)) && !(atLineStart && LINE_START_SPECIAL.test(value)))
    return value;
  // Tables and headings are one line: a line ending there is written as a character reference.
  if (ctx.cell || ctx.heading) return escapeOneLine(value.replace(/\r\n/g, '\n'), atLineStart, false);
  // A lone CR ends a line too (CommonMark 2.1): split there, or `\r# x` would open a heading.
  const lines = value.split(/\r\n|\r|\n/);
  let out = escapeOneLine(lines[0]!, atLineStart, lines.length > 1);
  for (let li = 1; li < lines.length; li++) out += '\n' + escapeOneLine(lines[li]!, true, li < lines.length - 1);
  return out;
}

/** Block markers at the start of a line: `#`, `>`, `-`/`+`/`*` lists, `1.` lists, setext `=`/`-`. */
function escapeLineStart(line: string): string {
  if (/^(#|>|=|\+|-)/.test(line)) return '\\' + line;
  const ordered = /^(\d{1,9})([.)])/.exec(line);
  if (ordered) return ordered[1] + '\\' + ordered[2] + line.slice(ordered[0].length);
  return line;
}

/** A code span's text that needs no fence longer than one backtick, no padding and no change. */
const PLAIN_CODE = /^[^\s`|]([^\n\r`|]*[^\s`|])?$/;

export function inlineCodeOf(value: string, ctx: TextContext): string {
  if (PLAIN_CODE.test(value)) return '`' + value + '`';
  // A line ending inside a code span renders as a space (CommonMark 6.1); written as one, it cannot start a block.
  let v = value.replace(/\r\n|\r|\n/g, ' ');
  if (ctx.cell) v = v.replace(/\|/g, '\\|');
  let fence = '`';
  const runs: string[] = v.match(/`+/g) ?? [];
  while (runs.includes(fence)) fence += '`';
  const pad = /^[` ]|[` ]$/.test(v) && /[^ ]/.test(v) ? ' ' : '';
  return fence + pad + v + pad + fence;
}

export function linkUrl(url: string): string {
  if (url === '') return '<>';
  if (/[\s()<>\\]/.test(url) || /[\u0000-\u001f]/.test(url))
    return (
      '<' +
      url
        .replace(/([<>\\])/g, '\\$1')
        .replace(/\n/g, '%0A')
        .replace(/\r/g, '%0D') +
      '>'
    );
  return url;
}
