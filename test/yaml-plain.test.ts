/**
 * The plain-subset YAML reader (src/core/yaml-plain.ts) against `yaml`'s full parse — the
 * differential test that guards it: whenever the reader gives a value, the full parse accepts the
 * same text with no diagnostic and gives a deep-equal value; wherever the full parse reports
 * anything, the reader declines. Run over every fixture and template (as written, with CRLF, with a
 * BOM), the hostile inputs, thousands of seeded random files written in and around the subset, and
 * thousands of seeded mutations of the fixtures. YAML_PLAIN_SEED / YAML_PLAIN_COUNT run a longer
 * campaign by hand.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CORE_TAG_PATTERNS } from '../src/core/yaml-fast.js';
import { CORE_PATTERNS, readPlainYaml } from '../src/core/yaml-plain.js';
import { MAX_NESTING, parseYamlFull } from '../src/core/yaml.js';
import { HOSTILE, random, ROOT, yamlTexts } from './helpers/yaml-inputs.js';

function agree(name: string, text: string): boolean {
  const plain = readPlainYaml(text, MAX_NESTING);
  if (!plain) return false;
  const full = parseYamlFull(name, text, 0);
  if (full.diagnostics.length)
    expect.fail(
      `${name}: the full parse refuses what the plain reader accepted: ${JSON.stringify(text)} ${JSON.stringify(full.diagnostics)}`,
    );
  expect(plain.value, `${name}: values differ: ${text.length < 4000 ? JSON.stringify(text) : ''}`).toStrictEqual(full.parsed!.value);
  return true;
}

const KEYS = [
  'id',
  'title',
  'a',
  'b',
  'causes',
  'x-y',
  'k_1',
  'null',
  'true',
  'True',
  'no',
  'yes',
  'y',
  'on',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '1',
  '-a',
  'a b',
  'a:b',
  '"q"',
  "'s'",
  'é',
  'e3',
  'nan',
  'inf',
  'a#b',
  '? x',
  '&a k',
  '*a',
  '!t k',
];
const SCALARS = [
  'plain',
  'two words',
  'C1',
  'H-001',
  '0',
  '1',
  '12',
  '-1',
  '+1',
  '007',
  '1e3',
  '1.0',
  '1.',
  '.5',
  '0x1F',
  '0o17',
  '0b1',
  '.inf',
  '-.Inf',
  '.nan',
  '~',
  'null',
  'Null',
  'nULL',
  'true',
  'FALSE',
  'yes',
  'off',
  '2027-01-15',
  '2001-12-14t21:59:43.10-05:00',
  '12:30',
  '1_000',
  '9007199254740993',
  '123456789012345',
  '1234567890123456',
  'a: b',
  'a:b',
  'a :b',
  'a:',
  'http://x/y',
  'C#',
  'x #c',
  'x#c',
  "don't",
  'say "hi"',
  'a, b',
  'a[1]',
  '{a}',
  'x]',
  '-',
  '- a',
  '-a',
  '--',
  '---',
  '...',
  '?',
  '? a',
  ':a',
  '@x',
  '`x',
  '%x',
  '&a x',
  '*a',
  '!x',
  '!!str 1',
  '|',
  '>',
  '#',
  '"x"',
  "'x'",
  '[a, b]',
  '[]',
  '[ ]',
  '[a,]',
  '[a, [b]]',
  '[a, {b: c}]',
  '["src/**", C1]',
  "['a''b']",
  '[a b, c]',
  '[a:b]',
  '[a, b] x',
  '[ -a ]',
  '[a, "b" c]',
  'ключ',
  'x\u00a0',
  '\u00a0y',
  'tab\there',
  'a  b',
  'x  ',
  'é#',
];
const QUOTED = [
  '""',
  "''",
  '"a"',
  "'a'",
  '"a\\"b"',
  '"a\\\\b"',
  '"\\n\\t\\/"',
  '"\\u00e9\\u0041"',
  '"\\ud83d"',
  '"\\x41"',
  '"\\q"',
  '"\\0"',
  '"\\u0007"',
  "'it''s'",
  "'a\"b'",
  '"a\'b"',
  '"a # b"',
  "'a # b'",
  '"a" # c',
  '"a"#c',
  '"a" b',
  '"unterminated',
  "'x''",
  '"\\"',
  '"\\u00"',
  '"a\\ b"',
  '"C:\\\\dir"',
];

const TAME_KEYS = ['id', 'title', 'description', 'status', 'owner', 'due', 'causes', 'a', 'b', 'c', 'x-y', 'k_1', 'yes', 'on', 'e3'];
const TAME_SCALARS = [
  'plain',
  'two words',
  'C1',
  'H-001',
  '0',
  '1',
  '12',
  '2027-01-15',
  'yes',
  'off',
  'null',
  'true',
  'FALSE',
  '~',
  'http://x/y',
  'C#',
  'x #c',
  'x#c',
  "don't",
  'say "hi"',
  'a, b',
  'a[1]',
  'ключ',
  'a:b',
  'x\u00a0',
  'a  b',
  'x  ',
  'é#',
  '[a, b]',
  '[]',
  '["src/**", C1]',
  '{ a: 1, b: [x, "y"] }',
  '{}',
  '"x"',
  "'it''s'",
  '""',
  '"a\\"b"',
  '"\\n\\t\\/"',
  '"\\u00e9"',
  '"a # b"',
  '"a" # c',
  '123456789012345',
  '-a',
  'a-',
  '2.4.1',
  'v1.0',
];
const TAME_FLOW = [
  'plain',
  'two words',
  'C1',
  'H-001',
  '0',
  '12',
  '2027-01-15',
  'yes',
  'null',
  'true',
  '~',
  'http//x/y',
  'ключ',
  "don't",
  '"x, y"',
  "'a: b'",
  '"#"',
  '[x]',
  '{ a: b }',
];

/** A random YAML file in and around the plain subset: `wild` per cent of its choices are hostile. */
function generate(rand: (n: number) => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const wildness = process.env.YAML_PLAIN_TAME ? 0 : pick([0, 0, 1, 3, 10, 30]);
  const wild = () => rand(100) < wildness;
  const step = wild() ? 1 + rand(4) : pick([2, 2, 4]);
  const lines: string[] = [];
  const comment = () => (rand(8) === 0 ? (wild() ? pick([' #', '#no', ' # c']) : pick([' # c', '  # x: y'])) : '');
  const trailing = () => (rand(10) === 0 ? pick([' ', '  ']) : '');
  const scalar = () => (wild() ? pick(rand(3) ? SCALARS : QUOTED) : pick(TAME_SCALARS));
  const key = (used: Set<string>) => {
    if (wild()) return pick(KEYS);
    let k = pick(TAME_KEYS);
    while (used.has(k)) k += `${rand(10)}`;
    used.add(k);
    return k;
  };
  const block = (indent: number) => {
    const header = wild() ? pick(['|+', '>+', '|2', '>-  ', '|x', '> #c', '|1-']) : pick(['|', '|-', '>', '>-', '| # c']);
    const m = indent + (wild() ? pick([1, step + 1, 0]) : step);
    const body: string[] = [];
    for (let n = 1 + rand(5); n > 0; n--) {
      const r = rand(12);
      if (r === 0 && body.length) body.push(wild() ? ' '.repeat(rand(m + 3)) : '');
      else if (r === 1 && wild()) body.push(`${' '.repeat(m + 1 + rand(2))}${pick(SCALARS)}`);
      else if (r === 2) body.push(`${' '.repeat(m)}# not a comment`);
      else body.push(`${' '.repeat(m)}${pick(wild() ? SCALARS : TAME_SCALARS)}${trailing()}`);
    }
    if (rand(3) === 0) body.push('');
    return { header, body };
  };
  const value = (indent: number, depth: number, inSeq: boolean): { inline?: string; after: string[] } => {
    const r = rand(depth > 2 ? 6 : 11);
    if (r <= 2) return { inline: scalar(), after: [] };
    if (r === 3) {
      const items = Array.from({ length: rand(4) }, () => (wild() ? pick(QUOTED) : pick(TAME_FLOW)));
      return { inline: `[${items.join(wild() ? pick([',', ' , ', ',,']) : ', ')}]`, after: [] };
    }
    if (r === 4) {
      const b = block(indent);
      return { inline: b.header, after: b.body };
    }
    if (r === 5) return { inline: rand(2) ? '' : pick(['~', 'null']), after: [] };
    const deeper = indent + (wild() ? pick([0, 1, step + 1]) : step);
    if (r <= 7) return { after: mapping(deeper, depth + 1) };
    const seqIndent = !inSeq && rand(3) === 0 ? indent : deeper;
    return { after: sequence(seqIndent, depth + 1) };
  };
  const mapping = (indent: number, depth: number, firstPrefix?: string): string[] => {
    const out: string[] = [];
    const used = new Set<string>();
    for (let n = 1 + rand(4); n > 0; n--) {
      const prefix = firstPrefix !== undefined && out.length === 0 ? firstPrefix : ' '.repeat(indent);
      const v = value(indent, depth, false);
      const sep = wild() ? pick([':', ' :', ':  ']) : ': ';
      const k = key(used);
      out.push(
        v.inline === undefined ? `${prefix}${k}:${comment()}` : `${prefix}${k}${sep}${v.inline}${comment()}${trailing()}`,
        ...v.after,
      );
      if (rand(10) === 0) out.push(pick(['', `${' '.repeat(rand(indent + 2))}# comment`, ' '.repeat(rand(4))]));
    }
    return out;
  };
  const sequence = (indent: number, depth: number): string[] => {
    const out: string[] = [];
    for (let n = 1 + rand(4); n > 0; n--) {
      const dash = `${' '.repeat(indent)}-${pick([' ', ' ', ' ', '  ', '   '])}`;
      const r = rand(5);
      if (r <= 1) out.push(...mapping(dash.length, depth + 1, dash));
      else if (r === 4 && rand(3) === 0) out.push(`${' '.repeat(indent)}-${wild() ? comment() : ''}`, ...mapping(indent + step, depth + 1));
      else {
        const v = value(indent, depth, true);
        if (v.inline === undefined) out.push(`${' '.repeat(indent)}-`, ...v.after);
        else out.push(`${dash}${v.inline}${wild() || !v.after.length ? comment() : ''}`, ...v.after);
      }
    }
    return out;
  };
  for (let n = 1 + rand(3); n > 0; n--) lines.push(...mapping(0, 0));
  if (rand(10) === 0) lines.unshift(wild() ? pick(['--- ', '%YAML 1.2\n---', '--- # c', '...']) : pick(['---', '# head', '---\n# c']));
  if (wild()) lines.push(pick(['...', '---', '--- x', '']));
  let text = lines.join('\n');
  if (!wild()) text += '\n';
  return text;
}

