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

export interface Engines {
  yaml: Pick<typeof Yaml, 'isMap' | 'isPair' | 'isScalar' | 'isSeq' | 'LineCounter' | 'parseDocument' | 'visit'>;
  fastParse: typeof fastParse;
  schema: {
    configSchema: typeof configSchema;
    hazardSchema: typeof hazardSchema;
    incidentSchema: typeof incidentSchema;
    workshopSchema: typeof workshopSchema;
  };
  provenanceSchema: typeof provenanceSchema;
}

/** Thrown by code that needs the engines when they are not loaded; never reaches a user. */
export class EnginesNotLoaded extends Error {
  constructor() {
    super('internal: the YAML and schema engines are not loaded (import core/engines-load.js or await loadEngines())');
  }
}

let registered: Engines | undefined;

export function engines(): Engines {
  if (!registered) throw new EnginesNotLoaded();
  return registered;
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
