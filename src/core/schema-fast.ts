/**
 * A fast accept for the safety-file schemas, in front of zod (not instead of it): compiled from a
 * plain description of a schema (its shape, checks, enum values, defaults; `PlainNode`), it gives
 * the value zod's `safeParse` would give for input that plainly passes, and FAIL for anything
 * else — a failing file, or one merely near a limit — which zod then checks and reports as before.
 * The description is read from the live zod schema (schema-fast-describe.ts: a schema using
 * anything it does not know — transforms, pipes, records, other checks or formats — gets no fast
 * accept at all, so a change to schema.ts can make files slower, never wrongly accepted), or, in
 * the single-file CLI, generated from the same schemas when the bundle is built
 * (schema-fast-built.ts), so that a run whose every file is accepted never loads zod. No zod here.
 * On a clean 1,000-hazard folder zod's own parse costs about as much as reading the YAML.
 * test/schema-fast.test.ts compares both with zod over every fixture and thousands of seeded mutations.
 *
 * Reuse: where zod's output would be equal to the input, keys in the same order (an object whose
 * keys come in the shape's order and needs no default; an array whose items are their own output),
 * the input object or array itself is the output — no copy of the parsed tree for a cold run to
 * allocate and collect. The output then shares objects with the parsed value: neither is changed
 * after the check (clinsafe copies before it adds a field, as loadFolder does).
 */
import type { CheckedFileKind } from './ports/checked-files.js';
import { isRealIsoDate } from './schema-values.js';

export const FAIL: unique symbol = Symbol('fail');
export type Accept = (v: unknown) => unknown;

/** Functions a custom check may name in a description that is written out (zod-free; the schemas use these very functions). */
export const NAMED_CHECKS: Readonly<Record<string, (v: never) => unknown>> = { isRealIsoDate };

/**
 * One check of a string, array or number other than its lengths: a pattern, a custom test (by name
 * in NAMED_CHECKS, or the function itself when the description is not written out), a safe integer,
 * a text already trimmed, a bound (zod's own comparison: exact, so no value near it needs zod).
 */
export type PlainTest =
  | { regex: string; flags: string }
  | { named: string }
  | { fn: (v: never) => unknown }
  | { safeint: true }
  /** zod's `.trim()`, run before the checks after it: a text it would change goes to zod, one it leaves alone is checked as is. */
  | { trimmed: true }
  | { above: number; inclusive: boolean }
  | { below: number; inclusive: boolean };

/**
 * Lengths as two bounds zod passes for sure (`need` ≤ length ≤ `max`, no `max` = any; strings:
 * code points are only counted near a minimum, so a length under twice a minimum above 1 goes to zod).
 */
export interface PlainBounds {
  need: number;
  max?: number;
  tests: PlainTest[];
}

/** A schema as the fast accept knows it: plain data (JSON, when every custom check is named). */
export type PlainNode =
  | ({ type: 'string' } & PlainBounds)
  | { type: 'number'; tests: PlainTest[] }
  | { type: 'boolean' }
  /** An enum or literal: one of these values. */
  | { type: 'values'; values: unknown[] }
  | { type: 'optional'; inner: PlainNode }
  /** zod gives a shallow copy of `value` for each absent field. */
  | { type: 'default'; inner: PlainNode; value: unknown }
  | ({ type: 'array'; item: PlainNode } & PlainBounds)
  /** An option not known (no `node`) is decided by zod unless it refuses the value by its type alone (`rejects`). */
  | { type: 'union'; options: { node?: PlainNode; rejects: 'string' | 'object' | 'array' | 'none' }[] }
  /** A strict object (unknown keys refused), its fields in the shape's order. */
  | { type: 'object'; fields: { key: string; node: PlainNode }[] };

/** The descriptions of the safety files' schemas, as the single-file CLI's build writes them (schema-fast-set.ts). */
export interface FastAcceptSet {
  /** The risk scheme the hazard and incident descriptions are for (`schemaNameOf`, schema-values.ts). */
  schemeName: string;
  accepts: Partial<Record<CheckedFileKind, PlainNode>>;
}

const compiled = new WeakMap<PlainNode, Accept>();

/** The fast accept a description gives (compiled once per description object). */
export function compilePlain(node: PlainNode): Accept {
  let a = compiled.get(node);
  if (a === undefined) compiled.set(node, (a = compile(node)));
  return a;
}

