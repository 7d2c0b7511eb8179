/**
 * The fast YAML read (js-yaml, value only) against the full-fidelity parse (`yaml`'s document
 * model): whatever the fast path accepts, the full parse accepts with no diagnostic and the same
 * value; whatever it refuses, `parseYaml` gives exactly the full parse's result. Run over every
 * YAML file in fixtures/ and templates/ (as written and with CRLF line ends), over hostile inputs
 * and over thousands of seeded mutations of the fixtures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_TAG_PATTERNS, fastParse, LONGEST_CORE_WORD, MAY_START_CORE_VALUE, notPlain } from '../src/core/yaml-fast.js';
import { MAX_NESTING, parseYaml, parseYamlFull } from '../src/core/yaml.js';
import { HOSTILE, ROOT, yamlTexts } from './helpers/yaml-inputs.js';

/** The property every input must have; returns whether the fast path took it. */
function agree(name: string, text: string): boolean {
  const fast = fastParse(text, MAX_NESTING);
  const full = parseYamlFull(name, text, 0);
  const used = parseYaml(name, text);
  if (fast) {
    if (full.diagnostics.length)
      expect.fail(
        `${name}: the full parse refuses what the fast parse accepted: ${JSON.stringify(text)} ${JSON.stringify(full.diagnostics)}`,
      );
    expect(fast.value, `${name}: values differ: ${text.length < 3000 ? JSON.stringify(text) : ''}`).toStrictEqual(full.parsed!.value);
    expect(used.diagnostics).toEqual([]);
    expect(used.parsed!.value).toStrictEqual(fast.value);
    // The document model is built on demand and is the full parse's.
    expect(used.parsed!.doc.toJS()).toStrictEqual(full.parsed!.doc.toJS());
  } else {
    expect(used.diagnostics).toEqual(full.diagnostics);
    expect(used.parsed?.value).toStrictEqual(full.parsed?.value);
  }
  return fast !== undefined;
}

