/**
 * The fast Markdown serialiser says exactly what mdast-util-to-markdown says: for every generated
 * document and for hostile text, its output parses (remark + GFM) to the same tree as
 * to-markdown's output does.
 */
import { join } from 'node:path';
import type { Paragraph, PhrasingContent, Root, RootContent, Table, Text } from 'mdast';
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
import { buildDocuments } from './helpers/documents.js';
import { serializeMarkdown as referenceSerializer } from './helpers/markdown-serializer-reference.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const parser = unified().use(remarkParse).use(remarkGfm);

/** Positions dropped; a code span's line endings compared as the spaces they render as (CommonMark 6.1), CRLF and CR as LF. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'position') out[k] = strip(v);
  if (out.type === 'inlineCode' && typeof out.value === 'string') out.value = out.value.replace(/\r\n|\r|\n/g, ' ');
  // Every line ending is the same line ending (the serialiser writes CRLF and CR as LF, or as a reference).
  if (out.type === 'text' && typeof out.value === 'string') out.value = out.value.replace(/\r\n?/g, '\n');
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
  if (out.type === 'inlineCode') out.value = out.value.replace(/\r\n|\r|\n/g, ' ');
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

/** The fast paths write exactly what the reference loop (the serialiser before them) writes. */
function expectSameBytes(tree: Root): void {
  expect(serializeMarkdown(tree)).toBe(referenceSerializer(tree));
  expect(serializeMarkdown(tree, { alignTables: true })).toBe(referenceSerializer(tree, { alignTables: true }));
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
  'lone CR\r# heading-like\r- list-like\r| pipe',
  'backslash before trailing space \\ ',
  'tab after backslash \\\tend',
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
      expectSameBytes(tree);
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
      expectSameBytes(tree);
    }
  });

  it('hands node types it does not know to to-markdown', () => {
    const tree = parser.parse(
      'Text with ![an image](x.png "t") and a [ref][r] and ~~gone~~.\n\n[r]: https://example.org\n\nA footnote[^1].\n\n[^1]: note\n',
    ) as Root;
    expectSameMeaning(strip(tree) as Root);
    expectSameBytes(strip(tree) as Root);
  });

  it('hands a whole block to to-markdown when a node it does not know sits deep inside it', () => {
    const image = { type: 'image', url: 'x.png', alt: 'a | *b*' } as unknown as PhrasingContent;
    const titled = { type: 'link', url: 'https://example.org', title: 't', children: [{ type: 'text', value: 'a_b' }] } as PhrasingContent;
    const raw = (...children: PhrasingContent[]): Paragraph => ({ type: 'paragraph', children });
    for (const odd of [image, titled]) {
      const tree: Root = {
        type: 'root',
        children: [
          { type: 'list', ordered: false, spread: false, children: [{ type: 'listItem', spread: false, children: [raw(t('*x*'), odd)] }] },
          { type: 'blockquote', children: [raw(t('# y'), { type: 'strong', children: [odd] })] },
          {
            type: 'table',
            children: [
              { type: 'tableRow', children: [{ type: 'tableCell', children: [t('a|b')] }] },
              { type: 'tableRow', children: [{ type: 'tableCell', children: [odd] }] },
            ],
          },
          raw(t('after _it_')),
        ],
      };
      expectSameMeaning(tree);
      expectSameBytes(tree);
      // Only the blocks holding the odd node went to to-markdown: the last paragraph is still escaped the fast way.
      expect(serializeMarkdown(tree)).toContain('after \\_it\\_');
    }
  });
});

/** A raw text node (no `defuse`): the serialiser must be safe for any value. */
const t = (value: string): Text => ({ type: 'text', value });

/**
 * Seeded random text made of the pieces every escaping rule and fast path looks at: each special
 * character, autolink schemes and `www.`, character references, list and heading markers, edge
 * whitespace, line endings, backtick runs, non-ASCII.
 */
const PIECES = [
  'a',
  'b',
  'word',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\\',
  '\\*',
  '`',
  '``',
  '*',
  '**',
  '_',
  '[',
  ']',
  '~',
  '|',
  '<',
  '>',
  '<!--',
  '&',
  '&amp;',
  '&#x41;',
  '&#65;',
  '&copy',
  ';',
  ':',
  '.',
  'https',
  'http',
  'HTTPS',
  'ftp',
  'mailto',
  'xmpp',
  '://',
  'www',
  'WwW',
  'xwww',
  '#',
  '=',
  '+',
  '-',
  '1',
  '12',
  '1234567890',
  ')',
  '!',
  '"',
  '@',
  'é',
  '🩺',
  '\u202E',
];

function randomText(next: () => number): string {
  let s = '';
  const n = Math.floor(next() * 10);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)]!;
  return s;
}

