/**
 * The single-file CLI (npm run build:cli) as a user gets it from a release: one .mjs copied to a
 * folder far from this checkout, run with nothing but Node — templates, example and PDF fonts come
 * from inside the file. Its checksum file matches; its licences file covers what it bundles.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureRepo, REPO_ROOT, tempDir } from './helpers/repo.js';

let out: string;
let bin: string;
let cache: string;
let elsewhere: string;

function run(args: string[], cwd: string) {
  const env: Record<string, string | undefined> = { ...process.env, CLINSAFE_CACHE_DIR: cache };
  delete env.GITHUB_ACTIONS;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  out = tempDir('clinsafe-bundle-');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle.mjs'), 'cli', '--outdir', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build:cli failed: ${r.stderr}`);
  elsewhere = tempDir('clinsafe-user-');
  bin = join(elsewhere, 'clinsafe.mjs');
  copyFileSync(join(out, 'clinsafe.mjs'), bin);
  cache = tempDir('clinsafe-cache-');
}, 120_000);

afterAll(() => {
  for (const d of [out, elsewhere, cache]) if (d) rmSync(d, { recursive: true, force: true });
});

it('the checksum file is the SHA-256 of the bundle, in sha256sum format', async () => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(bin)) hash.update(chunk as Buffer);
  expect(readFileSync(join(out, 'clinsafe.mjs.sha256'), 'utf8')).toBe(`${hash.digest('hex')}  clinsafe.mjs\n`);
});

it('the licences file names every bundled package with its licence text', () => {
  const text = readFileSync(join(out, 'licenses.txt'), 'utf8');
  for (const pkg of ['commander@', 'yazl@', 'pdfkit@', 'yaml@', 'zod@']) expect(text).toContain(pkg);
  expect(text).toContain('Permission is hereby granted, free of charge');
  expect(text).not.toContain('probot@'); // the CLI does not carry the App
});

it('runs from one file, away from the checkout: --version, init, validate, and a PDF with its fonts', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = run(['--version'], tempDir());
  expect(v.stdout.trim()).toBe(pkg.version);

  const repo = fixtureRepo();
  const val = run(['validate'], join(repo.dir, 'src'));
  expect(val.stderr).toBe('');
  expect(val.stdout).toContain('✓ MedRec: 12 hazards');

  const docs = join(repo.dir, 'docs-out');
  const rep = run(['report', '--ref', 'HEAD', '--format', 'pdf', '--out', docs], repo.dir);
  expect(rep.code, rep.stderr).toBe(0);
  expect(readdirSync(docs)).toContain('cscr.pdf');
  expect(readFileSync(join(docs, 'cscr.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

  const fresh = tempDir();
  spawnSync('git', ['init', '-q'], { cwd: fresh });
  const init = run(['init', '--no-bank'], fresh);
  expect(init.code).toBe(0);
  expect(existsSync(join(fresh, 'clinical-safety', 'clinsafe.yml'))).toBe(true);
  repo.cleanup();
}, 180_000);

it('--version, validate and check never load the spreadsheet or PDF code: only the commands that use it do', () => {
  const repo = fixtureRepo();
  expect(run(['--version'], repo.dir).code).toBe(0);
  // Sabotage the unpacked chunks holding exceljs and pdfmake: a command that loads them fails.
  const [unpacked] = readdirSync(cache).filter((d) => !d.includes('.tmp-'));
  const chunks = join(cache, unpacked!, 'dist', 'chunks');
  const heavy = readdirSync(chunks).filter((f) => /Roboto|xl\/worksheets/.test(readFileSync(join(chunks, f), 'utf8')));
  expect(heavy.length).toBeGreaterThanOrEqual(2);
  for (const f of heavy) writeFileSync(join(chunks, f), 'throw new Error("heavy chunk loaded");\n');

  expect(run(['--version'], repo.dir).code).toBe(0);
  const val = run(['validate'], repo.dir);
  expect(val.stderr).toBe('');
  expect(val.code).toBe(0);
  expect(run(['check', '--base', 'HEAD'], repo.dir).code).toBe(0);
  const exp = run(['export', '--out', join(repo.dir, 'log.xlsx')], repo.dir);
  expect(exp.code).toBe(1);
  // Node refuses the sabotaged chunk when linking it (its exports are gone) or when running it.
  expect(exp.stderr).toMatch(/heavy chunk loaded|does not provide an export named/);
  repo.cleanup();
}, 120_000);
