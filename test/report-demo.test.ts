/** The README's main command: `clinsafe demo` generates the full document set for MedRec and says where. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { REPO_ROOT, tempDir } from './helpers/repo.js';

describe('clinsafe demo', () => {
  it('validates MedRec, then writes every document for v2.4.0 with the change record since v2.3.2', async () => {
    const out = join(tempDir('clinsafe-demo-'), 'docs');
    const lines: string[] = [];
    const errs: string[] = [];
    const code = await run(['demo', '--out', out], { out: (t) => lines.push(t), err: (t) => errs.push(t), cwd: REPO_ROOT });
    expect(errs.join('\n')).toBe('');
    expect(code).toBe(0);
    const stdout = lines.join('\n');
    expect(stdout).toMatch(/✓ MedRec: 12 hazards/);
    expect(stdout).toContain(`✓ 12 documents in ${out}`);
    expect(readdirSync(out).sort()).toEqual([
      'crmp.html',
      'crmp.md',
      'crmp.pdf',
      'cscr.html',
      'cscr.md',
      'cscr.pdf',
      'hazard-log.csv',
      'hazard-log.xlsx',
      'manifest.json',
      'safety-requirements.html',
      'safety-requirements.md',
      'safety-requirements.pdf',
    ]);
    const cscr = readFileSync(join(out, 'cscr.md'), 'utf8');
    expect(cscr).toContain('# Clinical Safety Case Report: MedRec v2.4.0');
    expect(cscr).toMatch(/\| #42\s+\| Retry EPMA delivery with back-off\s+\|.*\| H-006\s+\| not recorded in git history/);
    expect(cscr).toMatch(/\| Lifecycle phase\s+\| Major release/);
    expect(readFileSync(join(out, 'cscr.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 60_000);

  it('is reproducible: two runs give byte-identical files, PDF and XLSX included', async () => {
    const manifests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const out = join(tempDir('clinsafe-demo-'), 'docs');
      expect(await run(['demo', '--out', out], { out: () => {}, err: () => {}, cwd: REPO_ROOT })).toBe(0);
      manifests.push(readFileSync(join(out, 'manifest.json'), 'utf8'));
    }
    expect(manifests[1]).toBe(manifests[0]);
    expect(JSON.parse(manifests[0]!).artefacts.map((a: { name: string }) => a.name)).toContain('cscr.pdf');
  }, 90_000);
});
