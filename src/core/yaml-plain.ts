/**
 * The fastest read of a YAML file: a small reader for the plain subset clinsafe's own files are
 * written in — block mappings with plain keys, block sequences, plain, single- and double-quoted
 * scalars on one line, `|`/`>` block scalars, one-line flow collections of those, comments. It
 * returns exactly the value `yaml`'s full parse gives, or `undefined` (decline) for anything else,
 * however valid: the libraries stay the authority (yaml-fast.ts's js-yaml path, then the full parse
 * with every diagnostic's line:col). It declines on anything that could read two ways — anchors,
 * aliases, tags, flow collections over several lines or with keys that are not plain words,
 * multi-line plain or quoted scalars, explicit or odd keys, duplicate
 * keys, directives and document markers, tabs, CR, BOM, Unicode line breaks, control characters,
 * surrogates — so a file cannot mean one thing here and another to `yaml` (DESIGN.md §4).
 * test/yaml-plain.test.ts compares it with the full parse on every fixture, the hostile inputs and
 * many thousands of seeded random and mutated files.
 */

import { indexFrom, internedKey, isKeyChar, isKeyStart, keyEnd, KEY_WORD, knownKey, MAX_KEY, NOT_KEYS } from './yaml-plain-keys.js';
import { commentFrom, ESCAPES, FLOW_ITEM, PLAIN_START, plainScalar } from './yaml-plain-scalars.js';

export { CORE_PATTERNS } from './yaml-plain-scalars.js';

/** Characters this reader never reads (any of them: decline): see the module comment. */
const NEVER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/g;
/** A run of line breaks and printable ASCII, none of them NEVER: matched as one native loop, ~25% faster than NEVER's search. */
const PRINTABLE_ASCII = /[\n\x20-\x7e]*/y;

/** Whether `text` has a character NEVER names: searched only from the first that is not printable ASCII or a line break. */
function hasNever(text: string): boolean {
  PRINTABLE_ASCII.lastIndex = 0;
  PRINTABLE_ASCII.test(text); // always matches (maybe nothing)
  if (PRINTABLE_ASCII.lastIndex === text.length) return false;
  NEVER.lastIndex = PRINTABLE_ASCII.lastIndex;
  return NEVER.test(text);
}
/** Decline: returned by the readers below (values are never `undefined`). */
const NO = undefined;
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const SP = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const DASH = 0x2d;

class Reader {
  /** Start of the current line. */
  s = 0;
  /**
   * Offsets of the next ` #` and the next `:` at or after the last plain scalar or key read (the
   * text's length when there is none): lines are read in order, so each search goes on from the last
   * one and a file is scanned once for each, not once per line. (Each is the first at or after some
   * offset not beyond where reading is: when it is at or after an offset being read, it is the first
   * there too.)
   */
  hashAt = -1;
  colonAt = -1;
  /** The offset just after the value `flow` or `quoted` last returned (no [value, end] pair per value). */
  after = 0;
  /**
   * The items of the sequences being read, innermost last: each sequence is copied out at its end,
   * so its array has just its items' room (an array pushed to grows room for 17: the parsed tree
   * lives to the end of a run, and every byte of it is copied by the young-generation collector).
   */
  vals: unknown[] = VALS;
  nVals = 0;
  constructor(
    readonly t: string,
    readonly maxDepth: number,
  ) {}

  lineEnd(from: number): number {
    const e = this.t.indexOf('\n', from);
    return e < 0 ? this.t.length : e;
  }

  /** Skip blank and comment lines; the indentation of the next line with content, or -1 at the end. */
  next(): number {
    const t = this.t;
    while (this.s < t.length) {
      let i = this.s;
      while (t.charCodeAt(i) === SP) i++;
      if (i >= t.length) break;
      const c = t.charCodeAt(i);
      if (c === NL) this.s = i + 1;
      else if (c === HASH) this.s = this.lineEnd(i) + 1;
      else return i - this.s;
    }
    this.s = t.length;
    return -1;
  }

  /** Whether the rest of a line from `i` is blanks and at most a comment after a blank. */
  restIsEmpty(i: number, e: number): boolean {
    const t = this.t;
    const from = i;
    while (i < e && t.charCodeAt(i) === SP) i++;
    return i === e || (t.charCodeAt(i) === HASH && i > from);
  }

