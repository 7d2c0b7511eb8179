/**
 * The one definition of every safety-folder file format. JSON Schema for editors is generated
 * from these (see `jsonSchemas`), never written by hand.
 */
import { z } from 'zod';
import { NHS_DCB0129, type RiskScheme } from './risk.js';

/**
 * Length limits on user text (issue 10 §4): every later step — validation messages, the gate's
 * comment, the documents — works on text of a bounded size. Generous for real content.
 */
export const LIMITS = {
  /** Any text field: a long description is a few thousand characters. */
  text: 20_000,
  /** Titles (hazard, incident, workshop): one line. */
  title: 200,
  /** Identifiers (H-001, H-001-C01). */
  id: 64,
  /** One trigger path pattern (GitHub paths are at most 4096 bytes; patterns are far shorter). */
  triggerPath: 1_024,
  /** One trigger label (GitHub labels are at most 50 characters). */
  triggerLabel: 100,
  /** Trigger patterns or labels of one hazard. */
  triggers: 500,
} as const;

const text = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.text, { error: `is too long: at most ${LIMITS.text} characters; move long material to a document and cite it` });
const title = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.title, { error: `is too long: a title is at most ${LIMITS.title} characters; put the detail in the description` });
const textList = z.array(text);

export function isRealIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be an ISO date written YYYY-MM-DD, e.g. 2026-06-01' })
  .refine(isRealIsoDate, { error: 'is not a real calendar date; write YYYY-MM-DD, e.g. 2026-06-01' })
  .meta({ format: 'date' });

/** Versions are text: unquoted 2.10 would silently become 2.1. */
const versionText = z.string({ error: 'must be text; quote version numbers, e.g. "2.10", so YAML does not turn them into numbers' }).min(1);

export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/;
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/;
const id = z
  .string({ error: 'must be an identifier such as H-001' })
  .max(LIMITS.id, { error: `is too long for an identifier: at most ${LIMITS.id} characters (e.g. H-001, H-001-C01)` })
  .regex(ID_PATTERN, { error: 'must be an identifier of letters and digits, optionally joined by - _ or . (e.g. H-001, C1, H-001-C01)' });

export const csoSchema = z
  .strictObject({
    github: z
      .string({ error: 'must be the GitHub login of the CSO' })
      .regex(GITHUB_LOGIN, { error: 'must be a GitHub login (letters, digits and single hyphens), without @' }),
    name: text.describe('Full name as it appears on the professional register'),
    profession: text.describe('e.g. Medical practitioner, Registered nurse, Pharmacist'),
    registration: text.describe('Professional body and registration number, e.g. GMC 1234567'),
  })
  .describe('A Clinical Safety Officer: a registered clinician who may approve safety-impacting changes');

const ratingSchema = z.strictObject({
  value: z.number().int().min(1),
  name: text,
  meaning: text,
});

export const customSchemeSchema = z
  .strictObject({
    name: text,
    severities: z.array(text).min(2, { error: 'needs at least two severities, least severe first' }),
    likelihoods: z.array(text).min(2, { error: 'needs at least two likelihoods, least likely first' }),
    ratings: z.array(ratingSchema).min(2),
    justifyFrom: z.number().int().min(1),
    unacceptableFrom: z.number().int().min(1),
    matrix: z.record(z.string(), z.record(z.string(), z.number().int())).describe('likelihood → severity → rating value'),
    severityMeanings: z.record(z.string(), text).optional(),
    likelihoodMeanings: z.record(z.string(), text).optional(),
    severityLadder: z
      .array(z.strictObject({ severity: text, consequence: text, patients: z.enum(['single', 'multiple']) }))
      .optional()
      .describe('Optional. Consequences graded by the number of patients affected, printed with the scheme'),
  })
  .describe('A complete custom risk matrix, declared in the CRMP');

export const riskSchemeSchema = z.union([z.literal('nhs-dcb0129'), customSchemeSchema]).default('nhs-dcb0129');

const interfaceSchema = z.strictObject({
  name: text,
  direction: z.enum(['inbound', 'outbound', 'bidirectional', 'replaces']).optional(),
  description: text.optional(),
});

/** A person named in a record: name and role (no login needed; reviewers may not be on GitHub). */
const personSchema = z.strictObject({ name: text, role: text });

/**
 * DCB0129 MUST items the CSCR and CRMP record, declared in clinsafe.yml (issue 11 §2): third-party
 * products and their assessment (2.5.2), the formal review before delivery (7.1.2), the release
 * configuration (7.1.3), authorisation levels (2.2.2), document reviewers and distribution.
 */
