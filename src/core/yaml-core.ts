/**
 * YAML reading with source positions and guards against hostile input.
 * Pure: takes bytes, returns a value plus diagnostics that name file:line:col. The YAML libraries
 * are reached through engines.ts (import yaml.ts, which registers them, rather than this module).
 */
import type { Document, LineCounter, Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { engines, EnginesNotLoaded } from './engines.js';
import { TextWith, type Position, type TextSource } from './text-decode.js';
import { readPlainYaml } from './yaml-plain.js';

export { decodeText, formatBytes, invalidUtf8Offset, MAX_FILE_BYTES, type Position } from './text-decode.js';
/** Aliases allowed while building the value: enough for legitimate anchors, far too few for a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting of lists and mappings clinsafe reads: a hazard file is five or six levels deep. */
export const MAX_NESTING = 64;
/** YAML syntax errors reported per file: the first few say where to look; hundreds say nothing more. */
const MAX_SYNTAX_DIAGNOSTICS = 10;
/** How much of a YAML library message is repeated (it can quote the file). */
const MAX_LIBRARY_MESSAGE = 200;

const TOO_DEEP = `lists and mappings nest more than ${MAX_NESTING} levels deep here; a safety file is a few levels deep — flatten the structure (this looks like generated or hostile content)`;

/**
 * Offset where flow collections (`[`, `{`) first nest deeper than MAX_NESTING, or -1. A cheap scan
 * before parsing: quoted text and comments are skipped; brackets inside plain text may be counted,
 * which can only make the limit stricter for text no real file holds.
 */
export function flowNestingOffset(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === HASH) {
      // A comment: from `#` at the start or after white space to the end of the line.
      if (i === 0 || isWhite(text.charCodeAt(i - 1))) {
        const eol = text.indexOf('\n', i);
        if (eol < 0) break;
        i = eol;
      }
    } else if (c === DQUOTE || c === SQUOTE) {
      if (i === 0 || QUOTE_OPENERS.has(text.charCodeAt(i - 1)) || isWhite(text.charCodeAt(i - 1))) {
        // Quoted text: to the closing quote (a backslash escapes one character inside "…").
        let j = i + 1;
        for (; j < text.length; j++) {
          const q = text.charCodeAt(j);
          if (q === BACKSLASH && c === DQUOTE) j++;
          else if (q === c) break;
        }
        if (j >= text.length) break;
        i = j;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
/** `[`, `{`, `,` and `:` may come right before a quote that opens quoted text. */
const QUOTE_OPENERS = new Set([0x5b, 0x7b, 0x2c, 0x3a]);
/** What JavaScript's `\s` matches (the characters the scan treated as white space before). */
const isWhite = (c: number): boolean =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** Whether the text holds more `[` and `{` than MAX_NESTING (else flow collections cannot nest too deep; counted natively). */
function mayNestTooDeep(text: string): boolean {
  let n = 0;
  for (const open of ['[', '{']) for (let i = text.indexOf(open); i >= 0 && n <= MAX_NESTING; i = text.indexOf(open, i + 1)) n++;
  return n > MAX_NESTING;
}

/** Depth of a parsed value (lists and mappings), stopping as soon as it passes `limit`. */
function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, d + 1]);
  }
  return false;
}

const isStackOverflow = (e: unknown) => e instanceof RangeError || /call stack/i.test(String((e as Error | undefined)?.message ?? e));

export interface ParsedYaml {
  file: string;
  value: unknown;
  /** The document model with source ranges. Read from a fast parse, it is built on first use (only to place a diagnostic). */
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** Lines before the YAML text within the file (front matter starts after `---`). */
  lineOffset: number;
}

/**
 * A file read by the fast path (`fastParse`): the value now, the document model only when a
 * diagnostic needs a position. The full parse of a file the fast path accepted gives the same
 * value and no errors (test/yaml-fast.test.ts); if it ever did not, reading a position fails
 * loudly (an internal error, so a command or the gate fails closed) rather than pointing nowhere.
 */
class LazyParsedYaml implements ParsedYaml {
  constructor(
    readonly file: string,
    private known: { value: unknown } | undefined,
    readonly lineOffset: number,
    private readonly source: { readonly text: string; full?: ParsedYaml },
  ) {}
  private full(): ParsedYaml {
    if (!this.source.full) {
      const { parsed } = parseYamlFull(this.file, this.source.text, this.lineOffset);
      if (!parsed) throw new Error(`${this.file}: the full YAML parse refused a file the fast parse accepted`);
      this.source.full = parsed;
    }
    return this.source.full;
  }
  /** Known from the fast parse; for a file whose checked result came from a store, read on first use. */
  get value(): unknown {
    if (!this.known) {
      const fast = quickParse(this.source.text);
      this.known = fast ?? { value: this.full().value };
    }
    return this.known.value;
  }
  get doc(): Document {
    return this.full().doc;
  }
  get lineCounter(): LineCounter {
    return this.full().lineCounter;
  }
  /** The same file under another path (a cached parse of the same blob), sharing the document model. */
  withFile(file: string): LazyParsedYaml {
    return new LazyParsedYaml(file, this.known, this.lineOffset, this.source);
  }
}