  /** A block mapping whose keys stand at column `indent`; the first key may be at `first` (after `- `). */
  mapping(indent: number, depth: number, first = -1): unknown {
    if (depth >= this.maxDepth) return NO;
    const t = this.t;
    // Read on every call, so optimised code never meets an unread `t.length` (a front matter's last line has no break).
    const len = t.length;
    const out: Record<string, unknown> = {};
    for (;;) {
      let k: number;
      if (first >= 0) {
        k = first;
        first = -1;
      } else {
        const ind = this.next();
        if (ind < indent) return out;
        if (ind > indent) return NO;
        k = this.s + ind;
      }
      // (Small steps written out here, not called: a cold run is mostly interpreted or baseline code, where a call costs.)
      let e = t.indexOf('\n', k);
      if (e < 0) e = len;
      // A key read before, found at the line's first `:` (no regular expression run); else scanned. The
      // search is usually the one the previous line's plain value made already (colonAt).
      if (this.colonAt < k) this.colonAt = indexFrom(t, ':', k);
      let j = this.colonAt;
      let key = j > k && j < e && j - k <= MAX_KEY ? knownKey(t, k, j) : NO;
      if (key === NO) {
        KEY_WORD.lastIndex = k;
        if (!KEY_WORD.test(t)) return NO;
        j = KEY_WORD.lastIndex;
        if (t.charCodeAt(j) !== 0x3a || j - k > MAX_KEY) return NO;
        key = internedKey(t, k, j);
        if (key === NO) return NO;
      }
      // A duplicate, or a key the object inherits (toString…: declined, never a safety file's field).
      if (out[key] !== undefined) return NO;
      j++;
      let q = j;
      while (t.charCodeAt(q) === SP) q++;
      if (q === j && j < e) return NO; // `key:x`
      let v: unknown;
      // Nothing after the key but blanks and perhaps a comment (after a blank: q > j here): a nested node follows.
      if (q === e || t.charCodeAt(q) === HASH) {
        this.s = e + 1;
        v = this.nested(indent, depth, true);
      } else v = this.inline(q, e, indent, depth);
      if (v === NO) return NO;
      out[key] = v;
    }
  }

  /** A block sequence whose `-` stand at column `indent`. */
  sequence(indent: number, depth: number): unknown {
    if (depth >= this.maxDepth) return NO;
    const t = this.t;
    const from = this.nVals;
    for (;;) {
      const ind = this.next();
      if (ind < indent) return this.take(from);
      if (ind > indent) return NO;
      const d = this.s + ind;
      const e = this.lineEnd(d);
      // Not an entry: the sequence ends here (a mapping at the same column goes on, anything else is refused by the caller).
      if (t.charCodeAt(d) !== DASH || (d + 1 < e && t.charCodeAt(d + 1) !== SP)) return this.take(from);
      let v: unknown;
      if (this.restIsEmpty(d + 1, e)) {
        this.s = e + 1;
        v = this.nested(indent, depth, false);
      } else {
        let q = d + 1;
        while (t.charCodeAt(q) === SP) q++;
        if (this.startsKey(q, e)) v = this.mapping(q - this.s, depth + 1, q);
        else v = this.inline(q, e, indent, depth);
      }
      if (v === NO) return NO;
      this.vals[this.nVals++] = v;
    }
  }

  /** The items from `from` up, as a new array of their size; they leave the stack. */
  take(from: number): unknown[] {
    const out = this.vals.slice(from, this.nVals);
    this.nVals = from;
    return out;
  }

  /** Whether the text at `q` is `key:` followed by a blank or the line's end. */
  startsKey(q: number, e: number): boolean {
    const t = this.t;
    // A key read before, at the first `:` (see mapping), needs no scan.
    if (this.colonAt < q) this.colonAt = indexFrom(t, ':', q);
    const c = this.colonAt;
    if (c > q && c < e && c - q <= MAX_KEY && knownKey(t, q, c) !== NO) return c + 1 === e || t.charCodeAt(c + 1) === SP;
    const j = keyEnd(t, q);
    return j >= 0 && t.charCodeAt(j) === 0x3a && (j + 1 === e || t.charCodeAt(j + 1) === SP);
  }

