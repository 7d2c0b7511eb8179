/**
 * The fast accept (src/core/schema-fast.ts) against zod's own safeParse — the differential test
 * that guards it: whatever it accepts, zod accepts with the same output (deep-equal, keys in the
 * same order); whatever zod refuses, it refuses (FAIL). Over every fixture's safety files and
 * thousands of seeded mutations of their values (missing and unknown keys, wrong types, values at
 * and past every length limit, emoji near limits, bad ids and dates, enum spellings, union shapes).
 * Both ways the fast accept is made are compared: from the live schemas (schema-fast-describe.ts),
 * and from the descriptions the single-file CLI's build writes out as JSON (schema-fast-set.ts),
 * made here from the same schemas as the build makes them, so a schema change is tested in both.
 * SCHEMA_FAST_MUTANTS runs a longer campaign by hand.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provenanceSchema } from '../src/core/provenance.js';
import { compilePlain, FAIL, type FastAcceptSet } from '../src/core/schema-fast.js';
import { describeSchema, fastAccept } from '../src/core/schema-fast-describe.js';
import { fastAcceptSetJson } from '../src/core/schema-fast-set.js';
import type { CheckedFileKind } from '../src/core/ports/checked-files.js';
import { configSchema, hazardSchema, incidentSchema, isoDate, workshopSchema } from '../src/core/schema.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { schemaNameOf } from '../src/core/schema-values.js';
import { MAX_NESTING, parseYaml } from '../src/core/yaml.js';
import { random, ROOT, yamlTexts } from './helpers/yaml-inputs.js';
import type { z } from 'zod';

/** The descriptions as the CLI's build writes them, read back. */
const BUILT = JSON.parse(fastAcceptSetJson()) as FastAcceptSet;
const KINDS = new Map<z.ZodType, CheckedFileKind>([
  [configSchema, 'config'],
  [hazardSchema(), 'hazard'],
  [incidentSchema(), 'incident'],
  [workshopSchema, 'workshop'],
  [provenanceSchema, 'provenance'],
]);

function agree(name: string, schema: z.ZodType, value: unknown): boolean {
  const accept = fastAccept(schema);
  const kind = KINDS.get(schema);
  const plain = kind && BUILT.accepts[kind];
  // Written out or not, the same accept: what one takes the other takes, with the same output.
  if (kind) expect(plain === undefined, `${name}: a description is built exactly where the live schema has one`).toBe(!accept);
  if (!accept) return false; // zod alone
  const fast = accept(value);
  const built = plain ? compilePlain(plain)(value) : fast;
  const slow = schema.safeParse(value, { reportInput: true });
  expect(built === FAIL, `${name}: the built description and the live schema's accept differ`).toBe(fast === FAIL);
  if (fast === FAIL) return false;
  if (!slow.success) expect.fail(`${name}: zod refuses what the fast accept took: ${JSON.stringify(value)?.slice(0, 2000)}`);
  for (const out of [fast, built]) {
    expect(out, name).toStrictEqual(slow.data);
    expect(JSON.stringify(out), name).toBe(JSON.stringify(slow.data));
  }
  return true;
}

function schemaFor(name: string): z.ZodType | undefined {
  if (/\/hazards\//.test(name)) return hazardSchema();
  if (/\/incidents\//.test(name)) return incidentSchema();
  if (/\/workshops\//.test(name)) return workshopSchema;
  if (/clinsafe\.yml$/.test(name)) return configSchema;
  if (/provenance/.test(name)) return provenanceSchema;
  return undefined;
}

/** An imported hazard log's provenance.yml (no fixture has one; `clinsafe import` writes it): its texts are trimmed by the schema. */
const PROVENANCE = {
  name: 'provenance.yml (as clinsafe import writes it)',
  text: [
    'sources:',
    '  - workbook: hazard-log.xlsx',
    '    title: Clinical Safety Hazard Log v2.0',
    '    cover:',
    '      - label: Status',
    '        value: Approved',
    `        cell: "'Cover Page'!D11"`,
    '      - label: Version',
    '        value: "2"',
    `        cell: "'Cover Page'!D12"`,
    '    versions:',
    '      - version: "0.1"',
    '        summary: First draft   with two spaces inside',
    `        cell: "'Version History'!A3"`,
    '      - version: "1.3"',
    '        summary: |-',
    '          Updated with the following causes:',
    '          0107, 0212',
    `        cell: "'Version History'!A10"`,
    '    reviewers:',
    '      - name: A Reviewer',
    '        role: Safety Engineer',
    '        date: 2020-03-27',
    '        version: "1.4"',
    `        cell: "'Version History'!A21"`,
    '    approvals: []',
    '    distribution: Everyone',
    '',
  ].join('\n'),
};

const POOL: unknown[] = [
  '',
  'x',
  ' x',
  'x ',
  '\u00a0x',
  '\ufeffx',
  ' ',
  'H-001',
  'H-001-C01',
  'C1',
  '1H',
  'H--1',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(200),
  'a'.repeat(201),
  'a'.repeat(20_000),
  'a'.repeat(20_001),
  '😀'.repeat(100),
  '😀'.repeat(101),
  '😀'.repeat(10_000),
  '😀'.repeat(10_001),
  '😀',
  '2026-02-28',
  '2026-02-29',
  '2024-02-29',
  '2026-13-01',
  '2026-1-01',
  'Major',
  'Catastrophic',
  'Low',
  'Very low',
  'major',
  'design',
  'training',
  'planned',
  'verified',
  'open',
  'closed',
  'done',
  'manufacturer',
  'octocat',
  '@octocat',
  '2.10',
  0,
  1,
  3,
  1.5,
  -1,
  10,
  11,
  60,
  61,
  2 ** 53,
  Infinity,
  NaN,
  true,
  false,
  null,
  [],
  {},
  ['x'],
  ['C1', 'C2'],
  [''],
  { file: 'test/a.test.ts' },
  { tag: 'H-001-C01' },
  { file: 'x', extra: 1 },
  { name: 'x', role: 'y' },
  { severity: 'Major', likelihood: 'Low', risk: 3 },
  { severity: 'Major', likelihood: 'Low' },
  { by: 'octocat', on: '2026-01-01', reason: 'x' },
  { paths: ['src/**'], labels: [] },
  { paths: Array.from({ length: 501 }, () => 'x') },
];

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v, (_k, x: unknown) => (Number.isNaN(x) ? null : x))) as T);
}

