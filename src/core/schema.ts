/**
 * The one definition of every safety-folder file format. JSON Schema for editors is generated
 * from these (see `jsonSchemas`), never written by hand.
 */
import * as z from 'zod';
import { NHS_DCB0129, type RiskScheme } from './risk.js';
import { releaseRecordFields } from './release-record-schema.js';
import { GITHUB_LOGIN, id, isoDate, LIMITS, text, textList, title, versionText } from './schema-primitives.js';

import { CONTROL_STATUSES, CONTROL_TYPES, HAZARD_STATUSES } from './schema-values.js';
export { GITHUB_LOGIN, ID_PATTERN, isoDate, isRealIsoDate, LIMITS } from './schema-primitives.js';

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

/**
 * A control's link to executed tests (issue 15): `file`, `file::name pattern`, or an object naming
 * a file, a name pattern (`*` any text, `?` one character, over "describe > it") and/or a tag that
 * appears in the test name as `[TAG]`. Matching is in core/evidence.ts.
 */
export const testLinkSchema = z.union([
  text.describe('A test file (every test case in it), or file::name pattern, e.g. test/dose.test.ts::dose limits > *'),
  z
    .strictObject({
      file: text.optional().describe('Repository path of the test file'),
      name: text.optional().describe('Test name pattern over "describe > it" names; * any text, ? one character'),
      tag: text.optional().describe('A tag the test name carries in brackets, e.g. H-004-C01 for "[H-004-C01]"'),
    })
    .describe('A test link naming at least one of file, name, tag'),
]);

export { CONTROL_STATUSES, CONTROL_TYPES, HAZARD_STATUSES, toRiskScheme } from './schema-values.js';

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
            tests: z
              .array(testLinkSchema)
              .optional()
              .describe('Optional. Tests whose JUnit results verify this control at a commit (see docs/evidence.md)'),
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