const NOISE = [
  '\r\n',
  '\r',
  '\t',
  '\ufeff',
  '\u2028',
  '\u0085',
  '\u00a0',
  '\u0007',
  '\ud800',
  '😀',
  '&a ',
  '*a',
  '!t ',
  '? ',
  ': ',
  ' #',
  '#',
  '"',
  "'",
  '\\',
  '[',
  ']',
  '{',
  '}',
  ',',
  '-',
  '- ',
  '---\n',
  '...\n',
  '|',
  '>',
  '%',
  '@',
  '`',
  '~',
  '\n',
  '\n\n',
  ' ',
  '  ',
  'x:',
  '0',
];

function mutate(text: string, rand: (n: number) => number): string {
  for (let k = 0, edits = 1 + rand(3); k < edits; k++) {
    const at = rand(text.length + 1);
    const op = rand(5);
    if (op === 0) text = text.slice(0, at) + NOISE[rand(NOISE.length)]! + text.slice(at);
    else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + rand(3));
    else if (op === 2) text = text.slice(0, at) + NOISE[rand(NOISE.length)]! + text.slice(at + 1);
    else if (op === 3) {
      const lines = text.split('\n');
      const l = rand(lines.length);
      lines.splice(l, 0, rand(2) ? lines[l]! : ` ${lines[l]}`);
      text = lines.join('\n');
    } else {
      const lines = text.split('\n');
      const l = rand(lines.length);
      lines[l] = rand(2) ? ` ${lines[l]}` : lines[l]!.replace(/^ /, '');
      text = lines.join('\n');
    }
  }
  return text;
}