  /** The node on the lines after `key:` or `-` alone; null if there is none. */
  nested(parent: number, depth: number, inMapping: boolean): unknown {
    const ind = this.next();
    if (ind < 0 || ind < parent) return null;
    const p = this.s + ind;
    const t = this.t;
    const entry = t.charCodeAt(p) === DASH && (p + 1 === t.length || t.charCodeAt(p + 1) === SP || t.charCodeAt(p + 1) === NL);
    if (ind === parent) return inMapping && entry ? this.sequence(ind, depth + 1) : null;
    return entry ? this.sequence(ind, depth + 1) : this.mapping(ind, depth + 1);
  }

  /** A value written after `key: ` or `- ` at `q` on the line ending at `e`; `indent` is its collection's column. */
  inline(q: number, e: number, indent: number, depth: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(q);
    let v: unknown;
    let end: number;
    if (c === 0x22 || c === 0x27 || c === 0x5b || c === 0x7b) {
      v = c === 0x22 || c === 0x27 ? this.quoted(q, e) : this.flow(q, e, depth + 1);
      if (v === NO) return NO;
      end = this.after;
    } else if (c === 0x7c || c === 0x3e) {
      return this.block(q, e, indent, c === 0x3e);
    } else {
      if (!PLAIN_START.test(t[q]!) && !(c === DASH && q + 1 < e && t.charCodeAt(q + 1) !== SP)) return NO;
      // The rest of the line, searched natively: a comment starts at ` #`; `: ` or a final `:` would make a mapping.
      // (Offsets in the text, no slice per line: the next ` #` is remembered, as lines are read in order.)
      if (this.hashAt < q) this.hashAt = commentFrom(t, q);
      const stop = this.hashAt < e ? this.hashAt : e;
      if (this.colonAt < q) this.colonAt = indexFrom(t, ':', q);
      for (; this.colonAt < stop; this.colonAt = indexFrom(t, ':', this.colonAt + 1))
        if (this.colonAt + 1 === stop || t.charCodeAt(this.colonAt + 1) === SP) return NO;
      let to = stop;
      while (t.charCodeAt(to - 1) === SP) to--;
      v = plainScalar(t.slice(q, to));
      if (v === NO) return NO;
      // Only blanks, then the line's end or a comment, follow `to` (stop is one of those): no rest to check.
      this.s = e + 1;
      return v;
    }
    if (!this.restIsEmpty(end, e)) return NO;
    this.s = e + 1;
    return v;
  }

  /** A flow collection (`[…]`, `{…}` with plain keys) that closes on its line (`after` set past it), or NO. */
  flow(q: number, e: number, depth: number): unknown {
    if (depth >= this.maxDepth) return undefined;
    const t = this.t;
    const map = t.charCodeAt(q) === 0x7b;
    const close = map ? 0x7d : 0x5d;
    // Only the collection this is (a cold run reads thousands of `causes: [C1, C2]`).
    const from = this.nVals;
    const fields: Record<string, unknown> | undefined = map ? {} : undefined;
    let i = q + 1;
    while (t.charCodeAt(i) === SP) i++;
    if (t.charCodeAt(i) === close) {
      this.after = i + 1;
      return map ? fields : [];
    }
    for (;;) {
      while (t.charCodeAt(i) === SP) i++;
      let key = '';
      if (map) {
        const k = i;
        if (!isKeyStart(t.charCodeAt(k))) return undefined;
        while (i < e && isKeyChar(t.charCodeAt(i))) i++;
        key = t.slice(k, i);
        if (t.charCodeAt(i) !== 0x3a || t.charCodeAt(i + 1) !== SP || i - k > MAX_KEY || NOT_KEYS.has(key) || hasOwn(fields!, key))
          return undefined;
        i += 2;
        while (t.charCodeAt(i) === SP) i++;
      }
      const ch = t.charCodeAt(i);
      let item: unknown;
      if (ch === 0x22 || ch === 0x27 || ch === 0x5b || ch === 0x7b) {
        item = ch === 0x22 || ch === 0x27 ? this.quoted(i, e) : this.flow(i, e, depth + 1);
        if (item === NO) return NO;
        i = this.after;
      } else {
        const from = i;
        FLOW_ITEM.lastIndex = i;
        FLOW_ITEM.test(t); // always matches (maybe nothing): stops before a stop character or the line's end
        i = FLOW_ITEM.lastIndex;
        let to = i;
        while (to > from && t.charCodeAt(to - 1) === SP) to--;
        if (to === from || !PLAIN_START.test(t[from]!)) return undefined;
        item = plainScalar(t.slice(from, to));
        if (item === NO) return undefined;
      }
      if (map) fields![key] = item;
      else this.vals[this.nVals++] = item;
      while (t.charCodeAt(i) === SP) i++;
      const sep = t.charCodeAt(i++);
      if (sep === close) {
        this.after = i;
        return map ? fields : this.take(from);
      }
      if (sep !== 0x2c) return undefined;
    }
  }

