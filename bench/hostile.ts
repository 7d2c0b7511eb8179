/**
 * Hostile-input benchmark (run: npm run bench:hostile). Prints the time and heap growth of the
 * pure steps that read attacker-controlled text (issue 10 §4):
 *  1. loading a hazard file with a 1 MB unknown key (was 30 s / 1.3 GB: "did you mean" over it);
 *  2. loading files nested 500,000 levels (flow) and 1,000 levels (block) deep;
 *  3. rendering the PR comment for 10,000 impacted hazards (and its length against GitHub's limit);
 *  4. reading a 4,000-character hostile sign-off comment for a command.
 */
import { performance } from 'node:perf_hooks';
import { loadFolder } from '../src/core/folder.js';
import type { GateResult } from '../src/core/gate.js';
import { GITHUB_COMMENT_LIMIT, renderGateComment } from '../src/core/gate-comment.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { parseCommand } from '../src/core/sign-off-command.js';
import { CONFIG, HAZARD } from '../test/helpers/folder.js';

function measure(name: string, fn: () => string): void {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const note = fn();
  const ms = performance.now() - t0;
  const mb = (process.memoryUsage().heapUsed - heap0) / (1024 * 1024);
  console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${mb.toFixed(1).padStart(7)} MB heap  ${note}`);
}

function load(hazard: string): string {
  const files = { 'clinical-safety/clinsafe.yml': CONFIG, 'clinical-safety/hazards/H-001.yml': hazard };
  const r = loadFolder({
    dir: 'clinical-safety',
    files: Object.entries(files).map(([path, t]) => ({ path, bytes: Buffer.from(t) })),
    exists: () => true,
  });
  const d = r.diagnostics[0];
  return d ? `${d.code}: ${d.message.slice(0, 60)}…` : 'no diagnostic';
}

let block = 'comments:\n';
for (let i = 1; i < 1_000; i++) block += `${' '.repeat(i)}- \n`;

measure('1 MB unknown key', () => load(`${HAZARD}? ${'k'.repeat(1_000_000)}\n: 1\n`));
measure('flow nesting 500,000 deep', () => load(`${HAZARD}comments: ${'['.repeat(500_000)}\n`));
measure('block nesting 1,000 deep', () => load(`${HAZARD}${block}`));
measure('900,000-character title', () => load(HAZARD.replace('title: Wrong patient shown', `title: ${'x'.repeat(900_000)}`)));

const huge = {
  decision: 'pending',
  requiresApproval: true,
  impacted: Array.from({ length: 10_000 }, (_, i) => ({
    id: `H-${i + 1}`,
    title: 'T'.repeat(200),
    residualRisk: 2,
    reasons: [{ kind: 'path', detail: 'x', file: `src/f${i}.ts`, pattern: 'src/**' }],
  })),
  safetyFolderChanges: [],
  alwaysImpacted: [],
  suspiciousPaths: [],
  hazardLogChanges: [],
  reverify: [],
  approval: { state: 'pending', eligible: ['dr-a'], have: [], needed: 1, ignored: [] },
  errors: [],
  notes: [],
  headSha: 'a'.repeat(40),
  safetyDir: 'clinical-safety',
  statusContext: 'clinsafe/cso-approval',
  requiredApprovals: 1,
  roster: [{ github: 'dr-a', name: 'Dr A', profession: 'Doctor' }],
  scheme: NHS_DCB0129,
} as unknown as GateResult;
measure('PR comment for 10,000 hazards', () => {
  const md = renderGateComment(huge, { prNumber: 1 });
  return `${md.length} characters (GitHub's limit ${GITHUB_COMMENT_LIMIT})`;
});
for (const [name, body] of [
  ['sign-off comment: 3,900 "["', `${'['.repeat(3_900)}\n\n/clinsafe sign-off`],
  ['sign-off comment: 1,300 "*a "', `${'*a '.repeat(1_300)}\n\n/clinsafe sign-off`],
  ['sign-off comment: 7,000 nested quotes', `${'>'.repeat(7_000)} /clinsafe sign-off`],
] as const)
  measure(name, () => JSON.stringify(parseCommand(body)).slice(0, 60));
