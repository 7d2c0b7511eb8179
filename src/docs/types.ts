/** Public types of the document builder (re-exported by ./build.ts). */

/** One merged pull request in the change record since the previous release. */
export interface ChangeRecordEntry {
  pullNumber?: number;
  title: string;
  mergeCommit: string;
  mergedAt?: string;
  /** Hazard ids the change impacted. */
  hazards: string[];
  /** CSO approvals that counted (from pull-request reviews); always empty when source is `git`. */
  approvals: { login: string; name?: string; commit: string }[];
  source: 'git' | 'github';
}

export interface ReleaseInfo {
  tag: string;
  commit: string;
  /** ISO date (or date-time) of the release; a fixed input, never "now", so builds reproduce. */
  date: string;
  previousTag?: string;
  previousCommit?: string;
  /** ISO date of the previous release: incidents reported after it are "since the previous release". */
  previousDate?: string;
  documentVersion?: string;
  /** The lifecycle phase (from clinsafe.yml `lifecycle`) this CSCR is issued for. */
  lifecyclePhase?: string;
}

export type SignOff =
  | {
      state: 'approved';
      cso: { github: string; name: string; profession: string; registration: string };
      statement: string;
      signedAt: string;
    }
  | { state: 'rejected'; by: string; reason: string; at: string };

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
