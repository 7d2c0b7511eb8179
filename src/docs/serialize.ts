/** Markdown serialisation for the documents: the shared serializer, with table pipes aligned only for tables a person reads raw. */
import type { Root } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

/** Tables with more rows than this are written unpadded: aligning 5,000 rows costs seconds and megabytes. */
export const ALIGN_ROWS_MAX = 200;

export function serializeDocument(tree: Root): string {
  let rows = 0;
  for (const n of tree.children) if (n.type === 'table') rows = Math.max(rows, n.children.length);
  return toMarkdown(tree, {
    extensions: [gfmToMarkdown({ tablePipeAlign: rows <= ALIGN_ROWS_MAX })],
    bullet: '-',
    fences: true,
    rule: '-',
  });
}