describe('the plain-subset YAML reader agrees with the full parse', () => {
  const files = [...yamlTexts(join(ROOT, 'fixtures')), ...yamlTexts(join(ROOT, 'templates'))];

  it("uses yaml's own core-schema patterns", () => {
    expect(CORE_PATTERNS.map(String).sort()).toStrictEqual(CORE_TAG_PATTERNS.map(String).sort());
  });

  it('on every fixture and template: as written it reads the example product, and declines CRLF and a BOM', () => {
    let read = 0;
    for (const f of files) {
      if (agree(f.name, f.text)) read++;
      expect(agree(`${f.name} (CRLF)`, f.text.replace(/\r?\n/g, '\r\n'))).toBe(false);
      expect(agree(`${f.name} (BOM)`, `\ufeff${f.text}`)).toBe(false);
    }
    expect(read).toBeGreaterThan(files.length / 2);
    const hazards = files.filter((f) => /example-product\/clinical-safety\/hazards\//.test(f.name));
    expect(hazards.length).toBeGreaterThan(5);
    for (const h of hazards) expect(readPlainYaml(h.text, MAX_NESTING), h.name).toBeDefined();
  });

  it('on hostile inputs', () => {
    for (const [i, text] of HOSTILE.entries()) agree(`hostile #${i}`, text);
    // Literal blocks with lines of blanks beyond the indentation, and more indented lines, at every place.
    for (const header of ['|', '|-', '|+', '>', '>-'])
      for (const body of ['   \n', '  a\n   \n  b\n', '  a\n   \n', '  a\n    b\n', '  a\n    \n\n', '  a\n \n  b\n', '  a\n\n'])
        for (const after of ['', 'k: 1\n', '# c\nk: 1\n'])
          agree(`block ${JSON.stringify(header + body + after)}`, `x: ${header}\n${body}${after}`);
    expect(readPlainYaml('x: |-\n  a\n   \n  b\n', MAX_NESTING)?.value).toStrictEqual({ x: 'a\n \nb' });
    // Comments after plain values (found by their `#`), `#` inside text, `~` and words beside text that starts alike.
    for (const value of [
      'a#b',
      'a #b',
      'a  # b',
      'a# b #c',
      '#a',
      'a:#b',
      'a:# b',
      'a #',
      '~',
      '~a',
      '~ #c',
      'null',
      'nulls',
      'Trues',
      '-1',
      '+.5',
      '.inf',
    ])
      for (const after of ['', '\n', '\nb: c # d\n', '\n# e\nb: x#y\n'])
        for (const place of ['k: ', '- ', 'k:\n  - '])
          agree(`comment ${JSON.stringify(place + value + after)}`, `${place}${value}${after}`);
    expect(readPlainYaml('a: x#y # z\nb: ~\nc: p #q\n', MAX_NESTING)?.value).toStrictEqual({ a: 'x#y', b: null, c: 'p' });
    expect(readPlainYaml('a: 1\na: 2\n', MAX_NESTING)).toBeUndefined();
    expect(readPlainYaml('a: &x 1\nb: *x\n', MAX_NESTING)).toBeUndefined();
    expect(readPlainYaml('a: x\n  y\n', MAX_NESTING)).toBeUndefined();
    expect(
      readPlainYaml('a: yes\nb: 2027-01-15\nc: 12\nd: ~\ne: "1"\nf: [C1, "x"]\ng: >-\n  one\n  two\n\n  three\n', MAX_NESTING)?.value,
    ).toStrictEqual({
      a: 'yes',
      b: '2027-01-15',
      c: 12,
      d: null,
      e: '1',
      f: ['C1', 'x'],
      g: 'one two\nthree',
    });
  });

  it("keeps each mapping's keys and each sequence's items apart (items on the reader's stack)", () => {
    const read = (text: string) => readPlainYaml(text, MAX_NESTING)?.value;
    // A key repeats across nesting and sibling items; a duplicate is found after a nested mapping and in a later item.
    expect(read('id: 1\nsub:\n  id: 2\n  sub: [a]\nlist:\n  - id: 3\n    sub: x\n  - id: 4\n')).toStrictEqual({
      id: 1,
      sub: { id: 2, sub: ['a'] },
      list: [{ id: 3, sub: 'x' }, { id: 4 }],
    });
    expect(read('a: 1\nb:\n  a: 2\n  c: 3\na: 4\n')).toBeUndefined();
    expect(read('b:\n  a: 2\n  c: 3\nc: 4\n')).toStrictEqual({ b: { a: 2, c: 3 }, c: 4 });
    expect(read('l:\n  - a: 1\n    b: 2\n  - a: 3\n    a: 4\n')).toBeUndefined();
    // Keys an object inherits are declined (the duplicate check looks the key up in the object), also nested.
    for (const key of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'])
      for (const text of [`${key}: x\n`, `a:\n  ${key}: x\n`, `l:\n  - ${key}: x\n`]) {
        expect(read(text), text).toBeUndefined();
        agree(text, text);
      }
    // Items: sequences in sequence items, flow lists among them, each array its own.
    expect(read('l:\n  -\n    - a\n    - [b, [c, d], e]\n    - f\n  - []\n  - g\nm: [h]\n')).toStrictEqual({
      l: [['a', ['b', ['c', 'd'], 'e'], 'f'], [], 'g'],
      m: ['h'],
    });
    // A file declined in the middle of a sequence leaves nothing behind for the next one.
    expect(read('l:\n  - a\n  - b\n  - &x c\n')).toBeUndefined();
    expect(read('l:\n  - z\n')).toStrictEqual({ l: ['z'] });
  });

  it('on seeded random files in and around the subset, and mutations of them', () => {
    const rand = random(Number(process.env.YAML_PLAIN_SEED ?? 29));
    const count = Number(process.env.YAML_PLAIN_COUNT ?? 6000);
    let read = 0;
    let mutantsRead = 0;
    for (let i = 0; i < count; i++) {
      const text = generate(rand);
      if (agree(`random #${i}`, text)) read++;
      if (agree(`random #${i} mutated`, mutate(text, rand))) mutantsRead++;
    }
    // Not vacuous: many random files are read (the rest are declined, as they must be or may be).
    console.log(`random: ${read} of ${count} read, ${mutantsRead} of their mutants`);
    expect(read).toBeGreaterThan(count / 4);
    expect(mutantsRead).toBeGreaterThan(count / 20);
  }, 600_000);

  it('on seeded mutations of the fixtures', () => {
    const rand = random(Number(process.env.YAML_PLAIN_SEED ?? 31));
    let read = 0;
    let total = 0;
    for (const f of files)
      for (let m = 0; m < Number(process.env.YAML_PLAIN_MUTANTS ?? 60); m++) {
        total++;
        if (agree(`${f.name} mutation ${m}`, mutate(f.text, rand))) read++;
      }
    expect(read).toBeGreaterThan(total / 4);
  }, 600_000);
});
