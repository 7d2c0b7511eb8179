/**
 * The serialiser as it was before its fast paths (commit 11fb537), kept as the reference
 * `test/markdown-serializer.test.ts` compares the fast one with byte for byte: every fast path
 * must write exactly what this writes. Not used by clinsafe itself. One change made to both since:
 * a lone CR is a line ending (it was written raw, so `\r# x` in a heading opened a heading), and a
 * backslash before what becomes a character reference (edge whitespace, a line ending in a cell) is escaped.
 *
 * A small Markdown serialiser for the mdast clinsafe generates (documents, PR comment, issue
 * bodies). `mdast-util-to-markdown` checks ~90 "unsafe" patterns per text node, which made a
 * 1,000-hazard CSCR take seconds to serialise; this one escapes each text node in one pass with
 * a fixed, conservative rule set. Any block holding a node type it does not know (images,
 * footnotes, references — which only user templates bring) is handed to `mdast-util-to-markdown`
 * whole, so the output is always valid. `test/markdown-serializer.test.ts` re-parses the output of
 * every generated document and hostile text and compares it with what to-markdown's output parses to.
 */
import type { Code, Heading, Html, List, ListItem, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

export interface SerializeOptions {
  /** Pad table cells so the pipes line up (readable raw; costly for huge tables). */
  alignTables?: boolean;
}

const PHRASING_KNOWN = new Set(['text', 'strong', 'emphasis', 'inlineCode', 'link', 'break', 'html']);
const BLOCK_KNOWN = new Set([
  'paragraph',
  'heading',
  'list',
  'listItem',
  'table',
  'tableRow',
  'tableCell',
  'code',
  'html',
  'blockquote',
  'thematicBreak',
]);

/** Can the fast path write this node and everything below it? */
function known(node: Nodes): boolean {
  if (node.type === 'link' && node.title) return false;
  if (!PHRASING_KNOWN.has(node.type) && !BLOCK_KNOWN.has(node.type)) return false;
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

/** Every character escapeText's loop writes other than as itself. */
const NEEDS_ESCAPE = /[\n\r\\`*_[\]~|<&:.]/;

/**
 * Escape a text node. Punctuation that can open a construct anywhere is backslash-escaped;
 * what only matters at the start of a line (block markers) is escaped there; spaces at a line's
 * edges become character references so they are neither indentation nor a hard break.
 */
function escapeText(value: string, ctx: TextContext, atLineStart: boolean): string {
  let out = '';
  // Tables and headings are one line: a line ending there is written as a character reference.
  const lines = ctx.cell || ctx.heading ? [value.replace(/\r\n/g, '\n')] : value.split(/\r\n|\r|\n/);
  lines.forEach((line, li) => {
    if (li > 0) out += '\n';
    const start = li > 0 || atLineStart;
    // Most text has none of the characters escaped below: it is written as it is (same bytes as the loop).
    const plain = !NEEDS_ESCAPE.test(line);
    let body = plain ? line : '';
    for (let i = 0; !plain && i < line.length; i++) {
      const ch = line[i]!;
      switch (ch) {
        case '\n':
          body += '&#xA;';
          continue;
        case '\r':
          body += '&#xD;';
          continue;
        case '\\':
          // A backslash escapes only ASCII punctuation: written plain before anything else.
          body += i + 1 >= line.length || /^(?:[!-/:-@[-`{-~\n\r]|[ \t]+$)/.test(line.slice(i + 1)) ? '\\\\' : '\\';
          continue;
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '~':
        case '|':
          body += '\\' + ch;
          continue;
        case '<':
          // A character reference, not `\\<`: the raw body then never holds `<!--` from user text.
          body += '&lt;';
          continue;
        case '&':
          body += /^&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/.test(line.slice(i)) ? '\\&' : '&';
          continue;
        case ':':
          // GFM autolink literals: `https://…` would become a link.
          body += /(https?|ftp|mailto|xmpp)$/i.test(line.slice(Math.max(0, i - 6), i)) ? '\\:' : ':';
          continue;
        case '.':
          body += /(^|[^A-Za-z0-9])[Ww]{3}$/.test(line.slice(Math.max(0, i - 4), i)) ? '\\.' : '.';
          continue;
        default:
          body += ch;
      }
    }
    if (start) body = escapeLineStart(body);
    // Leading whitespace would indent (code block); trailing would make a hard break or be lost.
    if (start) body = body.replace(/^[ \t]+/, (s) => [...s].map(ref).join(''));
    if (li < lines.length - 1) body = body.replace(/[ \t]+$/, (s) => [...s].map(ref).join(''));
    out += body;
  });
  return out;
}

