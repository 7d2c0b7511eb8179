/**
 * The safety folder as the core sees it: the snapshot an adapter hands in and the loaded, typed
 * folder. Types only (and the default folder's name), in a module of their own so the rules (acceptability, diagnostics) and the
 * loader can share them without importing each other.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Provenance } from './provenance.js';
import type { RiskScheme } from './risk.js';
import type { Config, HazardFile, IncidentFile, WorkshopFile } from './schema.js';

/** Where the safety folder is, relative to the repository root, unless configured (here so light modules can name it without loading the folder loader). */
export const DEFAULT_SAFETY_DIR = 'clinical-safety';

/** One file of the safety folder as an adapter found it. */
export interface SnapshotFile {
  /** Repository-relative POSIX path, e.g. `clinical-safety/hazards/H-001-x.yml`. */
  path: string;
  /** Present when the file could be read (unless `text` is). */
  bytes?: Uint8Array;
  /**
   * The file's text, when the adapter was asked for texts and its decoder's text passed
   * `decodedText` (text-decode.ts): exactly what decoding `bytes` would give; `bytes` is then absent.
   */
  text?: string;
  /** Why the adapter did not read it. */
  problem?: 'too-large' | 'symlink-outside' | 'not-a-file' | 'unreadable';
  detail?: string;
  /** The git blob SHA of `bytes`, when the adapter knows it: parse results are shared by it. */
  sha?: string;
}

export interface Snapshot {
  /** The safety folder, repository-relative (e.g. `clinical-safety`). */
  dir: string;
  files: SnapshotFile[];
  /** Whether a repository-relative path exists in the repository at this snapshot. */
  exists(path: string): boolean;
}

export interface Assessment {
  severity: string;
  likelihood: string;
  risk: number;
}

export type Hazard = Omit<HazardFile, 'initial' | 'residual' | 'deliveredResidual'> & {
  file: string;
  initial: Assessment;
  residual: Assessment;
  /** The residual as delivered in this release, crediting no planned control (when stated). */
  deliveredResidual?: Assessment;
};

export type Incident = IncidentFile & { file: string };
export type Workshop = WorkshopFile & { file: string; body: string };

export interface SafetyFolder {
  dir: string;
  config: Config;
  scheme: RiskScheme;
  hazards: Hazard[];
  incidents: Incident[];
  workshops: Workshop[];
  /** Template overrides: name (e.g. `cscr.md`) → text. */
  templates: Record<string, string>;
  /** provenance.yml: cover page and version history of imported hazard logs. */
  provenance?: Provenance;
}

export interface LoadResult {
  /** Present when clinsafe.yml could be read; hazards that failed their schema are left out. */
  folder?: SafetyFolder;
  diagnostics: Diagnostic[];
  /** True when there is no error (warnings allowed). */
  valid: boolean;
}
