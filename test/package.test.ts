/**
 * The package as others consume it: metadata, the honest Node floor, runtime dependencies that are
 * the CLI's only, the typed App entry, the licence, and an install without development tools.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/repo.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

it('names one canonical repository, with homepage, issues and licence file', () => {
  expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/clinsafe/clinsafe.git' });
  expect(pkg.homepage).toBe('https://github.com/clinsafe/clinsafe#readme');
  expect(pkg.bugs.url).toBe('https://github.com/clinsafe/clinsafe/issues');
  const licence = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
  expect(pkg.license).toBe('Apache-2.0');
  expect(licence).toContain('Apache License\n                           Version 2.0, January 2004');
  expect(licence).toContain('END OF TERMS AND CONDITIONS');
  for (const f of ['README.md', 'app.yml', 'templates/init/clinsafe.yml', 'docs/gate.md'])
    expect(readFileSync(join(REPO_ROOT, f), 'utf8'), f).not.toMatch(/your-org\/clinsafe|<owner>\/clinsafe/);
});

it('declares the Node lines the tools need, and the runtime dependencies the CLI needs', () => {
  expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
  const runtime = Object.keys(pkg.dependencies);
  for (const appOrAction of ['probot', '@actions/core', '@actions/github', '@octokit/rest']) expect(runtime).not.toContain(appOrAction);
  expect(pkg.optionalDependencies).toHaveProperty('probot');
  // Everything the CLI's source imports is a runtime dependency (not dev-only).
  const bundle = spawnSync(
    process.execPath,
    [
      '-e',
      `require('esbuild').build({entryPoints:['src/cli/main.ts'],bundle:true,platform:'node',format:'esm',write:false,metafile:true,logLevel:'silent'}).then(r=>console.log(JSON.stringify(Object.keys(r.metafile.inputs))))`,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  const inputs = JSON.parse(bundle.stdout) as string[];
  const direct = new Set(inputs.map((i) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1]).filter((x): x is string => !!x));
  for (const d of direct) {
    const lockEntry = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')).packages[`node_modules/${d}`];
    expect(lockEntry?.dev, `${d} is bundled into the CLI but installed only for development`).not.toBe(true);
  }
});

it('exports the App as clinsafe/app, with types', () => {
  expect(pkg.exports['./app']).toEqual({ types: './dist/src/app/wiring.d.ts', default: './dist/src/app/wiring.js' });
  expect(readFileSync(join(REPO_ROOT, 'dist/src/app/wiring.d.ts'), 'utf8')).toContain('export declare function createApp(');
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('clinsafe/app'); console.log(typeof m.createApp)"],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  expect(r.stdout.trim()).toBe('function');
});

it('prepare never fails an install without TypeScript (npm ci --omit=dev), and says what it did', () => {
  const dir = tempDir('clinsafe-prod-');
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts', 'prepare.mjs'), join(dir, 'scripts', 'prepare.mjs'));
  const prepare = () => spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: dir, encoding: 'utf8' });
  const without = prepare();
  expect(without.status).toBe(0);
  expect(without.stdout).toContain('production install without dist/');
  mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'src', 'cli', 'main.js'), '');
  const withDist = prepare();
  expect(withDist.status).toBe(0);
  expect(withDist.stdout).toContain('using the dist/ already built');
  rmSync(dir, { recursive: true, force: true });
});

it('the `clinsafe` command a package install links is the single-file CLI, shipped with its licences and built by `npm run build`', () => {
  expect(pkg.bin).toEqual({ clinsafe: 'dist-cli/clinsafe.mjs' });
  expect(pkg.scripts.build).toContain('node scripts/bundle.mjs cli');
  const bin = join(REPO_ROOT, 'dist-cli', 'clinsafe.mjs');
  expect(existsSync(bin), 'dist-cli/clinsafe.mjs is built by npm run build (npm test builds first)').toBe(true);
  expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  // What npm would put in the package: the bundle and its licences, and dist/src for the App's export.
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  for (const f of ['dist-cli/clinsafe.mjs', 'dist-cli/licenses.txt', 'dist/src/cli/main.js', 'dist/src/app/wiring.js'])
    expect(files, f).toContain(f);
  expect(files.filter((f) => f.startsWith('dist-cli/'))).toHaveLength(2);
}, 60_000);
