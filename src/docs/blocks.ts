/**
 * Generated blocks inserted into the document templates, gathered here for src/docs/build.ts, which
 * registers each under the name a template uses. Each returns mdast nodes; every value from the
 * repository enters as a text node. The blocks themselves live with their kind:
 *   approval-blocks.ts        status banner, document control, safety statement, approvals
 *   process-blocks.ts         system definition, scope, people, method, lifecycle, review, DTAC map
 *   risk-matrix.ts            the risk matrix and the tone of a rating
 *   hazard-blocks.ts          hazard summary and details, residual and high residual risks
 *   requirement-blocks.ts     safety requirements and outstanding test issues
 *   change-record-blocks.ts   merged changes since the previous release
 *   incident-blocks.ts        incidents since the previous release
 *   clinical-blocks.ts        risk scheme, hand-over, incident conflicts, sign-off findings
 */
export type { DocContext } from './doc-context.js';
export * from './approval-blocks.js';
export * from './process-blocks.js';
export * from './risk-matrix.js';
export * from './hazard-blocks.js';
export * from './requirement-blocks.js';
export * from './change-record-blocks.js';
export * from './incident-blocks.js';
export { riskScheme, transferredBlock } from './clinical-blocks.js';
