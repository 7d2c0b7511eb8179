/** The importer's vocabulary: what it is given, what it finds, and what it returns. Pure types. */
import type { ColumnKey } from '../core/nhs-layout.js';
import type { WorkbookProvenance } from '../core/provenance.js';
import type { RiskScheme } from '../core/risk.js';
import type { HAZARD_STATUSES } from '../core/schema.js';

export type FindingKind = 'normalised' | 'ambiguity' | 'risk-disagreement' | 'unplaced';

/** One thing the import had to do or could not decide, with every cell it applies to. */
export interface Finding {
  kind: FindingKind;
  /** Stable code, e.g. `trimmed`, `case-folded`, `cause-number-padded`, `num-mis-keyed`. */
  code: string;
  message: string;
  /** Cell references such as `'Hazard Log'!G12`. */
  cells: string[];
}

export interface ImportedCause {
  id: string;
  description: string;
}

export type ImportedControlType = 'design' | 'test' | 'training' | 'business-process';
export type ImportedControlStatus = 'planned' | 'implemented' | 'verified';

export interface ImportedControl {
  id: string;
  description: string;
  type: ImportedControlType;
  owner: string;
  status: ImportedControlStatus;
  causes: string[];
  evidence: string[];
  /** Test links (issue 15), read back from the Developer sheet of clinsafe's own export. */
  tests?: (string | { file?: string; name?: string; tag?: string })[];
  introducedIn?: string;
}

export interface ImportedAction {
  summary: string;
  owner: string;
  status: 'open' | 'done';
  due?: string;
  control?: string;
}

export type ImportedHazardStatus = (typeof HAZARD_STATUSES)[number];

/** A hazard in the safety-folder format, keys in the order they are written. */
export interface ImportedHazard {
  id: string;
  title: string;
  description: string;
  clinicalImpact: string;
  causes: ImportedCause[];
  existingControls: string[];
  initial: { severity: string; likelihood: string };
  controls: ImportedControl[];
  residual: { severity: string; likelihood: string };
  status: ImportedHazardStatus;
  transferredTo?: string;
  retiredReason?: string;
  justification?: string;
  deliveredResidual?: { severity: string; likelihood: string };
  severityReductionReason?: string;
  acceptedPlannedResidual?: { by: string; on: string; reason: string };
  operationalConstraints: string[];
  actions: ImportedAction[];
  owner?: string;
  assumptions: string[];
  comments?: string;
  introducedIn?: string;
  draft: boolean;
  triggers: { paths: string[]; labels: string[] };
}

export interface Counts {
  hazards: number;
  causes: number;
  controls: number;
}

/** The risk matrix the workbook itself prints (e.g. its "Risk Matrix" sheet), compared with the declared scheme. */
export interface WorkbookMatrix {
  sheet: string;
  /** e.g. `C2:H7`. */
  range: string;
  /** Cells compared (likelihood × severity pairs found). */
  compared: number;
  agrees: boolean;
}

export interface ImportResult {
  sheet: string;
  headerRow: number;
  /** Column key → column letter, as found. */
  columns: Partial<Record<ColumnKey, string>>;
  manufacturer: string;
  hazards: ImportedHazard[];
  read: Counts & { rows: number; blankRows: number };
  written: Counts;
  findings: Finding[];
  /** True when something could not be placed (the CLI exits 1). */
  incomplete: boolean;
  /** The workbook's own printed risk matrix, when one was found. */
  workbookMatrix?: WorkbookMatrix;
  /** The workbook's cover page and version history, when it has them. */
  provenance?: WorkbookProvenance;
}

/** Value kinds a `--map` file can give extra spellings for. */
export type MappedValueKind = 'severity' | 'likelihood' | 'controlType' | 'actionStatus';

export interface ImportOptions {
  scheme: RiskScheme;
  /** Sheet name (case and surrounding spaces ignored). */
  sheet?: string;
  /** Header text → column key (or `ignore`), from `--map`. */
  columns?: Record<string, ColumnKey | 'ignore'>;
  /** Extra value spellings, from `--map`: e.g. severity: { Moderate: Considerable }. */
  values?: Partial<Record<MappedValueKind, Record<string, string>>>;
  /** Control owners that mean the manufacturer (e.g. from clinsafe.yml product.manufacturer). */
  manufacturer?: string[];
  /**
   * Repository-relative path of the kept copy of the workbook. A manufacturer control whose
   * action the sheet records as closed becomes `implemented`, citing the exact cell as evidence.
   */
  evidenceSource?: string;
  /** Name of the workbook, for notes written into hazards. */
  sourceName?: string;
}

/** The workbook cannot be imported at all (no header row, formulas, no rows): a plain message. */
export class ImportError extends Error {}
