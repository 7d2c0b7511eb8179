/** Public types of the document builder (re-exported by ./build.ts). */

export type { ChangeRecordEntry, ReleaseInfo, SignOff } from '../core/release.js';

export type Format = 'md' | 'html' | 'pdf' | 'csv' | 'xlsx';
export const FORMATS: readonly Format[] = ['md', 'html', 'pdf', 'csv', 'xlsx'];

export interface Artefact {
  name: string;
  mediaType: string;
  bytes: Buffer;
  sha256: string;
}

/** An artefact `writeDocuments` wrote out: what the manifest says of it (its bytes are in the file). */
export interface WrittenArtefact {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/** One file being written: chunks in order, then close. A chunk is valid only during the call. */
export interface ArtefactFile {
  write(chunk: Uint8Array): void;
  close(): void;
}

/** Where `writeDocuments` puts each artefact as it is made (the CLI: files in the output folder). */
export interface ArtefactFiles {
  open(name: string): ArtefactFile;
}

/** A template problem, with the position in the template a person can open. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
  }
}

/** A sign-off the documents refuse to record (e.g. by someone not on the CSO roster). */
export class SignOffError extends Error {}
