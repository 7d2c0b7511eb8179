/**
 * The schemas behind checking a safety file (zod), without the YAML libraries: what a load needs
 * when the plain reader (yaml-plain.ts) reads every file (see engines.ts, `loadSchemaEngines`).
 */
import { provenanceSchema } from './provenance.js';
import { configSchema, hazardSchema, incidentSchema, workshopSchema } from './schema.js';
// Registers the trigger-glob compiler (glob-check.ts): whoever has the engines can check any pattern.
import './globs.js';

export const SCHEMA_ENGINES = {
  schema: { configSchema, hazardSchema, incidentSchema, workshopSchema },
  provenanceSchema,
};
