/**
 * The second fast read of a YAML file, for what the plain reader (yaml-plain.ts, tried first by
 * yaml-core.ts) declines: js-yaml (about ten times faster than building `yaml`'s document
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
  if (source.length > 0) {
    const first = source.charCodeAt(0);
    if (!MAY_START_CORE_VALUE.has(source[0]!)) return undefined;
    // `~` or a letter can start only `~` and null/true/false in their three spellings: longer words are text.
    if (first > 0x40 && source.length > LONGEST_CORE_WORD) return undefined;
  }
  if (source === lastSource) return lastTag;
  lastSource = source;
  lastTag = undefined;
  for (const t of CORE_TAGS)
    if (t.test!.test(source)) {
      lastTag = t;
      break;
    }
  return lastTag;
}
/** js-yaml asks `resolve` and then `construct` about the same scalar: the second answer is the first one kept. */
let lastSource: string | undefined;
let lastTag: CoreTag | undefined;

/**
 * The first characters any of those tags' patterns can match (`~`, null, true/false, digits,
 * signs, `.inf`/`.nan`): most plain scalars are text and are told apart by their first character.
 * test/yaml-fast.test.ts checks this set against the patterns themselves.
 */
export const MAY_START_CORE_VALUE = new Set('~nNtTfF0123456789+-.');
/** The longest core-schema value that starts with a letter (`false`, `FALSE`); checked by test/yaml-fast.test.ts. */
export const LONGEST_CORE_WORD = 5;
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
 * This expression finds all but the first two; `indicatorWhereNodeStarts` finds those.
 */
const NOT_PLAIN_REST = /\?(?:\s|$)|[\]}][ \t]*:|[{,]\s*[[{]|^%|\t|\r(?!\n)|[\u0085\u2028\u2029\ufeff]/m;

/**
 * The first two cases above (an anchor, alias or tag indicator where a node can start; a `#` right
 * after a quote or bracket), found from the indicator backwards: a regular expression that looks
 * behind is several times slower on a megabyte of text. Together with NOT_PLAIN_REST this is
 * `/(?:^|[-:,?[{])[ \t]*[&*!]|["'\]},]#|…/m` (test/yaml-fast.test.ts compares them).
 */
const INDICATOR = /[&*!#]/g;
const NODE_START = new Set('-:,?[{\n\r\u2028\u2029');
const BEFORE_BAD_COMMENT = new Set('"\']},');

function indicatorWhereNodeStarts(text: string): boolean {
  INDICATOR.lastIndex = 0;
  for (let m = INDICATOR.exec(text); m; m = INDICATOR.exec(text)) {
    const i = m.index;
    if (text.charCodeAt(i) === 0x23) {
      if (i > 0 && BEFORE_BAD_COMMENT.has(text[i - 1]!)) return true;
      continue;
    }
    let j = i - 1;
    while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j--;
    if (j < 0 || NODE_START.has(text[j]!)) return true;
  }
  return false;
}

/** Whether the text may hold something the two libraries could read differently (see above). */
export function notPlain(text: string): boolean {
  return indicatorWhereNodeStarts(text) || NOT_PLAIN_REST.test(text);
}

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
  return plainNode(value, 0, maxNesting);
}

function plainNode(v: object, d: number, maxNesting: number): boolean {
  if (d >= maxNesting) return false;
  if (Array.isArray(v)) {
    for (const child of v as unknown[])
      if (child !== null && typeof child === 'object' && !plainNode(child, d + 1, maxNesting)) return false;
    return true;
  }
  for (const k in v) {
    if (k === 'null' || FORBIDDEN_KEYS.has(k)) return false;
    const child = (v as Record<string, unknown>)[k];
    if (child !== null && typeof child === 'object' && !plainNode(child, d + 1, maxNesting)) return false;
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
  if (notPlain(body) || MARKER_LINE.test(body) || longestLine(text) > MAX_FAST_LINE) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: FAST_SCHEMA, maxDepth: maxNesting + 1 } as LoadOptions);
  } catch {
    return undefined;
  }
  return plainValue(value, maxNesting) ? { value } : undefined;
}
