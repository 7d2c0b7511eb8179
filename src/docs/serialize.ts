/** Markdown serialisation for the documents, with table pipes aligned only for tables a person reads raw. */
import type { Root, RootContent } from 'mdast';
import { serializeMarkdown } from '../core/markdown-serializer.js';

/** Tables with more rows than this are written unpadded: aligning 5,000 rows costs time and megabytes. */
export const ALIGN_ROWS_MAX = 200;

/**
 * A generated picture (a `data:` URL) is drawn in HTML and PDF; Markdown readers (GitHub among
 * them) do not show `data:` images, so the Markdown carries its alt text instead of kilobytes of base64.
 */
function withoutPictures<T extends Root | RootContent>(node: T): T {
  if (node.type === 'image' && node.url.startsWith('data:'))
    return { type: 'emphasis', children: [{ type: 'text', value: `Picture: ${node.alt ?? 'generated figure'}` }] } as unknown as T;
  if (!('children' in node)) return node;
  return { ...node, children: (node.children as RootContent[]).map(withoutPictures) } as T;
}

export function serializeDocument(tree: Root): string {
  let rows = 0;
  for (const n of tree.children) if (n.type === 'table') rows = Math.max(rows, n.children.length);
  return serializeMarkdown(withoutPictures(tree), { alignTables: rows <= ALIGN_ROWS_MAX });
}