/** Block markers at the start of a line: `#`, `>`, `-`/`+`/`*` lists, `1.` lists, setext `=`/`-`. */
function escapeLineStart(line: string): string {
  if (/^(#|>|=|\+|-)/.test(line)) return '\\' + line;
  const ordered = /^(\d{1,9})([.)])/.exec(line);
  if (ordered) return ordered[1] + '\\' + ordered[2] + line.slice(ordered[0].length);
  return line;
}

function inlineCodeOf(value: string, ctx: TextContext): string {
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
      const inner = phrasing(node.children, ctx, { atLineStart: false })
        .replace(/^[ \t]+/, (w) => [...w].map(ref).join(''))
        .replace(/[ \t]+$/, (w) => [...w].map(ref).join(''));
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
const keepTrailingSpace = (s: string): string => s.replace(/[ \t]+$/, (w) => [...w].map(ref).join(''));

function paragraphOf(children: PhrasingContent[]): string {
  return keepTrailingSpace(phrasing(children, { cell: false, heading: false }, { atLineStart: true }));
}

function headingOf(node: Heading): string {
  let body = keepTrailingSpace(phrasing(node.children, { cell: false, heading: true }, { atLineStart: false }));
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

function tableOf(node: Table, opts: SerializeOptions): string {
  const rows = node.children.map((row) =>
    row.children.map((cell) => phrasing(cell.children, { cell: true, heading: false }, { atLineStart: false })),
  );
  const cols = Math.max(...rows.map((r) => r.length), 1);
  const align = node.align ?? [];
  const width = (s: string) => [...s].length;
  const widths: number[] = [];
  if (opts.alignTables) {
    for (let c = 0; c < cols; c++) widths[c] = Math.max(3, ...rows.map((r) => width(r[c] ?? '')));
  }
  const pad = (s: string, c: number) => (opts.alignTables ? s + ' '.repeat(widths[c]! - width(s)) : s);
  const line = (cells: string[]) => '| ' + Array.from({ length: cols }, (_, c) => pad(cells[c] ?? '', c)).join(' | ') + ' |';
  const delimiter = Array.from({ length: cols }, (_, c) => {
    const a = align[c];
    const w = opts.alignTables ? widths[c]! : 3;
    const dashes = '-'.repeat(Math.max(1, w - (a === 'center' ? 2 : a === 'left' || a === 'right' ? 1 : 0)));
    return a === 'center' ? ':' + dashes + ':' : a === 'left' ? ':' + dashes : a === 'right' ? dashes + ':' : dashes;
  });
  const out = [line(rows[0] ?? []), '| ' + delimiter.join(' | ') + ' |'];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join('\n');
}

function indent(text: string, prefix: string, first: string): string {
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? first + l : l === '' ? '' : prefix + l))
    .join('\n');
}

function listOf(node: List, opts: SerializeOptions, alternate = false): string {
  const spread = node.spread || node.children.some((i) => i.spread);
  const start = node.start ?? 1;
  return node.children
    .map((item, i) => {
      const marker = node.ordered ? `${start + i}${alternate ? ')' : '.'}` : alternate ? '*' : '-';
      return listItemOf(item, marker, opts);
    })
    .join(spread ? '\n\n' : '\n');
}

function listItemOf(item: ListItem, marker: string, opts: SerializeOptions): string {
  const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
  const body = blocks(item.children as RootContent[], opts, item.spread ? '\n\n' : '\n');
  const first = marker + ' ' + check;
  if (body === '') return marker;
  return indent(body, ' '.repeat(marker.length + 1), first);
}

function block(node: RootContent, opts: SerializeOptions, alternate = false): string {
  if (!known(node)) return fallback(node);
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
      return indent(blocks(node.children as RootContent[], opts), '> ', '> ')
        .split('\n')
        .map((l) => (l === '' ? '>' : l))
        .join('\n');
    default:
      return fallback(node);
  }
}

function blocks(children: RootContent[], opts: SerializeOptions, join: '\n' | '\n\n' = '\n\n'): string {
  let out = '';
  let alternate = false;
  children.forEach((child, i) => {
    const prev = children[i - 1];
    // Two lists of the same kind in a row would merge into one: the second uses the other bullet.
    alternate = prev?.type === 'list' && child.type === 'list' && Boolean(prev.ordered) === Boolean(child.ordered) ? !alternate : false;
    if (prev) out += join === '\n' && prev.type === 'paragraph' && child.type === 'paragraph' ? '\n\n' : join;
    out += block(child, opts, alternate);
  });
  return out;
}

/** Serialise a tree to Markdown (ends with one newline, as to-markdown's output does). */
export function serializeMarkdown(tree: Root, opts: SerializeOptions = {}): string {
  const out = blocks(tree.children, opts);
  return out ? out + '\n' : '';
}
