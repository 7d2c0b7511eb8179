/**
 * The PDFs as poppler reads them: tagged (structure tree, language, title), contents page numbers
 * that are the pages the headings are on, no page that ends with a heading, ids unbroken, fonts
 * embedded, pictures drawn, and the same bytes on every rebuild.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import type { Heading, Root, RootContent, Table, TableRow } from 'mdast';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { ARTEFACTS, type Artefact } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { plainText } from '../src/docs/html.js';
import { pdfSafe, toPdf, type PdfOptions } from '../src/docs/pdf/index.js';
import { parseSvg } from '../src/docs/pdf/svg.js';
import { EXAMPLE_PRODUCT, tempDir } from './helpers/repo.js';
import { describeWithTools, PDFINFO, POPPLER } from './helpers/system-tools.js';

const PDFFONTS = { cmd: 'pdffonts', debianPackage: 'poppler-utils', probe: ['-v'] };

function tool(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`${cmd} could not be run (${r.error.message})`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const RELEASE = {
  tag: 'v2.4.0',
  commit: '43a898e47702cc26ed975b0c6678802bd57aecba',
  date: '2026-10-20T09:30:00Z',
  previousTag: 'v2.3.2',
  previousDate: '2026-02-06',
};
const OPTS: PdfOptions = {
  title: 'Layout test',
  subtitle: ['Test Ltd'],
  status: 'DRAFT awaiting CSO sign-off',
  footer: 'Layout test · DRAFT',
  date: '2026-01-01',
  author: 'Test Ltd',
};

let folder: SafetyFolder;
let arts: Artefact[];
let dir: string;
const file = (name: string) => join(dir, name);
const build = () =>
  buildDocuments({
    folder,
    release: RELEASE,
    changeRecord: [],
    formats: ['pdf'],
    signOff: {
      state: 'approved',
      cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
      statement: 'Residual risk is acceptable.',
      signedAt: '2026-11-03T15:04:05Z',
    },
  });

/** Page texts (pdftotext -layout), each as trimmed non-empty lines with runs of spaces collapsed. */
function pages(path: string): string[][] {
  return tool('pdftotext', ['-layout', path, '-'])
    .split('\f')
    .filter((p) => p.trim())
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    );
}

/** The last line of a page above its footer ("… Page N of M"). */
const lastBodyLine = (lines: string[]): string => lines.filter((l) => !/Page \d+ of \d+$/.test(l)).pop() ?? '';

function headingTexts(nodes: readonly RootContent[], out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.type === 'heading') out.push(pdfSafe(plainText(n)).replace(/\s+/g, ' ').trim());
    else if ('children' in n && n.type !== 'table') headingTexts(n.children as RootContent[], out);
  }
  return out;
}

/** True when `line` is a heading, or the end of a heading that wrapped. */
const isHeadingLine = (line: string, headings: string[]): boolean =>
  headings.some((h) => h === line || (line.length >= 12 && h.endsWith(line)));

/** A document with headings at every possible height on the page: sections of varied length. */
function stressTree(): Root {
  const children: RootContent[] = [];
  const p = (s: string): RootContent => ({ type: 'paragraph', children: [{ type: 'text', value: s }] });
  const row = (cells: string[]): TableRow => ({
    type: 'tableRow',
    children: cells.map((c) => ({ type: 'tableCell', children: [{ type: 'text', value: c }] })),
  });
  for (let i = 1; i <= 120; i++) {
    children.push({ type: 'heading', depth: 2, children: [{ type: 'text', value: `${i}. Section number ${i}` }] });
    if (i % 3 === 0)
      children.push({ type: 'heading', depth: 3, children: [{ type: 'text', value: `Sub-section ${i}.1 directly under its section` }] });
    for (let k = 0; k < (i * 7) % 5; k++) children.push(p(`Paragraph ${k} of section ${i}. `.repeat(1 + ((i + k) % 9))));
    if (i % 4 === 0) {
      const table: Table = {
        type: 'table',
        children: [
          row(['Id', 'Text']),
          ...Array.from({ length: (i % 6) + 1 }, (_, r) => row([`H-${i}-C0${r}`, 'Some text. '.repeat(1 + (r % 4))])),
        ],
      };
      children.push({ type: 'heading', depth: 4, children: [{ type: 'text', value: `Table heading ${i}` }] }, table);
    }
  }
  return { type: 'root', children };
}

