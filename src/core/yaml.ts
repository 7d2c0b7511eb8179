/**
 * YAML reading with source positions and guards against hostile input (yaml-core.ts), with the
 * YAML libraries loaded: importing this module registers them (engines.ts).
 */
import { provideEngines } from './engines.js';
import { ENGINES } from './engines-load.js';

provideEngines(ENGINES);

export * from './yaml-core.js';
