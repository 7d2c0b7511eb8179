/**
 * The fast YAML read (js-yaml, value only) against the full-fidelity parse (`yaml`'s document
 * model): whatever the fast path accepts, the full parse accepts with no diagnostic and the same
 * value; whatever it refuses, `parseYaml` gives exactly the full parse's result. Run over every
 * YAML file in fixtures/ and templates/ (as written and with CRLF line ends), over hostile inputs
 * and over thousands of seeded mutations of the fixtures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_TAG_PATTERNS, fastParse, LONGEST_CORE_WORD, MAY_START_CORE_VALUE, notPlain } from '../src/core/yaml-fast.js';
import { MAX_NESTING, parseYaml, parseYamlFull, splitFrontMatter } from '../src/core/yaml.js';

const ROOT = join(import.meta.dirname, '..');

function yamlTexts(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...yamlTexts(path));
    else if (/\.ya?ml$/i.test(entry)) out.push({ name: path.slice(ROOT.length + 1), text: readFileSync(path, 'utf8') });
    else if (/\.md$/i.test(entry)) {
      const fm = splitFrontMatter(readFileSync(path, 'utf8'));
      if (fm) out.push({ name: `${path.slice(ROOT.length + 1)} (front matter)`, text: fm.yaml });
    }
  }
  return out;
}

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

const HOSTILE: string[] = [
  // Duplicate keys, in every spelling that could collide.
  'a: 1\na: 2\n',
  'a: 1\n"a": 2\n',
  "1: a\n'1': b\n",
  'true: a\nTrue: b\n',
  '~: a\nnull: b\n',
  '"": a\n~: b\n',
  '.nan: a\n.NaN: b\n',
  '1: a\n1.0: b\n',
  '0x1: a\n1: b\n',
  'a:\n  b: 1\n  b: 2\n',
  '{a: 1, a: 2}\n',
  // Anchors, aliases and alias bombs.
  'a: &x 1\nb: *x\n',
  'a: &x [1, 2]\nb: *x\nc: *x\n',
  'b: *x\n',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
  'a: &a\n  x: 1\nb:\n  <<: *a\n  y: 2\n',
  '<<: {a: 1}\n',
  'a: &anchor-only value\n',
  // Tags.
  'a: !!str 123\n',
  'a: !!int "12"\n',
  'a: !!binary aGVsbG8=\n',
  'a: !custom x\n',
  'a: ! 123\n',
  'a: !<tag:yaml.org,2002:str> 1\n',
  '--- !!map\na: 1\n',
  'a: !!timestamp 2026-01-01\n',
  'a: !!set {x, y}\n',
  // YAML 1.1 words and values that must stay text in 1.2.
  'a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: Yes\nh: NO\ni: On\nj: OFF\n',
  'a: 2026-01-01\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\nd: 12:30:45\ne: 190:20:30\n',
  // Numbers.
  'a: 1e3\nb: 1E3\nc: +1\nd: -0\ne: 0o17\nf: 017\ng: 0x1F\nh: 0b101\ni: 1_000\nj: .inf\nk: -.Inf\nl: .nan\nm: 1.0\nn: 1.\no: .5\np: +.5e-3\nq: 9007199254740993\nr: 1e400\ns: 0x\nt: 0o\nu: -0x1\nv: 1e\nw: 00\nx: 0.0\n',
  'a: null\nb: Null\nc: NULL\nd: ~\ne:\nf: nULL\ng: true\nh: True\ni: TRUE\nj: tRUE\nk: false\nl: "true"\n',
  // Multi-document files and directives.
  'a: 1\n---\nb: 2\n',
  '---\na: 1\n',
  '---\na: 1\n...\n',
  'a: 1\n...\n---\nb: 2\n',
  '%YAML 1.1\n---\na: yes\n',
  '%YAML 1.2\n---\na: 1\n',
  '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n',
  '--- a\n',
  // Complex and odd keys.
  '[a, b]: 1\n',
  '[a]: 1\n',
  '{a: 1}: 2\n',
  '? a\n: 1\n',
  '? [a, b]\n: 1\n',
  '__proto__: 1\n',
  'a:\n  constructor: 1\n',
  'prototype: 1\n',
  'a:\n  __proto__:\n    polluted: 1\n',
  '~: 1\n',
  'null: 1\n',
  '"null": 1\n',
  ': 1\n',
  'a:b: c\n',
  'a: b: c\n',
  'a: b\n c: d\n',
  '"a\nb": 1\n',
  'a\nb: 1\n',
  // Scalars: block, quoted, escapes, folding.
  'a: |\n  line 1\n  line 2\n\nb: >\n  folded\n  text\n\n  para\n',
  'a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: >-\n  z\n',
  'a: |2\n    indented\n  less\n',
  'a: |1-\n  x\n',
  'a: >\n\n  leading blank\n',
  'a: |\n  trailing spaces   \n  x\n',
  'a: |\nb: 1\n',
  'a: >\n  more\n    indented\n  back\n',
  'a: "\\x41\\u0041\\U00000041\\N\\_\\L\\P\\0\\a\\b\\e\\/\\t\\ \\\\\\""\n',
  'a: "\\q"\n',
  'a: "\\x4"\n',
  "a: 'it''s'\n",
  'a: "multi\n  line\n\n  quoted"\n',
  "a: 'multi\n  line\n\n  single'\n",
  'a: plain\n  continued\n\n  paragraph\n',
  'a: plain # comment\nb: x#not-comment\n',
  'a: "b"#c\n',
  "a: 'b'#c\n",
  'a: "unterminated\n',
  "a: 'unterminated\n",
  'a: "trailing"   \nb: 1   \n',
  'a: b\n# only a comment\n',
  '# comment\n',
  '',
  '\n\n',
  'plain scalar\n',
  '- a\n- b\n',
  '[a, b]\n',
  '{a: 1, b: [2, {c: 3}]}\n',
  'a: []\nb: {}\nc: [[], {}]\n',
  'a: [1, 2,]\n',
  'a: [1,, 2]\n',
  '{"a":1, "b":[2]}\n',
  'a: {"b":c}\n',
  'a: [b, c\n',
  'a: {b: c\n',
  // White space: tabs, CR, Unicode line breaks, BOM.
  'a:\tb\n',
  'a:\n\tb: 1\n',
  '\ta: 1\n',
  'a: b\t\n',
  'a: "x\ty"\n',
  'a: 1\rb: 2\r',
  'a: 1\r\nb: 2\r\n',
  'a: x\u0085y\n',
  'a: x\u2028y\n',
  'a: x\u2029y\n',
  'a: x\ufeffy\n',
  '\ufeffa: 1\n',
  'a: x\u00a0\nb: \u00a0y\n',
  'a: \u0007bell\n',
  'a: "\u0007"\n',
  'a: x\u007fy\n',
  'a: \ud800\n',
  // Indentation.
  'a:\n  b: 1\n c: 2\n',
  'a:\n    b: 1\n  c: 2\n',
  'a:\n- 1\n- 2\n',
  'a:\n  - 1\n  -2\n',
  'a: - 1\n',
  '- a: 1\n  b: 2\n- c\n',
  'a:\n  - b: 1\n    c: 2\n  - d\n',
  // Deep and long.
  `${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n')} x\n`,
  `${Array.from({ length: 63 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n')} x\n`,
  `a: ${'['.repeat(70)}${']'.repeat(70)}\n`,
  `a: ${'['.repeat(60)}${']'.repeat(60)}\n`,
  `${'x'.repeat(2000)}: 1\n`,
  `a: ${'word '.repeat(5000)}\n`,
  'ключ: значение\n"emoji 😀": "😀"\n',
  `${'k'.repeat(1030)}: 1\n`,
  `"${'\\x41'.repeat(300)}": 1\n`,
  `a${' '.repeat(1100)}: 1\n`,
  // Flow-style and indicator edge cases.
  '{a:1}\n',
  'a: {b:1}\n',
  'a: {"b":1}\n',
  'a: [b:1]\n',
  'a: [b: 1]\n',
  'a: [b: 1, c]\n',
  'a: {b, c: 1}\n',
  'a: [b\n  c]\n',
  'a: [\n  b,\n  c\n  ]\n',
  'a: [- b]\n',
  'a: {b: - c}\n',
  'a: [b]c\n',
  'a: [b] c\n',
  'a: "b" c\n',
  "a: 'b' c\n",
  'a: @b\n',
  'a: `b\n',
  'a: b@c\n',
  'a: %b\n',
  'a: -b\n',
  'a: - b\n',
  'a: ,b\n',
  'a: b,\n',
  'a: ]\n',
  'a: }\n',
  'a: #\n',
  'a: :b\n',
  'a: b:\n',
  'a: b :c\n',
  'a:\n  - - b\n    - c\n',
  '- - a\n',
  'a: |\n  x\n y\n',
  'a: |x\n  y\n',
  'a: | # comment\n  y\n',
  'a: |0\n  y\n',
  'a: >10\n  y\n',
  'a:\n  |\n  x\n',
  'a: b\n---\n',
  'a: b\n--- \n',
  '--- \na: b\n',
  '---a: b\n',
  'a: ---\n',
  'a: ...\n',
  '...\n',
  'a: b\n...\nc\n',
  // Flow collections where a key can start: js-yaml would turn them into text keys.
  '{ [a], b: c }\n',
  'triggers: { paths: ,[], labels: [] }\n',
  'a: {[b]}\n',
  'a: {b: 1, {c: 2}}\n',
  'a: {\n  [b]\n}\n',
  'a: [{b: 1}, {c: 2}]\n',
  '- [a]\n',
  'a:\n  - {b: 1}\n',
  'a:\n  [b]: 1\n',
  '[a]\n: 1\n',
  '- [a]\n  : 1\n',
  '[a,\n b]: 1\n',
  '{a: 1}\n: 2\n',
  'a:\n  - { name: x, b: [c, d] }\n  - {name: y}\n',
  'a:\n  - [x, y]\n  - []\n',
  '- {a: 1}: 2\n',
];

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