function png(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rows.set([x * 20, y * 20, 128], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
  arts = await build();
  dir = tempDir('clinsafe-pdf-');
  for (const a of arts) writeFileSync(file(a.name), a.bytes);
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('rebuilding gives byte-identical PDFs', async () => {
  const again = await build();
  for (const a of arts.filter((x) => x.name.endsWith('.pdf'))) expect(again.find((b) => b.name === a.name)!.sha256).toBe(a.sha256);
});

describeWithTools([POPPLER, PDFINFO, PDFFONTS], 'PDFs read back by poppler', () => {
  it('every PDF is a well-formed PDF 1.7 file that poppler reads without a warning', () => {
    for (const name of [ARTEFACTS.cscrPdf, ARTEFACTS.crmpPdf, ARTEFACTS.requirementsPdf, ARTEFACTS.memoPdf]) {
      const bytes = arts.find((a) => a.name === name)!.bytes;
      expect(bytes.subarray(0, 9).toString('latin1')).toBe('%PDF-1.7\n');
      expect(bytes.subarray(-6).toString('latin1')).toBe('%%EOF\n');
      for (const args of [[file(name)], ['-struct', file(name)]]) {
        const r = spawnSync('pdfinfo', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(r.status).toBe(0);
        expect(r.stderr).toBe('');
      }
      const t = spawnSync('pdftotext', [file(name), '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(t.stderr).toBe('');
    }
  });

  it('every PDF is tagged, in British English, and shows its title as the window title', () => {
    for (const name of [ARTEFACTS.cscrPdf, ARTEFACTS.crmpPdf, ARTEFACTS.requirementsPdf, ARTEFACTS.memoPdf]) {
      expect(tool('pdfinfo', [file(name)])).toMatch(/^Tagged:\s+yes$/m);
      const raw = arts.find((a) => a.name === name)!.bytes.toString('latin1');
      expect(raw).toMatch(/\/Lang \(en-GB\)/);
      expect(raw).toMatch(/\/DisplayDocTitle true/);
      expect(raw).toMatch(/\/MarkInfo \d+ 0 R/);
    }
  });

  it('the CSCR has a structure tree: title, sections, headings, paragraphs, lists, tables with header cells', () => {
    const struct = tool('pdfinfo', ['-struct', file(ARTEFACTS.cscrPdf)]);
    const count = (tag: string) => struct.split('\n').filter((l) => l.trim().split(/[\s:]/)[0] === tag).length;
    expect(struct.split('\n')[0]).toBe('Document');
    expect(count('H1')).toBe(1);
    expect(count('H2')).toBeGreaterThanOrEqual(15);
    expect(count('H3')).toBeGreaterThanOrEqual(folder.hazards.length);
    expect(count('Sect')).toBeGreaterThanOrEqual(15);
    expect(count('P')).toBeGreaterThan(20);
    expect(count('TOC')).toBe(1);
    expect(count('TOCI')).toBeGreaterThan(20);
    expect(count('L')).toBeGreaterThan(0);
    expect(count('LI')).toBeGreaterThan(0);
    expect(count('Table')).toBeGreaterThan(folder.hazards.length);
    expect(count('TR')).toBeGreaterThan(count('Table'));
    expect(count('TH')).toBeGreaterThanOrEqual(2 * count('Table'));
    expect(count('TD')).toBeGreaterThan(count('TH'));
    expect(struct).toContain('/Scope /Column');
    // Each table's header is in the structure once, however many pages the table spans.
    expect(count('THead')).toBe(count('Table'));
    // The text of the tagged content is the document's text.
    const structText = tool('pdfinfo', ['-struct-text', file(ARTEFACTS.cscrPdf)]);
    for (const h of folder.hazards) expect(structText).toContain(h.id);
  });

  it('the contents give the page each heading is on', () => {
    const ps = pages(file(ARTEFACTS.cscrPdf));
    const contents = ps[1]!.filter((l) => /\s\d+$/.test(l) && !/Page \d+ of/.test(l));
    expect(contents.length).toBeGreaterThan(30);
    for (const entry of contents) {
      const m = /^(.*) (\d+)$/.exec(entry)!;
      const [title, page] = [m[1]!, Number(m[2])];
      expect(ps[page - 1], `"${title}" on page ${page}`).toContain(title);
    }
  });

  it('no page ends with a heading: the demo documents and a document built to put headings everywhere', async () => {
    const demo = await buildDocuments({ folder, release: RELEASE, changeRecord: [], formats: ['md'] });
    const check = (path: string, headings: string[]) => {
      const ps = pages(path);
      const orphans = ps.map((lines, i) => ({ page: i + 1, last: lastBodyLine(lines) })).filter((p) => isHeadingLine(p.last, headings));
      expect(orphans).toEqual([]);
      return ps.length;
    };
    const { unified } = await import('unified');
    const { default: remarkParse } = await import('remark-parse');
    const { default: remarkGfm } = await import('remark-gfm');
    const parse = (md: string) => unified().use(remarkParse).use(remarkGfm).parse(md) as Root;
    for (const name of [ARTEFACTS.cscrPdf, ARTEFACTS.crmpPdf, ARTEFACTS.requirementsPdf]) {
      const md = demo.find((a) => a.name === name.replace('.pdf', '.md'))!;
      check(file(name), headingTexts(parse(md.bytes.toString('utf8')).children));
    }
    const tree = stressTree();
    writeFileSync(file('stress.pdf'), await toPdf(tree, OPTS));
    expect(check(file('stress.pdf'), headingTexts(tree.children))).toBeGreaterThan(20);
  }, 60_000);

  it('ids are never broken across lines, even in a narrow column', async () => {
    const txt = tool('pdftotext', [file(ARTEFACTS.cscrPdf), '-']) + tool('pdftotext', [file(ARTEFACTS.requirementsPdf), '-']);
    for (const h of folder.hazards) {
      expect(txt).toContain(h.id);
      if (h.status !== 'retired') for (const c of h.controls) expect(txt).toContain(c.id);
    }
    const row = (cells: string[]): TableRow => ({
      type: 'tableRow',
      children: cells.map((c) => ({ type: 'tableCell', children: [{ type: 'text', value: c }] })),
    });
    const ids = Array.from({ length: 30 }, (_, i) => `H-0${String(i).padStart(2, '0')}-C0${i % 10}`);
    const wide = 'A long description that takes the width. '.repeat(3);
    const table: Table = {
      type: 'table',
      children: [row(['Id', 'A', 'B', 'C', 'D', 'E', 'F']), ...ids.map((id) => row([id, wide, wide, wide, wide, wide, `${id} ${id}`]))],
    };
    writeFileSync(file('narrow.pdf'), await toPdf({ type: 'root', children: [table] }, OPTS));
    const narrow = tool('pdftotext', [file('narrow.pdf'), '-']);
    for (const id of ids) expect(narrow.match(new RegExp(id, 'g'))?.length).toBe(3);
  });

  it('fonts are embedded (subsets of Roboto)', () => {
    const fonts = tool('pdffonts', [file(ARTEFACTS.cscrPdf)])
      .split('\n')
      .slice(2)
      .filter(Boolean);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const f of fonts) expect(f).toMatch(/\+Roboto-\S+\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  });

  it('a PNG picture given as a data: URL is drawn and tagged as a Figure with its alt text; other URLs are never fetched', async () => {
    const url = `data:image/png;base64,${png(40, 20).toString('base64')}`;
    const tree: Root = {
      type: 'root',
      children: [
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Risk heat map' }] } as Heading,
        { type: 'paragraph', children: [{ type: 'image', url, alt: 'Heat map: 3 hazards at 4' }] },
        { type: 'paragraph', children: [{ type: 'image', url: 'file:///etc/passwd', alt: 'not loaded' }] },
      ],
    };
    const pdf = await toPdf(tree, OPTS);
    writeFileSync(file('figure.pdf'), pdf);
    expect(
      tool('pdfimages', ['-list', file('figure.pdf')])
        .trim()
        .split('\n')
        .slice(2),
    ).toHaveLength(1);
    expect(tool('pdfinfo', ['-struct', file('figure.pdf')])).toMatch(/^\s+Figure$/m);
    expect(pdf.toString('latin1')).toMatch(/\/S \/Figure\n\/Alt \(Heat map: 3 hazards at 4\)/);
    expect(tool('pdftotext', [file('figure.pdf'), '-'])).toContain('[image: not loaded]');
  });

  it('an SVG picture in the supported subset (rectangles, lines, text) is drawn as vectors; anything else shows its alt text', async () => {
    const cells = [1, 2, 3, 4, 5].map(
      (c) =>
        `<rect x="${c * 40}" y="0" width="40" height="30" fill="#${['cce5d8', 'fff3b0', 'ffd0a0', 'f4b6b0', 'ffffff'][c - 1]}" stroke="#000"/><text x="${c * 40 + 20}" y="20" font-size="12" font-weight="bold" text-anchor="middle">${c * 7} &amp; ${c}</text>`,
    );
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40" viewBox="0 0 240 40"><title>Heat map</title><g>${cells.join('')}</g><line x1="0" y1="35" x2="240" y2="35" stroke="black"/></svg>`;
    const hostile = '<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>';
    const tree: Root = {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [{ type: 'image', url: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, alt: 'Risk heat map' }],
        },
        {
          type: 'paragraph',
          children: [{ type: 'image', url: `data:image/svg+xml,${encodeURIComponent(hostile)}`, alt: 'outside the subset' }],
        },
      ],
    };
    const pdf = await toPdf(tree, { ...OPTS, compact: true });
    writeFileSync(file('svg.pdf'), pdf);
    const txt = tool('pdftotext', [file('svg.pdf'), '-']);
    for (const c of [1, 2, 3, 4, 5]) expect(txt).toContain(`${c * 7} & ${c}`);
    expect(txt).toContain('[image: outside the subset]');
    expect(tool('pdfinfo', ['-struct', file('svg.pdf')])).toMatch(/^\s+Figure$/m);
    expect(
      tool('pdfimages', ['-list', file('svg.pdf')])
        .trim()
        .split('\n')
        .slice(2),
    ).toHaveLength(0);
    expect(parseSvg(svg)?.items.at(-1)).toEqual({ kind: 'line', x1: 0, y1: 35, x2: 240, y2: 35, stroke: '#000000', strokeWidth: 1 });
    expect(parseSvg('<svg width="9" height="9"><rect x="1" y="1" width="2" height="2" transform="scale(9)"/></svg>')).toBeUndefined();
  });
});