const releaseRecordFields = {
  authorisation: z
    .array(
      z.strictObject({
        level: text.describe('What may be authorised, e.g. "Approve the CSCR, hazard log and CRMP for release"'),
        role: text.describe('Who holds that authority, e.g. "Clinical Safety Officer"'),
        grantedBy: text.optional().describe('The Top Management body that granted it, e.g. "Board of Example Health Ltd"'),
      }),
    )
    .default([])
    .describe('DCB0129 2.2.2: authorisation levels defined by Top Management, printed in the CRMP'),
  thirdParty: z
    .array(
      z.strictObject({
        name: text.describe('The product, library or external service'),
        version: versionText.optional(),
        kind: z
          .enum(['library', 'service', 'soup', 'device', 'other'])
          .describe('library, service (external/hosted), soup, device or other'),
        supplier: text.optional(),
        use: text.describe('What the release uses it for'),
        assessment: text.describe('The clinical safety assessment of the product in this use (written by the CSO or delegate)'),
        hazards: z.array(id).default([]).describe('Hazards whose causes or controls involve it'),
        assessedBy: text.optional(),
        assessedOn: isoDate.optional(),
      }),
    )
    .default([])
    .describe('DCB0129 2.5.2: third-party products included in the release (SOUP, libraries, external services) with their assessment'),
  configuration: z
    .array(
      z.strictObject({
        item: text.describe('e.g. "Feature flag: allergy sync", "GP Connect specification version"'),
        kind: z.enum(['deployment-option', 'feature-flag', 'interface-version', 'other']).default('other'),
        value: text,
        notes: text.optional(),
      }),
    )
    .default([])
    .describe(
      'DCB0129 7.1.3: the release configuration beyond tag and commit (deployment options, feature flags, versions of interfaced specifications and services)',
    ),
  releaseReviews: z
    .array(
      z.strictObject({
        release: versionText.describe('The release tag reviewed, e.g. v2.4.0'),
        date: isoDate,
        reviewers: z.array(personSchema).min(1, { error: 'name who carried out the review' }),
        reviewed: textList.min(1, { error: 'list what was reviewed (documents, evidence, the hazard log)' }),
        outcome: z.enum(['passed', 'passed-with-actions', 'failed']),
        actions: textList.default([]),
        notes: text.optional(),
      }),
    )
    .default([])
    .describe('DCB0129 7.1.2: the formal review before delivery, one entry per release; distinct from the CSO sign-off'),
  documents: z
    .strictObject({
      reviewers: z.array(personSchema).default([]).describe('Who reviews the safety documents before approval'),
      distribution: textList.default([]).describe('Who receives the released documents'),
    })
    .default({ reviewers: [], distribution: [] }),
};

export const configSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    product: z.strictObject({
      name: text,
      manufacturer: text,
      description: text,
      version: versionText.optional(),
      intendedUse: text,
      clinicalScope: text,
      users: z.array(text).min(1, { error: 'list at least one user group' }),
      careSettings: z.array(text).min(1, { error: 'list at least one care setting' }),
      patientGroup: text,
      exclusions: textList.default([]),
      interfaces: z.array(interfaceSchema).default([]),
      deploymentAssumptions: textList.default([]),
    }),
    cso: z
      .array(csoSchema)
      .describe('The CSO roster: only these people can approve safety-impacting changes. Empty means nobody can approve yet.'),
    riskScheme: riskSchemeSchema,
    gate: z
      .strictObject({
        statusContext: text.default('clinsafe/cso-approval'),
        requiredApprovals: z.number().int().min(1).max(10).default(1),
        label: text.optional(),
        alwaysImpacted: z.array(text).default([]),
        caseSensitivePaths: z
          .boolean()
          .default(false)
          .describe(
            'Match trigger paths case-sensitively. Default false: SRC/Patient/x.ts matches src/patient/** (paths are also Unicode-normalised, NFC)',
          ),
      })
      .default({ statusContext: 'clinsafe/cso-approval', requiredApprovals: 1, alwaysImpacted: [], caseSensitivePaths: false }),
    review: z.strictObject({
      cadenceMonths: z.number().int().min(1).max(60),
      lastReviewed: isoDate.optional(),
    }),
    lifecycle: z
      .array(z.strictObject({ phase: text, description: text.optional() }))
      .min(1, { error: 'list at least one lifecycle phase at which a CSCR is issued' }),
    app: z
      .strictObject({
        incidentLabel: text
          .default('clinical-incident')
          .describe('Issues with this label are treated as reported clinical safety incidents'),
        reviewLabel: text.default('clinical-safety-review').describe('Label on the safety-review issues the app opens'),
      })
      .default({ incidentLabel: 'clinical-incident', reviewLabel: 'clinical-safety-review' })
      .describe('Settings of the clinsafe GitHub App'),
    roles: z.array(z.strictObject({ name: text, role: text, responsibilities: text.optional() })).default([]),
    otherManufacturers: z
      .array(
        z.strictObject({
          name: text.describe('The organisation, as control owners name it'),
          system: text.optional().describe('The interfacing system it makes'),
          standard: text.default('DCB0129').describe('The standard under which it manages its own clinical risk'),
        }),
      )
      .default([])
      .describe('Manufacturers of interfacing systems that hold controls: not deploying organisations; they act in their own safety case'),
    method: text.optional(),
    incidentProcess: text.optional(),
    ...releaseRecordFields,
  })
  .describe('clinsafe.yml: the product, its Clinical Safety Officers and the clinical risk management process');

