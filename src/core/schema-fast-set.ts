/**
 * The fast accept's descriptions of the safety files' schemas for the built-in risk scheme, read
 * from the live zod schemas and written out as plain data: the single-file CLI's build bundles
 * them (scripts/bundle-cli.mjs, as src/core/schema-fast-built.ts), test/schema-fast.test.ts
 * compares what they accept with zod. Fails rather than write a description that does not survive
 * JSON (a custom check not named in NAMED_CHECKS, a default that is not plain data).
 */
import type { CheckedFileKind } from './ports/checked-files.js';
import { provenanceSchema } from './provenance.js';
import { NHS_DCB0129 } from './risk.js';
import { configSchema, hazardSchema, incidentSchema, workshopSchema } from './schema.js';
import { describeSchema } from './schema-fast-describe.js';
import type { FastAcceptSet, PlainNode } from './schema-fast.js';
import { schemaNameOf } from './schema-values.js';
import type { z } from 'zod';

/** The descriptions, for every kind of file whose schema the fast accept knows. */
export function fastAcceptSet(): FastAcceptSet {
  const schemas: [CheckedFileKind, z.ZodType][] = [
    ['config', configSchema],
    ['hazard', hazardSchema(NHS_DCB0129)],
    ['incident', incidentSchema(NHS_DCB0129)],
    ['workshop', workshopSchema],
    ['provenance', provenanceSchema],
  ];
  const accepts: Partial<Record<CheckedFileKind, PlainNode>> = {};
  for (const [kind, schema] of schemas) {
    const plain = describeSchema(schema);
    if (plain) accepts[kind] = plain;
  }
  return { schemeName: schemaNameOf(NHS_DCB0129), accepts };
}

/** The descriptions as JSON; throws on anything JSON would drop or change. */
export function fastAcceptSetJson(set: FastAcceptSet = fastAcceptSet()): string {
  return JSON.stringify(set, function (this: unknown, key: string, value: unknown) {
    const plain =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) ||
      Array.isArray(value) ||
      (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
    if (!plain) throw new Error(`the fast accept's description of ${key || 'a schema'} is not plain data: ${String(value)}`);
    return value;
  });
}
