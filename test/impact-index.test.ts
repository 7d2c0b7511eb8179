/**
 * The gate's per-file work on large pull requests (issue 13, `clinsafe check` on 3,000 files) is
 * done through indexes: these tests hold each fast path to the plain definition it replaced, on
 * seeded random inputs and on the edge cases (empty segments, trailing slashes, prefixes that are
 * not folders, renames, control characters).
 */
import { describe, expect, it } from 'vitest';
import { suspiciousPath } from '../src/core/approval-facts.js';
import type { Hazard } from '../src/core/folder.js';
import { computeImpact, evidenceTouched, type ChangedFile } from '../src/core/impact.js';
import { compileTriggers, matchPath, pathKey } from '../src/core/trigger-index.js';
import { matchingPatterns } from '../src/core/globs.js';
import { isUrl } from '../src/core/folder.js';
import type { SafetyFolder } from '../src/core/folder.js';

/** A small seeded generator (mulberry32), so a failure names inputs that can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENTS = ['src', 'docs', 'a', 'b', 'test', 'x.ts', 'y.md', 'a.b', '', 'src.ts', 'migrations', 'é', 'E\u0301'];

function pathFrom(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 4);
  return Array.from({ length: n }, () => SEGMENTS[Math.floor(rnd() * SEGMENTS.length)]!).join('/');
}

function hazard(id: string, paths: string[], evidence: string[] = []): Hazard {
  return {
    id,
    title: `Hazard ${id}`,
    controls: [{ id: `${id}-C1`, description: 'd', type: 'Test', owner: 'manufacturer', status: 'implemented', evidence }],
    residual: { severity: 'Major', likelihood: 'Low', risk: 3 },
    status: 'open',
    triggers: { paths, labels: [] },
    file: `clinical-safety/hazards/${id}.yml`,
  } as unknown as Hazard;
}

/** evidenceTouched as it was written before its index: every evidence path against every change, in order. */
function evidenceTouchedReference(hazards: Hazard[], changes: ChangedFile[]) {
  const byPath = new Map<string, ChangedFile>();
  for (const f of changes) {
    if (f.status === 'renamed' && f.previousFilename) byPath.set(f.previousFilename, f);
    else if (f.status !== 'added' && f.status !== 'unchanged') byPath.set(f.filename, f);
  }
  const out: { hazard: string; control: string; evidence: string; change: string }[] = [];
  if (byPath.size === 0) return out;
  for (const h of hazards)
    for (const c of h.controls)
      for (const e of c.evidence) {
        if (isUrl(e)) continue;
        const path = e.replace(/#.*$/, '').replace(/^\.\//, '').replace(/\/+$/, '');
        for (const [changed, f] of byPath)
          if (changed === path || changed.startsWith(`${path}/`)) {
            out.push({
              hazard: h.id,
              control: c.id,
              evidence: e,
              change: f.status === 'removed' ? 'removed' : f.status === 'renamed' ? 'renamed' : 'modified',
            });
            break;
          }
      }
  return out;
}

const STATUSES: ChangedFile['status'][] = ['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'];

function changesFrom(rnd: () => number, n: number): ChangedFile[] {
  return Array.from({ length: n }, () => {
    const status = STATUSES[Math.floor(rnd() * STATUSES.length)]!;
    const filename = pathFrom(rnd);
    return status === 'renamed' || status === 'copied' ? { status, filename, previousFilename: pathFrom(rnd) } : { status, filename };
  });
}

describe('the evidence index', () => {
  it('finds, for every evidence path, the same first change as scanning every change in order (indexed or scanned)', () => {
    const rnd = random(13);
    for (let round = 0; round < 300; round++) {
      const evidence = Array.from({ length: 6 }, () => {
        const p = pathFrom(rnd);
        const r = rnd();
        return r < 0.15 ? `./${p}` : r < 0.3 ? `${p}/` : r < 0.4 ? `${p}#L3` : r < 0.45 ? 'https://example.org/x' : p;
      });
      const hazards = [hazard('H-1', [], evidence.slice(0, 3)), hazard('H-2', [], evidence.slice(3))];
      const changes = changesFrom(rnd, 1 + Math.floor(rnd() * 12));
      const want = { round, got: evidenceTouchedReference(hazards, changes) };
      // The index, the scan, and whichever the default size limit picks.
      expect({ round, got: evidenceTouched(hazards, changes, 0) }).toEqual(want);
      expect({ round, got: evidenceTouched(hazards, changes, Infinity) }).toEqual(want);
      expect({ round, got: evidenceTouched(hazards, changes) }).toEqual(want);
    }
  });
});

describe('the trigger index', () => {
  it('matches generated paths (empty segments, trailing slashes, dotted names) as the reference semantics', () => {
    const rnd = random(7);
    const patterns = ['src/**', 'src', 'a/b', '*.ts', 'migrations', 'src.ts', '!a/b/x.ts', 'docs/*.md', '**/a.b', 'é/**', '/test/', 'a//b'];
    const hazards = [0, 3, 6].map((s, i) => hazard(`H-${i + 1}`, patterns.slice(s, s + 6)));
    const index = compileTriggers(hazards, { caseSensitive: true });
    for (let i = 0; i < 2000; i++) {
      const path = pathFrom(rnd) + (rnd() < 0.1 ? '/' : '');
      const got = matchPath(index, path);
      hazards.forEach((h, hi) => {
        const want = matchingPatterns(h.triggers.paths, path.normalize('NFC'));
        expect({ path, hazard: h.id, hits: got.get(hi) ?? [] }).toEqual({ path, hazard: h.id, hits: want });
      });
    }
  });

  it('gate.alwaysImpacted matches as picomatch does (literal patterns by string tests), in order, negations resetting', () => {
    const rnd = random(11);
    const always = ['src/**', 'docs/y.md', '!src/a', '*.ts', 'a/b', 'src', 'a/b', '!*.md', 'migrations', '/test/', 'é/**', 'src/[ab]/x.ts'];
    for (const caseSensitivePaths of [false, true]) {
      const key = (s: string) => (caseSensitivePaths ? s.normalize('NFC') : s.normalize('NFC').toLowerCase());
      const folder = { hazards: [], config: { gate: { caseSensitivePaths, alwaysImpacted: always } } } as unknown as SafetyFolder;
      const paths = Array.from({ length: 1500 }, () => pathFrom(rnd) + (rnd() < 0.1 ? '/' : ''));
      paths.push('src/[ab]/x.ts', 'SRC/A', 'Docs/y.md');
      const got = computeImpact(
        folder,
        paths.map((filename) => ({ status: 'modified' as const, filename })),
        [],
        'clinical-safety',
      );
      const want = paths.flatMap((file) => {
        const hits: string[] = [];
        for (const p of always)
          if (matchingPatterns([key(p).replace(/^!/, '')], key(file)).length) {
            if (p.startsWith('!')) hits.length = 0;
            else hits.push(p);
          }
        return hits.map((pattern) => ({ file, pattern }));
      });
      expect(got.alwaysImpacted).toEqual(want);
    }
  });

  it('computeImpact finds safety-folder changes once each, in either case setting, renames on both names', () => {
    const folder = (caseSensitivePaths: boolean) =>
      ({ hazards: [hazard('H-1', ['src/**'])], config: { gate: { caseSensitivePaths, alwaysImpacted: [] } } }) as unknown as SafetyFolder;
    const changes: ChangedFile[] = [
      { status: 'modified', filename: 'Clinical-Safety/hazards/H-1.yml' },
      { status: 'renamed', filename: 'clinical-safety/a.yml', previousFilename: 'SRC/x.ts' },
      { status: 'modified', filename: 'clinical-safety/a.yml' },
      { status: 'modified', filename: 'clinical-safetyx/b.yml' },
    ];
    for (const sensitive of [false, true]) {
      const impact = computeImpact(folder(sensitive), changes, [], 'clinical-safety/');
      expect(impact.safetyFolderChanges).toEqual(['Clinical-Safety/hazards/H-1.yml', 'clinical-safety/a.yml']);
      expect(impact.impacted.map((h) => h.reasons.map((r) => r.detail))).toEqual(
        sensitive ? [] : [['SRC/x.ts (renamed to clinical-safety/a.yml) matches src/**']],
      );
    }
  });
});

describe('suspicious paths', () => {
  it('decides printable ASCII at once and still names every control character', () => {
    expect(suspiciousPath('src/patient/x.ts')).toBeUndefined();
    expect(suspiciousPath('src/a\tb.ts')).toBe('an invisible or control character (U+0009)');
    expect(suspiciousPath('src/a\u007fb.ts')).toBe('an invisible or control character (U+007F)');
    expect(suspiciousPath('src/a\u0000b.ts')).toBe('an invisible or control character (U+0000)');
    for (let cp = 0x20; cp <= 0x7e; cp++) expect(suspiciousPath(`a${String.fromCharCode(cp)}b`)).toBeUndefined();
  });

  it('scans by joined paths exactly: first in order, folders, prefixes that are not folders, a NUL in a path', () => {
    const hazards = [hazard('H-1', [], ['src/a', 'src/a.ts', 'docs/', 'x\0y', 'y', 'src/a/b/c.ts#L2'])];
    const changes: ChangedFile[] = [
      { status: 'modified', filename: 'src/ab.ts' },
      { status: 'removed', filename: 'src/a/b/c.ts' },
      { status: 'modified', filename: 'src/a/z.ts' },
      { status: 'renamed', filename: 'elsewhere.md', previousFilename: 'docs/readme.md' },
      { status: 'modified', filename: 'src/a.ts' },
    ];
    const withNul: ChangedFile[] = [...changes, { status: 'modified', filename: 'x\0y' }];
    for (const cs of [changes, withNul]) {
      const want = evidenceTouchedReference(hazards, cs);
      expect(evidenceTouched(hazards, cs, Infinity)).toEqual(want);
      expect(evidenceTouched(hazards, cs, 0)).toEqual(want);
    }
    expect(evidenceTouched(hazards, changes, Infinity).map((r) => `${r.evidence} ${r.change}`)).toEqual([
      'src/a removed',
      'src/a.ts modified',
      'docs/ renamed',
      'src/a/b/c.ts#L2 removed',
    ]);
  });
});

describe('the path key', () => {
  it('is NFC (lower-cased unless case-sensitive) for ASCII, composed and decomposed paths alike', () => {
    const parts = [
      'src/',
      'Patient',
      'e\u0301',
      '\u00e9',
      'A\u030a',
      '\u212b',
      'x.TS',
      '/',
      '\u1e9b\u0323',
      '\u0000',
      '~',
      '\u007f',
      '\u0080',
    ];
    const rnd = random(5);
    const insensitive = pathKey();
    const sensitive = pathKey({ caseSensitive: true });
    for (let i = 0; i < 5_000; i++) {
      const p = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => parts[Math.floor(rnd() * parts.length)]).join('');
      expect(sensitive(p)).toBe(p.normalize('NFC'));
      expect(insensitive(p)).toBe(p.normalize('NFC').toLowerCase());
    }
  });
});
