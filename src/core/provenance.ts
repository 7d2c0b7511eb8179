/**
 * Provenance of an imported hazard log: the workbook's own cover page and version history
 * (document status, versions, reviewers, approvals, distribution), as the workbook states them,
 * each with the cell it came from. `clinsafe import` writes it to `provenance.yml` in the safety
 * folder; the CRMP and CSCR print it under document control as the history before clinsafe.
 * A separate file rather than a key of clinsafe.yml: importing clinsafe's own export (which has
 * no cover page) must give back the same clinsafe.yml. Pure.
 */
import * as z from 'zod';
export { PROVENANCE_FILE } from './schema-values.js';

const text = z.string().trim().min(1, { error: 'must not be empty' });
const cell = text.describe("Where the workbook states it, e.g. 'Cover Page'!D11");

const personSchema = z.strictObject({
  name: text,
  role: text.optional(),
  /** ISO date when the workbook's cell is a date; otherwise its text as written. */
  date: text.optional(),
  version: text.optional(),
  cell,
});

export const workbookProvenanceSchema = z.strictObject({
  workbook: text.describe('File name of the imported workbook (its kept copy, if any, is under sources/)'),
  title: text.optional(),
  cover: z.array(z.strictObject({ label: text, value: text, cell })).default([]),
  versions: z.array(z.strictObject({ version: text, date: text.optional(), summary: text, cell })).default([]),
  reviewers: z.array(personSchema).default([]),
  approvals: z.array(personSchema).default([]),
  distribution: text.optional(),
});

export const provenanceSchema = z
  .strictObject({ sources: z.array(workbookProvenanceSchema).min(1) })
  .describe('provenance.yml: the cover page and version history of each imported hazard log, as the workbook states them');

export type WorkbookProvenance = z.output<typeof workbookProvenanceSchema>;
export type Provenance = z.output<typeof provenanceSchema>;
