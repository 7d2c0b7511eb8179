/**
 * A fast accept for zod schemas, in front of zod (not instead of it): compiled from the schema's
 * own definition (its shape, checks, enum values, defaults), it gives the value zod's `safeParse`
 * would give for input that plainly passes, and FAIL for anything else — a failing file, or one
 * merely near a limit — which zod then checks and reports as before. A schema using anything this
 * does not know (transforms, pipes, records, other checks or formats) gets no fast accept at all,
 * so a change to schema.ts can make files slower, never wrongly accepted. On a clean 1,000-hazard
 * folder zod's own parse costs about as much as reading the YAML. test/schema-fast.test.ts compares
 * it with zod over every fixture and thousands of seeded mutations.
 *
 * Reuse: where zod's output would be equal to the input, keys in the same order (an object whose
 * keys come in the shape's order and needs no default; an array whose items are their own output),
 * the input object or array itself is the output — no copy of the parsed tree for a cold run to
 * allocate and collect. The output then shares objects with the parsed value: neither is changed
 * after the check (clinsafe copies before it adds a field, as loadFolder does).
 */
import type { z } from 'zod';

export const FAIL: unique symbol = Symbol('fail');
type Accept = (v: unknown) => unknown;

/** What this reads of zod's internal definitions (zod 4's `_zod.def`). */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, Node>;
  catchall?: Node;
  element?: Node;
  innerType?: Node;
  options?: Node[];
  defaultValue?: unknown;
  coerce?: boolean;
}
interface CheckDef {
  check: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  value?: unknown;
  inclusive?: boolean;
  pattern?: RegExp;
  fn?: (v: unknown) => unknown;
}
interface Node {
  _zod: { def: Def; values?: Set<unknown> };
}

const compiled = new WeakMap<object, Accept | null>();

/** The fast accept for `schema`, or undefined when it uses something this does not know. */
export function fastAccept(schema: z.ZodType): Accept | undefined {
  let a = compiled.get(schema);
  if (a === undefined) compiled.set(schema, (a = compile(schema as unknown as Node) ?? null));
  return a ?? undefined;
}

/**
 * The checks of a string, array or number, compiled: lengths as two bounds zod passes for sure
 * (`need` ≤ length ≤ `max`; strings: code points are only counted near a minimum, so a length under
 * twice a minimum above 1 goes to zod), any other check as a test. Undefined for a check this does not know.
 */
interface Checks {
  need: number;
  max: number;
  test: ((v: never) => boolean) | undefined;
}

function compileChecks(checks: Def['checks'], kind: 'string' | 'array' | 'number'): Checks | undefined {
  const tests: ((v: never) => boolean)[] = [];
  let need = 0;
  let max = Infinity;
  for (const { _zod } of checks ?? []) {
    const c = _zod.def;
    if (c.check === 'max_length' && kind !== 'number') max = Math.min(max, c.maximum!);
    else if (c.check === 'min_length' && kind !== 'number') need = Math.max(need, c.minimum! <= 1 ? c.minimum! : 2 * c.minimum!);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern && kind === 'string') {
      const re = c.pattern;
      tests.push((v: string) => {
        re.lastIndex = 0;
        return re.test(v);
      });
    } else if (c.check === 'custom' && typeof c.fn === 'function') {
      const fn = c.fn;
      tests.push((v: never) => {
        const r = fn(v);
        return r === true;
      });
    } else if (c.check === 'number_format' && c.format === 'safeint' && kind === 'number')
      tests.push((v: number) => Number.isSafeInteger(v));
    else if ((c.check === 'greater_than' || c.check === 'less_than') && kind === 'number' && typeof c.value === 'number') {
      // zod's own comparison (.min/.max/.positive…): exact, so no value near the bound needs zod.
      const bound = c.value;
      if (c.check === 'greater_than') tests.push(c.inclusive ? (v: number) => v >= bound : (v: number) => v > bound);
      else tests.push(c.inclusive ? (v: number) => v <= bound : (v: number) => v < bound);
    } else return undefined;
  }
  // Specialised by count: a cold run calls these thousands of times in the interpreter, where a call or an iterator costs.
  if (tests.length <= 1) return { need, max, test: tests[0] };
  return {
    need,
    max,
    test: (v: never) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
      return true;
    },
  };
}
const ALWAYS_FAIL: Accept = () => FAIL;

