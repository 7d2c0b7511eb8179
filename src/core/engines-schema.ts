/**
 * The schemas behind checking a safety file (zod), without the YAML libraries: what a load needs
 * when the plain reader (yaml-plain.ts) reads every file (see engines.ts, `loadSchemaEngines`).
 * Not the trigger-glob compiler either (picomatch): plain patterns need none, and a load that meets
 * another gets GlobsNotLoaded and loads it (engines-load.ts brings it with the YAML libraries).
 */
import { provenanceSchema } from './provenance.js';
import { configSchema, hazardSchema, incidentSchema, workshopSchema } from './schema.js';

export const SCHEMA_ENGINES = {
  schema: { configSchema, hazardSchema, incidentSchema, workshopSchema },
  provenanceSchema,
};
