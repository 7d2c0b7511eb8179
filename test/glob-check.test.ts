/**
 * The trigger-pattern check without picomatch (src/core/glob-check.ts): for a plain pattern it must
 * say exactly what compiling it with picomatch says (nothing wrong); any other pattern is compiled.
 */
import { describe, expect, it } from 'vitest';
import { findGlobProblem, PLAIN_PATTERN } from '../src/core/glob-check.js';
import { compileGlob } from '../src/core/globs.js';

describe('glob-check: plain patterns need no compiler', () => {
  it('agrees with picomatch on 20,000 random patterns over the plain alphabet and beyond', () => {
    const plain = 'ab./-_*Z9';
    const other = `${plain}[]{}()!?+@,\\ `;
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let plainSeen = 0;
    for (let i = 0; i < 20_000; i++) {
      // Short patterns too: `/` alone is plain but not a glob.
      const alphabet = i % 2 ? plain : other;
      const p = Array.from({ length: 1 + rnd(24) }, () => alphabet[rnd(alphabet.length)]).join('');
      const fast = findGlobProblem(p);
      if (PLAIN_PATTERN.test(p.replace(/^!/, ''))) plainSeen++;
      expect(fast, p).toBe(findGlobProblem(p, compileGlob));
    }
    expect(plainSeen).toBeGreaterThan(5000);
  });

  it('compiles what is not plain: an unclosed bracket or brace is a problem', () => {
    expect(findGlobProblem('src/[patient/**')).toMatch(/^does not parse/);
    expect(findGlobProblem('src/{a,b/**')).toMatch(/^does not parse/);
    expect(findGlobProblem('src/{a,b}/**')).toBeUndefined();
    expect(findGlobProblem('/')).toMatch(/^does not parse/);
    expect(findGlobProblem('!//')).toMatch(/^does not parse/);
    expect(PLAIN_PATTERN.test('src/{a,b}/**')).toBe(false);
    expect(PLAIN_PATTERN.test('x'.repeat(70_000))).toBe(false);
  });
});