/** Whether zod refuses `v` for this schema by its type alone, whatever its checks. */
function rejectsByType(node: Node): (v: unknown) => boolean {
  switch (node._zod.def.type) {
    case 'string':
      return (v) => typeof v !== 'string';
    case 'object':
      return (v) => v === null || typeof v !== 'object' || Array.isArray(v);
    case 'array':
      return (v) => !Array.isArray(v);
    default:
      return () => false;
  }
}

function compile(node: Node): Accept | undefined {
  const d = node._zod.def;
  if (d.coerce) return undefined;
  switch (d.type) {
    case 'string': {
      const ok = compileChecks(d.checks, 'string');
      if (!ok) return undefined;
      // One closure with the lengths written in (a text field was five calls: the checks, each check, its length test).
      const { need, max, test } = ok;
      if (!test) return (v) => (typeof v === 'string' && v.length >= need && v.length <= max ? v : FAIL);
      return (v) => (typeof v === 'string' && v.length >= need && v.length <= max && test(v as never) ? v : FAIL);
    }
    case 'number': {
      const test = compileChecks(d.checks, 'number')?.test;
      if (!test) return d.checks?.length ? undefined : (v) => (typeof v === 'number' && Number.isFinite(v) ? v : FAIL);
      return (v) => (typeof v === 'number' && Number.isFinite(v) && test(v as never) ? v : FAIL);
    }
    case 'boolean':
      return d.checks?.length ? undefined : (v) => (typeof v === 'boolean' ? v : FAIL);
    case 'enum':
    case 'literal': {
      const values = node._zod.values;
      return values && !d.checks?.length ? (v) => (values.has(v) ? v : FAIL) : undefined;
    }
    case 'optional':
    case 'default': {
      const inner = d.innerType && !d.checks?.length ? compile(d.innerType) : undefined;
      if (!inner) return undefined;
      if (d.type === 'optional') return (v) => (v === undefined ? undefined : inner(v));
      return (v) => (v === undefined ? d.defaultValue : inner(v));
    }
    case 'array': {
      const item = d.element && compile(d.element);
      const ok = compileChecks(d.checks, 'array');
      if (!item || !ok) return undefined;
      const { need, max, test } = ok;
      return (v) => {
        if (!Array.isArray(v) || v.length < need || v.length > max || (test !== undefined && !test(v as never))) return FAIL;
        // The input array itself when every item is its own output (see reuse, below), else a new one.
        let out: unknown[] | undefined = Object.getPrototypeOf(v) === Array.prototype ? undefined : [];
        for (let i = 0; i < v.length; i++) {
          const r = item(v[i]);
          if (r === FAIL) return FAIL;
          if (out === undefined && r !== v[i]) out = v.slice(0, i);
          if (out !== undefined) out.push(r);
        }
        return out ?? v;
      };
    }
    case 'union': {
      const options = d.options?.map((o) => ({ accept: compile(o) ?? ALWAYS_FAIL, rejects: rejectsByType(o) }));
      if (!options || d.checks?.length || options.every((o) => o.accept === ALWAYS_FAIL)) return undefined;
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
      return compileObject(d);
    default:
      return undefined;
  }
}

interface Field {
  key: string;
  accept: Accept;
  /** The accept for a value that is there: an optional's or default's inner schema (no wrapper call per value). */
  present: Accept;
  absent: 'skip' | 'default' | 'fail';
}

function compileObject(d: Def): Accept | undefined {
  if (d.checks?.length || d.catchall?._zod.def.type !== 'never' || !d.shape) return undefined;
  const keys = Object.keys(d.shape);
  // A key an object inherits (toString…) would read as present on every input: zod alone.
  if (keys.some((k) => k in Object.prototype)) return undefined;
  const fields: Field[] = [];
  for (const key of keys) {
    const f = d.shape[key]!;
    const accept = compile(f);
    if (!accept) return undefined;
    const t = f._zod.def.type;
    const wrapped = t === 'optional' || t === 'default';
    const present = wrapped ? compile(f._zod.def.innerType!)! : accept;
    fields.push({ key, accept, present, absent: t === 'optional' ? 'skip' : t === 'default' ? 'default' : 'fail' });
  }
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
