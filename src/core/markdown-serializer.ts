/**
 * A small Markdown serialiser for the mdast clinsafe generates (documents, PR comment, issue
 * bodies). `mdast-util-to-markdown` checks ~90 "unsafe" patterns per text node, which made a
 * 1,000-hazard CSCR take seconds to serialise; this one escapes each text node in one pass with
 * a fixed, conservative rule set. Any block holding a node type it does not know (images,
 * footnotes, references — which only user templates bring) is handed to `mdast-util-to-markdown`
 * whole, so the output is always valid. `test/markdown-serializer.test.ts` re-parses the output of
 * every generated document and hostile text and compares it with what to-markdown's output parses to.
 */
import type { Code, Heading, Html, List, ListItem, Nodes, PhrasingContent, Root, RootContent, Table, TableCell, TableRow } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

export interface SerializeOptions {
  /** Pad table cells so the pipes line up (readable raw; costly for huge tables). */
  alignTables?: boolean;
}

/** Can the fast path write this node and everything below it? */
function known(node: Nodes): boolean {
  switch (node.type) {
    case 'link':
      if (node.title) return false;
      break;
    case 'text':
    case 'inlineCode':
    case 'break':
    case 'html':
    case 'thematicBreak':
    case 'code':
    case 'strong':
    case 'emphasis':
    case 'paragraph':
    case 'heading':
    case 'list':
    case 'listItem':
    case 'table':
    case 'tableRow':
    case 'tableCell':
    case 'blockquote':
      break;
    default:
      return false;
  }
  const children = (node as { children?: Nodes[] }).children;
  if (children) for (let i = 0; i < children.length; i++) if (!known(children[i]!)) return false;
  return true;
}

function fallback(node: RootContent): string {
  const out = toMarkdown({ type: 'root', children: [node] }, { extensions: [gfmToMarkdown()], bullet: '-', fences: true, rule: '-' });
  return out.replace(/\n+$/, '');
}

/** `&#xHH;` for one character (a character reference survives every Markdown context). */
const ref = (ch: string): string => `&#x${ch.codePointAt(0)!.toString(16).toUpperCase()};`;

interface TextContext {
  /** Inside a table cell: `|` and line breaks need care. */
  cell: boolean;
  /** Inside a heading: no line breaks. */
  heading: boolean;
}

/**
 * Text that cannot need escaping anywhere: none of the characters the line loop writes other than
 * as themselves, and no `:`/`.` that could end an autolink scheme or a `www`. (`:` and `.` alone
 * are common and harmless.) A superset of what `escapeLine` changes, so a miss only costs the loop.
 */
