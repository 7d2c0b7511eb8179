/**
 * The generated HTML documents opened in a real headless Chromium (Debian's `chromium`) and checked
 * with axe-core at WCAG 2.2 AA: no violations. A screenshot of the CSCR's first screen is written
 * for a person to look at (its path is printed). Skipped with a reason without Chromium; a failure
 * under CI=true (.ci/apt-packages lists it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { type Artefact } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { startChromium, type RunningChromium } from './helpers/chromium.js';
import { groupAlive } from './helpers/processes.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';
import { CHROMIUM, describeWithTools } from './helpers/system-tools.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
  passes: { id: string }[];
}

async function axe(page: Page): Promise<AxeResult> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(
    (tags) =>
      (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }).axe
        .run((globalThis as unknown as { document: unknown }).document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations', 'passes'],
        })
        .then((r) => ({
          violations: r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
          })),
          passes: r.passes.map((p) => ({ id: p.id })),
        })),
    WCAG_22_AA,
  );
}

const describeIt = (r: AxeResult) =>
  r.violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n  ')}`,
    )
    .join('\n');

describeWithTools([CHROMIUM], 'HTML documents in headless Chromium with axe-core (WCAG 2.2 AA)', () => {
  let chrome: RunningChromium;
  let pages: Artefact[];
  // One file, overwritten by every run (not a new temp folder each time): open it to look at the page.
  const shots = join(tmpdir(), 'clinsafe-a11y');

  beforeAll(async () => {
    const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
    const release = { tag: 'v2.4.0', commit: '43a898e47702cc26ed975b0c6678802bd57aecba', date: '2026-10-20T09:30:00Z' };
    const draft = await buildDocuments({ folder, release, changeRecord: [], formats: ['html'] });
    const approved = await buildDocuments({
      folder,
      release,
      changeRecord: [],
      formats: ['html'],
      signOff: {
        state: 'approved',
        cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
        statement: 'Residual risk is acceptable.',
        signedAt: '2026-11-03T15:04:05Z',
      },
    });
    const html = (a: Artefact) => a.name.endsWith('.html');
    pages = [
      ...draft.filter(html).map((a) => ({ ...a, name: `draft/${a.name}` })),
      ...approved.filter(html).map((a) => ({ ...a, name: `approved/${a.name}` })),
    ];
    expect(pages.map((p) => p.name)).toContain('draft/cscr.html');
    expect(pages.map((p) => p.name)).toContain('approved/cso-release-memo.html');
    chrome = await startChromium();
  }, 60_000);

  afterAll(async () => {
    const pid = chrome?.process.child.pid;
    await chrome?.close();
    if (pid !== undefined) expect(groupAlive(pid), 'Chromium is still running').toBe(false);
  });

  it('every generated page has no axe violation at WCAG 2.2 AA (and axe really ran its checks)', async () => {
    const ctx = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
    try {
      const failures: string[] = [];
      for (const p of pages) {
        const page = await ctx.newPage();
        await page.setContent(p.bytes.toString('utf8'), { waitUntil: 'load' });
        const r = await axe(page);
        // axe ran the checks that matter for these documents (so an empty violation list means something).
        const passed = new Set(r.passes.map((x) => x.id));
        for (const rule of ['html-has-lang', 'document-title', 'color-contrast'])
          if (!passed.has(rule) && !r.violations.some((v) => v.id === rule)) failures.push(`${p.name}: axe did not evaluate ${rule}`);
        if (r.violations.length) failures.push(`${p.name}:\n${describeIt(r)}`);
        if (p.name === 'draft/cscr.html') {
          const shot = join(shots, 'cscr-first-screen.png');
          const png = await page.screenshot({ fullPage: false });
          expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
          mkdirSync(shots, { recursive: true });
          writeFileSync(shot, png);
          console.info(`[a11y] first screen of the CSCR: ${shot}`);
        }
        await page.close();
      }
      expect(failures.join('\n\n')).toBe('');
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