  /** A quoted scalar that closes on its line (`after` set past the closing quote), or undefined. */
  quoted(q: number, e: number): string | undefined {
    const t = this.t;
    const quote = t.charCodeAt(q);
    let out = '';
    let from = q + 1;
    for (let i = from; i < e; i++) {
      const ch = t.charCodeAt(i);
      if (ch === quote) {
        if (quote === 0x27 && t.charCodeAt(i + 1) === 0x27) {
          out += t.slice(from, i + 1);
          from = ++i + 1;
          continue;
        }
        this.after = i + 1;
        return out + t.slice(from, i);
      }
      if (ch === 0x5c && quote === 0x22) {
        const x = t[i + 1];
        const simple = x === undefined ? undefined : ESCAPES[x];
        if (simple !== undefined) {
          out += t.slice(from, i) + simple;
          from = ++i + 1;
        } else if (x === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
          const code = parseInt(t.slice(i + 2, i + 6), 16);
          if ((code >= 0xd800 && code <= 0xdfff) || code < 0x20 || (code >= 0x7f && code <= 0x9f)) return undefined;
          out += t.slice(from, i) + String.fromCharCode(code);
          i += 5;
          from = i + 1;
        } else return undefined;
      }
    }
    return undefined;
  }

  /** A `|` or `>` block scalar whose header is at `q`; content lines follow, indented beyond `parent`. */
  block(q: number, e: number, parent: number, folded: boolean): unknown {
    const t = this.t;
    let i = q + 1;
    const strip = t.charCodeAt(i) === DASH;
    if (strip) i++;
    if (i < e && t.charCodeAt(i) !== SP) return NO; // `+`, an indentation indicator, or anything else
    if (!this.restIsEmpty(i, e)) return NO;
    let s = e + 1;
    let m = 0;
    while (t.charCodeAt(s + m) === SP) m++;
    // No leading blank lines, content indented beyond the parent (else an empty scalar): left to the libraries.
    if (m <= parent || s + m >= t.length || t.charCodeAt(s + m) === NL) return NO;
    const lines: string[] = [];
    for (;;) {
      if (s >= t.length) break;
      const le = this.lineEnd(s);
      let k = 0;
      while (k < m && t.charCodeAt(s + k) === SP) k++;
      if (k < m && s + k < le) break; // less indented content: the scalar has ended
      if (le === t.length) return NO; // the last line has no line break
      const text = t.slice(s + k, le);
      // Folded: more indented lines (and blank lines with extra blanks) are kept apart: left to the libraries.
      // Literal: they are content as they stand, blanks included (never chomped as empty lines).
      if (folded && text.charCodeAt(0) === SP) return NO;

      lines.push(text);
      s = le + 1;
    }
    let n = lines.length;
    while (n > 0 && lines[n - 1] === '') n--;
    let out = '';
    if (!folded) out = lines.slice(0, n).join('\n');
    else
      for (let j = 0, empties = -1; j < n; j++) {
        const line = lines[j]!;
        if (line === '') empties++;
        else {
          out += j === 0 ? line : (empties > 0 ? '\n'.repeat(empties) : ' ') + line;
          empties = 0;
        }
      }
    this.s = s;
    return strip ? out : `${out}\n`;
  }
}

/** The readers' stack of sequence items (see Reader.vals): one for all, as reading is synchronous. */
const VALS: unknown[] = [];

/** One `---` line may open the file. */
const DOCUMENT_START = /^--- *\n/;

/** The value of a file in the plain subset (a mapping at the top), or undefined: read it with the libraries. */
export function readPlainYaml(text: string, maxNesting: number): { value: unknown } | undefined {
  if (hasNever(text)) return undefined;
  const r = new Reader(text, maxNesting);
  const start = DOCUMENT_START.exec(text);
  if (start) r.s = start[0].length;
  if (r.next() !== 0) return undefined;
  const value = r.mapping(0, 0);
  if (value === NO || r.next() >= 0) return undefined;
  return { value };
}
