/** Markdown serialisation for the documents, with table pipes aligned only for tables a person reads raw. */
import type { Root } from 'mdast';
import { serializeMarkdown } from '../core/markdown-serializer.js';

/** Tables with more rows than this are written unpadded: aligning 5,000 rows costs time and megabytes. */
export const ALIGN_ROWS_MAX = 200;

export function serializeDocument(tree: Root): string {
  let rows = 0;
  for (const n of tree.children) if (n.type === 'table') rows = Math.max(rows, n.children.length);
  return serializeMarkdown(tree, { alignTables: rows <= ALIGN_ROWS_MAX });
}
