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
