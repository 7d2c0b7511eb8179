/**
 * Load and validate a safety folder from a snapshot of its files (folder-load.ts), with the YAML
 * and schema libraries loaded: importing this module registers them (engines.ts).
 */
import { provideEngines } from './engines.js';
import { ENGINES } from './engines-load.js';

provideEngines(ENGINES);

export * from './folder-load.js';
