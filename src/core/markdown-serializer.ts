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
import { escapeText, inlineCodeOf, isSpaceOrTab, linkUrl, ref, refs, type TextContext } from './markdown-escape.js';

export interface SerializeOptions {
  /** Pad table cells so the pipes line up (readable raw; costly for huge tables). */
  alignTables?: boolean;
}

/**
 * Set while a top-level block is written when a node the fast path does not know turns up inside
 * it: the block then goes to to-markdown whole (see `block`). The same verdict as `known(block)`,
 * found on the way instead of by a walk of its own (which cost more than a sixth of the time);
 * only the children of leaf nodes (text, code…), which mdast leaves never have, are not looked at.
 */
let unknownSeen = false;
const KNOWN_TYPES = new Set([
  'link',
  'text',
  'inlineCode',
  'break',
  'html',
  'thematicBreak',
  'code',
  'strong',
  'emphasis',
  'paragraph',
  'heading',
  'list',
  'listItem',
  'table',
  'tableRow',
  'tableCell',
  'blockquote',
]);
/** A node used as a row, cell or list item (its children are written as such): what `known` says of it alone. */
const note = (node: { type: string; title?: unknown }): void => {
  if (!KNOWN_TYPES.has(node.type) || (node.type === 'link' && node.title)) unknownSeen = true;
};

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
      if (node.title) unknownSeen = true;
      // A link whose text is its own URL is written as an autolink, as people write it.
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (only?.type === 'text' && only.value === node.url && /^https?:\/\/[^\s<>`]+$/i.test(node.url)) return '<' + node.url + '>';
      return '[' + phrasing(node.children, ctx, { atLineStart: false }) + '](' + linkUrl(node.url) + ')';
    }
    default:
      if (!known(node)) unknownSeen = true;
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
  if (row) note(row);
  const cells = row ? row.children : [];
  let out = '|';
  for (let c = 0; c < cols; c++) {
    const cell = cells[c];
    if (cell) note(cell);
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
  const rows = node.children.map((row) => {
    note(row);
    return row.children.map((cell) => {
      note(cell);
      return cellText(cell);
    });
  });
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
  note(item);
  const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
  const body = blocks(item.children as RootContent[], opts, item.spread ? '\n\n' : '\n', true);
  const first = marker + ' ' + check;
  if (body === '') return marker;
  return indent(body, ' '.repeat(marker.length + 1), first);
}

/**
 * A top-level block is written optimistically: if a node the fast path does not know turned up
 * inside it (`unknownSeen`), or writing it failed, it goes to to-markdown whole, as when `known`
 * said so beforehand. `nested`: inside a top-level block, whose verdict covers this one.
 */
function block(node: RootContent, opts: SerializeOptions, alternate: boolean, nested: boolean): string {
  if (nested) return blockBody(node, opts, alternate);
  unknownSeen = false;
  let out: string;
  try {
    out = blockBody(node, opts, alternate);
  } catch (e) {
    // A malformed node of a type the fast path does not know (a row without cells…): to-markdown's, as before.
    if (!known(node)) return fallback(node);
    throw e;
  }
  if (!unknownSeen) return out;
  unknownSeen = false;
  return fallback(node);
}

function blockBody(node: RootContent, opts: SerializeOptions, alternate: boolean): string {
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
      if (!known(node)) unknownSeen = true;
      return fallback(node);
  }
}

function blocks(children: RootContent[], opts: SerializeOptions, join: '\n' | '\n\n' = '\n\n', nested = false): string {
  let out = '';
  let alternate = false;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    const prev = children[i - 1];
    // Two lists of the same kind in a row would merge into one: the second uses the other bullet.
    alternate = prev?.type === 'list' && child.type === 'list' && Boolean(prev.ordered) === Boolean(child.ordered) ? !alternate : false;
    if (prev) out += join === '\n' && prev.type === 'paragraph' && child.type === 'paragraph' ? '\n\n' : join;
    out += block(child, opts, alternate, nested);
  }
  return out;
}

/** Serialise a tree to Markdown (ends with one newline, as to-markdown's output does). */
export function serializeMarkdown(tree: Root, opts: SerializeOptions = {}): string {
  const out = blocks(tree.children, opts);
  return out ? out + '\n' : '';
}