/**
 * A file whose parse is known to succeed (a checked-file store said so for exactly this text):
 * nothing is parsed now; the value and the document model are read from the text on first use.
 * If the text did not parse after all, that use fails loudly (an internal error), never silently.
 * A text not yet decoded (text-decode.ts, lazyText) is decoded only then.
 */
export function parsedFromText(file: string, text: string | TextSource, lineOffset = 0, known?: { value: unknown }): ParsedYaml {
  return new LazyParsedYaml(file, known, lineOffset, typeof text === 'string' ? { text } : new TextWith<ParsedYaml>(text));
}

export type Segment = string | number;

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear only once in a mapping; remove or rename the repeated key',
  BAD_INDENT: 'check the indentation: nested items must be indented consistently with spaces',
  TAB_AS_INDENT: 'YAML indentation must use spaces, not tabs',
  MULTIPLE_DOCS: 'a safety file holds exactly one YAML document; remove the extra `---`',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  BLOCK_AS_IMPLICIT_KEY: 'a key must be on one line and followed by `: `',
  UNEXPECTED_TOKEN: 'check for a stray character or a value that needs quoting',
  BAD_ALIAS: 'an alias (`*name`) must refer to an anchor (`&name`) defined earlier',
};

/**
 * The value without the document model: the plain reader (yaml-plain.ts, no library), else js-yaml's
 * fast path (yaml-fast.ts); undefined when the full parse must read the text.
 */
function quickParse(text: string): { value: unknown } | undefined {
  return readPlainYaml(text, MAX_NESTING) ?? engines().fastParse(text, MAX_NESTING);
}

/** Parse YAML text. On failure the diagnostics explain where and why; `parsed` is absent. */
export function parseYaml(file: string, text: string, lineOffset = 0): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  try {
    return parseYamlUnguarded(file, text, lineOffset);
  } catch (e) {
    if (e instanceof EnginesNotLoaded) throw e;
    // Whatever the YAML library could not take: never its own words ("Maximum call stack size exceeded").
    const deep = isStackOverflow(e);
    return {
      diagnostics: [
        {
          file,
          line: 1 + lineOffset,
          col: 1,
          severity: 'error',
          code: deep ? 'too-deep' : 'yaml-syntax',
          message: deep ? TOO_DEEP : 'the file cannot be read as YAML; check it with a YAML editor and save it as plain UTF-8 text',
        },
      ],
    };
  }
}

function parseYamlUnguarded(file: string, text: string, lineOffset: number): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  if (!mayNestTooDeep(text) || flowNestingOffset(text) < 0) {
    const fast = quickParse(text);
    if (fast) return { parsed: new LazyParsedYaml(file, fast, lineOffset, { text }), diagnostics: [] };
  }
  return parseYamlFull(file, text, lineOffset);
}

