/** The shared building blocks of the safety-folder schemas (schema.ts re-exports the public ones). */
import * as z from 'zod';
import { isRealIsoDate } from './schema-values.js';

export { isRealIsoDate } from './schema-values.js';

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

export const text = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.text, { error: `is too long: at most ${LIMITS.text} characters; move long material to a document and cite it` });
export const title = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.title, { error: `is too long: a title is at most ${LIMITS.title} characters; put the detail in the description` });
export const textList = z.array(text);

export const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be an ISO date written YYYY-MM-DD, e.g. 2026-06-01' })
  .refine(isRealIsoDate, { error: 'is not a real calendar date; write YYYY-MM-DD, e.g. 2026-06-01' })
  .meta({ format: 'date' });

/** Versions are text: unquoted 2.10 would silently become 2.1. */
export const versionText = z
  .string({ error: 'must be text; quote version numbers, e.g. "2.10", so YAML does not turn them into numbers' })
  .min(1);

export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/;
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/;
export const id = z
  .string({ error: 'must be an identifier such as H-001' })
  .max(LIMITS.id, { error: `is too long for an identifier: at most ${LIMITS.id} characters (e.g. H-001, H-001-C01)` })
  .regex(ID_PATTERN, { error: 'must be an identifier of letters and digits, optionally joined by - _ or . (e.g. H-001, C1, H-001-C01)' });
