/**
 * Reading a safety folder's texts directly (snapshotFromDisk's `texts`, the cold `validate`'s path):
 * a file whose natively decoded text is exactly what the core's decoder gives comes as text with
 * no bytes; every other file keeps its bytes, so the load reports it exactly as the bytes path does
 * (invalid UTF-8, a NUL, a byte-order mark, too large, not a file).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { loadFolder } from '../src/core/folder.js';
import { decodedText, decodeText, MAX_FILE_BYTES } from '../src/core/text-decode.js';
import { baseFiles, HAZARD, HAZARD_FILE, writeTree } from './helpers/folder.js';
import { random } from './helpers/yaml-inputs.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const BOM = [0xef, 0xbb, 0xbf];

/** The folder read both ways: by texts (no bytes where the text is clean) and by bytes. */
function bothWays(files: Record<string, string | Uint8Array>) {
  const root = writeTree(files);
  const dir = join(root, 'clinical-safety');
  return { texts: snapshotFromDisk(root, dir, { texts: true }), bytes: snapshotFromDisk(root, dir), root, dir };
}

function fileOf(snap: ReturnType<typeof snapshotFromDisk>, path: string) {
  const f = snap.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in the snapshot`);
  return f;
}

describe('snapshotFromDisk with texts', () => {
  it('gives clean UTF-8 files as text without bytes: ASCII, Latin-1 range and beyond, at the size limit', () => {
    const nonAscii = HAZARD.replace('Stale patient context', 'Stale patient context — “Überprüfung” café 患者 🩺');
    expect(nonAscii).not.toBe(HAZARD);
    const atLimit = `# ${'x'.repeat(MAX_FILE_BYTES - 3)}\n`;
    expect(utf8(atLimit).length).toBe(MAX_FILE_BYTES);
    const { texts } = bothWays({
      ...baseFiles(),
      [HAZARD_FILE]: nonAscii,
      'clinical-safety/hazards/H-002-latin.yml': 'title: caf\u00e9 na\u00efve\n',
      'clinical-safety/hazards/H-003-limit.yml': atLimit,
    });
    expect(fileOf(texts, HAZARD_FILE)).toEqual({ path: HAZARD_FILE, text: nonAscii });
    expect(fileOf(texts, 'clinical-safety/hazards/H-002-latin.yml')).toEqual({
      path: 'clinical-safety/hazards/H-002-latin.yml',
      text: 'title: caf\u00e9 na\u00efve\n',
    });
    expect(fileOf(texts, 'clinical-safety/hazards/H-003-limit.yml').text).toBe(atLimit);
    expect(fileOf(texts, 'clinical-safety/clinsafe.yml').bytes).toBeUndefined();
  });

  it('keeps the bytes of a file that is not clean text, and the load reports it as the bytes path does', () => {
    const bad = utf8(HAZARD);
    bad[bad.indexOf('Stale') + 2] = 0xe9; // Latin-1, not UTF-8
    const cases: Record<string, Uint8Array> = {
      'clinical-safety/hazards/H-010-latin1.yml': bad,
      'clinical-safety/hazards/H-011-truncated.yml': Buffer.concat([utf8('id: H-011\ntitle: x'), Buffer.from([0xe2, 0x80])]),
      'clinical-safety/hazards/H-012-surrogate.yml': Buffer.concat([utf8('title: '), Buffer.from([0xed, 0xa0, 0x80]), utf8('\n')]),
      'clinical-safety/hazards/H-013-overlong.yml': Buffer.concat([utf8('title: '), Buffer.from([0xc0, 0xaf]), utf8('\n')]),
      'clinical-safety/hazards/H-014-nul.yml': utf8('id: H-014\ntitle: a\u0000b\n'),
      'clinical-safety/hazards/H-015-bom.yml': Buffer.concat([Buffer.from(BOM), utf8(HAZARD.replace(/H-001/g, 'H-015'))]),
      'clinical-safety/hazards/H-016-two-boms.yml': Buffer.concat([Buffer.from([...BOM, ...BOM]), utf8('id: H-016\n')]),
      'clinical-safety/hazards/H-017-replacement.yml': utf8('id: H-017\ntitle: "\ufffd"\n'),
      'clinical-safety/workshops/2026-01-01-bom.md': Buffer.concat([Buffer.from(BOM), utf8('---\ndate: 2026-01-01\n---\nbody\n')]),
    };
    const { texts, bytes } = bothWays({ ...baseFiles(), ...cases });
    for (const path of Object.keys(cases)) {
      const f = fileOf(texts, path);
      expect(f.text, path).toBeUndefined();
      expect(Buffer.compare(Buffer.from(f.bytes!), Buffer.from(cases[path]!)), path).toBe(0);
    }
    const a = loadFolder(texts);
    const b = loadFolder(bytes);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const codes = new Map(a.diagnostics.map((d) => [d.file, d.code]));
    expect(codes.get('clinical-safety/hazards/H-010-latin1.yml')).toBe('not-utf8');
    expect(codes.get('clinical-safety/hazards/H-011-truncated.yml')).toBe('not-utf8');
    expect(codes.get('clinical-safety/hazards/H-012-surrogate.yml')).toBe('not-utf8');
    expect(codes.get('clinical-safety/hazards/H-013-overlong.yml')).toBe('not-utf8');
    expect(codes.get('clinical-safety/hazards/H-014-nul.yml')).toBe('binary-file');
    // The byte-order mark is dropped as before: the hazard behind it loads.
    expect(a.folder?.hazards.map((h) => h.id)).toContain('H-015');
  });

  it('over the size limit, a FIFO, a directory and links: the same problems as the bytes path', () => {
    const { root, dir } = bothWays({ ...baseFiles(), 'clinical-safety/hazards/H-020-big.yml': Buffer.alloc(MAX_FILE_BYTES + 1, 120) });
    mkdirSync(join(dir, 'hazards', 'H-021-dir.yml'));
    symlinkSync(join(dir, 'hazards'), join(dir, 'hazards', 'H-022-dirlink.yml'));
    writeFileSync(join(root, '..', `outside-${process.pid}.yml`), HAZARD);
    symlinkSync(join(root, '..', `outside-${process.pid}.yml`), join(dir, 'hazards', 'H-023-outside.yml'));
    symlinkSync(join(dir, 'hazards', 'H-001-wrong-patient.yml'), join(dir, 'hazards', 'H-024-inside.yml'));
    let fifo = true;
    try {
      execFileSync('mkfifo', [join(dir, 'hazards', 'H-025-pipe.yml')]);
    } catch {
      fifo = false; // no mkfifo here: the other cases still run
    }
    const texts = snapshotFromDisk(root, dir, { texts: true });
    const bytes = snapshotFromDisk(root, dir);
    const problems = (s: typeof texts) => s.files.filter((f) => f.problem).map((f) => [f.path, f.problem, f.detail]);
    expect(problems(texts)).toEqual(problems(bytes));
    const byPath = new Map(texts.files.map((f) => [f.path.slice('clinical-safety/hazards/'.length), f]));
    expect(byPath.get('H-020-big.yml')).toEqual({ path: expect.any(String), problem: 'too-large', detail: '1.0 MiB' });
    expect(byPath.get('H-022-dirlink.yml')?.problem).toBe('not-a-file');
    expect(byPath.get('H-023-outside.yml')?.problem).toBe('symlink-outside');
    expect(byPath.get('H-024-inside.yml')?.text).toBe(HAZARD);
    if (fifo) expect(byPath.get('H-025-pipe.yml')?.problem).toBe('not-a-file');
    expect(JSON.stringify(loadFolder(texts))).toBe(JSON.stringify(loadFolder(bytes)));
  });
});

describe('decodedText agrees with decodeText', () => {
  it('on random bytes near UTF-8 (valid and broken sequences, NUL, byte-order marks, U+FFFD)', () => {
    const pick = random(20261130);
    const pieces = [
      [0x61],
      [0x0a],
      [0x00],
      [0xc3, 0xa9],
      [0xe2, 0x80, 0x94],
      [0xf0, 0x9f, 0xa9, 0xba],
      [0xef, 0xbf, 0xbd],
      BOM,
      [0x80],
      [0xc3],
      [0xe2, 0x80],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff],
    ];
    let clean = 0;
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      const parts: number[] = [];
      const len = pick(8) + 1;
      for (let i = 0; i < len; i++) parts.push(...pieces[pick(pieces.length)]!);
      const bytes = Buffer.from(parts);
      const fast = decodedText(bytes.toString('utf8'));
      const exact = decodeText('f.yml', bytes);
      if (fast === undefined) refused++;
      else {
        clean++;
        expect('text' in exact && exact.text, bytes.toString('hex')).toBe(fast);
      }
      // Whatever the exact decoder refuses, the fast check never accepts.
      if ('error' in exact) expect(fast, bytes.toString('hex')).toBeUndefined();
    }
    expect(clean).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
