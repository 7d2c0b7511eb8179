/**
 * The checked-file store port: per-file results of reading one safety file — its YAML parse and
 * its schema check — kept by an adapter between runs (`src/adapters/check-cache.ts`, the CLI's
 * parse cache) so that an unchanged file is not parsed and schema-checked again.
 *
 * What it holds is a function of the file's text alone (and of the schema and clinsafe's code, which
 * the key and the store's own digest name): never a decision about the folder. Everything that
 * depends on other files or on the repository — references, duplicate ids, evidence paths, the
 * clinical rules — is worked out on every load from the whole set (`loadFolder`).
 */
import type { Diagnostic } from '../diagnostics.js';

/** Which schema a file is checked against. */
export type CheckedFileKind = 'config' | 'hazard' | 'incident' | 'workshop' | 'provenance';

/** What one result is for: exactly this text, starting at this line of its file, checked against this schema. */
export interface CheckedFileKey {
  kind: CheckedFileKind;
  /** Names the schema's variant (a hazard's schema depends on the risk scheme in force). */
  schema: string;
  lineOffset: number;
  text: string;
  /**
   * The file's bytes, when `text` is all of them decoded (not for front matter): a store may name
   * the content by them (the same bytes always decode to the same text) and skip encoding the text.
   */
  bytes?: Uint8Array;
}

/** One file's parse and schema check. Diagnostics carry the path they were found under; a reader re-stamps it. */
export interface CheckedFile {
  /** Whether the YAML was read (when false, `diagnostics` say why and there is no data). */
  parsed: boolean;
  /** The schema's output, when the file passed it. */
  data?: unknown;
  /** The parsed YAML value, kept only where it is read again (clinsafe.yml: placeholder checks). */
  value?: unknown;
  diagnostics: Diagnostic[];
}

export interface CheckedFileStore {
  /** The stored result for exactly this key, or undefined. Never throws. */
  get(key: CheckedFileKey): CheckedFile | undefined;
  /** Keep a result (the store copies it: later changes to `result` are not seen). Never throws. */
  put(key: CheckedFileKey, result: CheckedFile): void;
  /**
   * Whether a result is stored for a whole file of exactly these bytes (a key with `bytes`): then
   * they were decoded as text by this same code without an error (results are stored only for
   * text), and a load may leave their text undecoded until something reads it. Never throws.
   */
  knowsText?(bytes: Uint8Array): boolean;
}
