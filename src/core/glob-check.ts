/**
 * Whether a trigger pattern is usable (globs.ts gives its meaning). Kept apart from globs.ts so that
 * `clinsafe validate` need not load picomatch: a plain pattern — letters, digits, `.`, `_`, `-`, `/`
 * and `*` only, not expanding to an empty glob — cannot fail to compile (picomatch refuses
 * unbalanced brackets, parentheses and braces, empty globs and patterns over 65,536 characters;
 * test/glob-check.test.ts compares on random patterns), so only other patterns are compiled, with the
 * compiler globs.ts registers when imported. Code that reaches a pattern to compile without it gets
 * GlobsNotLoaded; its caller imports globs.ts and runs its pure work again.
 */
/** Compile a picomatch glob with clinsafe's options; throws when it does not parse. */
export type GlobCompiler = (glob: string) => void;

let compiler: GlobCompiler | undefined;

/** Thrown when a pattern must be compiled and globs.ts is not loaded; never reaches a user. */
export class GlobsNotLoaded extends Error {
  constructor() {
    super('internal: the trigger-glob compiler is not loaded (import core/globs.js)');
  }
}

/** Register the compiler (globs.ts does, when imported). */
export function provideGlobCompiler(c: GlobCompiler): void {
  compiler ??= c;
}

export function globsLoaded(): boolean {
  return compiler !== undefined;
}

/** Why a trigger pattern is not usable, or undefined when it is fine. */
export function globProblem(pattern: string): string | undefined {
  // Hazards of one log share most of their patterns: each is compiled once per run.
  if (problems.has(pattern)) return problems.get(pattern);
  const problem = findGlobProblem(pattern);
  if (problems.size >= MAX_REMEMBERED) problems.clear();
  problems.set(pattern, problem);
  return problem;
}

const problems = new Map<string, string | undefined>();
const MAX_REMEMBERED = 2_000;

/** A pattern picomatch always compiles (see the module comment); test/globs.test.ts compares. */
export const PLAIN_PATTERN = /^[A-Za-z0-9._\-/*]{1,4096}$/;

/** The problem, found without picomatch for a plain pattern; `compile` given, always with it. */
export function findGlobProblem(pattern: string, compile?: GlobCompiler): string | undefined {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body.trim() === '') return 'is empty; write a path pattern such as src/patient/**';
  if (body.includes('\\')) return 'contains a backslash; use forward slashes (/) between folders';
  if (/^\.{1,2}\//.test(body) || /(^|\/)\.\.(\/|$)/.test(body))
    return 'must be relative to the repository root without ./ or ../ (e.g. src/patient/**)';
  const globs = expandPattern(body);
  // `/` alone expands to an empty glob, which picomatch refuses: compiled like any other.
  if (!compile && PLAIN_PATTERN.test(body) && globs[0] !== '') return undefined;
  const c = compile ?? compiler;
  if (!c) throw new GlobsNotLoaded();
  try {
    for (const glob of globs) c(glob);
  } catch (err) {
    return `does not parse: ${(err as Error).message}`;
  }
  return undefined;
}

/** The picomatch globs a pattern's body stands for (itself, and everything under it). */
export function expandPattern(body: string): string[] {
  let p = body.startsWith('/') ? body.slice(1) : body;
  const anchored = body.startsWith('/') || p.replace(/\/+$/, '').includes('/');
  p = p.replace(/\/+$/, '');
  const base = anchored ? p : `**/${p}`;
  return [base, `${base}/**`];
}
