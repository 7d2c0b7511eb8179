/**
 * Bundles, built with esbuild, each with the licences of the third-party code it contains:
 *
 *   node scripts/bundle.mjs action  →  action/dist/index.js + chunk-*.js + pdf/ (fonts) + licenses.txt (committed; CI checks freshness)
 *   node scripts/bundle.mjs cli     →  dist-cli/clinsafe.mjs   + dist-cli/licenses.txt      (not committed; attached to releases; the package's bin)
 *
 * CLINSAFE_METAFILE=<file> also writes esbuild's metafile of the Action bundle (what each package
 * weighs; see docs/performance.md, Action cold start).
 *
 * The CLI bundle (scripts/bundle-cli.mjs, its loader scripts/cli-loader.mjs) carries the files
 * clinsafe reads at run time (templates, the example product, the PDF fonts) and unpacks them once
 * into a cache folder (~/.cache/clinsafe/<version>-<hash>, or $CLINSAFE_CACHE_DIR), so the one file
 * is the whole CLI: `node clinsafe.mjs --version` on any machine with Node.js.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildCli } from './bundle-cli.mjs';

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

/** The Roboto font files shipped beside a bundle come from pdfmake's package: not bundled code, so not in the metafile. */
function fontLicence(where) {
  const dir = dirname(createRequireResolve('pdfmake/package.json'));
  const pm = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `pdfmake@${pm.version} (only its Roboto font files, ${where}; Roboto is licensed under the Apache License, Version 2.0)\n${pm.license}\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`;
}

const REQUIRE_BANNER =
  'import { createRequire as __clinsafeRequire } from "node:module"; const require = __clinsafeRequire(import.meta.url);';

/**
 * The Action's release mode builds PDFs on a runner that has the action's repository but no
 * node_modules: the bundle carries what the PDF writer opens by path (the Roboto faces, pdfkit's
 * font metrics and colour profile) in pdf/ beside it, and clinsafe's own
 * createRequire(import.meta.url) becomes the bundler's require, so fontkit is bundled too.
 */
const ACTION_BANNER = [
  REQUIRE_BANNER,
  'import { dirname as __clinsafeDirname, join as __clinsafeJoin } from "node:path"; import { fileURLToPath as __clinsafeFileUrl } from "node:url";',
  'globalThis.__clinsafePdfDir = __clinsafeJoin(__clinsafeDirname(__clinsafeFileUrl(import.meta.url)), "pdf");',
  'globalThis.__clinsafePdfkitDir = __clinsafeJoin(globalThis.__clinsafePdfDir, "pdfkit");',
].join(' ');

/**
 * What the Action loads at start, trimmed (issue 13, cold start):
 * - zod's 40-odd message locales: clinsafe only ever uses English (zod configures `en` itself), so
 *   `zod/v4/locales/index.js` exports only `en`.
 * - undici (a third of the gate's code): @actions/github and @actions/http-client import `fetch` and
 *   `ProxyAgent` from it. They get a small module instead: `fetch` is Node's own global fetch
 *   (undici inside Node) unless a proxy dispatcher is passed; the bundled undici (a chunk of its
 *   own) is loaded at start only when the runner has a proxy configured — the same variables
 *   @actions/http-client reads to decide whether to make a ProxyAgent — and then serves both, as
 *   it did before.
 */
const UNDICI_SHIM = 'clinsafe-undici-on-demand';
function undiciShim() {
  const real = JSON.stringify(join(ROOT, 'node_modules', 'undici', 'index.js'));
  return [
    `const proxied = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'].some((k) => process.env[k]);`,
    `const undici = proxied ? ((m) => m.default ?? m)(await import(${real})) : undefined;`,
    `export const fetch = (url, opts) => (opts && opts.dispatcher && undici ? undici.fetch(url, opts) : globalThis.fetch(url, opts));`,
    `export class ProxyAgent {`,
    `  constructor(options) {`,
    `    if (!undici) throw new Error('a proxy was configured after the clinsafe Action started; set https_proxy/http_proxy in the job environment');`,
    `    return new undici.ProxyAgent(options);`,
    `  }`,
    `}`,
  ].join('\n');
}

/**
 * - tunnel: both copies of @actions/http-client import it at start, and it loads Node's net, tls,
 *   http and https and builds its agents' prototypes — for a proxy only. The shim's functions
 *   load the bundled tunnel (kept whole, evaluated on first call) when a proxy agent is made.
 */
const TUNNEL_SHIM = 'clinsafe-tunnel-on-demand';
function tunnelShim() {
  const real = JSON.stringify(join(ROOT, 'node_modules', 'tunnel', 'index.js'));
  const names = ['httpOverHttp', 'httpsOverHttp', 'httpOverHttps', 'httpsOverHttps'];
  return [
    `let real;`,
    `const tunnel = () => (real ??= require(${real}));`,
    ...names.map((n) => `export const ${n} = (options) => tunnel().${n}(options);`),
  ].join('\n');
}

const ZOD_LOCALES = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
const ZOD_EN_ONLY = 'export { default as en } from "./en.js";\n';