/** mulberry32: a small deterministic generator, so a failure reproduces. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTree(next: () => number): Root {
  const s = () => randomText(next);
  const phr = (): PhrasingContent[] => {
    const kinds: (() => PhrasingContent)[] = [
      () => t(s()),
      () => t(s()),
      () => ({ type: 'inlineCode', value: s() }),
      () => ({ type: 'strong', children: [t(s())] }),
      () => ({ type: 'emphasis', children: [t(s()), { type: 'inlineCode', value: s() }] }),
      () => ({ type: 'link', url: s(), children: [t(s())] }),
      () => ({ type: 'break' }),
    ];
    return Array.from({ length: 1 + Math.floor(next() * 3) }, () => kinds[Math.floor(next() * kinds.length)]!());
  };
  const para = (): Paragraph => ({ type: 'paragraph', children: phr() });
  const cols = 1 + Math.floor(next() * 3);
  return {
    type: 'root',
    children: [
      { type: 'heading', depth: 2, children: phr() },
      para(),
      para(),
      {
        type: 'table',
        align: [null, 'left', 'center'],
        children: Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
          type: 'tableRow',
          children: Array.from({ length: 1 + Math.floor(next() * cols) }, () => ({ type: 'tableCell', children: phr() })),
        })),
      } as Table,
      {
        type: 'list',
        ordered: next() < 0.5,
        spread: false,
        children: [
          { type: 'listItem', spread: false, children: [para()] },
          { type: 'listItem', spread: false, children: [para(), para()] },
        ],
      },
      { type: 'code', lang: 'yaml', value: s() },
    ],
  };
}

describe('every fast path writes what the reference loop writes', () => {
  it('for 3,000 seeded random trees of special pieces, in every construct', () => {
    const next = seeded(13);
    for (let i = 0; i < 3000; i++) expectSameBytes(randomTree(next));
  });

  it('for 2,000 random trees with a node it does not know (or a titled link) put anywhere: the same blocks go to to-markdown', () => {
    const next = seeded(41);
    const odd = (): unknown =>
      [
        { type: 'image', url: 'x.png', alt: 'a*b' },
        { type: 'link', url: 'https://example.org', title: 't', children: [t('x_y')] },
        { type: 'footnoteReference', identifier: '1', label: '1' },
        { type: 'definition', identifier: 'r', label: 'r', url: 'https://example.org', title: null },
        { type: 'delete', children: [t('gone')] },
        { type: 'tableCell', children: [t('cell | in a paragraph')] },
        { type: 'paragraph', children: [t('a paragraph where a row goes')] },
      ][Math.floor(next() * 7)];
    let fellBack = 0;
    for (let i = 0; i < 2000; i++) {
      const tree = randomTree(next);
      // Every children array in the tree, and one odd node put into one of them (added or replacing).
      const arrays: unknown[][] = [];
      (function walk(n: { children?: unknown[] }) {
        if (!n.children) return;
        arrays.push(n.children);
        for (const c of n.children) walk(c as { children?: unknown[] });
      })(tree);
      const target = arrays[Math.floor(next() * arrays.length)]!;
      const at = Math.floor(next() * (target.length + 1));
      target.splice(at, next() < 0.5 ? 0 : 1, odd());
      let expected: string | undefined;
      try {
        expected = referenceSerializer(tree);
      } catch {
        expect(() => serializeMarkdown(tree)).toThrow();
        continue;
      }
      const fast = serializeMarkdown(tree);
      expect(fast).toBe(expected);
      if (fast.includes('x.png') || fast.includes('[^1]') || fast.includes('~~gone~~')) fellBack++;
    }
    // The odd nodes were really written (by to-markdown) in many of the trees.
    expect(fellBack).toBeGreaterThan(300);
  });

  it('for 500 random texts in every construct clinsafe generates, the output parses back to the tree', () => {
    const next = seeded(29);
    let tested = 0;
    for (let i = 0; i < 500; i++) {
      // Line endings at a text's edges are not kept (a paragraph cannot start or end with one).
      const s = randomText(next).replace(/^[\r\n]+|[\r\n]+$/g, '');
      // GFM turns URL-like text into links whatever the escaping (as GitHub does; see the URL test above).
      // A blank line in a text is written as a paragraph break (descriptions are written with them).
      if (!/[^\s]/.test(s) || /www|https?|ftp|mailto|xmpp|@/i.test(s) || /(\r\n|\r|\n)[ \t]*(\r\n|\r|\n)/.test(s)) continue;
      tested++;
      expectRoundTrip(
        root([
          heading(2, t(s)),
          paragraph(t(s)),
          paragraph('x ', strong(t(s)), ' y ', emphasis(t(s))),
          list([[paragraph(t(s))], [paragraph(t('a')), list([[paragraph(t(s))]])]]),
          table(['h'], [[t(s)], [strong(t(s))]]),
        ]),
      );
    }
    expect(tested).toBeGreaterThan(150);
  });

  it('for the CSCR-shaped tree of the benchmark (tables, headings, bold runs, code spans, lists)', () => {
    const tree = root([
      heading(1, 'Clinical Safety Case Report'),
      table(
        ['Hazard', 'Title', 'Initial', 'Residual', 'Status'],
        Array.from({ length: 50 }, (_, i) => [`H-${i}`, `Hazard ${i}: wrong patient | record *merged*`, '4', '2', 'open']),
      ),
      ...Array.from({ length: 50 }, (_, i) => [
        heading(3, `H-${i} Wrong patient's record shown <after> merge`),
        paragraph('Description: the clinician sees ', strong('another patient'), ' when the record at https://x.example/a_b is opened.'),
        table(
          ['Control', 'Type', 'Status', 'Evidence'],
          Array.from({ length: 5 }, (_, c) => [`H-${i}-C0${c}`, 'design', 'verified', inlineCode(`test/hazard_${i}.spec.ts`)]),
        ),
        list([`Cause ${i}.1 — the index is stale`, `Cause ${i}.2 — \`cache\` not cleared`]),
      ]).flat(),
    ]);
    expectSameBytes(tree);
    expectSameMeaning(tree);
  });
});
