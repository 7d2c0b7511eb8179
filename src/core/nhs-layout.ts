/**
 * The NHS hazard-log spreadsheet layout (the NHS Digital template, as in the published CDS API
 * hazard log): one row per control, hazard text on the hazard's first row, causes and controls
 * numbered inside their cell text (`0101 Messaging failure`, `010102 Deploying organisations …`).
 *
 * The first 18 columns are the template's. clinsafe appends its own columns after them so that an
 * exported log can be imported back without loss; an NHS tool that only knows the template simply
 * sees extra columns at the right. Pure: no I/O.
 */

export type ColumnKey =
  | 'hazardId'
  | 'hazardName'
  | 'description'
  | 'clinicalImpact'
  | 'existingControls'
  | 'cause'
  | 'initialSeverity'
  | 'initialLikelihood'
  | 'initialRisk'
  | 'control'
  | 'controlType'
  | 'controlOwner'
  | 'action'
  | 'actionStatus'
  | 'residualSeverity'
  | 'residualLikelihood'
  | 'residualRisk'
  | 'release'
  // clinsafe columns (after the template's)
  | 'hazardStatus'
  | 'transferredTo'
  | 'retiredReason'
  | 'justification'
  | 'operationalConstraints'
  | 'hazardOwner'
  | 'assumptions'
  | 'comments'
  | 'hazardReleased'
  | 'draft'
  | 'triggerPaths'
  | 'triggerLabels'
  | 'causeIds'
  | 'controlId'
  | 'controlStatus'
  | 'evidence'
  | 'actionOwner'
  | 'actionDue'
  | 'deliveredSeverity'
  | 'deliveredLikelihood'
  | 'residualBasis'
  | 'severityReductionReason'
  | 'plannedResidualAcceptance'
  | 'testResults';

export interface ColumnDef {
  key: ColumnKey;
  /** Header as clinsafe writes it. */
  header: string;
  /** Other headers trusts use for the same column (compared after normaliseHeader). */
  aliases: string[];
  /** Excel column width in characters. */
  width: number;
  /** True for the columns clinsafe appends after the NHS template's 18. */
  clinsafe?: boolean;
}

