/**
 * Small mdast builders for what the app and the gate write on GitHub. Repository text always
 * enters as a text node, and passes through `escapeUserText` (user-text.ts): `@` is defused so
 * that a hazard title or a file name can never ping a person or a team, and no user text can
 * ever spell a clinsafe marker. `serialize` applies the same function again to every text and
 * code node and turns any `html` node clinsafe did not make itself into text, so a tree built
 * by hand cannot leak either.
 */
import type {
  BlockContent,
  Code,
  Heading,
  Html,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
  Text,
} from 'mdast';
import { marker, type MarkerKind } from './markers.js';
import { serializeMarkdown } from './markdown-serializer.js';
import { escapeUserText } from './user-text.js';

/** U+2060 WORD JOINER after `@` stops GitHub from turning `@name` into a mention (and `<!` from opening a comment). */
export function defuse(value: string): string {
  return escapeUserText(value, 'prose');
}

export const text = (value: string): Text => ({ type: 'text', value: escapeUserText(value, 'prose') });
export const strong = (...children: (PhrasingContent | string)[]): PhrasingContent => ({ type: 'strong', children: children.map(phrase) });
export const emphasis = (...children: (PhrasingContent | string)[]): PhrasingContent => ({
  type: 'emphasis',
  children: children.map(phrase),
});
export const inlineCode = (value: string): PhrasingContent => ({ type: 'inlineCode', value: escapeUserText(value, 'code') });
export const link = (url: string, ...children: (PhrasingContent | string)[]): PhrasingContent => ({
  type: 'link',
  url: /^https?:\/\//i.test(url) ? url : '#',
  children: children.map(phrase),
});

function phrase(c: PhrasingContent | string): PhrasingContent {
  return typeof c === 'string' ? text(c) : c;
}

export const paragraph = (...children: (PhrasingContent | string)[]): Paragraph => ({
  type: 'paragraph',
  children: edgeSpacesOut(children.map(phrase)),
});

/**
 * Markdown cannot end `**strong**` or `*emphasis*` with a space (to-markdown would encode it as
 * `&#x20;`), so spaces at the edges of a strong or emphasis run move just outside it.
 */
function edgeSpacesOut(nodes: PhrasingContent[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const n of nodes) {
    if ((n.type === 'strong' || n.type === 'emphasis') && n.children.length) {
      const first = n.children[0]!;
      const last = n.children[n.children.length - 1]!;
      const lead = first.type === 'text' ? (/^\s+/.exec(first.value)?.[0] ?? '') : '';
      const trail = last.type === 'text' ? (/\s+$/.exec(last.value)?.[0] ?? '') : '';
      if (lead || trail) {
        const children = n.children.map((c, i) => {
          if (c.type !== 'text') return c;
          let v = c.value;
          if (i === 0 && lead) v = v.slice(lead.length);
          if (i === n.children.length - 1 && trail) v = v.slice(0, v.length - trail.length);
          return { ...c, value: v };
        });
        if (lead) out.push({ type: 'text', value: ' ' });
        out.push({ ...n, children } as PhrasingContent);
        if (trail) out.push({ type: 'text', value: ' ' });
        continue;
      }
    }
    out.push(n);
  }
  return out;
}
export const heading = (depth: 1 | 2 | 3 | 4, ...children: (PhrasingContent | string)[]): Heading => ({
  type: 'heading',
  depth,
  children: children.map(phrase),
});
export const code = (value: string, lang?: string): Code => ({
  type: 'code',
  lang: lang ? escapeUserText(lang, 'code') : null,
  value: escapeUserText(value, 'code'),
});
export const list = (items: (BlockContent[] | PhrasingContent[] | string)[], ordered = false, checked?: boolean): List => ({
  type: 'list',
  ordered,
  spread: false,
  children: items.map((item): ListItem => ({
    type: 'listItem',
    spread: false,
    checked: checked ?? null,
    children:
      typeof item === 'string' ? [paragraph(item)] : isBlock(item) ? (item as BlockContent[]) : [paragraph(...(item as PhrasingContent[]))],
  })),
});

function isBlock(items: unknown[]): boolean {
  const t = (items[0] as { type?: string } | undefined)?.type;
  return t === 'paragraph' || t === 'list' || t === 'code' || t === 'table' || t === 'heading' || t === 'blockquote' || t === 'html';
}

export const table = (header: string[], rows: (PhrasingContent | string)[][]): Table => ({
  type: 'table',
  align: header.map(() => null),
  children: [header.map((h) => [text(h)] as PhrasingContent[]), ...rows.map((r) => r.map((c) => [phrase(c)]))].map((cells): TableRow => ({
    type: 'tableRow',
    children: cells.map((children): TableCell => ({ type: 'tableCell', children })),
  })),
});

/** A collapsed section. The HTML here is fixed by clinsafe; the summary and content are escaped. */
export function details(summary: string, children: RootContent[]): RootContent[] {
  const open = trustedHtml('<details>');
  const sum = trustedHtml(`<summary>${escapeHtml(defuse(summary))}</summary>`);
  const close = trustedHtml('</details>');
  return [open, sum, ...children, close];
}

/** The only `html` nodes `serialize` writes as HTML: those made here, by clinsafe, from fixed text. */
const TRUSTED_HTML = new WeakSet<Html>();

function trustedHtml(value: string): Html {
  const node: Html = { type: 'html', value };
  TRUSTED_HTML.add(node);
  return node;
}

/** The hidden marker of a body the bot writes, as an mdast node (the one way a marker enters a tree). */
export function markerNode(kind: MarkerKind, key: string): Html {
  return trustedHtml(marker(kind, key));
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function root(children: RootContent[]): Root {
  return { type: 'root', children };
}

/**
 * The tree with every text and code value escaped (idempotent) and every `html` node that
 * clinsafe did not make turned into escaped text: the last line of defence, whatever a caller built.
 */
function guarded<T extends object>(node: T): T {
  const n = node as unknown as { type: string; value?: string; lang?: string | null; children?: object[] };
  if (n.type === 'html' && !TRUSTED_HTML.has(node as unknown as Html))
    return { type: 'text', value: escapeUserText(n.value ?? '', 'prose') } as unknown as T;
  if (n.type === 'html') return node;
  const out: Record<string, unknown> = { ...n };
  if (n.type === 'text' && typeof n.value === 'string') out.value = escapeUserText(n.value, 'prose');
  if ((n.type === 'inlineCode' || n.type === 'code') && typeof n.value === 'string') out.value = escapeUserText(n.value, 'code');
  if (n.type === 'code' && n.lang) out.lang = escapeUserText(n.lang, 'code');
  const link = n as { url?: unknown; title?: unknown };
  if (n.type === 'link' && typeof link.url === 'string') out.url = safeUrl(link.url);
  if (n.type === 'link' && typeof link.title === 'string') out.title = escapeUserText(link.title, 'prose');
  if (Array.isArray(n.children)) out.children = n.children.map((c) => guarded(c));
  return out as T;
}

/** A link target as plain printable ASCII: anything else (spaces, `<`, look-alikes) percent-encoded. */
function safeUrl(url: string): string {
  return url.replace(/[^\x21-\x7e]|[<>]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD';
    }
  });
}

export function serialize(tree: Root): string {
  return serializeMarkdown(guarded(tree), { alignTables: true });
}