/** One seeded edit somewhere in the value: a key removed, added or changed, an item changed or added. */
function mutate(value: unknown, rand: (n: number) => number): unknown {
  const root = clone(value);
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (v !== null && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const c of Object.values(v)) walk(c);
    }
  };
  walk(root);
  for (let edits = 1 + rand(2); edits > 0; edits--) {
    const c = containers[rand(containers.length)]!;
    const pick = () => {
      const p = POOL[rand(POOL.length)];
      return p !== null && typeof p === 'object' ? clone(p) : p;
    };
    if (Array.isArray(c)) {
      if (rand(3) === 0) c.push(pick());
      else if (c.length) c[rand(c.length)] = rand(4) === 0 ? undefined : pick();
    } else {
      const keys = Object.keys(c);
      const op = rand(6);
      if (op === 0 && keys.length) delete c[keys[rand(keys.length)]!];
      else if (op === 1) c[rand(2) ? 'unknownKey' : 'notes'] = pick();
      else if (keys.length) c[keys[rand(keys.length)]!] = pick();
    }
  }
  return root;
}

describe('the fast schema accept agrees with zod', () => {
  const files = [...yamlTexts(join(ROOT, 'fixtures')), PROVENANCE]
    .map((f) => ({ ...f, schema: schemaFor(f.name), value: parseYaml(f.name, f.text).parsed?.value }))
    .filter((f) => f.schema && f.value !== undefined);

  it('on every fixture safety file: it accepts the example product', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const schema of [hazardSchema(), incidentSchema(), workshopSchema]) expect(fastAccept(schema)).toBeDefined();
    let accepted = 0;
    for (const f of files) if (agree(f.name, f.schema!, f.value)) accepted++;
    const hazards = files.filter((f) => /example-product\/clinical-safety\/hazards\//.test(f.name));
    for (const h of hazards) expect(fastAccept(h.schema!)!(h.value), h.name).not.toBe(FAIL);
    expect(accepted).toBeGreaterThan(files.length / 2);
  });

  it('on seeded mutations of their values', () => {
    const rand = random(Number(process.env.SCHEMA_FAST_SEED ?? 41));
    let accepted = 0;
    let total = 0;
    for (const f of files)
      for (let m = 0; m < Number(process.env.SCHEMA_FAST_MUTANTS ?? 300); m++) {
        total++;
        if (agree(`${f.name} mutation ${m}`, f.schema!, mutate(f.value, rand))) accepted++;
      }
    // Not vacuous: some mutants still pass (an edit to a free-text field), most do not.
    expect(accepted).toBeGreaterThan(total / 20);
    expect(accepted).toBeLessThan(total);
  }, 600_000);

  it('leaves a value zod passes only by counting code points to zod', () => {
    const h = files.find((f) => /example-product\/clinical-safety\/hazards\//.test(f.name))!;
    const value = { ...(h.value as Record<string, unknown>), title: '😀'.repeat(150) };
    expect(hazardSchema().safeParse(value).success).toBe(true);
    expect(fastAccept(hazardSchema())!(value)).toBe(FAIL);
  });

  it('returns the input itself only where the output of zod equals it, keys in the same order', async () => {
    const { z } = await import('zod');
    const schema = z.strictObject({ a: z.string(), b: z.array(z.string()).default([]), c: z.number().optional() });
    const inOrder = { a: 'x', b: ['y'], c: 1 };
    expect(fastAccept(schema)!(inOrder)).toBe(inOrder); // no copy
    expect((fastAccept(schema)!(inOrder) as { b: unknown }).b).toBe(inOrder.b);
    for (const value of [{ c: 1, b: ['y'], a: 'x' }, { a: 'x' }, { b: ['y'], a: 'x' }, { a: 'x', c: 2 }]) {
      const fast = fastAccept(schema)!(value);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.parse(value)));
      if (Object.keys(value).join() !== Object.keys(schema.parse(value)).join()) expect(fast).not.toBe(value);
    }
    // Fields the input's keys skip: defaults added in the shape's order, before and after present keys;
    // an own key that for…in does not list (no parser makes one) is judged field by field, as zod reads it.
    const wide = z.strictObject({ a: z.string().optional(), b: z.array(z.string()).default([]), c: z.string(), d: z.number().default(7) });
    for (const value of [{ c: 'x' }, { a: 'y', c: 'x' }, { c: 'x', d: 1 }, { d: 1, c: 'x' }, { a: 'y' }, {}, { c: 'x', e: 1 }]) {
      const slow = wide.safeParse(value);
      const fast = fastAccept(wide)!(value);
      if (!slow.success) expect(fast, JSON.stringify(value)).toBe(FAIL);
      else expect(JSON.stringify(fast), JSON.stringify(value)).toBe(JSON.stringify(slow.data));
    }
    for (const hidden of ['a', 'b', 'd']) {
      const value = Object.defineProperty({ c: 'x' }, hidden, {
        value: hidden === 'd' ? 2 : hidden === 'b' ? ['z'] : 'z',
        enumerable: false,
      });
      expect(JSON.stringify(fastAccept(wide)!(value)), hidden).toBe(JSON.stringify(wide.parse(value)));
    }
    const h = files.find((f) => /example-product\/clinical-safety\/hazards\//.test(f.name))!;
    const reversed = Object.fromEntries(Object.entries(h.value as Record<string, unknown>).reverse());
    expect(agree('reversed keys', hazardSchema(), reversed)).toBe(true);
  });

  it('accepts clinsafe.yml (number bounds; a union option it does not know goes to zod)', async () => {
    const { z } = await import('zod');
    expect(fastAccept(configSchema)).toBeDefined();
    const configs = files.filter((f) => /example-product\/clinical-safety\/clinsafe\.yml$/.test(f.name));
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) expect(agree(c.name, configSchema, c.value)).toBe(true);
    const bounded = z.strictObject({ n: z.number().int().min(1).max(60), p: z.number().positive().lt(3) });
    for (const n of [0, 1, 2, 59, 60, 61, 1.5, -1, Infinity, NaN])
      for (const p of [0, 1e-9, 2.5, 3, 4, -1]) {
        const fast = fastAccept(bounded)!({ n, p });
        expect(fast === FAIL, `${n} ${p}`).toBe(!bounded.safeParse({ n, p }).success);
      }
    const union = z.union([z.literal('a'), z.strictObject({ m: z.record(z.string(), z.string()) })]);
    expect(fastAccept(union)!('a')).toBe('a');
    expect(fastAccept(union)!({ m: { x: 'y' } })).toBe(FAIL); // zod decides
    expect(fastAccept(z.union([z.record(z.string(), z.string())]))).toBeUndefined();
  });

  it('written out for the CLI, covers every kind of safety file of the built-in scheme, as plain data', async () => {
    const { z } = await import('zod');
    // A kind without one would make the CLI load zod, and restart its load, for every folder that has such a file.
    expect(Object.keys(BUILT.accepts).sort()).toEqual(['config', 'hazard', 'incident', 'provenance', 'workshop']);
    expect(BUILT.schemeName).toBe(schemaNameOf(NHS_DCB0129));
    for (const [schema, kind] of KINDS) expect(BUILT.accepts[kind], kind).toEqual(describeSchema(schema));
    // A custom check not named in NAMED_CHECKS (a closure) cannot be written out: the build fails rather than drop it.
    const unnamed = describeSchema(z.strictObject({ a: z.string().refine((v) => v.length > 2) }))!;
    expect(() => fastAcceptSetJson({ schemeName: 'x', accepts: { config: unnamed } })).toThrow(/not plain data/);
    expect(JSON.stringify(describeSchema(z.strictObject({ d: isoDate })))).toContain('"named":"isRealIsoDate"');
  });

  it("takes a text zod's trim would leave as it is, and leaves any other to zod", async () => {
    const { z } = await import('zod');
    const trimmed = z.string().trim().min(1);
    for (const v of ['x', 'a b', ' x', 'x ', '\u00a0x', '\u2028x', ' ', '', '\ufeff'])
      expect(fastAccept(trimmed)!(v), JSON.stringify(v)).toBe(v.trim() === v && v !== '' ? v : FAIL);
    expect(fastAccept(z.string().toLowerCase())).toBeUndefined();
    expect(fastAccept(z.string().overwrite((v) => v.trim() + '!'))).toBeUndefined();
  });

  it('gives up on a schema it does not know, rather than guessing', async () => {
    const { z } = await import('zod');
    expect(fastAccept(z.string().transform((s) => s.length))).toBeUndefined();
    expect(fastAccept(z.object({ a: z.string() }))).toBeUndefined(); // not strict: unknown keys are stripped
    expect(fastAccept(z.strictObject({ a: z.string().email() }))).toBeUndefined();
    expect(fastAccept(z.record(z.string(), z.string()))).toBeUndefined();
    expect(MAX_NESTING).toBeGreaterThan(0);
  });
});
