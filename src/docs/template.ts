/**
 * Markdown templates with placeholders. A template is parsed to mdast; a paragraph holding only
 * `{{block-name}}` is replaced by that generated block, and `{{variable}}` inside text becomes a
 * text node. Repository values therefore never pass through the Markdown parser.
 */
import type { Parent, Root, RootContent, Text } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { text } from '../core/markdown.js';
import { TemplateError } from './types.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9._-]*)\s*\}\}/g;
const ALONE = /^\s*\{\{\s*([A-Za-z0-9._-]+)\s*\}\}\s*$/;

export interface TemplateContext {
  vars: Record<string, string>;
  blocks: Record<string, () => RootContent[]>;
}

function stripPositions(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  delete (node as { position?: unknown }).position;
  const children = (node as { children?: unknown[] }).children;
  if (Array.isArray(children)) children.forEach(stripPositions);
}

function posOf(
  node: { position?: { start: { line: number; column: number } } },
  value: string,
  index: number,
): { line: number; col: number } {
  const start = node.position?.start ?? { line: 1, column: 1 };
  const before = value.slice(0, index);
  const lines = before.split('\n');
  return lines.length === 1
    ? { line: start.line, col: start.column + index }
    : { line: start.line + lines.length - 1, col: lines[lines.length - 1]!.length + 1 };
}

/** Names a template uses, for error messages. */
function known(ctx: TemplateContext): string {
  return [...Object.keys(ctx.blocks), ...Object.keys(ctx.vars)].sort().join(', ');
}

/** Fill `source` (the text of template `file`) and return the document tree. */
export function fillTemplate(file: string, source: string, ctx: TemplateContext): Root {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(source) as Root;

  const visit = (parent: Parent): void => {
    const out: RootContent[] = [];
    for (const child of parent.children as RootContent[]) {
      if (child.type === 'paragraph' && child.children.length === 1 && child.children[0]!.type === 'text') {
        const m = ALONE.exec(child.children[0].value);
        if (m && ctx.blocks[m[1]!]) {
          for (const n of ctx.blocks[m[1]!]!()) out.push(n);
          continue;
        }
      }
      if (child.type === 'text') {
        out.push(...(expandText(child) as RootContent[]));
        continue;
      }
      if (child.type === 'html') {
        const p = posOf(child, '', 0);
        throw new TemplateError(
          file,
          p.line,
          p.col,
          'raw HTML is not allowed in a document template; write Markdown (headings, lists, tables, emphasis) instead',
        );
      }
      if ('children' in child) visit(child as Parent);
      out.push(child);
    }
    (parent as { children: RootContent[] }).children = out;
  };

  const expandText = (node: Text): Text[] => {
    const value = node.value;
    const parts: Text[] = [];
    let last = 0;
    for (const m of value.matchAll(PLACEHOLDER)) {
      const name = m[1]!;
      const at = posOf(node, value, m.index!);
      if (ctx.blocks[name])
        throw new TemplateError(
          file,
          at.line,
          at.col,
          `block {{${name}}} must stand alone in its own paragraph (a line of its own with blank lines around it)`,
        );
      if (!(name in ctx.vars)) throw new TemplateError(file, at.line, at.col, `unknown placeholder {{${name}}}; use one of ${known(ctx)}`);
      if (m.index! > last) parts.push({ type: 'text', value: value.slice(last, m.index) });
      parts.push(text(ctx.vars[name]!));
      last = m.index! + m[0].length;
    }
    if (last === 0) return [node];
    if (last < value.length) parts.push({ type: 'text', value: value.slice(last) });
    return parts;
  };

  visit(tree);
  stripPositions(tree);
  return tree;
}

/** Whether a template uses block `name`. */
export function usesBlock(source: string, name: string): boolean {
  return source.split(/\r?\n/).some((l) => ALONE.exec(l)?.[1] === name);
}
