/**
 * mdast → self-contained HTML. A small renderer of our own for the node types the documents use:
 * every text is escaped, raw HTML nodes are rendered as text, links only to http(s), headings get
 * stable ids, tables get <th scope="col">. Deterministic: the same tree gives the same bytes.
 */
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { escapeHtml } from '../core/markdown.js';

const esc = (s: string): string => escapeHtml(s).replace(/'/g, '&#39;');

/** The text of a node (images contribute nothing: their alt text is not part of a heading or a cell). */
export function plainText(node: RootContent | Root | PhrasingContent): string {
  return toString(node, { includeImageAlt: false });
}

export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'section'
  );
}

const CSS = `
:root { color-scheme: light; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1d1d1b; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.9rem; border-bottom: 3px solid #005eb8; padding-bottom: .3rem; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dde0; padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: .88rem; }
th, td { border: 1px solid #aeb7bd; padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #e8edee; font-weight: 600; }
tbody tr:nth-child(even) td { background: #f7f9fa; }
img { max-width: 100%; height: auto; }
td.risk-low { background: #cce5d8 !important; text-align: center; font-weight: 600; }
td.risk-medium { background: #fff3b0 !important; text-align: center; font-weight: 600; }
td.risk-high { background: #ffd0a0 !important; text-align: center; font-weight: 600; }
td.risk-unacceptable { background: #f4b6b0 !important; text-align: center; font-weight: 600; }
@media print { td.risk-low, td.risk-medium, td.risk-high, td.risk-unacceptable { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
blockquote { margin: 1rem 0; padding: .6rem 1rem; border-left: 6px solid #768692; background: #f0f4f5; }
blockquote.warning { border-left-color: #ffb81c; background: #fff9e6; }
blockquote.approved { border-left-color: #007f3b; background: #eef7f1; }
code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; background: #f0f4f5; padding: 0 .2em; }
td code { overflow-wrap: anywhere; }
pre { background: #f0f4f5; padding: .6rem; overflow-x: auto; }
nav.toc { border: 1px solid #d8dde0; padding: .5rem 1rem; margin: 1rem 0 2rem; }
nav.toc h2 { margin-top: .4rem; }
nav.toc ul { margin: .2rem 0; padding-left: 0; list-style: none; }
nav.toc li { margin: .25rem 0; }
nav.toc a { display: inline-block; min-height: 24px; line-height: 24px; }
footer { margin-top: 3rem; font-size: .8rem; color: #4c6272; border-top: 1px solid #d8dde0; padding-top: .5rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, blockquote { break-inside: avoid; page-break-inside: avoid; }
  nav.toc { break-after: page; }
  a { color: inherit; text-decoration: none; }
  nav.toc li { margin: 0; }
  nav.toc a { min-height: 0; line-height: inherit; }
}
`.trim();

/** A risk rating cell's colour class (set by the risk-matrix block in the cell's data). */
function toneClass(cell: { data?: unknown }): string {
  const tone = (cell.data as { tone?: string } | undefined)?.tone;
  return tone === 'low' || tone === 'medium' || tone === 'high' || tone === 'unacceptable' ? ` class="risk-${tone}"` : '';
}

export interface HtmlOptions {
  title: string;
  lang?: string;
  /** Footer line, e.g. product, release and commit. */
  footer?: string;
  /** Table of contents from level-2 headings. */
  toc?: boolean;
}