const trimPlugin = {
  name: 'clinsafe-trim',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: UNDICI_SHIM, namespace: UNDICI_SHIM }));
    build.onLoad({ filter: /.*/, namespace: UNDICI_SHIM }, () => ({ contents: undiciShim(), loader: 'js', resolveDir: ROOT }));
    build.onResolve({ filter: /^tunnel$/ }, () => ({ path: TUNNEL_SHIM, namespace: TUNNEL_SHIM }));
    build.onLoad({ filter: /.*/, namespace: TUNNEL_SHIM }, () => ({ contents: tunnelShim(), loader: 'js', resolveDir: ROOT }));
    build.onLoad({ filter: ZOD_LOCALES }, () => ({ contents: ZOD_EN_ONLY, loader: 'js' }));
  },
};

/**
 * - @octokit/plugin-rest-endpoint-methods: @actions/github's client adds `octokit.rest.*`, a table of
 *   ~1,100 REST routes (83 kB, compiled and turned into a Map at every start). The Action calls the
 *   API only through `request` and `paginate` (src/github/client.ts's GitHubClient, in every mode),
 *   so in the Action the plugin adds nothing; the rest of Octokit (core, paginate, retry,
 *   throttling, auth, proxy agent) is unchanged. test/action-bundle-start.test.ts checks both.
 */
const NO_REST_METHODS = 'clinsafe-no-rest-endpoint-methods';
const NO_REST_METHODS_SOURCE = [
  'const none = () => ({});',
  "none.VERSION = 'none (clinsafe: request and paginate only)';",
  'export { none as restEndpointMethods, none as legacyRestEndpointMethods };',
].join('\n');

const actionPlugin = {
  name: 'clinsafe-action',
  setup(build) {
    build.onResolve({ filter: /^@octokit\/plugin-rest-endpoint-methods$/ }, () => ({ path: NO_REST_METHODS, namespace: NO_REST_METHODS }));
    build.onLoad({ filter: /.*/, namespace: NO_REST_METHODS }, () => ({ contents: NO_REST_METHODS_SOURCE, loader: 'js' }));
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      if (!src.includes('createRequire(import.meta.url)')) return undefined;
      src = src.replace(/^const require = createRequire\(import\.meta\.url\);$/m, '');
      // Roboto is read from <bundle dir>/pdf/pdfmake/fonts/Roboto (copied below), not from node_modules.
      src = src.replace("require.resolve('pdfmake/package.json')", "globalThis.__clinsafePdfDir + '/pdfmake/package.json'");
      return { contents: src, loader: 'ts' };
    });
  },
};

async function buildAction(outfile = join(ROOT, 'action/dist/index.js')) {
  // index.js is the gate (every pull request); the evidence and release modes, which action/main.ts
  // imports only when it runs them, are chunks beside it (chunk-*.js, same folder, so each chunk's
  // import.meta.url finds pdf/ the same way). Chunks of an earlier build are removed first.
  const outdir = dirname(outfile);
  mkdirSync(outdir, { recursive: true });
  for (const f of readdirSync(outdir)) if (/^chunk-[A-Za-z0-9_-]+\.js$/.test(f)) rmSync(join(outdir, f));
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { [basename(outfile, '.js')]: 'action/main.ts' },
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outdir,
    minify: true, // less for Node to read and compile at every start (cold start: issue 13)
    legalComments: 'none', // the licences go to licenses.txt beside the bundle, in full
    logLevel: 'warning',
    banner: { js: ACTION_BANNER },
    define: { __dirname: 'globalThis.__clinsafePdfkitDir' },
    plugins: [trimPlugin, actionPlugin],
    metafile: true,
  });
  if (process.env.CLINSAFE_METAFILE) writeFileSync(process.env.CLINSAFE_METAFILE, JSON.stringify(result.metafile));
  // pdfkit reads <__dirname>/data/*.afm and the sRGB profile; the bundle sets __dirname to pdf/pdfkit.
  const pdf = join(dirname(outfile), 'pdf');
  rmSync(pdf, { recursive: true, force: true });
  const pdfmake = dirname(createRequireResolve('pdfmake/package.json'));
  mkdirSync(join(pdf, 'pdfmake', 'fonts'), { recursive: true });
  cpSync(join(pdfmake, 'fonts', 'Roboto'), join(pdf, 'pdfmake', 'fonts', 'Roboto'), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'pdfkit', 'js', 'data'), join(pdf, 'pdfkit', 'data'), { recursive: true });
  const lic = licenses(result.metafile);
  writeFileSync(join(dirname(outfile), 'licenses.txt'), `${lic.text}\n-----\n\n${fontLicence('pdf/pdfmake/fonts/Roboto')}`);
  console.log(`${posix(relative(ROOT, outfile))}, pdf/ and licenses.txt beside it (${lic.count + 1} packages)`);
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

const [what, flag, dir] = process.argv.slice(2);
if (what === 'action') await buildAction(flag === '--outfile' && dir ? resolve(dir) : undefined);
else if (what === 'cli') {
  const options = { ROOT, licenses, fontLicence, resolvePkg: createRequireResolve, zodLocales: ZOD_LOCALES, zodEnOnly: ZOD_EN_ONLY };
  await buildCli(flag === '--outdir' && dir ? resolve(dir) : join(ROOT, 'dist-cli'), options);
} else {
  console.error('usage: node scripts/bundle.mjs action [--outfile FILE] | cli [--outdir DIR]');
  process.exit(2);
}
