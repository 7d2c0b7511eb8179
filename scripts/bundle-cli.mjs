/**
 * The single-file CLI (`node scripts/bundle.mjs cli` → dist-cli/clinsafe.mjs, licenses.txt and the
 * checksum file): the loader (scripts/cli-loader.mjs) followed by its payload, the code and the
 * files clinsafe reads at run time (templates, the example product, the PDF fonts), brotli-
 * compressed, as one base64 string literal. The first run unpacks the payload into the user's cache
 * folder; every run then compiles the code from there through V8's code cache (issue 13, start-up).
 *
 * The code is plain CommonJS scripts, not ES modules (Node 20 has no code cache for ES modules), each
 * written inside CommonJS's function wrapper, the function the loader compiles and calls:
 *   dist/clinsafe.cjs — the start: commander, the program (src/cli/program.ts) and io.ts; all that
 *     `--version` compiles.
 *   dist/commands.cjs — the commands that read the safety folder (init, validate, schema, check);
 *   dist/documents.cjs — those that write or read documents (report, export, import, evidence,
 *     demo). In each, a command and what only it uses run on first use (esbuild's lazy module
 *     wrappers); with the code cache, V8 does not even parse what a command does not run. Both take
 *     commander and io.ts from clinsafe.cjs (one UsageError and one commander for program.ts's
 *     instanceof checks); what else both carry is never used twice (one command per process).
 *   dist/pdf.cjs — pdfkit and fontkit (half of the code), loaded only when a PDF is written.
 * and dist/code-id, the SHA-256 of the first three: the parse cache's code digest reads it
 * (src/adapters/check-cache.ts hashes the file `import.meta.url` names in a bundle).
 *
 * Payload layout (before compression): a 4-byte big-endian length, a JSON index of
 * `[relative path, byte length]` pairs, then the files' bytes in that order.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import * as esbuild from 'esbuild';

const posix = (p) => p.split(sep).join('/');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Files the CLI reads at run time, as paths relative to the unpacked package root. */
function runtimeAssets(ROOT, resolvePkg) {
  const files = {};
  const add = (abs, rel) => (files[posix(rel)] = readFileSync(abs));
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
  const pdfmake = dirname(resolvePkg('pdfmake/package.json'));
  walk(join(pdfmake, 'fonts', 'Roboto'), 'node_modules/pdfmake/fonts/Roboto');
  add(join(pdfmake, 'package.json'), 'node_modules/pdfmake/package.json');
  const pdfkitData = join(dirname(resolvePkg('pdfkit/package.json')), 'js', 'data');
  if (existsSync(pdfkitData)) walk(pdfkitData, 'node_modules/pdfkit/js/data');
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  files['package.json'] = Buffer.from(`${JSON.stringify({ name, version, type: 'commonjs' })}\n`);
  return { files, version };
}

