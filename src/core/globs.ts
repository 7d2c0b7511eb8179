/**
 * Trigger glob semantics (gitignore-like), shared by validation and the PR gate:
 *
 * - paths are relative to the repository root and use `/`;
 * - a pattern with no `/` except a trailing one matches a file or directory name at any depth
 *   (`*.sql` matches `db/migrations/001.sql`);
 * - a pattern containing `/` is anchored at the repository root (a leading `/` is allowed);
 * - a pattern matches a directory's whole contents: `src/patient` and `src/patient/` both match
 *   `src/patient/context.ts`;
 * - `*` matches within one path segment, `**` across segments, `?` one character, `[abc]` a set,
 *   `{a,b}` alternatives; dotfiles are matched like any other file;
 * - `!pattern` excludes what earlier patterns of the same hazard matched; the last matching
 *   pattern wins, as in .gitignore.
 */
import picomatch from 'picomatch';

export const PICOMATCH_OPTIONS = { dot: true, strictBrackets: true } as const;

export interface TriggerPattern {
  source: string;
  negated: boolean;
  /** picomatch globs equivalent to the pattern. */
  globs: string[];
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

function findGlobProblem(pattern: string): string | undefined {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body.trim() === '') return 'is empty; write a path pattern such as src/patient/**';
  if (body.includes('\\')) return 'contains a backslash; use forward slashes (/) between folders';
  if (/^\.{1,2}\//.test(body) || /(^|\/)\.\.(\/|$)/.test(body))
    return 'must be relative to the repository root without ./ or ../ (e.g. src/patient/**)';
  try {
    for (const glob of expand(body)) picomatch.makeRe(glob, PICOMATCH_OPTIONS);
  } catch (err) {
    return `does not parse: ${(err as Error).message}`;
  }
  return undefined;
}

function expand(body: string): string[] {
  let p = body.startsWith('/') ? body.slice(1) : body;
  const anchored = body.startsWith('/') || p.replace(/\/+$/, '').includes('/');
  p = p.replace(/\/+$/, '');
  const base = anchored ? p : `**/${p}`;
  return [base, `${base}/**`];
}

export function parseTriggerPattern(pattern: string): TriggerPattern {
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1) : pattern;
  return { source: pattern, negated, globs: expand(body) };
}

/** The patterns (in source form) that match a path, honouring negation. */
export function matchingPatterns(patterns: readonly string[], path: string): string[] {
  const hits: string[] = [];
  for (const p of patterns) {
    const parsed = parseTriggerPattern(p);
    if (picomatch(parsed.globs, PICOMATCH_OPTIONS)(path)) {
      if (parsed.negated) hits.length = 0;
      else hits.push(p);
    }
  }
  return hits;
}