function compileTest(t: PlainTest): (v: never) => boolean {
  if ('regex' in t) {
    const re = new RegExp(t.regex, t.flags);
    return (v: string) => {
      re.lastIndex = 0;
      return re.test(v);
    };
  }
  if ('named' in t || 'fn' in t) {
    const fn = 'fn' in t ? t.fn : NAMED_CHECKS[t.named];
    if (!fn) throw new Error(`internal: the fast accept names an unknown check ${JSON.stringify(t)}`);
    return (v: never) => {
      const r = fn(v);
      return r === true;
    };
  }
  if ('safeint' in t) return (v: number) => Number.isSafeInteger(v);
  if ('trimmed' in t) return (v: string) => v.trim() === v;
  if ('above' in t) {
    const bound = t.above;
    return t.inclusive ? (v: number) => v >= bound : (v: number) => v > bound;
  }
  const bound = t.below;
  return t.inclusive ? (v: number) => v <= bound : (v: number) => v < bound;
}

/** The tests as one function (undefined: none), specialised by count: a cold run calls these thousands of times in the interpreter, where a call or an iterator costs. */
function compileTests(list: PlainTest[]): ((v: never) => boolean) | undefined {
  const tests = list.map(compileTest);
  if (tests.length <= 1) return tests[0];
  return (v: never) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
    return true;
  };
}

/** What zod's shallowClone gives for a default value: a new array or plain object each time. */
function defaultOf(value: unknown): () => unknown {
  if (Array.isArray(value)) return () => value.slice();
  if (value !== null && typeof value === 'object') return () => ({ ...value });
  return () => value;
}

const ALWAYS_FAIL: Accept = () => FAIL;

const REJECTS: Record<'string' | 'object' | 'array' | 'none', (v: unknown) => boolean> = {
  string: (v) => typeof v !== 'string',
  object: (v) => v === null || typeof v !== 'object' || Array.isArray(v),
  array: (v) => !Array.isArray(v),
  none: () => false,
};

function compile(node: PlainNode): Accept {
  switch (node.type) {
    case 'string': {
      // One closure with the lengths written in (a text field was five calls: the checks, each check, its length test).
      const { need } = node;
      const max = node.max ?? Infinity;
      const test = compileTests(node.tests);
      if (!test) return (v) => (typeof v === 'string' && v.length >= need && v.length <= max ? v : FAIL);
      return (v) => (typeof v === 'string' && v.length >= need && v.length <= max && test(v as never) ? v : FAIL);
    }
    case 'number': {
      const test = compileTests(node.tests);
      if (!test) return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : FAIL);
      return (v) => (typeof v === 'number' && Number.isFinite(v) && test(v as never) ? v : FAIL);
    }
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : FAIL);
    case 'values': {
      const values = new Set(node.values);
      return (v) => (values.has(v) ? v : FAIL);
    }
    case 'optional': {
      const inner = compile(node.inner);
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case 'default': {
      const inner = compile(node.inner);
      const value = defaultOf(node.value);
      return (v) => (v === undefined ? value() : inner(v));
    }
    case 'array':
      return compileArray(node);
    case 'union': {
      const options = node.options.map((o) => ({ accept: o.node ? compile(o.node) : ALWAYS_FAIL, rejects: REJECTS[o.rejects] }));
      // zod gives the first option that passes: an option is taken only when every one before it
      // rejects the value by its type alone (a FAIL may be a value zod still passes, near a limit).
      // An option this does not know FAILs (zod decides) unless it rejects the value by type: so
      // riskScheme's 'nhs-dcb0129' is accepted here, a custom scheme (records) goes to zod.
      return (v) => {
        for (let i = 0; i < options.length; i++) {
          const o = options[i]!;
          const r = o.accept(v);
          if (r !== FAIL) return r;
          if (!o.rejects(v)) return FAIL;
        }
        return FAIL;
      };
    }
    case 'object':
      return compileObject(node.fields);
  }
}

function compileArray(node: Extract<PlainNode, { type: 'array' }>): Accept {
  const item = compile(node.item);
  const { need } = node;
  const max = node.max ?? Infinity;
  const test = compileTests(node.tests);
  return (v) => {
    if (!Array.isArray(v) || v.length < need || v.length > max || (test !== undefined && !test(v as never))) return FAIL;
    // The input array itself when every item is its own output (see reuse, above), else a new one.
    let out: unknown[] | undefined = Object.getPrototypeOf(v) === Array.prototype ? undefined : [];
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i]);
      if (r === FAIL) return FAIL;
      // A copy of its final size (an array pushed to grows room for 17 more: the accepted tree lives to the end of a run).
      if (out === undefined && r !== v[i]) out = v.slice();
      if (out !== undefined) out[i] = r;
    }
    return out ?? v;
  };
}

