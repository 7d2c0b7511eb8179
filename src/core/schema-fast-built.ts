/**
 * The fast accept's descriptions of the safety files' schemas built into the single-file CLI: none
 * here. Its build (scripts/bundle-cli.mjs) writes in, for BUILT_FAST_ACCEPTS, what `fastAcceptSet`
 * (schema-fast-set.ts) gives for the schemas it bundles, so that a `clinsafe validate` whose every
 * file the fast accept takes never loads zod, and the descriptions cannot differ from the schemas
 * built alongside them. Everywhere else the accepts are read from the live schemas
 * (schema-fast-describe.ts). Pure; no zod.
 */
import type { CheckedFileKind } from './ports/checked-files.js';
import { compilePlain, type Accept, type FastAcceptSet } from './schema-fast.js';

// The build replaces this line (exactly as written) with the descriptions.
export const BUILT_FAST_ACCEPTS: FastAcceptSet | undefined = undefined;

/**
 * The fast accept for this kind of file and schema variant from the descriptions built into the
 * single-file CLI, with no zod loaded; undefined where none was built (outside the bundle, another
 * risk scheme, a schema the fast accept does not know).
 */
export function builtAccept(kind: CheckedFileKind, schemaName: string): Accept | undefined {
  const set = BUILT_FAST_ACCEPTS;
  if (!set || ((kind === 'hazard' || kind === 'incident') && schemaName !== set.schemeName)) return undefined;
  const plain = set.accepts[kind];
  return plain && compilePlain(plain);
}

/** Whether the single-file CLI's build wrote the descriptions in (so a cold load can start without zod). */
export const hasBuiltAccepts = (): boolean => BUILT_FAST_ACCEPTS !== undefined;
