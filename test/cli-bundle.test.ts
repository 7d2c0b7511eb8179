/**
 * The single-file CLI (npm run build:cli) as a user gets it from a release: one .mjs copied to a
 * folder far from this checkout, run with nothing but Node — templates, example and PDF fonts come
 * from inside the file. Its checksum file matches; its licences file covers what it bundles. Its V8
 * code cache (scripts/cli-loader.mjs) is written, read, remade when damaged or refused, and never
 * needed for a command to work.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRepo, REPO_ROOT, tempDir } from './helpers/repo.js';

let out: string;
let bin: string;
let cache: string;
let elsewhere: string;

function run(args: string[], cwd: string, extra: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, CLINSAFE_CACHE_DIR: cache, ...extra };
  delete env.GITHUB_ACTIONS;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The folder the bundle unpacked itself into (under the test's cache folder). */
function unpackedDir(): string {
  const [unpacked] = readdirSync(cache).filter((d) => !d.includes('.tmp-'));
  expect(unpacked, 'the bundle unpacked into the cache folder').toBeDefined();
  return join(cache, unpacked!);
}

const version = () => (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

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

it('validate ends as soon as its output is written (src/cli/exit.ts): a long report through a pipe arrives whole, with its exit code', () => {
  const repo = fixtureRepo();
  const hazards = join(repo.dir, 'clinical-safety', 'hazards');
  const [first] = readdirSync(hazards).filter((f) => f.endsWith('.yml'));
  const text = readFileSync(join(hazards, first!), 'utf8');
  // 400 copies whose ids do not match their file names: one error each, and a report of several hundred kilobytes.
  for (let i = 0; i < 400; i++) writeFileSync(join(hazards, `H-${900 + i}-copy.yml`), text);
  for (const extra of [{}, { CLINSAFE_NO_CACHE: '1' }] as Record<string, string>[]) {
    const r = run(['validate', '--format', 'json'], repo.dir, extra);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(100_000);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string }[] };
    expect(report.diagnostics.filter((d) => d.code === 'id-filename')).toHaveLength(400);
    // As text, the findings go to stderr: all of them, then the verdict.
    const plain = run(['validate'], repo.dir, extra);
    expect(plain.code).toBe(1);
    expect(plain.stderr.split('\n').filter((l) => l.includes('does not match the file name'))).toHaveLength(400);
    expect(plain.stderr.trimEnd().split('\n').at(-1)).toMatch(/not valid — \d+ errors/);
  }
  repo.cleanup();
}, 180_000);

it('--version, validate and check never load the PDF code nor run the spreadsheet writer: only the commands that use them do', () => {
  const repo = fixtureRepo();
  expect(run(['--version'], repo.dir).code).toBe(0);
  // Sabotage the unpacked code: the PDF libraries' script (pdf.cjs) and the spreadsheet writer inside
  // the document commands' script (an expression that throws where it names a worksheet's part).
  const dist = join(unpackedDir(), 'dist');
  writeFileSync(join(dist, 'pdf.cjs'), 'throw new Error("heavy code ran");\n');
  const main = readFileSync(join(dist, 'documents.cjs'), 'utf8');
  const marker = '`/xl/worksheets/sheet${';
  expect(main).toContain(marker);
  writeFileSync(
    join(dist, 'documents.cjs'),
    main.replaceAll(marker, '`${(()=>{throw new Error("heavy code ran")})()}/xl/worksheets/sheet${'),
  );

  expect(run(['--version'], repo.dir).code).toBe(0);
  const val = run(['validate'], repo.dir);
  expect(val.stderr).toBe('');
  expect(val.code).toBe(0);
  expect(run(['check', '--base', 'HEAD'], repo.dir).code).toBe(0);
  const exp = run(['export', '--out', join(repo.dir, 'log.xlsx')], repo.dir);
  expect(exp.code).toBe(1);
  expect(exp.stderr).toContain('heavy code ran');
  const pdf = run(['report', '--ref', 'HEAD', '--format', 'pdf', '--out', join(repo.dir, 'pdf-out')], repo.dir);
  expect(pdf.code).toBe(1);
  expect(pdf.stderr).toContain('heavy code ran');
  // Put the unpacked code back for the tests below (a fresh unpack on the next run).
  rmSync(join(cache, basename(unpackedDir())), { recursive: true, force: true });
  repo.cleanup();
}, 120_000);