interface Field {
  key: string;
  accept: Accept;
  /** The accept for a value that is there: an optional's or default's inner schema (no wrapper call per value). */
  present: Accept;
  absent: 'skip' | 'default' | 'fail';
}

function compileObject(shape: { key: string; node: PlainNode }[]): Accept {
  const keys = shape.map((f) => f.key);
  // A key an object inherits (toString…) would read as present on every input (schema-fast-describe.ts gives no such description).
  if (keys.some((k) => k in Object.prototype)) throw new Error('internal: a fast accept for a field named like an Object property');
  const fields: Field[] = shape.map(({ key, node }) => {
    const accept = compile(node);
    const wrapped = node.type === 'optional' || node.type === 'default';
    return {
      key,
      accept,
      present: wrapped ? compile(node.inner) : accept,
      absent: wrapped ? (node.type === 'optional' ? 'skip' : 'default') : 'fail',
    };
  });
  const order = new Map(keys.map((k, i) => [k, i]));
  const general = generalObject(fields, order);
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return FAIL;
    const input = v as Record<string, unknown>;
    // One walk over the input's keys in the shape's order (each value read by its for-in key, not
    // looked up by name); keys out of that order go the general way.
    let next = 0;
    let out: Record<string, unknown> | undefined; // once the output differs from the input (see reuse, above)
    for (const k in input) {
      const at = order.get(k);
      if (at === undefined) return FAIL; // an unknown key
      if (at < next) return general(input);
      for (; next < at; next++) {
        const f = fields[next]!;
        const r = absentValue(f, input);
        if (r === FAIL) return general(input); // missing, or keys out of order (a later key first): judged field by field
        if (r !== SKIP) (out ??= copyUntil(input, k))[f.key] = r;
      }
      const f = fields[next++]!;
      const x = input[k];
      const r = x === undefined ? f.accept(x) : f.present(x);
      if (r === FAIL) return FAIL;
      if (out === undefined && r !== x) out = copyUntil(input, k);
      if (out !== undefined) out[k] = r;
    }
    for (; next < fields.length; next++) {
      const f = fields[next]!;
      const r = absentValue(f, input);
      if (r === FAIL) return general(input);
      if (r !== SKIP) (out ??= copyUntil(input, undefined))[f.key] = r;
    }
    return out ?? input;
  };
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const SKIP: unique symbol = Symbol('skip');

/**
 * A field the input's keys (for…in) skip: its default, SKIP (optional), or FAIL — required, or an
 * own key that is not enumerable (no parser makes one): the caller then judges field by field.
 */
function absentValue(f: Field, input: object): unknown {
  if (f.absent === 'fail' || hasOwn(input, f.key)) return FAIL;
  return f.absent === 'skip' ? SKIP : f.accept(undefined);
}

/** A new object with the input's fields before `stop` (all of them if undefined), as they are. */
function copyUntil(input: Record<string, unknown>, stop: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in input) {
    if (k === stop) break;
    out[k] = input[k];
  }
  return out;
}

/** The accept for an object whose keys are not in the shape's order (and any other): field by field in the shape's order. */
function generalObject(fields: Field[], order: Map<string, number>): (input: Record<string, unknown>) => unknown {
  return (input) => {
    // Unknown keys fail; keys in the shape's order let the input object be the output (see reuse, above).
    let inOrder = true;
    let last = -1;
    for (const k in input) {
      const at = order.get(k);
      if (at === undefined) return FAIL;
      if (at < last) inOrder = false;
      last = at;
    }
    let out: Record<string, unknown> | undefined = inOrder ? undefined : {};
    for (let n = 0; n < fields.length; n++) {
      const f = fields[n]!;
      const x = input[f.key];
      // No shape key is inherited from Object.prototype (compileObject checks): a value means the key is the input's own.
      const present = x !== undefined || hasOwn(input, f.key);
      if (!present) {
        if (f.absent === 'fail') return FAIL;
        if (f.absent === 'skip') continue;
      }
      const r = f.accept(x);
      if (r === FAIL) return FAIL;
      if (out === undefined && (!present || r !== x)) {
        // A default added or a field's output differs: a new object after all, with the fields before this one as they were.
        out = {};
        for (let m = 0; m < n; m++) if (hasOwn(input, fields[m]!.key)) out[fields[m]!.key] = input[fields[m]!.key];
      }
      if (out !== undefined) out[f.key] = r;
    }
    return out ?? input;
  };
}
