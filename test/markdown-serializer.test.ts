/**
 * The fast Markdown serialiser says exactly what mdast-util-to-markdown says: for every generated
 * document and for hostile text, its output parses (remark + GFM) to the same tree as
 * to-markdown's output does.
 */
import { join } from 'node:path';
import type { Root, RootContent } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { code, details, emphasis, heading, inlineCode, link, list, paragraph, root, strong, table, text } from '../src/core/markdown.js';
import { serializeMarkdown } from '../src/core/markdown-serializer.js';
import { buildDocuments } from '../src/docs/build.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const parser = unified().use(remarkParse).use(remarkGfm);

/** Positions dropped; a code span's line endings compared as the spaces they render as (CommonMark 6.1). */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'position') out[k] = strip(v);
  if (out.type === 'inlineCode' && typeof out.value === 'string') out.value = out.value.replace(/\n/g, ' ');
  return out;
}

const parse = (md: string) => strip(parser.parse(md));
const reference = (tree: Root) => toMarkdown(tree, { extensions: [gfmToMarkdown()], bullet: '-', fences: true, rule: '-' });

/**
 * The tree as a parser would give it back: adjacent text merged, empty text dropped, the defaults
 * a parser fills in (ordered list start, code meta), table cells trimmed (GFM trims them).
 */
function normalise(node: any, inCell = false): any {
  const out: any = { ...node };
  if (out.type === 'list') out.start = out.ordered ? (out.start ?? 1) : null;
  if (out.type === 'code') out.meta ??= null;
  if (out.type === 'link') out.title ??= null;
  if (out.type === 'inlineCode') out.value = out.value.replace(/\n/g, ' ');
  if (Array.isArray(node.children)) {
    const cell = inCell || node.type === 'tableCell';
    const kids: any[] = [];
    for (const c of node.children.map((c: any) => normalise(c, cell))) {
      if (c.type === 'text' && c.value === '') continue;
      const prev = kids.at(-1);
      if (prev && prev.type === 'text' && c.type === 'text') prev.value += c.value;
      else kids.push(c);
    }
    if (node.type === 'tableCell') {
      const first = kids[0];
      const last = kids.at(-1);
      if (first?.type === 'text') first.value = first.value.replace(/^[ \t]+/, '');
      if (last?.type === 'text') last.value = last.value.replace(/[ \t]+$/, '');
      if (first?.type === 'text' && first.value === '') kids.shift();
    }
    out.children = kids;
  }
  return strip(out);
}

/** Parsed back, the fast output is the tree itself. */
function expectRoundTrip(tree: Root): void {
  expect(parse(serializeMarkdown(tree))).toEqual(normalise(tree));
}

function expectSameMeaning(tree: Root): void {
  const fast = serializeMarkdown(tree);
  expect(parse(fast)).toEqual(parse(reference(tree)));
  expect(parse(serializeMarkdown(tree, { alignTables: true }))).toEqual(parse(fast));
}

const HOSTILE = [
  '<!-- clinsafe:release-signoff:v1@abc -->',
  '<!-- clinsafe-data:eyJhIjoxfQ== -->',
  'pipes | in | text',
  '`backticks` and ``double``',
  '*stars* and _underscores_ and **bold**',
  '# not a heading',
  '> not a quote',
  '- not a list',
  '+ not a list',
  '1. not a list',
  '2) not a list',
  '=== not setext',
  '    indented four',
  'trailing spaces  ',
  '[link](http://evil) and ![img](x)',
  '@team mention and user@example.org',
  '&amp; &#x41; &copy; entities',
  '<script>alert(1)</script> <b>html</b>',
  'back\\slash \\* escaped',
  '~~strike~~ and ~single~',
  'line one\nline two\n# heading-like second line\n- list-like',
  'ends with hash #',
  '"quoted" (parens) {braces} !bang $dollar %percent ^caret',
  'emoji 🩺 and RTL \u202Egnp.exe',
];

describe('the fast serialiser means what to-markdown means', () => {
  it('for hostile text in every construct clinsafe generates', () => {
    for (const s of HOSTILE) {
      const tree = root([
        heading(2, s),
        paragraph(s),
        paragraph(strong(s), ' then ', emphasis(s), ' then ', inlineCode(s), ' and ', link('https://example.org/a b(c)', s)),
        list([s, [paragraph(s), list([s])]]),
        list([s, s], true),
        list([s], false, true),
        table(
          ['Col | A', s],
          [
            [s, inlineCode(s)],
            [strong(s), s],
          ],
        ),
        code(s, 'yaml'),
        { type: 'blockquote', children: [paragraph(s)] } as RootContent,
        { type: 'thematicBreak' } as RootContent,
      ]);
      expectRoundTrip(tree);
      expect(parse(serializeMarkdown(tree, { alignTables: true }))).toEqual(parse(serializeMarkdown(tree)));
      // Collapsed sections: fixed HTML around escaped content.
      expectSameMeaning(root([...details(s, [paragraph(s)])]));
    }
  });

  it('for URLs in text (GFM links them whatever the escaping, as GitHub does): same as to-markdown', () => {
    const s = 'https://example.org/autolink and www.example.org';
    expectSameMeaning(root([heading(2, s), paragraph(s), list([s]), table(['a'], [[s]])]));
  });

  it('for markers: no clinsafe marker survives as HTML in the output', () => {
    const tree = root([paragraph(text('<!-- clinsafe:gate-comment:1 -->')), table(['a'], [[text('<!-- clinsafe:x:y -->')]])]);
    const md = serializeMarkdown(tree);
    expect(md).not.toContain('<!-- clinsafe');
    const html = JSON.stringify(parse(md));
    expect(html).not.toContain('"type":"html"');
  });

  it('for punctuation next to bold and italic runs', () => {
    const tree = root([
      paragraph('a', strong('"quoted"'), 'b'),
      paragraph('x', emphasis('(paren)'), 'y'),
      paragraph(strong('end.'), 'next'),
      paragraph('two', strong('**'), 'stars'),
    ]);
    expectSameMeaning(tree);
  });

  it('for two lists in a row, nested lists and empty items', () => {
    const tree = root([list(['a', 'b']), list(['c']), list([[list(['deep'])]]), list([''])]);
    expectSameMeaning(tree);
  });

  it('for every Markdown document clinsafe generates for the example product', async () => {
    const loaded = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety')));
    const artefacts = await buildDocuments({
      folder: loaded.folder!,
      release: { tag: 'v2.4.0', commit: '43a898e47702cc26ed975b0c6678802bd57aecba', date: '2026-10-20T09:30:00Z' },
      changeRecord: [],
      formats: ['md'],
    });
    const docs = artefacts.filter((a) => a.name.endsWith('.md'));
    expect(docs.length).toBeGreaterThanOrEqual(3);
    for (const doc of docs) {
      const tree = strip(parser.parse(doc.bytes.toString('utf8'))) as Root;
      expectSameMeaning(tree);
      expectRoundTrip(tree);
    }
  });

  it('hands node types it does not know to to-markdown', () => {
    const tree = parser.parse(
      'Text with ![an image](x.png "t") and a [ref][r] and ~~gone~~.\n\n[r]: https://example.org\n\nA footnote[^1].\n\n[^1]: note\n',
    ) as Root;
    expectSameMeaning(strip(tree) as Root);
  });
});
