/**
 * The architecture as a test (issue 12, "Done means"): every import in src/ and action/*.ts —
 * `import`, `import type`, `export … from` and dynamic `import()` — is read with the TypeScript
 * compiler API, and the test fails on
 *   (a) an import from a higher layer into a lower one, or of an I/O module into a pure layer;
 *   (b) any import cycle, type-only imports included (the cycle is printed);
 *   (c) a file in src/ over 400 lines, or a function over 120 lines, without a `// long: <reason>`
 *       comment at its top.
 * Known violations are listed in KNOWN_VIOLATIONS below (none today). The list only shrinks: an entry whose
 * violation no longer exists fails the last test, so whoever fixes one removes its entry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/**
 * The layers, lowest first. A file may import from its own layer and from the layers it stands on:
 *   core        src/core                               pure domain: facts' types, decisions, rendering trees
 *   documents   src/docs, src/export, src/import       pure-ish document and format code (no fs/git/network)
 *   adapters    src/adapters, src/github, src/paths.ts facts in and out: disk, git, GitHub, xlsx;
 *                                                      src/paths.ts finds clinsafe's own files on disk
 *   use cases   src/usecases, src/gate                 one flow each (release, gate, import) over ports
 *   front doors src/cli, src/app, action/              parse input, pick adapters, present results
 * Documents and adapters both stand on the core only: an adapter never needs a document type (shared
 * types such as ChangeRecordEntry belong to the core), and documents never reach for I/O.
 */
const LAYERS: { prefix: string; layer: Layer }[] = [
  { prefix: 'src/core/', layer: 'core' },
  { prefix: 'src/docs/', layer: 'documents' },
  { prefix: 'src/export/', layer: 'documents' },
  { prefix: 'src/import/', layer: 'documents' },
  { prefix: 'src/adapters/', layer: 'adapters' },
  { prefix: 'src/github/', layer: 'adapters' },
  { prefix: 'src/paths.ts', layer: 'adapters' },
  { prefix: 'src/usecases/', layer: 'use cases' },
  { prefix: 'src/gate/', layer: 'use cases' },
  { prefix: 'src/cli/', layer: 'front doors' },
  { prefix: 'src/app/', layer: 'front doors' },
  { prefix: 'action/', layer: 'front doors' },
];
type Layer = 'core' | 'documents' | 'adapters' | 'use cases' | 'front doors';
const STANDS_ON: Record<Layer, Layer[]> = {
  core: [],
  documents: ['core'],
  adapters: ['core'],
  'use cases': ['core', 'documents', 'adapters'],
  'front doors': ['core', 'documents', 'adapters', 'use cases'],
};

/** Modules that do I/O: never in the core nor in the document layer. */
const IO_MODULES = [/^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|tls)$/, /^probot$/, /^@actions\//, /^@?octokit/];
/** Heavy format libraries, also kept out of the core (documents and adapters use them). */
const FORMAT_LIBS = [/^exceljs$/, /^yazl$/, /^pdfmake/, /^pdfkit$/, /^fontkit$/];
const FORBIDDEN: Partial<Record<Layer, RegExp[]>> = { core: [...IO_MODULES, ...FORMAT_LIBS], documents: IO_MODULES };

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 120;
const LONG_REASON = /\/\/\s*long:\s*\S/;

/**
 * Known violations, each with who is removing it. Nothing may be added here without the lead's
 * say; when a fix lands, the last test fails until its entry is deleted.
 */
const KNOWN_VIOLATIONS = new Map<string, string>([
  // Empty since 2026-11-30: the last four (the gate's and the shape validator's long functions, the
  // document builder reading clinsafe's templates itself) were fixed.
]);