/** The full-fidelity parse: `yaml`'s document model, with every problem at its line and column. */
export function parseYamlFull(file: string, text: string, lineOffset: number): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  const { isScalar, LineCounter, parseDocument, visit } = engines().yaml;
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const deepAt = flowNestingOffset(text);
  if (deepAt >= 0) {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < deepAt; i++)
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    return {
      diagnostics: [{ file, line: line + lineOffset, col: deepAt - lineStart + 1, severity: 'error', code: 'too-deep', message: TOO_DEEP }],
    };
  }
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
    strict: true,
    version: '1.2',
    schema: 'core',
  });
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + lineOffset, col: p.col };
  };
  const overflow = doc.errors.find((e) => isStackOverflow(e));
  if (overflow) return { diagnostics: [{ file, ...at(overflow.pos[0]), severity: 'error', code: 'too-deep', message: TOO_DEEP }] };
  for (const e of doc.errors.slice(0, MAX_SYNTAX_DIAGNOSTICS)) {
    const hint = YAML_HINTS[e.code];
    let first = e.message.split('\n')[0] ?? e.message;
    if (first.length > MAX_LIBRARY_MESSAGE) first = `${first.slice(0, MAX_LIBRARY_MESSAGE)}…`;
    diagnostics.push({
      file,
      ...at(e.pos[0]),
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML syntax: ${first}${hint ? ` — ${hint}` : ''}`,
    });
  }
  if (doc.errors.length > MAX_SYNTAX_DIAGNOSTICS) {
    const last = diagnostics[diagnostics.length - 1]!;
    last.message += ` (and ${doc.errors.length - MAX_SYNTAX_DIAGNOSTICS} more YAML errors in this file)`;
  }
  if (diagnostics.length > 0) return { diagnostics };

  // Keys that would reach object prototypes, and keys that are not plain text.
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (isScalar(key)) {
        const k = String(key.value);
        if (FORBIDDEN_KEYS.has(k)) {
          diagnostics.push({
            file,
            ...at(key.range?.[0] ?? 0),
            severity: 'error',
            code: 'forbidden-key',
            message: `key "${k}" is not allowed (it could alter object prototypes); use one of the documented field names`,
          });
        }
      } else if (key !== null) {
        diagnostics.push({
          file,
          ...at((key as Node).range?.[0] ?? 0),
          severity: 'error',
          code: 'complex-key',
          message: 'mapping keys must be plain text, not lists or mappings',
        });
      }
    },
  });
  if (diagnostics.length > 0) return { diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const excessive = err instanceof ReferenceError && /alias/i.test(err.message);
    diagnostics.push({
      file,
      ...at(offset),
      severity: 'error',
      code: excessive ? 'alias-bomb' : isStackOverflow(err) ? 'too-deep' : 'yaml-syntax',
      message: excessive
        ? `too many YAML aliases expand here (limit ${MAX_ALIAS_COUNT}); this looks like an alias bomb — write the values out instead of nesting anchors`
        : isStackOverflow(err)
          ? TOO_DEEP
          : `YAML could not be read: ${String((err as Error).message).slice(0, MAX_LIBRARY_MESSAGE)}`,
    });
    return { diagnostics };
  }
  if (depthOver(value, MAX_NESTING)) {
    diagnostics.push({ file, line: 1 + lineOffset, col: 1, severity: 'error', code: 'too-deep', message: TOO_DEEP });
    return { diagnostics };
  }
  return { parsed: { file, value, doc, lineCounter, lineOffset }, diagnostics };
}

/**
 * Parse results by content identity, shared between the loads of one run: the base and head of a
 * pull request, and the commits of a release's change record, hold mostly the same blobs, so each
 * file version is parsed once. Keys are git blob SHAs (exact content), never paths.
 */
export type ParseCache = Map<string, { parsed?: ParsedYaml; diagnostics: Diagnostic[] }>;

/** `parseYaml`, reusing the result for content already parsed under `key` (the file name is re-stamped). */
export function parseYamlCached(
  cache: ParseCache | undefined,
  key: string | undefined,
  file: string,
  text: string,
  lineOffset = 0,
): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  if (!cache || key === undefined) return parseYaml(file, text, lineOffset);
  const cacheKey = `${key}:${lineOffset}`;
  let hit = cache.get(cacheKey);
  if (!hit) {
    hit = parseYaml(file, text, lineOffset);
    cache.set(cacheKey, hit);
  }
  if (hit.parsed?.file === file || (!hit.parsed && hit.diagnostics.every((d) => d.file === file))) return hit;
  const parsed = hit.parsed instanceof LazyParsedYaml ? hit.parsed.withFile(file) : hit.parsed && { ...hit.parsed, file };
  return {
    ...(parsed ? { parsed } : {}),
    diagnostics: hit.diagnostics.map((d) => ({ ...d, file })),
  };
}

/** Split Markdown front matter (`---\n…\n---`) from its body. */
export function splitFrontMatter(text: string): { yaml: string; body: string; lineOffset: number } | undefined {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  return { yaml: m[1]!, body: text.slice(m[0].length), lineOffset: 1 };
}

/**
 * Find the YAML node at a path. Returns the deepest node reached, whether the path was
 * resolved fully, and the key node of the last mapping entry reached (for "unknown key" errors).
 */
export function nodeAt(parsed: ParsedYaml, path: readonly Segment[]): { node: Node | null; keyNode: Node | null; complete: boolean } {
  const { isMap, isPair, isScalar, isSeq } = engines().yaml;
  let node: Node | null = (parsed.doc.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (node && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node, keyNode, complete: false };
      keyNode = (pair.key as Node) ?? null;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (node && isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { node, keyNode, complete: false };
      keyNode = null;
      node = item;
    } else {
      return { node, keyNode, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

/** Position of a path: the value, or with `key`, the key that introduces it. Falls back to the nearest parent. */
export function positionOf(parsed: ParsedYaml, path: readonly Segment[], prefer: 'value' | 'key' = 'value'): Position {
  const { node, keyNode } = nodeAt(parsed, path);
  const target = prefer === 'key' && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  const p = parsed.lineCounter.linePos(offset);
  return { line: p.line + parsed.lineOffset, col: p.col };
}
