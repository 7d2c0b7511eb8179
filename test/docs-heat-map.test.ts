/** The risk heat map and the cause → control table of the CSCR (issue 11 §4). */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { buildDocuments } from './helpers/documents.js';
import { causeControlRows } from '../src/docs/cause-controls.js';
import { heatMapBlock, heatMapCounts, heatMapSvg } from '../src/docs/heat-map.js';
import { parseSvg } from '../src/docs/pdf/svg.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

let folder: SafetyFolder;
beforeAll(() => {
  folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
});
const release = { tag: 'v2.4.0', commit: 'a'.repeat(40), date: '2026-10-20T09:30:00Z' };

describe('risk heat map', () => {
  it('counts every live hazard once in each matrix, in the cell of its rating', () => {
    const m = heatMapCounts(folder);
    const live = folder.hazards.filter((h) => h.status !== 'retired');
    const sum = (g: Record<string, Record<string, number>>) =>
      Object.values(g)
        .flatMap((r) => Object.values(r))
        .reduce((a, b) => a + b, 0);
    expect(sum(m.initial)).toBe(live.length);
    expect(sum(m.residual)).toBe(live.length);
    const h1 = live.find((h) => h.id === 'H-001')!;
    expect(m.residual[h1.residual.likelihood]![h1.residual.severity]).toBe(
      live.filter((h) => h.residual.likelihood === h1.residual.likelihood && h.residual.severity === h1.residual.severity).length,
    );
    expect(m.likelihoods[0]).toBe('Very high');
  });

  it('draws an SVG the PDF renderer accepts, with each count as text (readable in greyscale)', () => {
    const m = heatMapCounts(folder);
    const svg = parseSvg(heatMapSvg(folder.scheme, m));
    expect(svg).toBeDefined();
    const texts = svg!.items.filter((i) => i.kind === 'text').map((i) => (i as { text: string }).text);
    const nonZero = [m.initial, m.residual].flatMap((g) => Object.values(g).flatMap((r) => Object.values(r))).filter((n) => n > 0);
    for (const n of nonZero) expect(texts).toContain(String(n));
    expect(texts).toContain('Initial risk');
    expect(texts).toContain('Residual risk');
    expect(texts.filter((t) => /^R\d$/.test(t))).toHaveLength(50);
  });

  it('is embedded in the HTML as an <img>, and in Markdown as its alt text beside the same counts as a table', async () => {
    const arts = await buildDocuments({ folder, release, changeRecord: [], formats: ['md', 'html'] });
    const html = arts.find((a) => a.name === 'cscr.html')!.bytes.toString('utf8');
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="Risk heat map of 11 live hazards/);
    const md = arts.find((a) => a.name === 'cscr.md')!.bytes.toString('utf8');
    expect(md).not.toContain('data:image');
    expect(md).toContain('*Picture: Risk heat map of 11 live hazards');
    const block = heatMapBlock(folder);
    expect(block.map((n) => n.type)).toEqual(['paragraph', 'paragraph', 'table']);
  });

  it('an image from elsewhere is never loaded in the HTML: only its alt text', async () => {
    const arts = await buildDocuments({
      folder,
      release,
      changeRecord: [],
      formats: ['html'],
      templates: { 'cscr.md': '# X\n\n![tracker](https://evil.example/x.png)\n' },
    });
    const html = arts.find((a) => a.name === 'cscr.html')!.bytes.toString('utf8');
    expect(html).not.toContain('evil.example');
    expect(html).toContain('tracker');
  });
});

describe('hazard details: each cause with the controls that treat it', () => {
  it('lists a control under every cause it names, with its description', () => {
    const h = folder.hazards.find((x) => x.id === 'H-001')!;
    const rows = causeControlRows(h);
    for (const c of h.controls)
      for (const cause of c.causes) {
        const at = rows.findIndex((r) => typeof r[0] === 'string' && r[0].startsWith(`${cause} `));
        expect(at).toBeGreaterThanOrEqual(0);
        const block = rows.slice(at, rows.findIndex((r, i) => i > at && r[0] !== '') >>> 0);
        expect(block.some((r) => r[1] === c.id && r[2] === c.description)).toBe(true);
      }
  });

  it('says when a cause has no control, and lists controls naming no cause against the hazard as a whole', () => {
    const h = structuredClone(folder.hazards.find((x) => x.id === 'H-001')!);
    h.causes.push({ id: 'C9', description: 'A cause nobody treats' });
    h.controls[0]!.causes = [];
    const rows = causeControlRows(h);
    expect(rows).toContainEqual(['C9 A cause nobody treats', '', 'no control treats this cause', '', '', '']);
    expect(rows.some((r) => r[0] === 'The hazard as a whole (no cause named)' && r[1] === h.controls[0]!.id)).toBe(true);
  });
});
