/**
 * A zod schema's plain description for the fast accept (schema-fast.ts), read from zod 4's own
 * definitions (`_zod.def`): undefined for a schema using anything the fast accept does not know
 * (coercion, transforms, pipes, records, catch-alls, other checks or formats), so that a change to
 * schema.ts can make files slower, never wrongly accepted. Reads zod's objects; imports no zod.
 */
import type { z } from 'zod';
import { compilePlain, NAMED_CHECKS, type Accept, type PlainBounds, type PlainNode, type PlainTest } from './schema-fast.js';

export { FAIL } from './schema-fast.js';

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
  tx?: (v: unknown) => unknown;
}
interface Node {
  _zod: { def: Def; values?: Set<unknown> };
}

const accepts = new WeakMap<object, Accept | null>();

/** The fast accept for `schema`, or undefined when it uses something the fast accept does not know. */
export function fastAccept(schema: z.ZodType): Accept | undefined {
  let a = accepts.get(schema);
  if (a === undefined) {
    const plain = describeSchema(schema);
    accepts.set(schema, (a = plain ? compilePlain(plain) : null));
  }
  return a ?? undefined;
}

/** The plain description of `schema`, or undefined when it uses something the fast accept does not know. */
export function describeSchema(schema: z.ZodType): PlainNode | undefined {
  return describe(schema as unknown as Node);
}

/** A custom check's name in NAMED_CHECKS, or the function itself (a description that cannot be written out). */
function customTest(fn: (v: never) => unknown): PlainTest {
  const named = Object.keys(NAMED_CHECKS).find((k) => NAMED_CHECKS[k] === fn);
  return named !== undefined ? { named } : { fn };
}

/**
 * Whether an overwrite is zod's `.trim()` (`(input) => input.trim()`, as zod writes it or minified):
 * any other overwrite, or a zod that writes it otherwise, gets no fast accept.
 */
function isTrim(tx: unknown): boolean {
  return typeof tx === 'function' && /^\(?\s*([\w$]+)\s*\)?\s*=>\s*\1\.trim\(\)$/.test(String(tx));
}

/** The checks of a string, array or number, or undefined for a check this does not know. */
function describeChecks(checks: Def['checks'], kind: 'string' | 'array' | 'number'): PlainBounds | undefined {
  const tests: PlainTest[] = [];
  let need = 0;
  let max = Infinity;
  for (const { _zod } of checks ?? []) {
    const c = _zod.def;
    if (c.check === 'max_length' && kind !== 'number') max = Math.min(max, c.maximum!);
    else if (c.check === 'min_length' && kind !== 'number') need = Math.max(need, c.minimum! <= 1 ? c.minimum! : 2 * c.minimum!);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern && kind === 'string')
      tests.push({ regex: c.pattern.source, flags: c.pattern.flags });
    else if (c.check === 'custom' && typeof c.fn === 'function') tests.push(customTest(c.fn));
    else if (c.check === 'overwrite' && kind === 'string' && isTrim(c.tx)) tests.push({ trimmed: true });
    else if (c.check === 'number_format' && c.format === 'safeint' && kind === 'number') tests.push({ safeint: true });
    else if ((c.check === 'greater_than' || c.check === 'less_than') && kind === 'number' && typeof c.value === 'number')
      tests.push(c.check === 'greater_than' ? { above: c.value, inclusive: !!c.inclusive } : { below: c.value, inclusive: !!c.inclusive });
    else return undefined;
  }
  return max === Infinity ? { need, tests } : { need, max, tests };
}

/** Whether zod refuses a value for this schema by its type alone, whatever its checks. */
function rejectsByType(node: Node): 'string' | 'object' | 'array' | 'none' {
  const t = node._zod.def.type;
  return t === 'string' || t === 'object' || t === 'array' ? t : 'none';
}

function describe(node: Node): PlainNode | undefined {
  const d = node._zod.def;
  if (d.coerce) return undefined;
  const unchecked = !d.checks?.length;
  switch (d.type) {
    case 'string': {
      const b = describeChecks(d.checks, 'string');
      return b && { type: 'string', ...b };
    }
    case 'number': {
      const b = describeChecks(d.checks, 'number');
      return b && { type: 'number', tests: b.tests };
    }
    case 'boolean':
      return unchecked ? { type: 'boolean' } : undefined;
    case 'enum':
    case 'literal': {
      const values = node._zod.values;
      return values && unchecked ? { type: 'values', values: [...values] } : undefined;
    }
    case 'optional':
    case 'default': {
      const inner = d.innerType && unchecked ? describe(d.innerType) : undefined;
      if (!inner) return undefined;
      // zod's getter gives a shallow copy each time; the fast accept copies this one likewise.
      return d.type === 'optional' ? { type: 'optional', inner } : { type: 'default', inner, value: d.defaultValue };
    }
    case 'array': {
      const item = d.element && describe(d.element);
      const b = describeChecks(d.checks, 'array');
      return item && b ? { type: 'array', item, ...b } : undefined;
    }
    case 'union': {
      const options = (d.options ?? []).map((o) => {
        const n = describe(o);
        return n ? { node: n, rejects: rejectsByType(o) } : { rejects: rejectsByType(o) };
      });
      if (!unchecked || options.every((o) => !o.node)) return undefined;
      return { type: 'union', options };
    }
    case 'object': {
      if (!unchecked || d.catchall?._zod.def.type !== 'never' || !d.shape) return undefined;
      const keys = Object.keys(d.shape);
      // A key an object inherits (toString…) would read as present on every input: zod alone.
      if (keys.some((k) => k in Object.prototype)) return undefined;
      const fields: { key: string; node: PlainNode }[] = [];
      for (const key of keys) {
        const n = describe(d.shape[key]!);
        if (!n) return undefined;
        fields.push({ key, node: n });
      }
      return { type: 'object', fields };
    }
    default:
      return undefined;
  }
}