export function toHtml(tree: Root, opts: HtmlOptions): string {
  const ids = new Map<string, number>(opts.toc ? [['contents', 1]] : []);
  const idFor = (h: RootContent): string => {
    const base = slug(plainText(h));
    const n = ids.get(base) ?? 0;
    ids.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  };
  // Assign ids first so the table of contents can link to them.
  const headingIds = new Map<RootContent, string>();
  const walk = (nodes: RootContent[]) => {
    for (const n of nodes) {
      if (n.type === 'heading') headingIds.set(n, idFor(n));
      else if ('children' in n && n.type !== 'table') walk(n.children as RootContent[]);
    }
  };
  walk(tree.children);

  const inline = (nodes: PhrasingContent[]): string => nodes.map(phrase).join('');
  const phrase = (n: PhrasingContent): string => {
    switch (n.type) {
      case 'text':
        return esc(n.value);
      case 'strong':
        return `<strong>${inline(n.children)}</strong>`;
      case 'emphasis':
        return `<em>${inline(n.children)}</em>`;
      case 'delete':
        return `<del>${inline(n.children)}</del>`;
      case 'inlineCode':
        return `<code>${esc(n.value)}</code>`;
      case 'break':
        return '<br>';
      case 'link':
        return /^https?:\/\//i.test(n.url) ? `<a href="${esc(n.url)}">${inline(n.children)}</a>` : inline(n.children);
      case 'html':
        return esc(n.value);
      case 'image':
        // Only pictures clinsafe generates (data: URLs of PNG or SVG, which an <img> cannot run):
        // nothing is loaded from elsewhere; any other image is its alt text.
        return /^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(n.url)
          ? `<img src="${esc(n.url)}" alt="${esc(n.alt ?? '')}">`
          : esc(n.alt ?? '');
      default:
        return esc(plainText(n));
    }
  };
  const block = (n: RootContent): string => {
    switch (n.type) {
      case 'heading': {
        const d = Math.min(6, n.depth);
        return `<h${d} id="${esc(headingIds.get(n) ?? idFor(n))}">${inline(n.children)}</h${d}>`;
      }
      case 'paragraph':
        return `<p>${inline(n.children)}</p>`;
      case 'blockquote': {
        const t = plainText(n);
        const tone = t.startsWith('Approved.') ? 'approved' : t.startsWith('DRAFT') || t.startsWith('NOT ') ? 'warning' : 'neutral';
        return `<blockquote class="${tone}">${n.children.map(block).join('\n')}</blockquote>`;
      }
      case 'list': {
        const tag = n.ordered ? 'ol' : 'ul';
        return `<${tag}>${n.children.map((li) => `<li>${li.children.map((c) => (c.type === 'paragraph' && !li.spread ? inline(c.children) : block(c))).join('')}</li>`).join('')}</${tag}>`;
      }
      case 'table': {
        const [head, ...rows] = n.children;
        const th = head ? `<thead><tr>${head.children.map((c) => `<th scope="col">${inline(c.children)}</th>`).join('')}</tr></thead>` : '';
        const tb = rows
          .map((r) => `<tr>${r.children.map((c) => `<td${toneClass(c)}>${inline(c.children)}</td>`).join('')}</tr>`)
          .join('\n');
        return `<table>${th}<tbody>\n${tb}\n</tbody></table>`;
      }
      case 'code':
        return `<pre><code>${esc(n.value)}</code></pre>`;
      case 'thematicBreak':
        return '<hr>';
      case 'html':
        return `<p>${esc(n.value)}</p>`;
      default:
        return 'children' in n ? (n.children as RootContent[]).map(block).join('\n') : `<p>${esc(plainText(n))}</p>`;
    }
  };

  let body = '';
  let tocDone = !opts.toc;
  for (const n of tree.children) {
    if (!tocDone && n.type === 'heading' && n.depth === 2) {
      const items = tree.children.filter((c) => c.type === 'heading' && c.depth === 2);
      body += `<nav class="toc" aria-label="Contents"><h2 id="contents">Contents</h2><ul>${items.map((h) => `<li><a href="#${esc(headingIds.get(h)!)}">${esc(plainText(h))}</a></li>`).join('')}</ul></nav>\n`;
      tocDone = true;
    }
    body += `${block(n)}\n`;
  }
  const footer = opts.footer ? `<footer>${esc(opts.footer)}</footer>\n` : '';
  return `<!DOCTYPE html>\n<html lang="${esc(opts.lang ?? 'en-GB')}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(opts.title)}</title>\n<style>\n${CSS}\n</style>\n</head>\n<body>\n<main>\n${body}</main>\n${footer}</body>\n</html>\n`;
}
