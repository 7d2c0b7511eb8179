/**
 * What the per-hazard steps share: the options, the findings collector, the value readers and
 * the manufacturer's names (ImportContext); and one hazard being built from its rows (HazardBuild).
 */
import type { ColumnKey } from '../../core/nhs-layout.js';
import type { ImportedControl, ImportedHazard, ImportOptions } from '../types.js';
import type { Findings } from './findings.js';
import type { NumberedRow } from './numbering.js';
import type { ValueReader } from './values.js';

export interface ImportContext {
  opts: ImportOptions;
  findings: Findings;
  values: ValueReader;
  /** The workbook's name, for notes written into hazards. */
  source: string;
  /** Folded owner names that mean the manufacturer (always including `manufacturer`). */
  manufacturerNames: string[];
  /** Folded owner name → its first spelling in the sheet, across all hazards. */
  ownerSpelling: Map<string, string>;
}

/** A hazard as it is built from its rows, with the bookkeeping its causes and controls need. */
export class HazardBuild {
  readonly hazard: ImportedHazard;
  readonly rows: NumberedRow[] = [];
  /** Cause key (`id:C0101`, `n:0101:0`, `t:<text>`) → cause id. */
  readonly causeKeys = new Map<string, string>();
  /** Cause number → the folded texts written under it, in order. */
  readonly causeNumbers = new Map<string, string[]>();
  readonly controlIds = new Set<string>();
  /** `n:<number>:<folded text>` → the control, to merge repeated rows. */
  readonly controlByKey = new Map<string, ImportedControl>();
  unnumberedCauses = 0;
  unnumberedControls = 0;
  /** Notes for the CSO, written into the hazard's comments. */
  readonly notes: string[] = [];

  constructor(id: string) {
    this.hazard = {
      id,
      title: '',
      description: '',
      clinicalImpact: '',
      causes: [],
      existingControls: [],
      initial: { severity: '', likelihood: '' },
      controls: [],
      residual: { severity: '', likelihood: '' },
      status: 'open',
      operationalConstraints: [],
      actions: [],
      assumptions: [],
      draft: false,
      triggers: { paths: [], labels: [] },
    };
  }

  /** The first row's value that `pick` gives, with that row. */
  first<T>(pick: (p: NumberedRow) => T | undefined): [T, NumberedRow] | undefined {
    for (const p of this.rows) {
      const v = pick(p);
      if (v !== undefined) return [v, p];
    }
    return undefined;
  }

  /** The cell of column k on the hazard's first row. */
  firstRef(k: ColumnKey): string {
    return this.rows[0]!.record.ref(k);
  }
}

/** The rows grouped by hazard, in order of first appearance. */
export function groupByHazard(rows: readonly NumberedRow[]): HazardBuild[] {
  const builds = new Map<string, HazardBuild>();
  for (const p of rows) {
    let b = builds.get(p.hazardId);
    if (!b) {
      b = new HazardBuild(p.hazardId);
      builds.set(p.hazardId, b);
    }
    b.rows.push(p);
  }
  return [...builds.values()];
}
