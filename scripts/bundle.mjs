/**
 * Single-file bundles, built with esbuild, each with the licences of the third-party code it contains:
 *
 *   node scripts/bundle.mjs action  →  action/dist/index.js    + action/dist/licenses.txt   (committed; CI checks freshness)
 *   node scripts/bundle.mjs cli     →  dist-cli/clinsafe.mjs   + dist-cli/licenses.txt      (not committed; attached to releases)
 *
 * The CLI bundle carries the files clinsafe reads at run time (templates, the example product, the
 * PDF fonts) and unpacks them once into a cache folder (~/.cache/clinsafe/<version>-<hash>, or
 * $CLINSAFE_CACHE_DIR), so the one file is the whole CLI: `node clinsafe.mjs --version` on any
 * machine with Node.js.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const posix = (p) => p.split(sep).join('/');

/** Every third-party package the bundle contains, with its licence text (like ncc's licenses.txt). */
export function licenses(metafile) {
  const pkgs = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(posix(input));
    if (!m) continue;
    const dir = resolve(ROOT, m[1]);
    if (pkgs.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN');
    pkgs.set(dir, { name: pkg.name, version: pkg.version, licence, text });
  }
  const unique = new Map([...pkgs.values()].map((p) => [`${p.name}@${p.version}`, p]));
  const list = [...unique.values()].sort((a, b) => (a.name === b.name ? 0 : a.name < b.name ? -1 : 1));
  const missing = list.filter((p) => !p.text);
  const body = list.map(
    (p) => `${p.name}@${p.version}\n${p.licence}\n${p.text ?? `(no licence file in the package; its package.json says ${p.licence})`}`,
  );
  return { text: `${body.join('\n\n-----\n\n')}\n`, count: list.length, missing: missing.map((p) => p.name) };
}

const REQUIRE_BANNER =
  'import { createRequire as __clinsafeRequire } from "node:module"; const require = __clinsafeRequire(import.meta.url);';

async function buildAction() {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['action/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: 'action/dist/index.js',
    legalComments: 'none', // the licences go to action/dist/licenses.txt, in full
    logLevel: 'warning',
    banner: { js: REQUIRE_BANNER },
    metafile: true,
  });
  const lic = licenses(result.metafile);
  writeFileSync(join(ROOT, 'action/dist/licenses.txt'), lic.text);
  console.log(`action/dist/index.js and action/dist/licenses.txt (${lic.count} packages)`);
}

/** Files the CLI reads at run time, as paths relative to the unpacked package root. */
function runtimeAssets() {
  const files = {};
  const add = (abs, rel) => (files[posix(rel)] = readFileSync(abs).toString('base64'));
  const walk = (absDir, relDir) => {
    for (const name of readdirSync(absDir).sort()) {
      const abs = join(absDir, name);
      if (statSync(abs).isDirectory()) walk(abs, join(relDir, name));
      else add(abs, join(relDir, name));
    }
  };
  walk(join(ROOT, 'templates'), 'templates');
  walk(join(ROOT, 'fixtures', 'example-product'), join('fixtures', 'example-product'));
  // Fonts and font metrics the PDF writer opens by path.
  const pdfmake = dirname(createRequireResolve('pdfmake/package.json'));
  walk(join(pdfmake, 'fonts', 'Roboto'), 'node_modules/pdfmake/fonts/Roboto');
  add(join(pdfmake, 'package.json'), 'node_modules/pdfmake/package.json');
  const pdfkitData = join(dirname(createRequireResolve('pdfkit/package.json')), 'js', 'data');
  if (existsSync(pdfkitData)) walk(pdfkitData, 'node_modules/pdfkit/js/data');
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  files['package.json'] = Buffer.from(`${JSON.stringify({ name, version, type: 'module' })}\n`).toString('base64');
  return { files, version };
}