/** A decision a CSO records in a safety file: who (GitHub login on the roster), when, and why. */
const csoRecord = z.strictObject({
  by: z.string().regex(GITHUB_LOGIN, { error: 'must be the GitHub login of a CSO on the roster, without @' }),
  on: isoDate,
  reason: text,
});

const OWNER_HELP = 'is `manufacturer` or the name of the organisation that holds the control';

function assessmentSchema(scheme: RiskScheme) {
  return z.strictObject({
    severity: z.enum(scheme.severities as [string, ...string[]]),
    likelihood: z.enum(scheme.likelihoods as [string, ...string[]]),
    risk: z.number().int().optional().describe('Optional. Derived from the risk matrix; if stated it must agree'),
  });
}

export const CONTROL_TYPES = ['design', 'test', 'training', 'business-process'] as const;
export const CONTROL_STATUSES = ['planned', 'implemented', 'verified'] as const;
export const HAZARD_STATUSES = ['open', 'transferred', 'closed', 'retired'] as const;

/** Schemas are built once per risk scheme: zod compiles a schema on first use, and a log has many files. */
const hazardSchemas = new WeakMap<RiskScheme, ReturnType<typeof buildHazardSchema>>();
const incidentSchemas = new WeakMap<RiskScheme, ReturnType<typeof buildIncidentSchema>>();

export function hazardSchema(scheme: RiskScheme = NHS_DCB0129): ReturnType<typeof buildHazardSchema> {
  let s = hazardSchemas.get(scheme);
  if (!s) hazardSchemas.set(scheme, (s = buildHazardSchema(scheme)));
  return s;
}

export function incidentSchema(scheme: RiskScheme = NHS_DCB0129): ReturnType<typeof buildIncidentSchema> {
  let s = incidentSchemas.get(scheme);
  if (!s) incidentSchemas.set(scheme, (s = buildIncidentSchema(scheme)));
  return s;
}

function buildHazardSchema(scheme: RiskScheme) {
  const assessment = assessmentSchema(scheme);
  return z
    .strictObject({
      id,
      title,
      description: text,
      clinicalImpact: text,
      causes: z.array(z.strictObject({ id, description: text })).default([]),
      existingControls: textList.default([]),
      initial: assessment,
      controls: z
        .array(
          z.strictObject({
            id,
            description: text,
            type: z.enum(CONTROL_TYPES),
            owner: text.describe(`Who holds the control: ${OWNER_HELP}`),
            status: z.enum(CONTROL_STATUSES),
            causes: z.array(id).default([]),
            evidence: z.array(text).default([]).describe('Repository paths or https:// URLs of verification evidence'),
            introducedIn: versionText
              .optional()
              .describe(
                'Optional. Release in which this control (or its cause) was added, when it differs from the hazard (NHS "Release introduced" per row)',
              ),
          }),
        )
        .default([]),
      residual: assessment,
      deliveredResidual: assessment
        .optional()
        .describe(
          'Optional. The residual risk as delivered in this release, crediting no planned control; set it when residual counts controls still planned',
        ),
      severityReductionReason: text
        .optional()
        .describe('Why the residual severity is lower than the initial one (controls usually reduce likelihood, not severity)'),
      acceptedPlannedResidual: csoRecord
        .optional()
        .describe('A CSO on the roster accepts releasing with a residual that rests on planned controls, and says why'),
      status: z.enum(HAZARD_STATUSES),
      transferredTo: text.optional(),
      retiredReason: text.optional(),
      justification: text.optional().describe('Why the residual risk is acceptable (needed at or above justifyFrom)'),
      operationalConstraints: textList.default([]),
      actions: z
        .array(
          z.strictObject({
            summary: text,
            owner: text,
            status: z.enum(['open', 'done']),
            due: isoDate.optional(),
            control: id.optional().describe('Optional. The control this action puts in place (NHS "Action" column, one per control row)'),
          }),
        )
        .default([]),
      owner: text.optional(),
      assumptions: textList.default([]),
      comments: text.optional(),
      introducedIn: versionText.optional(),
      draft: z.boolean().default(false),
      triggers: z
        .strictObject({
          paths: z
            .array(text.max(LIMITS.triggerPath, { error: `is too long for a path pattern: at most ${LIMITS.triggerPath} characters` }))
            .max(LIMITS.triggers, { error: `lists too many patterns: at most ${LIMITS.triggers}; use a broader glob` })
            .default([]),
          labels: z
            .array(text.max(LIMITS.triggerLabel, { error: `is too long for a label: at most ${LIMITS.triggerLabel} characters` }))
            .max(LIMITS.triggers, { error: `lists too many labels: at most ${LIMITS.triggers}` })
            .default([]),
        })
        .default({ paths: [], labels: [] }),
    })
    .describe('One hazard of the hazard log (DCB0129 §3.3)');
}

