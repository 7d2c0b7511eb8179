/**
 * The generated files opened by real readers: poppler (pdfinfo, pdftotext) for the PDFs,
 * LibreOffice headless converting the XLSX back to CSV, parse5 for the HTML, exceljs for the sheet
 * settings. CI installs the Debian packages from .ci/apt-packages; on a machine without poppler or
 * LibreOffice those tests are skipped with a printed reason (a failure under CI=true): see
 * test/helpers/system-tools.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parse as parseHtml } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { ARTEFACTS, type Artefact } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { EXAMPLE_PRODUCT, tempDir } from './helpers/repo.js';
import { describeWithTools, itWithTools, LIBREOFFICE, PDFINFO, POPPLER } from './helpers/system-tools.js';

function tool(cmd: string, args: string[], opts: { timeout?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 60_000 });
  if (r.error) throw new Error(`${cmd} could not be run (${r.error.message}); install the Debian packages in .ci/apt-packages`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

let folder: SafetyFolder;
let arts: Artefact[];
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
  arts = await buildDocuments({
    folder,
    release: {
      tag: 'v2.4.0',
      commit: '43a898e47702cc26ed975b0c6678802bd57aecba',
      date: '2026-10-20T09:30:00Z',
      previousTag: 'v2.3.2',
      previousDate: '2026-02-06',
    },
    changeRecord: [],
    signOff: {
      state: 'approved',
      cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
      statement: 'Residual risk is acceptable.',
      signedAt: '2026-11-03T15:04:05Z',
    },
  });
  dir = tempDir('clinsafe-docs-');
  for (const a of arts) writeFileSync(file(a.name), a.bytes);
}, 60_000);

describeWithTools([POPPLER, PDFINFO], 'PDF, read by poppler', () => {
  it('the CSCR is a real PDF: pages, title, headings, page numbers, every hazard id', () => {
    const info = tool('pdfinfo', [file(ARTEFACTS.cscrPdf)]);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(10);
    expect(info).toMatch(/^Title:\s+Clinical Safety Case Report: MedRec v2\.4\.0$/m);
    const txt = tool('pdftotext', ['-layout', file(ARTEFACTS.cscrPdf), '-']);
    const pageTexts = txt.split('\f').filter((p) => p.trim());
    expect(pageTexts.length).toBe(pages);
    expect(pageTexts[0]).toContain('Clinical Safety Case Report: MedRec v2.4.0');
    expect(pageTexts[0]).toContain('Approved by the Clinical Safety Officer on 2026-11-03');
    expect(pageTexts[1]).toContain('Contents');
    pageTexts.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pages}`));
    for (const h of [
      '1. Document control',
      '3. System definition',
      '7. Residual risks and operational constraints',
      '9. Hand-over to deploying organisations (DCB0160)',
      '12. Change record since the previous release',
      '14. Summary safety statement',
      'Appendix A. Risk matrix',
      'Appendix B. DTAC C1.2.4 evidence map',
    ]) {
      expect(txt).toContain(h);
    }
    for (const h of folder.hazards) expect(txt).toContain(h.id);
  });

  it('a table that spans pages repeats its header row on the next page', () => {
    const txt = tool('pdftotext', ['-layout', file(ARTEFACTS.cscrPdf), '-']);
    const pagesWithRequirementsHeader = txt.split('\f').filter((p) => /Requirement\s+Hazard\s+Requirement text/.test(p));
    expect(pagesWithRequirementsHeader.length).toBeGreaterThanOrEqual(2);
  });

  it('a character the font lacks is never dropped silently: "≥ 30" stays readable', async () => {
    const f = structuredClone(folder);
    f.hazards[0]!.title = 'Dose stopped when eGFR ≥ 30 → wrongly; café 日本 ✓';
    const [pdf] = await buildDocuments({
      folder: f,
      release: { tag: 't', commit: 'a'.repeat(40), date: '2026-01-01' },
      changeRecord: [],
      formats: ['pdf'],
    });
    writeFileSync(file('glyphs.pdf'), pdf!.bytes);
    const txt = tool('pdftotext', [file('glyphs.pdf'), '-']);
    expect(txt).toContain('eGFR ≥ 30 -> wrongly; café [U+65E5][U+672C] [yes]'); // Roboto has ≥ but no arrow, CJK or tick
  });

  it('no text is lost when a table row is taller than a page or a word is wider than its column', async () => {
    const f = structuredClone(folder);
    f.hazards[1]!.justification = 'Justification sentence number. '.repeat(400).trim();
    f.hazards[0]!.controls[0]!.evidence = [`https://example.test/${'very-long-path-segment/'.repeat(12)}end`];
    const [pdf] = await buildDocuments({
      folder: f,
      release: { tag: 't', commit: 'a'.repeat(40), date: '2026-01-01' },
      changeRecord: [],
      formats: ['pdf'],
    });
    writeFileSync(file('long.pdf'), pdf!.bytes);
    const txt = tool('pdftotext', [file('long.pdf'), '-']).replace(/\s+/g, ' ');
    // Section 8 shows the justification once; the hazard log details do not repeat it. Where the
    // row continues on the next page, the footer and the repeated header row sit between its lines.
    const body = txt.replace(/ MedRec t · commit \w+ · [^·]*? Page \d+ of \d+( ID Hazard Residual risk Justification)?/g, '');
    expect(body.match(/Justification sentence number\./g)?.length).toBe(400);
    // pdftotext joins a word broken at a hyphen without the hyphen: compare without spaces and hyphens.
    const flat = txt.replace(/[ -]/g, '');
    expect(flat.includes(`https://example.test/${'verylongpathsegment/'.repeat(12)}end`)).toBe(true);
  });

  it('the CRMP, the safety requirements and the CSO memo are real PDFs too', () => {
    expect(tool('pdfinfo', [file(ARTEFACTS.crmpPdf)])).toMatch(/^Pages:\s+[3-9]/m);
    const reqs = tool('pdftotext', [file(ARTEFACTS.requirementsPdf), '-']);
    for (const h of folder.hazards.filter((x) => x.status !== 'retired')) for (const c of h.controls) expect(reqs).toContain(c.id);
    const memo = tool('pdftotext', [file(ARTEFACTS.memoPdf), '-']);
    expect(memo).toContain('GPhC 2087654');
    expect(memo).toContain(arts.find((a) => a.name === ARTEFACTS.cscrPdf)!.sha256);
  });
});

describe('XLSX, read by LibreOffice and exceljs', () => {
  itWithTools(
    [LIBREOFFICE],
    'LibreOffice converts the hazard log to CSV with the same rows as hazard-log.csv',
    () => {
      const out = join(dir, 'lo');
      mkdirSync(out);
      const profile = `file://${join(dir, 'lo-profile')}`;
      tool(
        'soffice',
        [
          `-env:UserInstallation=${profile}`,
          '--headless',
          '--convert-to',
          // Token 12 picks the sheet: 2 is "Hazard Log" (sheet 1 is the cover); the file is named after it.
          'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2',
          '--outdir',
          out,
          file(ARTEFACTS.hazardLogXlsx),
        ],
        { timeout: 120_000 },
      );
      const fromLo = parseCsv(readFileSync(join(out, 'hazard-log-Hazard Log.csv'), 'utf8'), { relax_column_count: true }) as string[][];
      const all = parseCsv(readFileSync(file(ARTEFACTS.hazardLogCsv), 'utf8').replace(/^\uFEFF/, ''), {
        relax_column_count: true,
      }) as string[][];
      // The workbook keeps the developer-only columns (draft, trigger globs) on its Developer sheet.
      const devCols = new Set(['Draft', 'Trigger paths', 'Trigger labels'].map((h) => all[0]!.indexOf(h)));
      const ours = all.map((r) => r.filter((_, i) => !devCols.has(i)));
      const trimRow = (r: string[]) => {
        const c = [...r];
        while (c.length && c[c.length - 1] === '') c.pop();
        return c;
      };
      expect(fromLo.length).toBe(ours.length);
      expect(fromLo.map(trimRow)).toEqual(ours.map(trimRow));
      // One row per control, like the NHS template: every control id appears.
      const live = folder.hazards;
      expect(ours.length - 1).toBeGreaterThanOrEqual(live.reduce((n, h) => n + Math.max(1, h.controls.length), 0));
      expect(ours[0]!.slice(0, 3)).toEqual(['Num', 'Hazard Name', 'Hazard Description']);
    },
    180_000,
  );

  it('the sheet opens cleanly: frozen header, filters, wrapped text', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file(ARTEFACTS.hazardLogXlsx)) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.name === 'Hazard Log') ?? wb.worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getRow(2).getCell(3).alignment?.wrapText).toBe(true);
  });
});

describe('HTML, parsed with parse5', () => {
  type Node = { nodeName: string; tagName?: string; attrs?: { name: string; value: string }[]; childNodes?: Node[]; value?: string };
  const all = (n: Node, out: Node[] = []): Node[] => {
    out.push(n);
    for (const c of n.childNodes ?? []) all(c, out);
    // <template> content is not used by the documents
    return out;
  };
  const textOf = (n: Node): string => (n.nodeName === '#text' ? (n.value ?? '') : (n.childNodes ?? []).map(textOf).join(''));
  const attr = (n: Node, name: string) => n.attrs?.find((a) => a.name === name)?.value;

  for (const name of [ARTEFACTS.cscrHtml, ARTEFACTS.crmpHtml, ARTEFACTS.requirementsHtml, ARTEFACTS.memoHtml]) {
    it(`${name}: self-contained, accessible headings and table headers, no script, links resolve`, () => {
      const html = readFileSync(file(name), 'utf8');
      const doc = parseHtml(html, { sourceCodeLocationInfo: false }) as unknown as Node;
      const nodes = all(doc);
      const el = (tag: string) => nodes.filter((n) => n.tagName === tag);
      expect(attr(el('html')[0]!, 'lang')).toBe('en-GB');
      expect(textOf(el('title')[0]!)).toMatch(/MedRec/);
      expect(el('h1')).toHaveLength(1);
      // Heading levels never skip (h2 → h4).
      const levels = nodes.filter((n) => /^h[1-6]$/.test(n.tagName ?? '')).map((n) => Number(n.tagName!.slice(1)));
      levels.forEach((l, i) => i > 0 && expect(l - levels[i - 1]!).toBeLessThanOrEqual(1));
      for (const t of el('table')) {
        const ths = all(t).filter((n) => n.tagName === 'th');
        expect(ths.length).toBeGreaterThan(0);
        for (const th of ths) expect(attr(th, 'scope')).toBe('col');
        expect(all(t).some((n) => n.tagName === 'thead')).toBe(true);
      }
      expect(el('script')).toHaveLength(0);
      expect(el('link')).toHaveLength(0); // no external stylesheet
      // The only picture is clinsafe's own heat map, inline as a data: URL: nothing is fetched.
      expect(el('img').map((n) => attr(n, 'src')?.slice(0, 26))).toEqual(name === ARTEFACTS.cscrHtml ? ['data:image/svg+xml;base64,'] : []);
      expect(nodes.some((n) => n.attrs?.some((a) => a.name.startsWith('on')))).toBe(false);
      const ids = new Set(nodes.map((n) => attr(n, 'id')).filter(Boolean));
      for (const a of el('a')) {
        const href = attr(a, 'href')!;
        if (href.startsWith('#')) expect(ids.has(href.slice(1))).toBe(true);
        else expect(href).toMatch(/^https?:\/\//);
      }
      expect(textOf(el('style')[0]!)).toContain('@media print');
    });
  }

  it('the risk matrix is coloured by what each rating means in the scheme', () => {
    const doc = parseHtml(readFileSync(file(ARTEFACTS.cscrHtml), 'utf8')) as unknown as Node;
    // The matrix's cells hold a rating; the heat map's (also coloured) hold counts "1 → 0" or "·".
    const cells = all(doc).filter((n) => n.tagName === 'td' && attr(n, 'class')?.startsWith('risk-') && /^\d+$/.test(textOf(n)));
    const by = (cls: string) =>
      cells
        .filter((c) => attr(c, 'class') === cls)
        .map(textOf)
        .sort();
    expect(cells).toHaveLength(25);
    // a 4 ("mandatory elimination or control") is not acceptable for release, like a 5 (issue 11 §1)
    expect(by('risk-unacceptable')).toEqual(['4', '4', '4', '4', '4', '5', '5', '5']);
    expect(by('risk-high')).toEqual([]);
    expect(new Set(by('risk-medium'))).toEqual(new Set(['3']));
    expect(new Set(by('risk-low'))).toEqual(new Set(['1', '2']));
  });

  it('the CSCR HTML holds every hazard id and the approval naming the CSO', () => {
    const html = readFileSync(file(ARTEFACTS.cscrHtml), 'utf8');
    const doc = parseHtml(html) as unknown as Node;
    const body = textOf(doc);
    for (const h of folder.hazards) expect(body).toContain(h.id);
    expect(body).toContain('approved by Dr Amara Okafor (Pharmacist, GPhC 2087654), Clinical Safety Officer, on 2026-11-03');
  });
});
