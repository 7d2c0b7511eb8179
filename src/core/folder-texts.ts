/**
 * The first step of loading a safety folder (folder-load.ts): every file of the snapshot as text —
 * size, binary content, encoding and what the adapter could not read, each reported at the file.
 * Pure, like the loader.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Snapshot, SnapshotFile } from './folder-types.js';
import type { CheckedFileStore } from './ports/checked-files.js';
import { PROVENANCE_FILE } from './schema-values.js';
import { decodeText, lazyText, type TextSource } from './text-decode.js';

export const CONFIG_FILE = 'clinsafe.yml';

/** A repository-relative path relative to the folder `dir`, or undefined when it is not inside it. */
export function relativeTo(dir: string, path: string): string | undefined {
  // The folder's prefix, worked out once per folder rather than once per file (a cold run calls this thousands of times).
  if (dir !== prefixFor) {
    prefix = dir === '' || dir === '.' ? '' : `${dir.replace(/\/+$/, '')}/`;
    prefixFor = dir;
  }
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}
let prefixFor: string | undefined;
let prefix = '';

/**
 * Whether a file of the safety folder (path relative to the folder) is one the schema reads; any
 * other file is listed (stray-file warnings) but its content is never needed.
 */
export function isSafetyFile(rel: string): boolean {
  return (
    rel === CONFIG_FILE ||
    rel === PROVENANCE_FILE ||
    /^(hazards|incidents)\/.*\.ya?ml$/i.test(rel) ||
    /^(workshops|templates)\/.*\.md$/i.test(rel)
  );
}

export interface FolderTexts {
  /** The safety files' texts by path (a source decoded on first use where a store knows the bytes). */
  texts: Map<string, string | TextSource>;
  /** The bytes each text was decoded from, where the snapshot has them (a store's key). */
  bytesOf: Map<string, Uint8Array>;
  /** Git blob SHAs by path, where the snapshot knows them. */
  shas: Map<string, string>;
  /** In path order: every file under hazards/ (read or not), the texts under incidents/, those under templates/ and workshops/. */
  hazardPaths: string[];
  incidentPaths: string[];
  documentPaths: string[];
}

/**
 * Every safety file of `snapshot` (folder `dir`) as text, each problem reported through `diagnostics`:
 * what the adapter could not read, and bytes that are not UTF-8 text. A text the adapter decoded
 * (SnapshotFile.text) is taken as it is.
 */
export function folderTexts(snapshot: Snapshot, dir: string, store: CheckedFileStore | undefined, diagnostics: Diagnostic[]): FolderTexts {
  const texts = new Map<string, string | TextSource>();
  const bytesOf = new Map<string, Uint8Array>();
  const shas = new Map<string, string>();
  const hazardPaths: string[] = [];
  const incidentPaths: string[] = [];
  const documentPaths: string[] = [];
  for (const f of snapshot.files) {
    const rel = relativeTo(dir, f.path);
    if (rel?.startsWith('hazards/')) hazardPaths.push(f.path);
    if (f.problem) {
      diagnostics.push({ file: f.path, line: 1, col: 1, severity: 'error', code: f.problem, message: problemMessage(f) });
      continue;
    }
    if (rel === undefined || !isSafetyFile(rel)) continue;
    if (f.text !== undefined) texts.set(f.path, f.text);
    else if (f.bytes) {
      // Bytes the store knows decoded without an error are decoded only if their text is read.
      const decoded = store?.knowsText?.(f.bytes) ? { text: lazyText(f.path, f.bytes) } : decodeText(f.path, f.bytes);
      if ('error' in decoded) {
        diagnostics.push(decoded.error);
        continue;
      }
      texts.set(f.path, decoded.text);
      bytesOf.set(f.path, f.bytes);
    } else continue;
    if (f.sha) shas.set(f.path, f.sha);
    if (rel.startsWith('incidents/')) incidentPaths.push(f.path);
    else if (rel.startsWith('templates/') || rel.startsWith('workshops/')) documentPaths.push(f.path);
  }
  return {
    texts,
    bytesOf,
    shas,
    hazardPaths: hazardPaths.sort(),
    incidentPaths: incidentPaths.sort(),
    documentPaths: documentPaths.sort(),
  };
}

function problemMessage(f: SnapshotFile): string {
  switch (f.problem) {
    case 'too-large':
      return `file is too large to be a safety file${f.detail ? ` (${f.detail})` : ''}; split it or remove embedded data`;
    case 'symlink-outside':
      return `is a symbolic link to ${f.detail ?? 'a location'} outside the repository; safety files must be real files in the repository`;
    case 'not-a-file':
      return 'is not a regular file; safety files must be plain text files';
    default:
      return `could not be read${f.detail ? `: ${f.detail}` : ''}`;
  }
}
