/**
 * The document builder as the front doors bind it (`documentBuilder(clinsafeTemplate)`): clinsafe's
 * own templates read from templates/ by the adapter, so the tests build the very bytes the CLI, the
 * App and the Action make. Tests that give their own default templates call src/docs/build.ts.
 */
import { clinsafeTemplate } from '../../src/adapters/templates.js';
import type { ArtefactFiles } from '../../src/docs/types.js';
import { documentBuilder, type DocumentInput } from '../../src/usecases/build-release.js';

const bound = documentBuilder(clinsafeTemplate);

export const buildDocuments = (input: DocumentInput) => bound.build(input);
export const writeDocuments = (input: DocumentInput, files: ArtefactFiles) => bound.write(input, files);