function createRequireResolve(spec) {
  // Resolved from the project root, as the CLI does at run time in a checkout.
  const paths = [ROOT, join(ROOT, 'node_modules', 'pdfmake')];
  for (const base of paths) {
    const p = join(base, 'node_modules', spec);
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find ${spec} under node_modules`);
}

/** The code that runs first in the CLI bundle: unpack the assets once, then point clinsafe at them. */
function preludeSource(assets) {
  const hash = createHash('sha256').update(JSON.stringify(assets.files)).digest('hex').slice(0, 12);
  return `
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const FILES = ${JSON.stringify(assets.files)};
function cacheBase() {
  if (process.env.CLINSAFE_CACHE_DIR) return process.env.CLINSAFE_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'clinsafe');
  const home = homedir();
  return home ? join(home, '.cache', 'clinsafe') : join(tmpdir(), 'clinsafe-cache');
}
const root = join(cacheBase(), ${JSON.stringify(`${assets.version}-${hash}`)});
if (!existsSync(join(root, '.complete'))) {
  const tmp = root + '.tmp-' + process.pid;
  rmSync(tmp, { recursive: true, force: true });
  for (const [rel, b64] of Object.entries(FILES)) {
    const file = join(tmp, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(b64, 'base64'));
  }
  writeFileSync(join(tmp, '.complete'), '');
  try {
    renameSync(tmp, root);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process unpacked it first
  }
}
const here = join(root, 'dist', 'clinsafe.mjs');
globalThis.__clinsafeImportMetaUrl = pathToFileURL(here).href;
globalThis.__clinsafeRequire = createRequire(here);
globalThis.__clinsafePdfkitDir = join(root, 'node_modules', 'pdfkit', 'js');
`;
}

async function buildCli(outdir) {
  const assets = runtimeAssets();
  mkdirSync(outdir, { recursive: true });
  const plugin = {
    name: 'clinsafe-cli',
    setup(build) {
      build.onResolve({ filter: /^clinsafe:prelude$/ }, () => ({ path: 'prelude', namespace: 'clinsafe' }));
      build.onLoad({ filter: /.*/, namespace: 'clinsafe' }, () => ({ contents: preludeSource(assets), loader: 'js', resolveDir: ROOT }));
      // clinsafe's own createRequire(import.meta.url) becomes the bundler's require, so what it
      // requires (pdfmake, fontkit) is bundled too.
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes('createRequire(import.meta.url)')) return undefined;
        return { contents: src.replace(/^const require = createRequire\(import\.meta\.url\);$/m, ''), loader: 'ts' };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: {
      contents: "import 'clinsafe:prelude';\nimport './src/cli/main.ts';\n",
      resolveDir: ROOT,
      sourcefile: 'clinsafe-cli-entry.js',
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: join(outdir, 'clinsafe.mjs'),
    minify: true, // a smaller file parses faster at every start
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      js: [
        '#!/usr/bin/env node',
        'const require = Object.assign((id) => globalThis.__clinsafeRequire(id), { resolve: (id, o) => globalThis.__clinsafeRequire.resolve(id, o) });',
      ].join('\n'),
    },
    define: {
      'import.meta.url': 'globalThis.__clinsafeImportMetaUrl',
      __dirname: 'globalThis.__clinsafePdfkitDir',
    },
    plugins: [plugin],
    metafile: true,
  });
  const lic = licenses(result.metafile);
  writeFileSync(join(outdir, 'licenses.txt'), lic.text);
  const bytes = readFileSync(join(outdir, 'clinsafe.mjs'));
  const sha = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(outdir, 'clinsafe.mjs.sha256'), `${sha}  clinsafe.mjs\n`);
  console.log(
    `${posix(relative(ROOT, join(outdir, 'clinsafe.mjs')))} (${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${sha}) and licenses.txt (${lic.count} packages)`,
  );
}

const [what, flag, dir] = process.argv.slice(2);
if (what === 'action') await buildAction();
else if (what === 'cli') await buildCli(flag === '--outdir' && dir ? resolve(dir) : join(ROOT, 'dist-cli'));
else {
  console.error('usage: node scripts/bundle.mjs action | cli [--outdir DIR]');
  process.exit(2);
}