export const HAZARD_LOG_COLUMNS: readonly ColumnDef[] = [
  {
    key: 'hazardId',
    header: 'Num',
    aliases: [
      'No',
      'No.',
      'Number',
      'Hazard Num',
      'Hazard No',
      'Hazard Number',
      'Hazard ID',
      'Hazard Ref',
      'Ref',
      'ID',
      'Hazard Reference',
    ],
    width: 8,
  },
  { key: 'hazardName', header: 'Hazard Name', aliases: ['Hazard', 'Hazard Title', 'Title', 'Name'], width: 30 },
  { key: 'description', header: 'Hazard Description', aliases: ['Description', 'Hazard Details'], width: 45 },
  {
    key: 'clinicalImpact',
    header: 'Potential Clinical Impact',
    aliases: ['Clinical Impact', 'Potential Impact', 'Impact', 'Potential Clinical Impact / Harm', 'Clinical Harm', 'Potential Harm'],
    width: 45,
  },
  {
    key: 'existingControls',
    header: 'Existing Controls',
    aliases: ['Existing Control', 'Current Controls', 'Controls in place'],
    width: 40,
  },
  { key: 'cause', header: 'Possible Causes', aliases: ['Possible Cause', 'Causes', 'Cause', 'Hazard Cause', 'Hazard Causes'], width: 40 },
  {
    key: 'initialSeverity',
    header: 'Initial Consequence',
    aliases: ['Initial Severity', 'Initial Hazard Severity', 'Severity (initial)', 'Initial Consequences'],
    width: 14,
  },
  {
    key: 'initialLikelihood',
    header: 'Initial Likelihood',
    aliases: ['Initial Hazard Likelihood', 'Likelihood (initial)', 'Initial Probability'],
    width: 14,
  },
  {
    key: 'initialRisk',
    header: 'Initial Risk',
    aliases: ['Initial Risk Rating', 'Initial Clinical Risk', 'Risk (initial)', 'Initial Risk Score'],
    width: 10,
  },
  {
    key: 'control',
    header: 'Additional controls',
    aliases: [
      'Additional control',
      'Additional Controls Required',
      'New Controls',
      'Mitigation',
      'Mitigations',
      'Control',
      'Controls',
      'Control Measures',
      'Additional Control Measures',
    ],
    width: 50,
  },
  { key: 'controlType', header: 'Control type', aliases: ['Type of control', 'Type'], width: 16 },
  {
    key: 'controlOwner',
    header: 'Control owner',
    aliases: ['Owner', 'Control Owner Organisation', 'Responsible', 'Responsibility'],
    width: 20,
  },
  { key: 'action', header: 'Action', aliases: ['Actions', 'Action Required', 'Action Summary'], width: 30 },
  { key: 'actionStatus', header: 'Action status', aliases: ['Status', 'Action State'], width: 14 },
  {
    key: 'residualSeverity',
    header: 'Residual Consequence',
    aliases: ['Residual Severity', 'Residual Hazard Severity', 'Severity (residual)', 'Residual Consequences'],
    width: 14,
  },
  {
    key: 'residualLikelihood',
    header: 'Residual Likelihood',
    aliases: ['Residual Hazard Likelihood', 'Likelihood (residual)', 'Residual Probability'],
    width: 14,
  },
  {
    key: 'residualRisk',
    header: 'Residual Risk',
    aliases: ['Residual Risk Rating', 'Residual Clinical Risk', 'Risk (residual)', 'Residual Risk Score'],
    width: 10,
  },
  {
    key: 'release',
    header: 'Release introduced',
    aliases: ['Release', 'Version introduced', 'Introduced in', 'Release Introduced In', 'Version'],
    width: 10,
  },
  { key: 'hazardStatus', header: 'Hazard status', aliases: [], width: 12, clinsafe: true },
  { key: 'transferredTo', header: 'Transferred to', aliases: [], width: 20, clinsafe: true },
  { key: 'retiredReason', header: 'Retired reason', aliases: [], width: 25, clinsafe: true },
  { key: 'justification', header: 'Justification', aliases: ['Residual risk justification'], width: 30, clinsafe: true },
  { key: 'operationalConstraints', header: 'Operational constraints', aliases: [], width: 30, clinsafe: true },
  { key: 'hazardOwner', header: 'Hazard owner', aliases: [], width: 16, clinsafe: true },
  { key: 'assumptions', header: 'Dependencies and assumptions', aliases: ['Assumptions', 'Dependencies'], width: 30, clinsafe: true },
  { key: 'comments', header: 'Comments', aliases: ['Comment', 'Notes'], width: 30, clinsafe: true },
  { key: 'hazardReleased', header: 'Hazard introduced in', aliases: [], width: 10, clinsafe: true },
  { key: 'draft', header: 'Draft', aliases: [], width: 8, clinsafe: true },
  { key: 'triggerPaths', header: 'Trigger paths', aliases: [], width: 30, clinsafe: true },
  { key: 'triggerLabels', header: 'Trigger labels', aliases: [], width: 16, clinsafe: true },
  { key: 'causeIds', header: 'Cause IDs', aliases: [], width: 12, clinsafe: true },
  { key: 'controlId', header: 'Control ID', aliases: [], width: 14, clinsafe: true },
  { key: 'controlStatus', header: 'Control status', aliases: [], width: 12, clinsafe: true },
  { key: 'evidence', header: 'Evidence', aliases: [], width: 40, clinsafe: true },
  { key: 'actionOwner', header: 'Action owner', aliases: [], width: 16, clinsafe: true },
  {
    key: 'actionDue',
    header: 'Action due',
    aliases: ['Due date', 'Target date', 'Action due date', 'Date due'],
    width: 12,
    clinsafe: true,
  },
  // The residual as delivered (crediting no planned control) and what the residual rests on.
  // `Residual risk basis` is written for readers and never read back: it is derived.
  { key: 'deliveredSeverity', header: 'Residual Consequence as delivered', aliases: [], width: 14, clinsafe: true },
  { key: 'deliveredLikelihood', header: 'Residual Likelihood as delivered', aliases: [], width: 14, clinsafe: true },
  { key: 'residualBasis', header: 'Residual risk basis', aliases: [], width: 40, clinsafe: true },
  { key: 'severityReductionReason', header: 'Severity reduction reason', aliases: [], width: 30, clinsafe: true },
  {
    key: 'plannedResidualAcceptance',
    header: 'Planned residual accepted by',
    aliases: [],
    width: 30,
    clinsafe: true,
  },
  // Issue 15: each control's linked tests and their result at the release commit; written for readers, never read back.
  { key: 'testResults', header: 'Test results at release', aliases: [], width: 40, clinsafe: true },
];