function buildIncidentSchema(scheme: RiskScheme) {
  return z
    .strictObject({
      reference: id,
      title: title.optional(),
      reportedBy: text,
      reportedOn: isoDate,
      summary: text,
      clinicalRiskAssessment: z
        .strictObject({
          severity: z.enum(scheme.severities as [string, ...string[]]),
          likelihood: z.enum(scheme.likelihoods as [string, ...string[]]),
          risk: z.number().int().optional(),
          notes: text.optional(),
        })
        .optional(),
      release: versionText.optional(),
      hazards: z.array(id).default([]),
      cause: text.optional(),
      journal: z.array(z.strictObject({ date: isoDate, by: text, entry: text })).default([]),
      madeSafeOn: isoDate.optional(),
      closedOn: isoDate.optional(),
      safetyCaseImpact: csoRecord
        .optional()
        .describe(
          'DCB0129 7.2.2/7.2.3: a CSO on the roster records why a linked hazard is not re-assessed although this incident is rated above its residual risk',
        ),
    })
    .describe('A safety incident log entry (DCB0129 §3.6)');
}

export const workshopSchema = z
  .strictObject({
    date: isoDate,
    title: title.optional(),
    method: text,
    attendees: z.array(z.strictObject({ name: text, role: text })).min(1, { error: 'list who attended' }),
    hazardsRaised: z.array(id).default([]),
  })
  .describe('Front matter of hazard-identification workshop minutes');

export type Config = z.output<typeof configSchema>;
export type HazardFile = z.output<ReturnType<typeof hazardSchema>>;
export type IncidentFile = z.output<ReturnType<typeof incidentSchema>>;
export type WorkshopFile = z.output<typeof workshopSchema>;
export type CustomSchemeFile = z.output<typeof customSchemeSchema>;

/** JSON Schemas for editors, generated from the zod schemas above for the scheme in force. */
export function jsonSchemas(scheme: RiskScheme = NHS_DCB0129): Record<string, object> {
  const gen = (name: string, schema: z.ZodType) => ({
    $id: `https://clinsafe.dev/schema/${name}.schema.json`,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
  });
  return {
    clinsafe: gen('clinsafe', configSchema),
    hazard: gen('hazard', hazardSchema(scheme)),
    incident: gen('incident', incidentSchema(scheme)),
    workshop: gen('workshop', workshopSchema),
  };
}

/** Turn a declared custom scheme (already shape-checked) into a RiskScheme. */
export function toRiskScheme(declared: Config['riskScheme']): RiskScheme {
  if (declared === 'nhs-dcb0129') return NHS_DCB0129;
  return {
    id: 'custom',
    name: declared.name,
    severities: declared.severities,
    likelihoods: declared.likelihoods,
    matrix: declared.matrix,
    ratings: [...declared.ratings].sort((a, b) => a.value - b.value),
    justifyFrom: declared.justifyFrom,
    unacceptableFrom: declared.unacceptableFrom,
    severityMeanings: declared.severityMeanings ?? {},
    likelihoodMeanings: declared.likelihoodMeanings ?? {},
    ...(declared.severityLadder ? { severityLadder: declared.severityLadder } : {}),
  };
}
