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
import { expandPattern as expand, provideGlobCompiler, type GlobCompiler } from './glob-check.js';

export const PICOMATCH_OPTIONS = { dot: true, strictBrackets: true } as const;

export interface TriggerPattern {
  source: string;
  negated: boolean;
  /** picomatch globs equivalent to the pattern. */
  globs: string[];
}

/** Why a trigger pattern is not usable, or undefined when it is fine (glob-check.ts). */
export { globProblem } from './glob-check.js';

/** Compile-check a glob as a trigger is matched; registered for glob-check.ts. */
export const compileGlob: GlobCompiler = (glob) => {
  picomatch.makeRe(glob, PICOMATCH_OPTIONS);
};
provideGlobCompiler(compileGlob);

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