function packPayload(files) {
  const index = [];
  const parts = [];
  for (const [rel, bytes] of Object.entries(files)) {
    index.push([rel, bytes.length]);
    parts.push(bytes);
  }
  const head = Buffer.from(JSON.stringify(index));
  const size = Buffer.alloc(4);
  size.writeUInt32BE(head.length);
  const raw = Buffer.concat([size, head, ...parts]);
  const packed = brotliCompressSync(raw, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  return packed.toString('base64');
}

/** The command names src/cli/program.ts registers (each gets a code cache of its own). */
function commandNames(ROOT) {
  const src = readFileSync(join(ROOT, 'src', 'cli', 'program.ts'), 'utf8');
  const names = [...src.matchAll(/^\s+([a-z]+): async \(\) => \(await import\('\.\/commands\//gm)].map((m) => m[1]);
  if (names.length < 5) throw new Error('cannot read the command names from src/cli/program.ts');
  return names;
}

const ENTRY = 'clinsafe-cli-entry';
const COMMANDS_ENTRY = 'clinsafe-cli-commands';
/** The commands that read the safety folder and write no documents: commands.cjs; the rest: documents.cjs. */
const FOLDER_COMMANDS = ['init', 'validate', 'schema', 'check'];
const PDF_ENTRY = 'clinsafe-cli-pdf';

/** One esbuild run: a single CommonJS script (no dynamic import() left: vm.Script could not run it). */
async function script(ROOT, entry, contents, external, plugins) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents, resolveDir: ROOT, sourcefile: entry, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(ROOT, 'dist-cli', `${entry}.cjs`),
    external,
    minify: !process.env.CLINSAFE_CLI_NO_MINIFY, // less for Node to read at every start (unminified: for profiling only)
    legalComments: 'none', // the licences are in licenses.txt, in full
    logLevel: 'error',
    define: {
      'import.meta.url': 'globalThis.__clinsafeImportMetaUrl',
      __dirname: 'globalThis.__clinsafePdfkitDir', // pdfkit reads its font metrics from __dirname/data
    },
    plugins,
    metafile: true,
  });
  const text = result.outputFiles[0].text;
  if (!process.env.CLINSAFE_CLI_NO_MINIFY && /\bimport\(/.test(text)) throw new Error(`${entry}: a dynamic import() is left in the script`);
  return { text, metafile: result.metafile };
}

/**
 * The fast accept's descriptions of the safety files' schemas (src/core/schema-fast-set.ts), made
 * now from the schemas this build bundles and written into src/core/schema-fast-built.ts in every script,
 * so a `validate` whose every file the fast accept takes never loads zod (issue 13, cold validate,
 * ninth pass), and the descriptions cannot be older than the schemas beside them.
 */
async function fastAcceptsModule(ROOT) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: "export { fastAcceptSetJson } from './src/core/schema-fast-set.ts';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
  });
  const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`;
  const { fastAcceptSetJson } = await import(url);
  const path = join(ROOT, 'src', 'core', 'schema-fast-built.ts');
  const line = 'export const BUILT_FAST_ACCEPTS: FastAcceptSet | undefined = undefined;';
  const src = readFileSync(path, 'utf8');
  if (src.split(line).length !== 2) throw new Error(`${path}: cannot find the line to write the fast accepts into: ${line}`);
  return src.replace(line, () => `export const BUILT_FAST_ACCEPTS: FastAcceptSet | undefined = ${fastAcceptSetJson()};`);
}
const FAST_ACCEPTS_MODULE = /[\\/]src[\\/]core[\\/]schema-fast-built\.ts$/;

export async function buildCli(outdir, { ROOT, licenses, fontLicence, resolvePkg, zodLocales, zodEnOnly }) {
  const assets = runtimeAssets(ROOT, resolvePkg);
  mkdirSync(outdir, { recursive: true });
  const fastAccepts = await fastAcceptsModule(ROOT);
  const plugin = {
    name: 'clinsafe-cli',
    setup(build) {
      build.onLoad({ filter: FAST_ACCEPTS_MODULE }, () => ({ contents: fastAccepts, loader: 'ts' }));
      // clinsafe's own createRequire(import.meta.url) becomes the script's require (the loader's).
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes('createRequire(import.meta.url)')) return undefined;
        return { contents: src.replace(/^const require = createRequire\(import\.meta\.url\);$/m, ''), loader: 'ts' };
      });
      // zod's locales: English only, as in the Action (every command that reads the safety folder loads zod).
      build.onLoad({ filter: zodLocales }, () => ({ contents: zodEnOnly, loader: 'js' }));
    },
  };
  const names = commandNames(ROOT);
  // The start: commander, the program and io.ts (shared with the commands' script, which takes them
  // from here: one UsageError and one commander, as the program's instanceof checks need).
  const lazyCommands = {
    name: 'clinsafe-cli-lazy-commands',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]program\.ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const out = src.replace(/await import\('\.\/commands\/([a-z]+)\.js'\)/g, "await require('clinsafe-commands')('$1')");
        if (out.split("require('clinsafe-commands')").length - 1 !== names.length)
          throw new Error('program.ts: cannot find every command import');
        return { contents: out, loader: 'ts' };
      });
    },
  };
  const main = await script(
    ROOT,
    ENTRY,
    [
      "export * as commander from 'commander';",
      "export * as io from './src/cli/io.js';",
      "import { processIO } from './src/cli/io.js';",
      "import { run } from './src/cli/program.js';",
      "import { finish } from './src/cli/exit.js';",
      'const argv = process.argv.slice(2);',
      'void run(argv, processIO).then((code) => finish(argv, code));',
    ].join('\n'),
    ['clinsafe-commands'],
    [plugin, lazyCommands],
  );
  const IO = join(ROOT, 'src', 'cli', 'io.js');
  const shared = {
    name: 'clinsafe-cli-shared',
    setup(build) {
      build.onResolve({ filter: /^commander$/ }, () => ({ path: 'clinsafe-shared:commander', external: true }));
      build.onResolve({ filter: /^\.\.?\/(\.\.\/)*io\.js$/ }, (args) =>
        resolve(args.resolveDir, args.path) === IO ? { path: 'clinsafe-shared:io', external: true } : undefined,
      );
    },
  };
  // The commands in two scripts, each command still run only when it is the one asked for
  // (esbuild's lazy modules): those that read the safety folder, and those that write or read
  // documents (Markdown, HTML, XLSX, PDF), half of the code. Only one command runs in a process, so
  // what the two scripts both carry (clinsafe's core, zod, the YAML parsers) is never used twice.
  const groups = {
    'commands.cjs': names.filter((n) => FOLDER_COMMANDS.includes(n)),
    'documents.cjs': names.filter((n) => !FOLDER_COMMANDS.includes(n)),
  };
  const built = {};
  for (const [file, group] of Object.entries(groups)) {
    built[file] = await script(
      ROOT,
      `${COMMANDS_ENTRY}-${file}`,
      `export const commands = {\n${group.map((n) => `  ${n}: () => import('./src/cli/commands/${n}.js'),`).join('\n')}\n};`,
      ['pdfkit', 'fontkit'],
      [plugin, shared],
    );
    if (built[file].text.includes('commander.invalidArgument')) throw new Error(`${file} carries a copy of commander`);
  }
  const pdf = await script(ROOT, PDF_ENTRY, "module.exports = { pdfkit: require('pdfkit'), fontkit: require('fontkit') };", [], []);
  // Each script is written as the function the loader calls (CommonJS's wrapper, added here rather
  // than by the loader at every start: V8 would copy the concatenated half-megabyte source into one
  // string before it compiles, ~1 ms of each folder command's start).
  const wrap = (text) => `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const scripts = {
    'clinsafe.cjs': wrap(main.text),
    'commands.cjs': wrap(built['commands.cjs'].text),
    'documents.cjs': wrap(built['documents.cjs'].text),
    'pdf.cjs': wrap(pdf.text),
  };
  const files = { ...assets.files };
  for (const [name, text] of Object.entries(scripts)) files[`dist/${name}`] = Buffer.from(text);
  files['dist/code-id'] = Buffer.from(`${sha256(scripts['clinsafe.cjs'] + scripts['commands.cjs'] + scripts['documents.cjs'])}\n`);
  const build = `${assets.version}-${sha256(Buffer.concat(Object.entries(files).flatMap(([k, v]) => [Buffer.from(k), v]))).slice(0, 12)}`;
  const loader = readFileSync(join(ROOT, 'scripts', 'cli-loader.mjs'), 'utf8')
    .replaceAll('__VERSION__', assets.version)
    .replace("'__BUILD__'", () => JSON.stringify(build))
    .replaceAll('__BUILD__', build)
    .replace("'__SCRIPTS__'", () =>
      JSON.stringify(JSON.stringify(Object.fromEntries(Object.entries(scripts).map(([n, t]) => [n, sha256(t)])))),
    )
    .replace("'__COMMANDS__'", () =>
      JSON.stringify(JSON.stringify(Object.fromEntries(Object.entries(groups).flatMap(([file, group]) => group.map((n) => [n, file]))))),
    )
    .replace('/*clinsafe-payload:__PAYLOAD__*/', () => {
      const packed = packPayload(files);
      if (!/^[A-Za-z0-9+/=]*$/.test(packed)) throw new Error('the payload is not base64: it could end its comment');
      return `/*clinsafe-payload:${packed}*/`;
    });
  // Every run reads the loader (ESM: decoded, then parsed with its payload) and the start and folder
  // commands' scripts: one non-ASCII character makes the whole 1.3 MB a two-byte string (~2-3 ms).
  // (The unminified build for profiling keeps comments, which may not be ASCII.)
  if (!process.env.CLINSAFE_CLI_NO_MINIFY)
    for (const [name, text] of [
      ['clinsafe.mjs', loader],
      ['clinsafe.cjs', scripts['clinsafe.cjs']],
      ['commands.cjs', scripts['commands.cjs']],
    ])
      if (/[^\x00-\x7f]/.test(text))
        throw new Error(`${name}: non-ASCII character at offset ${text.search(/[^\x00-\x7f]/)} (write it as an escape)`);
  const bytes = Buffer.from(loader);
  writeFileSync(join(outdir, 'clinsafe.mjs'), bytes, { mode: 0o755 });
  const inputs = {
    ...main.metafile.inputs,
    ...built['commands.cjs'].metafile.inputs,
    ...built['documents.cjs'].metafile.inputs,
    ...pdf.metafile.inputs,
  };
  const lic = licenses({ inputs });
  writeFileSync(join(outdir, 'licenses.txt'), `${lic.text}\n-----\n\n${fontLicence('node_modules/pdfmake/fonts/Roboto in the payload')}`);
  const sha = sha256(bytes);
  writeFileSync(join(outdir, 'clinsafe.mjs.sha256'), `${sha}  clinsafe.mjs\n`);
  console.log(
    `${posix(relative(ROOT, join(outdir, 'clinsafe.mjs')))} (${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${sha}) and licenses.txt (${lic.count} packages)`,
  );
}
