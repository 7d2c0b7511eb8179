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

/** A length check zod passes for sure (strings: code points only counted near the limit, so those go to zod). */
function lengthOk(c: CheckDef, n: number): boolean {
  if (c.check === 'max_length') return n <= c.maximum!;
  return n >= c.minimum! && (c.minimum! <= 1 || n >= 2 * c.minimum!);
}

function compileChecks(checks: Def['checks'], kind: 'string' | 'array' | 'number'): ((v: never) => boolean) | undefined {
  const tests: ((v: never) => boolean)[] = [];
  for (const { _zod } of checks ?? []) {
    const c = _zod.def;
    if ((c.check === 'max_length' || c.check === 'min_length') && kind !== 'number')
      tests.push((v: string | unknown[]) => lengthOk(c, v.length));
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
  // Specialised by count: a cold run calls these thousands of times in the interpreter, where an iterator costs.
  if (tests.length === 0) return NO_CHECKS;
  if (tests.length === 1) return tests[0];
  return (v: never) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
    return true;
  };
}
const NO_CHECKS = (): boolean => true;
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
      if (ok === NO_CHECKS) return (v) => (typeof v === 'string' ? v : FAIL);
      return ok && ((v) => (typeof v === 'string' && ok(v as never) ? v : FAIL));
    }
    case 'number': {
      const ok = compileChecks(d.checks, 'number');
      return ok && ((v) => (typeof v === 'number' && Number.isFinite(v) && ok(v as never) ? v : FAIL));
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
      return (v) => {
        if (!Array.isArray(v) || !ok(v as never)) return FAIL;
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

function compileObject(d: Def): Accept | undefined {
  if (d.checks?.length || d.catchall?._zod.def.type !== 'never' || !d.shape) return undefined;
  const keys = Object.keys(d.shape);
  // A key an object inherits (toString…) would read as present on every input: zod alone.
  if (keys.some((k) => k in Object.prototype)) return undefined;
  const fields: { key: string; accept: Accept; absent: 'skip' | 'default' | 'fail'; fallback?: Node }[] = [];
  for (const key of keys) {
    const f = d.shape[key]!;
    const accept = compile(f);
    if (!accept) return undefined;
    const t = f._zod.def.type;
    fields.push({ key, accept, absent: t === 'optional' ? 'skip' : t === 'default' ? 'default' : 'fail' });
  }
  const order = new Map(keys.map((k, i) => [k, i]));
  const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return FAIL;
    const input = v as Record<string, unknown>;
    // Unknown keys fail; keys in the shape's order let the input object be the output (see reuse, below).
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
