/**
 * clinsafe.yml fields for the DCB0129 MUST items a release records (issue 11 §2). Part of the one
 * definition of clinsafe.yml (schema.ts spreads them into configSchema); JSON Schema is generated.
 */
import * as z from 'zod';
import { id, isoDate, text, textList, versionText } from './schema-primitives.js';

/** A person named in a record: name and role (no login needed; reviewers may not be on GitHub). */
const personSchema = z.strictObject({ name: text, role: text });

/**
 * DCB0129 MUST items the CSCR and CRMP record, declared in clinsafe.yml (issue 11 §2): third-party
 * products and their assessment (2.5.2), the formal review before delivery (7.1.2), the release
 * configuration (7.1.3), authorisation levels (2.2.2), document reviewers and distribution.
 */
export const releaseRecordFields = {
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
