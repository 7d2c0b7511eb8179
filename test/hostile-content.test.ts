/**
 * Hostile safety-folder content stays cheap and readable (issue 10 §4): every piece of work on
 * user text is bounded, messages quote at most a short prefix of it, JavaScript's own messages
 * never reach a person, and the PR comment always fits GitHub. The time limits here only guard
 * against hangs (the measurements themselves belong in bench/).
 */
import { describe, expect, it } from 'vitest';
import { loadFolder, type LoadResult } from '../src/core/folder.js';
import type { GateResult } from '../src/core/gate.js';
import { GITHUB_COMMENT_LIMIT, renderGateComment } from '../src/core/gate-comment.js';
import { markerKey } from '../src/core/markers.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { didYouMean } from '../src/core/validate-shape.js';
import { plainFailure } from '../src/github/api/plain-failure.js';
import { GateApiError } from '../src/github/api/errors.js';
import { CONFIG, HAZARD } from './helpers/folder.js';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

function load(hazard: string): LoadResult {
  const files = { 'clinical-safety/clinsafe.yml': CONFIG, 'clinical-safety/hazards/H-001.yml': hazard };
  return loadFolder({
    dir: 'clinical-safety',
    files: Object.entries(files).map(([path, t]) => ({ path, bytes: Buffer.from(t) })),
    exists: () => true,
  });
}

/** Loads hostile content: bounded time, no throw, errors only, each message short and in plain words. */
function expectPlain(hazard: string): LoadResult {
  const { value, ms } = timed(() => load(hazard));
  expect(ms).toBeLessThan(2000);
  const errors = value.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.length).toBeLessThanOrEqual(12);
  for (const d of value.diagnostics) {
    expect(d.message.length).toBeLessThan(600);
    expect(d.message).not.toMatch(/call stack|RangeError|TypeError|undefined/);
  }
  return value;
}

describe('hostile safety files', () => {
  it('a megabyte-long unknown key: no "did you mean" over it, the message quotes a short prefix', () => {
    const r = expectPlain(`${HAZARD}? ${'k'.repeat(1_000_000)}\n: 1\n`);
    expect(r.diagnostics[0]!.message).toMatch(/^unknown field "k{40}"… \(1000000 characters\); allowed fields: id, title/);
  });
  it('"did you mean" is computed only for short keys', () => {
    expect(timed(() => didYouMean('x'.repeat(5_000_000), ['title', 'description'])).ms).toBeLessThan(100);
    expect(didYouMean('x'.repeat(5_000_000), ['title'])).toBeUndefined();
    expect(didYouMean('titl', ['title', 'description'])).toBe('title');
  });
  it('deep nesting (flow, block, mappings) is a plain sentence, never "Maximum call stack size exceeded"', () => {
    let block = 'comments:\n';
    for (let i = 1; i < 1_000; i++) block += `${' '.repeat(i)}- \n`;
    for (const hostile of [
      `${HAZARD}comments: ${'['.repeat(500_000)}\n`,
      `${HAZARD}comments: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`,
      `${HAZARD}${block}`,
    ]) {
      const r = expectPlain(hostile);
      expect(r.diagnostics[0]).toMatchObject({ code: 'too-deep' });
      expect(r.diagnostics[0]!.message).toContain('nest more than 64 levels deep');
    }
  });
  it('identifiers, titles, text and trigger lists have length limits with plain messages', () => {
    expect(expectPlain(HAZARD.replace('id: H-001', `id: H-${'1'.repeat(100_000)}`)).diagnostics[0]!.message).toBe(
      'id is too long for an identifier: at most 64 characters (e.g. H-001, H-001-C01) (it has 100002)',
    );
    expect(expectPlain(HAZARD.replace('title: Wrong patient shown', `title: ${'x'.repeat(900_000)}`)).diagnostics[0]!.message).toBe(
      'title is too long: a title is at most 200 characters; put the detail in the description (it has 900000)',
    );
    expect(expectPlain(HAZARD.replace('description: ', `description: ${'d'.repeat(30_000)}`)).diagnostics[0]!.message).toMatch(
      /^description is too long: at most 20000 characters; move long material to a document and cite it \(it has 30\d{3}\)$/,
    );
    const many = HAZARD.replace(
      'paths: ["src/patient/**"]',
      `paths: [${Array.from({ length: 600 }, (_, i) => `"src/p${i}/**"`).join(', ')}]`,
    );
    expect(expectPlain(many).diagnostics[0]!.message).toBe(
      'triggers.paths lists too many patterns: at most 500; use a broader glob (it has 600)',
    );
  });
  it('a flood of YAML syntax errors is reported as the first few, with a count', () => {
    const r = expectPlain(`${HAZARD}${'x: [\n'.repeat(40)}`.replace(/^/, ''));
    expect(r.diagnostics.length).toBeLessThanOrEqual(10);
  });
});