interface Violation {
  key: string;
  message: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'dist' ? [] : walk(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const rel = (file: string) => relative(ROOT, file).split('\\').join('/');
const files = [
  ...walk(join(ROOT, 'src')),
  ...readdirSync(join(ROOT, 'action'))
    .filter((n) => n.endsWith('.ts'))
    .map((n) => join(ROOT, 'action', n)),
]
  .map(rel)
  .sort();
const sources = new Map(
  files.map((f) => [f, ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)]),
);

function layerOf(file: string) {
  return LAYERS.find((l) => (l.prefix.endsWith('/') ? file.startsWith(l.prefix) : file === l.prefix));
}

/** Every module a file imports: static, type-only, re-exports and dynamic `import('…')` with a literal. */
function importsOf(sf: ts.SourceFile): { specifier: string; line: number }[] {
  const out: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec))
      out.push({ specifier: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A relative specifier as a repository path (`../core/x.js` → `src/core/x.ts`); bare modules as they are. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join(dirname(from), specifier).replace(/\.js$/, '.ts');
}

const graph = new Map<string, { target: string; line: number }[]>();
for (const [file, sf] of sources) {
  graph.set(
    file,
    importsOf(sf).map((i) => ({ target: resolve(file, i.specifier), line: i.line })),
  );
}

function layerViolations(): Violation[] {
  const out: Violation[] = [];
  for (const [file, imports] of graph) {
    const from = layerOf(file);
    if (!from) {
      out.push({ key: `unmapped: ${file}`, message: `${file} is in no layer: add its folder to LAYERS in test/architecture.test.ts` });
      continue;
    }
    for (const { target, line } of imports) {
      if (sources.has(target)) {
        const to = layerOf(target);
        if (to && to.layer !== from.layer && !STANDS_ON[from.layer].includes(to.layer))
          out.push({
            key: `layer: ${file} -> ${target}`,
            message: `${file}:${line}: the ${from.layer} layer imports ${target} from the ${to.layer} layer, which it does not stand on`,
          });
      } else if (target.startsWith('src/') || target.startsWith('action/')) {
        out.push({ key: `missing: ${file} -> ${target}`, message: `${file}:${line}: imports ${target}, which does not exist` });
      } else if ((FORBIDDEN[from.layer] ?? []).some((re) => re.test(target))) {
        out.push({
          key: `module: ${file} -> ${target}`,
          message: `${file}:${line}: the ${from.layer} layer imports ${target} (I/O or a format library; that belongs in an adapter)`,
        });
      }
    }
  }
  return out;
}

/** Strongly connected components of the import graph (Tarjan); each with one cycle through it. */
function cycleViolations(): Violation[] {
  const edges = (f: string) => [...new Set((graph.get(f) ?? []).map((e) => e.target).filter((t) => sources.has(t)))];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || edges(v).includes(v)) components.push(c.sort());
    }
  };
  for (const f of sources.keys()) if (!index.has(f)) strong(f);

  return components.map((c) => {
    // One concrete cycle: breadth-first from the first member back to itself, inside the component.
    const inside = new Set(c);
    const start = c[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    let last: string | undefined;
    while (queue.length && !last) {
      const v = queue.shift()!;
      for (const w of edges(v).filter((x) => inside.has(x))) {
        if (w === start) {
          last = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = last; v && v !== start; v = prev.get(v)) path.splice(1, 0, v);
    return {
      key: `cycle: ${c.join(', ')}`,
      message: `import cycle (type-only imports count): ${[...path, start].join(' → ')}${c.length > path.length ? ` (component: ${c.join(', ')})` : ''}`,
    };
  });
}

function hasLongReason(sf: ts.SourceFile, node: ts.Node): boolean {
  const text = sf.getFullText();
  // The comments just above the node (or its statement), or at the top of its body.
  let holder: ts.Node = node;
  while (
    holder.parent &&
    (ts.isVariableDeclaration(holder.parent) ||
      ts.isVariableDeclarationList(holder.parent) ||
      ts.isVariableStatement(holder.parent) ||
      ts.isPropertyAssignment(holder.parent) ||
      ts.isExportAssignment(holder.parent))
  )
    holder = holder.parent;
  const above = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? []).map((r) => text.slice(r.pos, r.end));
  const body = (node as ts.FunctionLikeDeclaration).body;
  const top =
    body && ts.isBlock(body)
      ? (ts.getLeadingCommentRanges(text, body.statements[0]?.getFullStart() ?? body.getStart(sf) + 1) ?? []).map((r) =>
          text.slice(r.pos, r.end),
        )
      : [];
  return [...above, ...top].some((c) => LONG_REASON.test(c));
}

function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return `<anonymous at line ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}>`;
}

function sizeViolations(): Violation[] {
  const out: Violation[] = [];
  for (const [file, sf] of sources) {
    const lines = sf.text.split('\n').length - (sf.text.endsWith('\n') ? 1 : 0); // as wc -l counts them
    const header = (ts.getLeadingCommentRanges(sf.getFullText(), 0) ?? []).map((r) => sf.getFullText().slice(r.pos, r.end));
    if (file.startsWith('src/') && lines > MAX_FILE_LINES && !header.some((c) => LONG_REASON.test(c)))
      out.push({
        key: `file-length: ${file}`,
        message: `${file} has ${lines} lines (over ${MAX_FILE_LINES}): split it, or say why at its top with // long: <reason>`,
      });
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const fn = node as ts.FunctionLikeDeclaration;
        const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
        if (end - start + 1 > MAX_FUNCTION_LINES && !hasLongReason(sf, fn)) {
          const name = functionName(fn, sf);
          out.push({
            key: `function-length: ${file} ${name}`,
            message: `${file}:${start + 1}: function ${name} has ${end - start + 1} lines (over ${MAX_FUNCTION_LINES}): split it, or say why at its top with // long: <reason>`,
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

const found = { layers: layerViolations(), cycles: cycleViolations(), sizes: sizeViolations() };
const unexpected = (vs: Violation[]) => vs.filter((v) => !KNOWN_VIOLATIONS.has(v.key)).map((v) => v.message);

describe('architecture', () => {
  it('reads the imports it is meant to read', () => {
    // Guards the reader itself: a type-only import, a re-export and a dynamic import are all seen.
    const sf = ts.createSourceFile(
      'src/x.ts',
      "import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');\ntype D = import('./d.js').D;\n",
      ts.ScriptTarget.Latest,
      true,
    );
    expect(importsOf(sf).map((i) => i.specifier)).toEqual(['./a.js', './b.js', './c.js', './d.js']);
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get('src/app/wiring.ts')?.map((e) => e.target)).toContain('src/app/index.ts');
  });

  it('no import from a higher layer into a lower one, and no I/O module in the core or the document layer', () => {
    expect(unexpected(found.layers)).toEqual([]);
  });

  it('no import cycle, type-only imports included', () => {
    expect(unexpected(found.cycles)).toEqual([]);
  });

  it(`no file in src over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES} without a // long: reason`, () => {
    expect(unexpected(found.sizes)).toEqual([]);
  });

  it('every entry of KNOWN_VIOLATIONS still exists (delete the entries of violations that are fixed)', () => {
    const now = new Set([...found.layers, ...found.cycles, ...found.sizes].map((v) => v.key));
    expect([...KNOWN_VIOLATIONS.keys()].filter((k) => !now.has(k))).toEqual([]);
  });
});
