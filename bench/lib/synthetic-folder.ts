/**
 * The synthetic safety folder the benchmarks build documents from: `n` hazards, each with
 * `controlsPerHazard` controls of every type, status and owner, shaped like a real hazard log.
 */
import type { Hazard, SafetyFolder } from '../../src/core/folder.js';
import { NHS_DCB0129, riskOf } from '../../src/core/risk.js';
import { configSchema } from '../../src/core/schema.js';

export function syntheticFolder(n: number, controlsPerHazard = 5): SafetyFolder {
  const s = NHS_DCB0129;
  const config = configSchema.parse({
    product: {
      name: 'Synthetic',
      manufacturer: 'Bench Ltd',
      description: 'A synthetic product for benchmarks.',
      version: '9.9.9',
      intendedUse: 'Benchmarking the document generator.',
      clinicalScope: 'None; synthetic.',
      users: ['Benchmarks'],
      careSettings: ['CI'],
      patientGroup: 'None',
      interfaces: [{ name: 'Nothing', direction: 'inbound' }],
    },
    cso: [{ github: 'bench-cso', name: 'Dr Bench', profession: 'Medical practitioner', registration: 'GMC 0000000' }],
    review: { cadenceMonths: 12, lastReviewed: '2026-01-01' },
    lifecycle: [{ phase: 'Live' }],
  });
  const hazards: Hazard[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `H-${String(i).padStart(4, '0')}`;
    const sev = s.severities[i % 5]!;
    const lik = s.likelihoods[(i * 3) % 5]!;
    const rsev = s.severities[Math.max(0, (i % 5) - 1)]!;
    const rlik = s.likelihoods[0]!;
    const controls = Array.from({ length: controlsPerHazard }, (_, c) => ({
      id: `${id}-C${String(c + 1).padStart(2, '0')}`,
      description: `Control ${c + 1} of hazard ${i}: the system validates the input against the reference data and refuses values that cannot be mapped, telling the user what to check.`,
      type: (['design', 'test', 'training', 'business-process'] as const)[c % 4],
      owner: c === 4 ? 'Deploying organisation' : 'manufacturer',
      status: (['verified', 'implemented', 'planned'] as const)[c % 3],
      causes: ['C1'],
      evidence: c % 3 === 2 ? [] : [`test/hazard-${i}-control-${c + 1}.spec.ts`],
    }));
    hazards.push({
      id,
      title: `Synthetic hazard ${i}: data shown to the clinician is wrong, missing or late`,
      description: `Description of hazard ${i}, a paragraph of text as long as a real hazard description tends to be in a hazard log.`,
      clinicalImpact: 'Delayed or inappropriate treatment; could lead to harm of a single patient.',
      causes: [
        { id: 'C1', description: 'Interface failure' },
        { id: 'C2', description: 'User error' },
      ],
      existingControls: ['Clinical judgement', 'Training'],
      initial: { severity: sev, likelihood: lik, risk: riskOf(s, sev, lik)! },
      controls,
      residual: { severity: rsev, likelihood: rlik, risk: riskOf(s, rsev, rlik)! },
      status: i % 10 === 0 ? 'transferred' : 'open',
      ...(i % 10 === 0 ? { transferredTo: 'Deploying organisation' } : {}),
      operationalConstraints: i % 7 === 0 ? ['Use only with a second source'] : [],
      actions: [{ summary: 'Verify planned control', owner: 'manufacturer', status: 'open' }],
      assumptions: [],
      draft: false,
      triggers: { paths: [`src/module-${i}/**`], labels: [] },
      file: `clinical-safety/hazards/${id}.yml`,
    } as unknown as Hazard);
  }
  return { dir: 'clinical-safety', config, scheme: s, hazards, incidents: [], workshops: [], templates: {} } as SafetyFolder;
}