describe('fast YAML read agrees with the full parse', () => {
  const files = [...yamlTexts(join(ROOT, 'fixtures')), ...yamlTexts(join(ROOT, 'templates'))];

  it('on every YAML file in fixtures/ and templates/, as written and with CRLF line ends', () => {
    expect(files.length).toBeGreaterThan(30);
    let fast = 0;
    for (const f of files) {
      if (agree(f.name, f.text)) fast++;
      agree(`${f.name} (CRLF)`, f.text.replace(/\r?\n/g, '\r\n'));
    }
    // Not vacuous: the example product's hazards, its clinsafe.yml and the templates take the fast path.
    expect(fast).toBeGreaterThan(files.length / 2);
    expect(fastParse(readFileSync(join(ROOT, 'fixtures/example-product/clinical-safety/clinsafe.yml'), 'utf8'), MAX_NESTING)).toBeDefined();
  });

  it('on hostile inputs, refusing what the libraries could read differently', () => {
    for (const [i, text] of HOSTILE.entries()) agree(`hostile #${i}`, text);
    const fastValue = (text: string) => fastParse(text, MAX_NESTING)?.value;
    // What the fast path takes, it reads as YAML 1.2 core: 1.1 booleans and dates stay text, 1e3 is a number.
    expect(fastValue('a: yes\nb: off\nc: 2026-01-01\nd: 1e3\ne: 0o17\nf: 0x1F\ng: .inf\nh: ~\n')).toStrictEqual({
      a: 'yes',
      b: 'off',
      c: '2026-01-01',
      d: 1000,
      e: 15,
      f: 31,
      g: Infinity,
      h: null,
    });
    // What it must leave to the full parse (and its diagnostics).
    for (const text of [
      'a: 1\na: 2\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '[a]: 1\n',
      '__proto__: 1\n',
      '~: 1\n',
      'a: 1\n---\nb: 2\n',
      '%YAML 1.1\n---\na: yes\n',
      '- a\n',
      'a:\tb\n',
    ])
      expect(fastParse(text, MAX_NESTING), text).toBeUndefined();
  });

  it("tells text from core-schema values by the first character exactly as yaml's own patterns do", () => {
    // Every printable ASCII and some other first characters, alone and followed by digits and letters.
    const firsts = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), 'é', '∞', '\u00a0'];
    for (const c of firsts)
      for (const rest of ['', '1', 'ull', 'rue', 'alse', 'inf', 'nan', 'x1F', 'o17', '.5', 'e3'])
        if (CORE_TAG_PATTERNS.some((re) => re.test(c + rest))) expect(MAY_START_CORE_VALUE.has(c), JSON.stringify(c + rest)).toBe(true);
    for (const c of MAY_START_CORE_VALUE)
      expect(
        CORE_TAG_PATTERNS.some((re) => ['', '1', 'ull', 'rue', 'alse', 'inf', 'nan', '.5'].some((r) => re.test(c + r))),
        c,
      ).toBe(true);
  });

  it('refuses words longer than the longest core-schema word when they start with a letter or ~', () => {
    const words = ['~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'];
    for (const w of words)
      expect(
        CORE_TAG_PATTERNS.some((re) => re.test(w)),
        w,
      ).toBe(true);
    expect(Math.max(...words.map((w) => w.length))).toBe(LONGEST_CORE_WORD);
    // Any other word from those first characters, of any length up to 8, is text for every pattern.
    const letters = [...MAY_START_CORE_VALUE].filter((c) => c.charCodeAt(0) > 0x40);
    const tails = ['', 'u', 'ul', 'ull', 'ulls', 'rue', 'rues', 'alse', 'alsey', 'ALSE', 'ULL', 'RUE', 'x', '1', '.5', 'e3', 'an', 'inf'];
    for (const c of letters)
      for (const t of tails)
        if (!words.includes(c + t))
          expect(
            CORE_TAG_PATTERNS.some((re) => re.test(c + t)),
            c + t,
          ).toBe(false);
  });

  it('finds text that is not plain exactly as the one regular expression it replaced', () => {
    const reference = /(?:^|[-:,?[{])[ \t]*[&*!]|["'\]},]#|\?(?:\s|$)|[\]}][ \t]*:|[{,]\s*[[{]|^%|\t|\r(?!\n)|[\u0085\u2028\u2029\ufeff]/m;
    const alphabet = [
      'a',
      ' ',
      '\t',
      '\n',
      '\r',
      '-',
      ':',
      ',',
      '?',
      '[',
      '{',
      ']',
      '}',
      '&',
      '*',
      '!',
      '"',
      "'",
      '#',
      '%',
      '\u2028',
      '\u0085',
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 50_000; i++) {
      let s = '';
      for (let n = rand(12); n > 0; n--) s += alphabet[rand(alphabet.length)];
      expect(notPlain(s), JSON.stringify(s)).toBe(reference.test(s));
    }
    for (const { name, text } of [
      ...yamlTexts(join(ROOT, 'fixtures')),
      ...yamlTexts(join(ROOT, 'templates')),
      ...HOSTILE.map((h) => ({ name: h, text: h })),
    ])
      expect(notPlain(text), name).toBe(reference.test(text));
  });

  it('on seeded random mutations of the fixtures', () => {
    // YAML_FAST_MUTANTS / YAML_FAST_SEED run a longer campaign by hand; the suite runs 40 per file.
    let seed = Number(process.env.YAML_FAST_SEED ?? 13);
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [
      ':',
      ' ',
      '-',
      '#',
      '"#',
      ' #',
      ']',
      '@',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
      '\n',
      '  ',
      '\t',
      '&',
      '*',
      '!',
      '?',
      '|',
      '>',
      '\\',
      '%',
      '~',
      '0',
      '1e3',
      'yes',
      '.',
      '@',
      '`',
      '\r',
    ];
    let fastCount = 0;
    let total = 0;
    for (const f of files) {
      for (let m = 0; m < Number(process.env.YAML_FAST_MUTANTS ?? 40); m++) {
        let text = f.text;
        for (let k = 0, edits = 1 + rand(3); k < edits; k++) {
          const at = rand(text.length + 1);
          const op = rand(4);
          if (op === 0) text = text.slice(0, at) + alphabet[rand(alphabet.length)]! + text.slice(at);
          else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + rand(3));
          else if (op === 2) text = text.slice(0, at) + alphabet[rand(alphabet.length)]! + text.slice(at + 1);
          else {
            const lines = text.split('\n');
            const l = rand(lines.length);
            lines.splice(l, 0, rand(2) ? lines[l]! : ` ${lines[l]}`);
            text = lines.join('\n');
          }
        }
        total++;
        if (agree(`${f.name} mutation ${m}`, text)) fastCount++;
      }
    }
    // Most mutants are still plain YAML the fast path reads; the rest are left to the full parse.
    expect(fastCount).toBeGreaterThan(total / 4);
  }, 600_000);
});