it("validate loads zod only for a file the fast accept built into the bundle declines (the schemas' descriptions, made at build time)", () => {
  const repo = fixtureRepo();
  const cold = { CLINSAFE_NO_CACHE: '1' };
  const before = run(['validate', '--format', 'json'], repo.dir, cold);
  expect(before.code, before.stderr).toBe(0);
  // Sabotage zod in the unpacked code: its global registry is set up when zod's modules are first run.
  const dist = join(unpackedDir(), 'dist');
  const script = readFileSync(join(dist, 'commands.cjs'), 'utf8');
  const marker = '.__zod_globalRegistry??';
  expect(script.split(marker)).toHaveLength(2);
  writeFileSync(join(dist, 'commands.cjs'), script.replace(marker, `${marker}(()=>{throw new Error("zod ran")})()??`));

  // Every file taken by the built-in accept: no zod, the same report, with and without the parse cache.
  expect(run(['validate', '--format', 'json'], repo.dir, cold)).toEqual(before);
  for (let i = 0; i < 2; i++) expect(run(['validate', '--format', 'json'], repo.dir)).toEqual(before);
  // A file it declines: zod is loaded after all (and here it throws, which shows the sabotage is live).
  const hazards = join(repo.dir, 'clinical-safety', 'hazards');
  const [first] = readdirSync(hazards).filter((f) => f.endsWith('.yml'));
  writeFileSync(join(hazards, first!), readFileSync(join(hazards, first!), 'utf8').replace('status:', 'statsu:'));
  const declined = run(['validate'], repo.dir, cold);
  expect(declined.code).not.toBe(0);
  expect(declined.stderr).toContain('zod ran');
  rmSync(join(cache, basename(unpackedDir())), { recursive: true, force: true });
  repo.cleanup();
}, 120_000);

describe("the code cache (V8's, in the user's cache folder)", () => {
  const debugRun = (args: string[], cwd: string, extra: Record<string, string> = {}) =>
    run(args, cwd, { CLINSAFE_CODE_CACHE_DEBUG: '1', ...extra });
  const report = (stderr: string) => /clinsafe code cache: (.*)\n/.exec(stderr)?.[1];
  const store = (script: string, kind: string) => {
    const dir = join(unpackedDir(), 'v8-cache');
    const name = readdirSync(dir).find((f) => f.startsWith(`${script}-`) && f.endsWith(`-${kind}.bin`));
    expect(name, `a code cache for ${kind} in ${dir}`).toBeDefined();
    return join(dir, name!);
  };
  const ok = (r: { code: number | null; stdout: string }) => {
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ MedRec: 12 hazards');
  };
  let repo: ReturnType<typeof fixtureRepo>;
  beforeAll(() => {
    repo = fixtureRepo();
    rmSync(cache, { recursive: true, force: true });
  });
  afterAll(() => repo.cleanup());

  it('the first run writes it, the next reads it (each command its own), and both give the same output', () => {
    const first = debugRun(['validate'], repo.dir);
    ok(first);
    expect(report(first.stderr)).toBe('clinsafe.cjs none, written, commands.cjs none, written');
    const second = debugRun(['validate'], repo.dir);
    ok(second);
    expect(second.stdout).toBe(first.stdout);
    expect(report(second.stderr)).toBe('clinsafe.cjs used, commands.cjs used');
    // --version runs the start only (commander and the program): the commands' script is not loaded.
    const v1 = debugRun(['--version'], repo.dir);
    const v2 = debugRun(['--version'], repo.dir);
    expect([v1.stdout.trim(), report(v1.stderr)]).toEqual([version(), 'clinsafe.cjs none, written']);
    expect([v2.stdout.trim(), report(v2.stderr)]).toEqual([version(), 'clinsafe.cjs used']);
    expect(store('clinsafe.cjs', 'validate')).not.toBe(store('clinsafe.cjs', 'version'));
    // The commands' script shares io.ts and commander with the start: a user error is one, not an internal error.
    const missing = run(['validate', '--dir', 'no-such-folder'], repo.dir);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^clinsafe: .*no-such-folder/)]);
    expect(missing.stderr).not.toContain('internal error');
    const choice = run(['report', '--format', 'docx'], repo.dir);
    expect([choice.code, choice.stderr]).toEqual([1, expect.stringMatching(/^clinsafe: --format: "docx" is not a format/)]);
    const off = debugRun(['validate'], repo.dir, { CLINSAFE_NO_CODE_CACHE: '1' });
    ok(off);
    expect(report(off.stderr)).toBe('clinsafe.cjs off, commands.cjs off');
  }, 120_000);

  it('a damaged file (a flipped byte, a truncated tail) or one made for other code is ignored and written again', () => {
    ok(debugRun(['validate'], repo.dir));
    const file = store('commands.cjs', 'validate');
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    for (const bad of [flipped, good.subarray(0, good.length - 100)]) {
      writeFileSync(file, bad);
      const r = debugRun(['validate'], repo.dir);
      ok(r);
      expect(report(r.stderr)).toBe('clinsafe.cjs used, commands.cjs damaged, written');
      expect(readFileSync(file).equals(bad)).toBe(false);
      expect(report(debugRun(['validate'], repo.dir).stderr)).toBe('clinsafe.cjs used, commands.cjs used');
    }
    // Whole and undamaged, but V8's data for another script: V8 refuses it.
    const foreign = new Script('globalThis.x = 1 + 1;').createCachedData();
    const head = Buffer.alloc(26);
    head.write('clinsafe-v8-cache\n', 0, 'latin1');
    head.writeUInt32BE(foreign.length, 18);
    head.writeUInt32BE(crc32(foreign), 22);
    writeFileSync(file, Buffer.concat([head, foreign]));
    const r = debugRun(['validate'], repo.dir);
    ok(r);
    expect(report(r.stderr)).toBe('clinsafe.cjs used, commands.cjs refused by V8, written');
    expect(report(debugRun(['validate'], repo.dir).stderr)).toBe('clinsafe.cjs used, commands.cjs used');
  }, 120_000);

  it('a code cache that cannot be written, or no writable cache folder at all, does not stop a command', () => {
    ok(debugRun(['validate'], repo.dir));
    const dir = join(unpackedDir(), 'v8-cache');
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a folder'); // works as root too, unlike a read-only mode
    const r = debugRun(['validate'], repo.dir);
    ok(r);
    expect(report(r.stderr)).toBe('clinsafe.cjs none, not written, commands.cjs none, not written');
    rmSync(dir, { force: true });

    // The cache folder itself cannot be made: the payload is unpacked for this run only, and removed.
    const blocker = join(tempDir('clinsafe-blocked-'), 'file');
    writeFileSync(blocker, '');
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('clinsafe-run-')).length;
    const nowhere = debugRun(['validate'], repo.dir, { CLINSAFE_CACHE_DIR: join(blocker, 'cache') });
    ok(nowhere);
    expect(report(nowhere.stderr)).toBe('clinsafe.cjs off, commands.cjs off');
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('clinsafe-run-')).length).toBe(before);
    expect(debugRun(['--version'], repo.dir, { CLINSAFE_CACHE_DIR: join(blocker, 'cache') }).stdout.trim()).toBe(version());
  }, 120_000);
});

