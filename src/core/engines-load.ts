/**
 * The heavy libraries behind reading a safety file, gathered for the registry in engines.ts:
 * `loadEngines` imports this module dynamically; `yaml.ts` and `folder.ts` import it statically
 * and register it, so whoever uses those has the engines.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { SCHEMA_ENGINES } from './engines-schema.js';
import { fastParse } from './yaml-fast.js';
// Registers the trigger-glob compiler (glob-check.ts): whoever has the engines can check any pattern.
import './globs.js';

export const ENGINES = {
  ...SCHEMA_ENGINES,
  yaml: { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit },
  fastParse,
};
