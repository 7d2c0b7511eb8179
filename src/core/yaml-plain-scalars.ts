/**
 * The plain YAML reader's scalars (yaml-plain.ts): what a plain word resolves to in `yaml`'s core
 * schema, and the patterns that find where a plain scalar or flow item ends. Split from
 * yaml-plain.ts only for size; test/yaml-plain.test.ts covers both.
 */
const SP = 0x20;
const DASH = 0x2d;

/** `yaml`'s YAML 1.2 core-schema patterns for plain scalars (test/yaml-plain.test.ts checks them against `yaml`'s own). */
export const CORE_PATTERNS = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** Any of CORE_PATTERNS (each anchored at both ends), in one test: a date or version number is tried once, not eight times. */
const CORE_ANY = new RegExp(CORE_PATTERNS.map((re) => `(?:${re.source})`).join('|'));
const SMALL_INT = /^(?:0|[1-9][0-9]{0,14})$/;
const WORDS = new Map<string, null | boolean>([
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** The value of a plain scalar as `yaml`'s core schema resolves it, or undefined where that is not text, a plain word or a small integer (the reader declines). */
export function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only `~`, digits, signs and `.` can start a core value other than the words (letters, no
  // regular expression for the common case: text); long text is never a word (not hashed).
  if (c !== 0x7e && c !== 0x2b && c !== DASH && c !== 0x2e && !(c >= 0x30 && c <= 0x39)) {
    const w = s.length <= 5 ? WORDS.get(s) : undefined;
    return w !== undefined ? w : s;
  }
  if (c === 0x7e && s.length === 1) return null;
  if (SMALL_INT.test(s)) return Number(s);
  return CORE_ANY.test(s) ? undefined : s;
}

/**
 * Where the next ` #` is at or after `from`, or the text's length: `#` is searched for (rare in
 * these files) rather than ` #` (a two-character search stops at every blank).
 */
export function commentFrom(t: string, from: number): number {
  for (let i = t.indexOf('#', from + 1); i >= 0; i = t.indexOf('#', i + 1)) if (t.charCodeAt(i - 1) === SP) return i - 1;
  return t.length;
}

export const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };
/** What may start a plain scalar here: not an indicator, quote, blank or bracket. */
export const PLAIN_START = /[^-?:,[\]{}#&*!|>'"%@` ]/;
/**
 * A plain item in a flow collection: up to what ends it — `,`, a bracket or brace — or what such an
 * item may not hold (`:`, `#`: then the caller declines), never past the line's end; matched natively.
 */
export const FLOW_ITEM = /[^,\][{}:#\n]*/y;