it('unpacking a new version removes the builds not run for 14 days and interrupted unpacks, and nothing else', () => {
  const base = tempDir('clinsafe-prune-');
  const ago = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
  const build = (name: string, days: number) => {
    mkdirSync(join(base, name, 'dist'), { recursive: true });
    writeFileSync(join(base, name, '.complete'), '');
    utimesSync(join(base, name, '.complete'), ago(days), ago(days));
  };
  build('0.0.9-0123456789ab', 30); // an old version, not run for a month: removed
  build('0.0.9-rc.1-abcdef012345', 20); // removed
  build('0.1.0-fedcba987654', 3); // another version run three days ago (two installs side by side): kept
  mkdirSync(join(base, '0.0.8-00000000000a.tmp-4242'));
  utimesSync(join(base, '0.0.8-00000000000a.tmp-4242'), ago(2), ago(2)); // an interrupted unpack: removed
  mkdirSync(join(base, '0.0.8-00000000000b.tmp-4343')); // one under way now: kept
  build('folders', 60); // not a build (the parse cache of folders outside git): kept
  writeFileSync(join(base, 'notes-0123456789ab'), 'a file of the user'); // not a build: kept
  try {
    const r = run(['--version'], elsewhere, { CLINSAFE_CACHE_DIR: base });
    expect([r.code, r.stdout.trim()]).toEqual([0, version()]);
    const left = readdirSync(base).sort();
    const kept = ['0.0.8-00000000000b.tmp-4343', '0.1.0-fedcba987654', 'folders', 'notes-0123456789ab'];
    expect(left.filter((d) => !kept.includes(d))).toEqual([expect.stringMatching(/^\d[\w.+-]*-[0-9a-f]{12}$/)]); // this build
    expect(left.filter((d) => kept.includes(d))).toEqual(kept);
    // A run of a build already unpacked prunes nothing (only an unpack does).
    build('0.0.7-0123456789ab', 40);
    expect(run(['--version'], elsewhere, { CLINSAFE_CACHE_DIR: base }).code).toBe(0);
    expect(existsSync(join(base, '0.0.7-0123456789ab'))).toBe(true);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}, 120_000);
