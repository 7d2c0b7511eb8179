/**
 * The fast read of a YAML file: js-yaml (about ten times faster than building `yaml`'s document
 * model) for the plain shapes safety files have, giving the value only — no positions. It gives
 * `undefined` whenever the file holds anything whose meaning could differ between the two
 * libraries (anchors, aliases, tags, complex keys, directives, tabs, lone CRs, null keys, forbidden
 * or too-deep content) or when js-yaml refuses it; the caller then reads the file with the
 * full-fidelity `yaml` parse, which gives every diagnostic its file:line:col. Plain scalars are
 * resolved by `yaml`'s own YAML 1.2 core-schema tags, so numbers, booleans and nulls are the same
 * values by construction (test/yaml-fast.test.ts runs both over every fixture and hostile input).
 */
import { load, Schema as JsSchema, Type, type LoadOptions } from 'js-yaml';
import { isScalar, Schema } from 'yaml';

interface CoreTag {
  default?: boolean | 'key';
  test?: RegExp;
  resolve: (source: string, onError: (message: string) => void, options: { intAsBigInt: boolean }) => unknown;
}

/** `yaml`'s YAML 1.2 core-schema tags that resolve plain scalars, in the order `yaml` tries them. */
const CORE_TAGS = (new Schema({ schema: 'core' }).tags as unknown as CoreTag[]).filter((t) => t.default === true && t.test);
const RESOLVE_OPTIONS = { intAsBigInt: false };

function coreTagOf(source: string): CoreTag | undefined {
  if (source.length > 0 && !MAY_START_CORE_VALUE.has(source[0]!)) return undefined;
  for (const t of CORE_TAGS) if (t.test!.test(source)) return t;
  return undefined;
}

/**
 * The first characters any of those tags' patterns can match (`~`, null, true/false, digits,
 * signs, `.inf`/`.nan`): most plain scalars are text and are told apart by their first character.
 * test/yaml-fast.test.ts checks this set against the patterns themselves.
 */
export const MAY_START_CORE_VALUE = new Set('~nNtTfF0123456789+-.');
export const CORE_TAG_PATTERNS = CORE_TAGS.map((t) => t.test!);

/** One implicit type: a plain scalar that one of `yaml`'s core tags matches becomes what that tag makes of it. */
const coreScalar = new Type('tag:clinsafe,2026:core-plain-scalar', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && coreTagOf(data) !== undefined,
  construct: (data: string) => {
    const v = coreTagOf(data)!.resolve(data, () => {}, RESOLVE_OPTIONS);
    return isScalar(v) ? v.value : v;
  },
});

/** No explicit types at all: any tag (`!!str`, `!custom`) makes js-yaml refuse the file. */
const FAST_SCHEMA = new JsSchema({ implicit: [coreScalar], explicit: [] });

/**
 * Text that may hold something whose meaning the two libraries could read differently, found
 * conservatively (false alarms only cost the fast path): an anchor, alias or tag indicator where
 * a node can start (a line's first character, or after `-`, `:`, `,`, `?`, `[` or `{` and blanks), a
 * comment not separated from a quote or bracket before it (which `yaml` refuses), a flow
 * collection right after `{` or `,` or followed by `:` (where it can be a key: js-yaml turns such a
 * key into text, `yaml` keeps it a collection), an explicit key `? `, a directive, a tab,
 * a CR that is not part of CRLF, and Unicode line breaks YAML 1.1 and 1.2 treat differently.
 */
const NOT_PLAIN = /(?:^|[-:,?[{])[ \t]*[&*!]|["'\]},]#|\?(?:\s|$)|[\]}][ \t]*:|[{,]\s*[[{]|^%|\t|\r(?!\n)|[\u0085\u2028\u2029\ufeff]/m;

/** One `---` line may open the file; any other line starting `---` or `...` (a document marker, or not) goes to the full parse. */
const DOCUMENT_START = /^---[ \t]*\r?\n/;
const MARKER_LINE = /^(?:---|\.\.\.)/m;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a js-yaml value is one the full parse gives identically and accepts: a mapping at the
 * top, no key that would reach object prototypes, no key written `null`/`~` (js-yaml names it
 * "null", `yaml` ""), and nesting within `maxNesting`.
 */
function plainValue(value: unknown, maxNesting: number): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= maxNesting) return false;
    if (Array.isArray(v)) {
      for (const child of v) stack.push([child, d + 1]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (k === 'null' || FORBIDDEN_KEYS.has(k)) return false;
      stack.push([(v as Record<string, unknown>)[k], d + 1]);
    }
  }
  return true;
}

/**
 * `yaml` refuses an implicit key whose `:` is more than 1024 characters from its start; js-yaml
 * does not. Lines that long go to the full parse (long text on one line only costs the fast path).
 */
const MAX_FAST_LINE = 1000;

function longestLine(text: string): number {
  let longest = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > longest) longest = end - start;
    start = end + 1;
  }
  return longest;
}

/** The value of a plain YAML mapping, or undefined when the full parse must read the file. */
export function fastParse(text: string, maxNesting: number): { value: unknown } | undefined {
  const start = DOCUMENT_START.exec(text);
  const body = start ? text.slice(start[0].length) : text;
  if (NOT_PLAIN.test(body) || MARKER_LINE.test(body) || longestLine(text) > MAX_FAST_LINE) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: FAST_SCHEMA, maxDepth: maxNesting + 1 } as LoadOptions);
  } catch {
    return undefined;
  }
  return plainValue(value, maxNesting) ? { value } : undefined;
}
