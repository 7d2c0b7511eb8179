/**
 * Small mdast builders for what the app and the gate write on GitHub. Repository text always
 * enters as a text node (escaped on serialisation), and `@` is defused so that a hazard title or
 * a file name can never ping a person or a team.
 */
import type { BlockContent, Code, Heading, Html, List, ListItem, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell, TableRow, Text } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

/** U+2060 WORD JOINER after `@` stops GitHub from turning `@name` into a mention. */
export function defuse(value: string): string {
  return value.replace(/@/g, '@\u2060');
}

export const text = (value: string): Text => ({ type: 'text', value: defuse(value) });
export const strong = (...children: (PhrasingContent | string)[]): PhrasingContent => ({ type: 'strong', children: children.map(phrase) });
export const emphasis = (...children: (PhrasingContent | string)[]): PhrasingContent => ({ type: 'emphasis', children: children.map(phrase) });
export const inlineCode = (value: string): PhrasingContent => ({ type: 'inlineCode', value });
export const link = (url: string, ...children: (PhrasingContent | string)[]): PhrasingContent => ({
  type: 'link',
  url: /^https?:\/\//i.test(url) ? url : '#',
  children: children.map(phrase),
});

function phrase(c: PhrasingContent | string): PhrasingContent {
  return typeof c === 'string' ? text(c) : c;
}

export const paragraph = (...children: (PhrasingContent | string)[]): Paragraph => ({ type: 'paragraph', children: children.map(phrase) });
export const heading = (depth: 1 | 2 | 3 | 4, ...children: (PhrasingContent | string)[]): Heading => ({ type: 'heading', depth, children: children.map(phrase) });
export const code = (value: string, lang?: string): Code => ({ type: 'code', lang: lang ?? null, value });
export const list = (items: (BlockContent[] | PhrasingContent[] | string)[], ordered = false, checked?: boolean): List => ({
  type: 'list',
  ordered,
  spread: false,
  children: items.map(
    (item): ListItem => ({
      type: 'listItem',
      spread: false,
      checked: checked ?? null,
      children: typeof item === 'string' ? [paragraph(item)] : isBlock(item) ? (item as BlockContent[]) : [paragraph(...(item as PhrasingContent[]))],
    }),
  ),
});

function isBlock(items: unknown[]): boolean {
  const t = (items[0] as { type?: string } | undefined)?.type;
  return t === 'paragraph' || t === 'list' || t === 'code' || t === 'table' || t === 'heading' || t === 'blockquote' || t === 'html';
}

export const table = (header: string[], rows: (PhrasingContent | string)[][]): Table => ({
  type: 'table',
  align: header.map(() => null),
  children: [header.map((h) => [text(h)] as PhrasingContent[]), ...rows.map((r) => r.map((c) => [phrase(c)]))].map(
    (cells): TableRow => ({ type: 'tableRow', children: cells.map((children): TableCell => ({ type: 'tableCell', children })) }),
  ),
});

/** A collapsed section. The HTML here is fixed by clinsafe; the summary and content are escaped. */
export function details(summary: string, children: RootContent[]): RootContent[] {
  const open: Html = { type: 'html', value: '<details>' };
  const sum: Html = { type: 'html', value: `<summary>${escapeHtml(defuse(summary))}</summary>` };
  const close: Html = { type: 'html', value: '</details>' };
  return [open, sum, ...children, close];
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function root(children: RootContent[]): Root {
  return { type: 'root', children };
}

export function serialize(tree: Root): string {
  return toMarkdown(tree, { extensions: [gfmToMarkdown()], bullet: '-', fences: true, rule: '-' });
}