/** The 18 headers of the NHS template, in order. */
export const NHS_HEADERS: readonly string[] = HAZARD_LOG_COLUMNS.filter((c) => !c.clinsafe).map((c) => c.header);

/** Lower case, single spaces, no punctuation except `/`: "Initial  Risk " → "initial risk". */
export function normaliseHeader(value: string): string {
  return value
    .toLowerCase()
    .replace(/[\u00a0\s_]+/g, ' ')
    .replace(/[^a-z0-9/ ]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ALIASES: Map<string, ColumnKey> = (() => {
  const m = new Map<string, ColumnKey>();
  for (const c of HAZARD_LOG_COLUMNS) m.set(normaliseHeader(c.header), c.key);
  for (const c of HAZARD_LOG_COLUMNS) for (const a of c.aliases) if (!m.has(normaliseHeader(a))) m.set(normaliseHeader(a), c.key);
  return m;
})();

export const COLUMN_KEYS: readonly ColumnKey[] = HAZARD_LOG_COLUMNS.map((c) => c.key);

/**
 * Which column a header cell names. `extra` (from `--map`) maps a header, as written in the
 * sheet, to a column key and wins over the built-in aliases.
 */
export function columnForHeader(header: string, extra: Record<string, ColumnKey> = {}): ColumnKey | undefined {
  const n = normaliseHeader(header);
  if (!n) return undefined;
  for (const [h, key] of Object.entries(extra)) if (normaliseHeader(h) === n) return key;
  return ALIASES.get(n);
}

/** Columns a row must have for a sheet to count as a hazard log. */
export const REQUIRED_COLUMNS: readonly ColumnKey[] = [
  'hazardId',
  'hazardName',
  'initialSeverity',
  'initialLikelihood',
  'residualSeverity',
  'residualLikelihood',
];

/** NHS control types (as written in the template) → clinsafe control types. */
export const CONTROL_TYPE_ALIASES: Record<string, 'design' | 'test' | 'training' | 'business-process'> = {
  design: 'design',
  'design change': 'design',
  technical: 'design',
  test: 'test',
  testing: 'test',
  training: 'training',
  process: 'business-process',
  'business process': 'business-process',
  'business process change': 'business-process',
  'business-process': 'business-process',
  procedural: 'business-process',
};

/** How clinsafe writes its control types back in the NHS layout. */
export const CONTROL_TYPE_LABELS: Record<'design' | 'test' | 'training' | 'business-process', string> = {
  design: 'Design',
  test: 'Test',
  training: 'Training',
  'business-process': 'Business process change',
};

/**
 * The number an imported cause or control carries in its cell text, from its clinsafe id:
 * cause `C0101` → `0101`; control `H01-010102` (or `H01-010102-2` for a repeated number) →
 * `010102`. Ids that carry no number give undefined, and the cell shows the text alone.
 */
export function causeNumber(id: string): string | undefined {
  return /^C(\d{3,})$/.exec(id)?.[1];
}

export function controlNumber(hazardId: string, id: string): string | undefined {
  const prefix = `${hazardId}-`;
  if (!id.startsWith(prefix)) return undefined;
  return /^(\d{4,})(?:-\d+)?$/.exec(id.slice(prefix.length))?.[1];
}