describe("the PR comment always fits GitHub's limit", () => {
  const huge = (n: number): GateResult =>
    ({
      decision: 'pending',
      requiresApproval: true,
      impacted: Array.from({ length: n }, (_, i) => ({
        id: `H-${i + 1}`,
        title: 'T'.repeat(200),
        residualRisk: 2,
        reasons: [{ kind: 'path', detail: 'x', file: `src/${'f'.repeat(200)}${i}.ts`, pattern: 'src/**' }],
      })),
      safetyFolderChanges: Array.from({ length: 3000 }, (_, i) => `clinical-safety/hazards/H-${i}-${'n'.repeat(150)}.yml`),
      alwaysImpacted: [],
      suspiciousPaths: [],
      hazardLogChanges: Array.from({ length: n }, (_, i) => ({
        id: `H-${i + 1}-${'i'.repeat(60)}`,
        title: 'T'.repeat(200),
        change: 'modified' as const,
        details: [{ kind: 'fields' as const, fields: ['title'], summary: 's'.repeat(300) }],
      })),
      reverify: [],
      approval: { state: 'pending', eligible: ['dr-a'], have: [], needed: 1, ignored: [] },
      errors: [],
      notes: [],
      headSha: 'a'.repeat(40),
      safetyDir: 'clinical-safety',
      statusContext: 'clinsafe/cso-approval',
      requiredApprovals: 1,
      roster: [{ github: 'dr-a', name: 'Dr A', profession: 'Doctor' }],
      scheme: NHS_DCB0129,
    }) as GateResult;

  it('10,000 hazards: shortened, with a note of what was left out, the marker kept, within bounded time', () => {
    const { value: md, ms } = timed(() => renderGateComment(huge(10_000), { prNumber: 9 }));
    expect(ms).toBeLessThan(2000);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('Needs approval by a Clinical Safety Officer');
    expect(md).toContain('… and 9990 more hazards (run clinsafe check locally for the full list)');
    expect(md).toContain('10000 hazards changed: H-1-');
    expect(md).toContain('and 9950 more.');
    expect(markerKey(md, 'gate-comment')).toBe('pr-9');
  });
  it('an error comment with many long messages fits too', () => {
    const r = {
      ...huge(10),
      decision: 'error',
      errors: Array.from({ length: 5000 }, () => ({ code: 'x', message: 'm'.repeat(5000) })),
    } as GateResult;
    const md = renderGateComment(r, { prNumber: 9 });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('could not decide');
    expect(md).toContain('This comment is shortened to fit GitHub.');
    expect(md).toContain('10 hazards touched, 10 hazard-log changes, 3000 safety-folder files');
    expect(markerKey(md, 'gate-comment')).toBe('pr-9');
  });
});

describe("JavaScript's own messages never reach a CSO", () => {
  it('a stack overflow or an internal error while reading becomes a plain sentence; API failures are left to explainApiError', () => {
    let overflow: unknown;
    const recurse = (n: number): number => recurse(n + 1) + 1;
    try {
      recurse(0);
    } catch (e) {
      overflow = e;
    }
    const msg = plainFailure(overflow, 'reading the safety folder at the head commit abc1234')!;
    expect(msg).toBe(
      'the content read while reading the safety folder at the head commit abc1234 is too large or too deeply nested for the gate to process; a re-run will not help — run clinsafe validate on that commit to find the file, and fix it',
    );
    expect(msg).not.toMatch(/call stack/i);
    expect(plainFailure(new TypeError("Cannot read properties of undefined (reading 'x')"), 'x')).toMatch(/internal error in clinsafe/);
    expect(plainFailure(new TypeError('fetch failed'), 'x')).toBeUndefined();
    expect(plainFailure(Object.assign(new Error('Not Found'), { status: 404 }), 'x')).toBeUndefined();
    expect(plainFailure(new GateApiError('plain already'), 'x')).toBeUndefined();
  });
});
