/**
 * The plain YAML reader's keys (yaml-plain.ts): what a key may be, and finding one in the text
 * without a slice per line. Split from yaml-plain.ts only for size; test/yaml-plain.test.ts covers both.
 */
const DASH = 0x2d;
/** A key: a plain word that is text in every schema (the first character a letter or `_`, then also digits and `-`). */
export const isKeyStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
export const isKeyChar = (c: number): boolean => isKeyStart(c) || (c >= 0x30 && c <= 0x39) || c === DASH;
export const MAX_KEY = 128;
/** Words that are not text keys, and keys that would reach object prototypes (lengths 4, 5, 9 and 11: checked below). */
export const NOT_KEYS = new Set([
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  '__proto__',
  'constructor',
  'prototype',
]);
/** A key's characters (isKeyStart, then isKeyChar), matched natively: a cold run spends less time in the interpreter. */
export const KEY_WORD = /[A-Za-z_][A-Za-z0-9_-]*/y;
/** The offset just after the key word at `k` (never past its line: a line break is no key character), or -1 if none starts there. */
export function keyEnd(t: string, k: number): number {
  KEY_WORD.lastIndex = k;
  return KEY_WORD.test(t) ? KEY_WORD.lastIndex : -1;
}

/** Where `what` next occurs in `t` from `from`, or `t`'s length. */
export function indexFrom(t: string, what: string, from: number): number {
  const i = t.indexOf(what, from);
  return i < 0 ? t.length : i;
}

/**
 * Keys read before, by length and first character: a key is looked up in the text without a slice,
 * and the string found is one V8 has already internalised (a fresh slice costs a string-table
 * lookup on every property access). Only keys that passed the checks below are kept, at most
 * KEYS_PER_SLOT per slot and MAX_KEPT in all, so hostile files cannot grow it without bound.
 */
const keyCache = new Map<number, string[]>();
const KEYS_PER_SLOT = 8;
/** Keys kept in all (a process that reads many hostile files, the App, keeps at most this many). */
const MAX_KEPT = 2048;
let kept = 0;

/**
 * A key read before that is written at [k, j), or undefined. What it finds has passed internedKey's
 * checks, so the text there is a key word (no scan of it needed: a key word has no `:`, so the first
 * `:` after `k` ends it).
 */
export function knownKey(t: string, k: number, j: number): string | undefined {
  const known = keyCache.get(((j - k) << 8) | t.charCodeAt(k));
  if (known) for (let i = 0; i < known.length; i++) if (t.startsWith(known[i]!, k)) return known[i];
  return undefined;
}

/** The key written at [k, j) (a plain word already scanned), or undefined for a word that may not be a key. */
export function internedKey(t: string, k: number, j: number): string | undefined {
  const n = j - k;
  const slot = (n << 8) | t.charCodeAt(k);
  const known = keyCache.get(slot);
  if (known) for (let i = 0; i < known.length; i++) if (t.startsWith(known[i]!, k)) return known[i];
  const key = t.slice(k, j);
  // Words that are not text, and keys that would reach object prototypes (the caller's duplicate
  // check also declines keys an object inherits, toString…: never a safety file's field).
  if ((n <= 5 || n === 9 || n === 11) && NOT_KEYS.has(key)) return undefined;
  const internal = Object.keys({ [key]: 0 })[0]!;
  if (kept >= MAX_KEPT || (known && known.length >= KEYS_PER_SLOT)) return internal;
  kept++;
  if (!known) keyCache.set(slot, [internal]);
  else known.push(internal);
  return internal;
}
