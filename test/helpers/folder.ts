/** Small safety folders on disk, for validation tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { snapshotFromDisk } from '../../src/adapters/fs.js';
import { loadFolder, type LoadResult } from '../../src/core/folder.js';
import { tempDir } from './repo.js';

export const CONFIG = `product:
  name: TestProduct
  manufacturer: Test Health Ltd
  description: A test product.
  intendedUse: Testing.
  clinicalScope: None.
  users: [Testers]
  careSettings: [Test ward]
  patientGroup: Adults
cso:
  - github: dr-test
    name: Dr Test
    profession: Medical practitioner
    registration: GMC 1234567
riskScheme: nhs-dcb0129
review:
  cadenceMonths: 12
  lastReviewed: 2026-01-15
lifecycle:
  - phase: Live
`;

/** A valid hazard; tests mutate one line and check where the error lands. */
export const HAZARD = `id: H-001
title: Wrong patient shown
description: The record of another patient is displayed.
clinicalImpact: Treatment given on the basis of another patient's record.
causes:
  - id: C1
    description: Stale patient context
existingControls:
  - Patient banner
initial:
  severity: Major
  likelihood: Medium
controls:
  - id: H-001-C01
    description: Re-render banner on context switch
    type: design
    owner: manufacturer
    status: verified
    causes: [C1]
    evidence:
      - test/banner.spec.ts
residual:
  severity: Major
  likelihood: Very low
status: open
triggers:
  paths: ["src/patient/**"]
  labels: [patient-context]
`;

export const HAZARD_FILE = 'clinical-safety/hazards/H-001-wrong-patient.yml';

export function writeTree(files: Record<string, string | Uint8Array>, root = tempDir()): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function baseFiles(): Record<string, string | Uint8Array> {
  return {
    'clinical-safety/clinsafe.yml': CONFIG,
    [HAZARD_FILE]: HAZARD,
    'test/banner.spec.ts': '// evidence\n',
    'src/patient/context.ts': 'export {};\n',
  };
}

export function validateTree(files: Record<string, string | Uint8Array>): LoadResult & { root: string } {
  const root = writeTree(files);
  return { ...loadFolder(snapshotFromDisk(root, join(root, 'clinical-safety'))), root };
}

/** Validate the base folder with one hazard text replacement (which must apply). */
export function withHazard(edit: (text: string) => string, extra: Record<string, string | Uint8Array> = {}): LoadResult {
  const text = edit(HAZARD);
  if (text === HAZARD) throw new Error('test edit did not change the hazard');
  return validateTree({ ...baseFiles(), [HAZARD_FILE]: text, ...extra });
}
