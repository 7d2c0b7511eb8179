/**
 * The heavy libraries behind reading a safety file — `yaml` (the full parse, positions), js-yaml
 * (the fast parse) and zod (the schemas) — reached through one registry, so that a load whose every
 * file comes from the CLI's parse cache need not load them at all (about as much start-up time as
 * Node's own). `yaml.ts` and `folder.ts` register them (engines-load.ts) when imported, so whoever
 * uses those has the engines. Code reached without them (the
 * CLI's cached load, `folder-load.ts`) gets EnginesNotLoaded at the first use, and its caller loads
 * them (`loadEngines`) and runs the load again: the load is pure, so the second run is the same
 * work with the engines present.
 */
import type * as Yaml from 'yaml';
import type { provenanceSchema } from './provenance.js';
import type { configSchema, hazardSchema, incidentSchema, workshopSchema } from './schema.js';
import type { fastParse } from './yaml-fast.js';

/** The schemas (zod): what checking a file needs once its YAML is read. */
export interface SchemaEngines {
  schema: {
    configSchema: typeof configSchema;
    hazardSchema: typeof hazardSchema;
    incidentSchema: typeof incidentSchema;
    workshopSchema: typeof workshopSchema;
  };
  provenanceSchema: typeof provenanceSchema;
}

/** Everything: the schemas, and the YAML libraries for files the plain reader (yaml-plain.ts) declines and for positions. */
export interface Engines extends SchemaEngines {
  yaml: Pick<typeof Yaml, 'isMap' | 'isPair' | 'isScalar' | 'isSeq' | 'LineCounter' | 'parseDocument' | 'visit'>;
  fastParse: typeof fastParse;
}

/**
 * Thrown by code that needs the engines when they are not loaded; never reaches a user. `all`: the
 * YAML libraries are wanted (or likely to be: a file the fast accept declined, whose findings will
 * need positions), not only the schemas.
 */
export class EnginesNotLoaded extends Error {
  constructor(readonly all = true) {
    super('internal: the YAML and schema engines are not loaded (import core/engines-load.js or await loadEngines())');
  }
}

let registered: Engines | undefined;
let schemasOnly: SchemaEngines | undefined;

export function engines(): Engines {
  if (!registered) throw new EnginesNotLoaded();
  return registered;
}

/** The schemas, from the whole registry or from the schemas-only one (`loadSchemaEngines`). */
export function schemaEngines(): SchemaEngines {
  const s = registered ?? schemasOnly;
  if (!s) throw new EnginesNotLoaded(false);
  return s;
}

export function enginesLoaded(): boolean {
  return registered !== undefined;
}

/** Register the engines (yaml.ts and folder.ts do, with engines-load.ts's ENGINES). */
export function provideEngines(e: Engines): void {
  registered ??= e;
}

/** Load and register the engines (a dynamic import of engines-load.ts). */
export async function loadEngines(): Promise<void> {
  if (!registered) provideEngines((await import('./engines-load.js')).ENGINES);
}

/**
 * Load the schemas only (engines-schema.ts), not the YAML libraries: enough for a load whose every
 * file the plain reader reads and which places no diagnostic; anything more throws
 * EnginesNotLoaded, and the caller loads the rest (`loadEngines`) and loads again.
 */
export async function loadSchemaEngines(): Promise<void> {
  if (!registered && !schemasOnly) schemasOnly = (await import('./engines-schema.js')).SCHEMA_ENGINES;
}

/**
 * What to load after `e` stopped a pure load, or undefined when `e` is not for want of an engine
 * (or nothing more can be loaded): the schemas alone when only they are wanted, else everything.
 */
export function engineToLoad(e: unknown): (() => Promise<void>) | undefined {
  if (!(e instanceof EnginesNotLoaded) || registered) return undefined;
  return schemasOnly || e.all ? loadEngines : loadSchemaEngines;
}