const MAY_NEED_ESCAPE = /[\n\r\\`*_[\]~|<&]|(?:https?|ftp|mailto|xmpp):|[Ww]{3}\./i;
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

const refs = (s: string): string => [...s].map(ref).join('');
const isSpaceOrTab = (s: string, i: number): boolean => {
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
function escapeText(value: string, ctx: TextContext, atLineStart: boolean): string {
  // Most text needs nothing: one test, no per-character work (test/markdown-serializer.test.ts
  // compares every path with the reference loop byte for byte).
  if (!MAY_NEED_ESCAPE.test(value) && !(atLineStart && LINE_START_SPECIAL.test(value))) return value;
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

function inlineCodeOf(value: string, ctx: TextContext): string {
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

function linkUrl(url: string): string {
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

const PUNCT = /[!-/:-@[-`{-~\p{P}\p{S}]/u;
const WORD = /[\p{L}\p{N}]/u;

interface PhrasingState {
  atLineStart: boolean;
}

/** The last code point of a string, as a string. */
const lastCodePoint = (s: string): string =>
  s ? String.fromCodePoint(s.codePointAt(s.length - (/[\uDC00-\uDFFF]$/.test(s) ? 2 : 1))!) : '';
const firstCodePoint = (s: string): string => (s ? String.fromCodePoint(s.codePointAt(0)!) : '');

/**
 * Serialise phrasing content. A bold or italic run that starts or ends with punctuation cannot
 * open or close next to a letter, so the letter outside it is written as a character reference
 * (what to-markdown does too).
 */
function phrasing(nodes: PhrasingContent[], ctx: TextContext, state: PhrasingState): string {
  // One node: nothing before or after it to protect (and no later node reads the state).
  if (nodes.length === 1) return phrasingNode(nodes[0]!, ctx, state);
  let out = '';
  let encodeNextFirst = false;
  for (const node of nodes) {
    let s = phrasingNode(node, ctx, state);
    if (encodeNextFirst && node.type === 'text') {
      const first = firstCodePoint(s);
      if (WORD.test(first)) s = ref(first) + s.slice(first.length);
    }
    encodeNextFirst = false;
    if ((node.type === 'strong' || node.type === 'emphasis') && s) {
      const marker = node.type === 'strong' ? 2 : 1;
      const innerFirst = s[marker] ?? '';
      const innerLast = s[s.length - marker - 1] ?? '';
      const before = lastCodePoint(out);
      if (PUNCT.test(innerFirst) && WORD.test(before)) out = out.slice(0, out.length - before.length) + ref(before);
      if (PUNCT.test(innerLast)) encodeNextFirst = true;
    }
    out += s;
    if (s) state.atLineStart = s.endsWith('\n');
  }
  return out;
}

function phrasingNode(node: PhrasingContent, ctx: TextContext, state: PhrasingState): string {
  switch (node.type) {
    case 'text':
      return escapeText(node.value, ctx, state.atLineStart);
    case 'inlineCode':
      return inlineCodeOf(node.value, ctx);
    case 'break':
      return ctx.cell || ctx.heading ? ' ' : '\\\n';
    case 'html':
      return ctx.cell || ctx.heading ? node.value.replace(/\r\n|\r|\n/g, ' ') : node.value;
    case 'strong':
    case 'emphasis': {
      if (node.children.length === 0) return '';
      const marker = node.type === 'strong' ? '**' : '*';
      // Edge spaces cannot sit inside the markers: written as character references.
      let inner = phrasing(node.children, ctx, { atLineStart: false });
      if (isSpaceOrTab(inner, 0)) inner = inner.replace(/^[ \t]+/, refs);
      inner = keepTrailingSpace(inner);
      return inner ? marker + inner + marker : '';
    }
    case 'link': {
      // A link whose text is its own URL is written as an autolink, as people write it.
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (only?.type === 'text' && only.value === node.url && /^https?:\/\/[^\s<>`]+$/i.test(node.url)) return '<' + node.url + '>';
      return '[' + phrasing(node.children, ctx, { atLineStart: false }) + '](' + linkUrl(node.url) + ')';
    }
    default:
      return '';
  }
}

/** Spaces at the end of a block would be dropped (or make a hard break): character references keep them. */
const keepTrailingSpace = (s: string): string => (isSpaceOrTab(s, s.length - 1) ? s.replace(/[ \t]+$/, refs) : s);

const FLOW: TextContext = { cell: false, heading: false };
const HEADING: TextContext = { cell: false, heading: true };
const CELL: TextContext = { cell: true, heading: false };

function paragraphOf(children: PhrasingContent[]): string {
  return keepTrailingSpace(phrasing(children, FLOW, { atLineStart: true }));
}

function headingOf(node: Heading): string {
  let body = keepTrailingSpace(phrasing(node.children, HEADING, { atLineStart: false }));
  if (body.endsWith('#')) body = body.slice(0, -1) + '\\#';
  if (/^[ \t]/.test(body)) body = body.replace(/^[ \t]+/, (s) => [...s].map(ref).join(''));
  return '#'.repeat(node.depth) + (body ? ' ' + body : '');
}

function codeOf(node: Code): string {
  let fence = '```';
  const runs = node.value.match(/^[ \t]*`{3,}/gm) ?? [];
  for (const r of runs) {
    const len = r.trim().length;
    if (len >= fence.length) fence = '`'.repeat(len + 1);
  }
  return fence + (node.lang ?? '') + (node.meta ? ' ' + node.meta : '') + '\n' + node.value + (node.value ? '\n' : '') + fence;
}

const cellText = (cell: TableCell): string => phrasing(cell.children, CELL, { atLineStart: false });

function delimiterRow(align: Table['align'], cols: number, widths?: number[]): string {
  let out = '|';
  for (let c = 0; c < cols; c++) {
    const a = align?.[c];
    const w = widths ? widths[c]! : 3;
    const dashes = '-'.repeat(Math.max(1, w - (a === 'center' ? 2 : a === 'left' || a === 'right' ? 1 : 0)));
    out += ' ' + (a === 'center' ? ':' + dashes + ':' : a === 'left' ? ':' + dashes : a === 'right' ? dashes + ':' : dashes) + ' |';
  }
  return out;
}

/** A table row written straight from its cells (no array of cell texts); missing cells are empty. */
function rowLine(row: TableRow | undefined, cols: number): string {
  const cells = row ? row.children : [];
  let out = '|';
  for (let c = 0; c < cols; c++) {
    const cell = cells[c];
    out += ' ' + (cell ? cellText(cell) : '') + ' |';
  }
  return out;
}

function tableOf(node: Table, opts: SerializeOptions): string {
  const rows = node.children;
  let cols = 1;
  for (let r = 0; r < rows.length; r++) if (rows[r]!.children.length > cols) cols = rows[r]!.children.length;
  if (opts.alignTables) return alignedTableOf(node, cols);
  let out = rowLine(rows[0], cols) + '\n' + delimiterRow(node.align, cols);
  for (let r = 1; r < rows.length; r++) out += '\n' + rowLine(rows[r], cols);
  return out;
}

/** Cells padded so the pipes line up: every cell's text is needed first for the column widths. */
function alignedTableOf(node: Table, cols: number): string {
  const rows = node.children.map((row) => row.children.map(cellText));
  const width = (s: string) => [...s].length;
  const widths: number[] = [];
  for (let c = 0; c < cols; c++) widths[c] = Math.max(3, ...rows.map((r) => width(r[c] ?? '')));
  const line = (cells: string[]) => {
    let out = '|';
    for (let c = 0; c < cols; c++) {
      const s = cells[c] ?? '';
      out += ' ' + s + ' '.repeat(widths[c]! - width(s)) + ' |';
    }
    return out;
  };
  let out = line(rows[0] ?? []) + '\n' + delimiterRow(node.align, cols, widths);
  for (let r = 1; r < rows.length; r++) out += '\n' + line(rows[r]!);
  return out;
}

function indent(text: string, prefix: string, first: string): string {
  if (!text.includes('\n')) return first + text;
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? first + l : l === '' ? '' : prefix + l))
    .join('\n');
}

function listOf(node: List, opts: SerializeOptions, alternate = false): string {
  const items = node.children;
  const spread = node.spread || items.some((i) => i.spread);
  const start = node.start ?? 1;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const marker = node.ordered ? `${start + i}${alternate ? ')' : '.'}` : alternate ? '*' : '-';
    if (i) out += spread ? '\n\n' : '\n';
    out += listItemOf(items[i]!, marker, opts);
  }
  return out;
}

function listItemOf(item: ListItem, marker: string, opts: SerializeOptions): string {
  const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
  const body = blocks(item.children as RootContent[], opts, item.spread ? '\n\n' : '\n', true);
  const first = marker + ' ' + check;
  if (body === '') return marker;
  return indent(body, ' '.repeat(marker.length + 1), first);
}

/** `checked`: an enclosing block already passed `known` (which looks at every node below it). */
function block(node: RootContent, opts: SerializeOptions, alternate: boolean, checked: boolean): string {
  if (!checked && !known(node)) return fallback(node);
  switch (node.type) {
    case 'paragraph':
      return paragraphOf(node.children);
    case 'heading':
      return headingOf(node);
    case 'code':
      return codeOf(node);
    case 'html':
      return (node as Html).value;
    case 'thematicBreak':
      return '---';
    case 'table':
      return tableOf(node, opts);
    case 'list':
      return listOf(node, opts, alternate);
    case 'blockquote':
      return indent(blocks(node.children as RootContent[], opts, '\n\n', true), '> ', '> ')
        .split('\n')
        .map((l) => (l === '' ? '>' : l))
        .join('\n');
    default:
      return fallback(node);
  }
}

function blocks(children: RootContent[], opts: SerializeOptions, join: '\n' | '\n\n' = '\n\n', checked = false): string {
  let out = '';
  let alternate = false;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    const prev = children[i - 1];
    // Two lists of the same kind in a row would merge into one: the second uses the other bullet.
    alternate = prev?.type === 'list' && child.type === 'list' && Boolean(prev.ordered) === Boolean(child.ordered) ? !alternate : false;
    if (prev) out += join === '\n' && prev.type === 'paragraph' && child.type === 'paragraph' ? '\n\n' : join;
    out += block(child, opts, alternate, checked);
  }
  return out;
}

/** Serialise a tree to Markdown (ends with one newline, as to-markdown's output does). */
export function serializeMarkdown(tree: Root, opts: SerializeOptions = {}): string {
  const out = blocks(tree.children, opts);
  return out ? out + '\n' : '';
}
