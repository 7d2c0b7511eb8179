/**
 * YAML inputs shared by the fast-read tests (test/yaml-fast.test.ts, test/yaml-plain.test.ts): every
 * YAML file (and Markdown front matter) under a folder, and hostile inputs on which YAML readers
 * are known to differ or to be attacked.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { splitFrontMatter } from '../../src/core/yaml.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export function yamlTexts(dir: string): { name: string; text: string }[] {
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

export const HOSTILE: string[] = [
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

/** mulberry32: a seeded generator of choices in [0, n), whose low bits are as random as its high ones (choices are often among 2–5). */
export function random(seed: number) {
  return (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
}
