/**
 * The words of the status rules (transferred, closed, retired, fields only one status may have) and
 * of the id rules of hazards, incidents and workshops, pinned in one golden file: the rules share
 * code between kinds and statuses (src/core/hazard-check.ts, src/core/folder-kinds.ts), and a
 * change to one must not change what another says. Every message below is one a user acts on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/core/diagnostics.js';
import { baseFiles, HAZARD, validateTree } from './helpers/folder.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';

const DEPLOYER_CONTROL = `  - id: H-0XX-C09
    description: The trust reviews the banner monthly
    type: business-process
    owner: Deploying organisation
    status: planned
    causes: [C1]
`;
const ACTIONS = `actions:
  - summary: Build the banner audit report
    owner: manufacturer
    status: open
  - summary: Trust to brief its ward staff
    owner: Deploying organisation
    status: open
`;

/** The test hazard as `id`, with its status lines, a planned manufacturer control, and optionally a deployer's control and open actions. */
function hazard(id: string, status: string, opts: { deployer?: boolean; actions?: boolean } = {}): string {
  let text = HAZARD.replace('id: H-001\n', `id: ${id}\n`)
    .replace('H-001-C01', `${id}-C01`)
    .replace(
      '    status: verified\n    causes: [C1]\n    evidence:\n      - test/banner.spec.ts\n',
      '    status: planned\n    causes: [C1]\n',
    )
    .replace('status: open\n', status);
  if (opts.deployer) text = text.replace('residual:\n', `${DEPLOYER_CONTROL.replace('H-0XX', id)}residual:\n`);
  if (opts.actions) text += ACTIONS;
  if (!text.includes(`${id}-C01`) || !text.includes('status: planned')) throw new Error('test edit did not apply');
  return text;
}

const example = (path: string) => readFileSync(join(EXAMPLE_PRODUCT, 'clinical-safety', path), 'utf8');

describe('status and id rules', () => {
  it('say what they said before the shared code, word for word and in the same order', async () => {
    const incident = example('incidents/INC-2026-001.yml');
    const workshop = example('workshops/2025-11-12-hazid-release-2-4.md');
    const H = 'clinical-safety/hazards/';
    const r = validateTree({
      ...baseFiles(),
      [`${H}H-020-transferred.yml`]: hazard('H-020', 'status: transferred\n', { actions: true }),
      [`${H}H-021-transferred-to-us.yml`]: hazard('H-021', 'status: transferred\ntransferredTo: manufacturer\n', {
        deployer: true,
        actions: true,
      }),
      [`${H}H-022-closed.yml`]: hazard('H-022', 'status: closed\n', { deployer: true, actions: true }),
      [`${H}H-023-open.yml`]: hazard('H-023', 'status: open\ntransferredTo: Deploying organisation\nretiredReason: no longer used\n'),
      [`${H}H-024-retired.yml`]: hazard('H-024', 'status: retired\n'),
      [`${H}H-026-mismatch.yml`]: hazard('H-025', 'status: open\n'),
      [`${H}H-020-again.yml`]: hazard('H-020', 'status: open\n'),
      // Nine hazard ids in all, so the list an incident is pointed at is cut short (", …").
      [`${H}H-030-valid.yml`]: HAZARD.replace(/H-001/g, 'H-030'),
      [`${H}H-031-valid.yml`]: HAZARD.replace(/H-001/g, 'H-031'),
      'clinical-safety/incidents/INC-2026-001.yml': incident.replace('hazards: [H-004]', 'hazards: [H-001]'),
      'clinical-safety/incidents/INC-2026-003.yml': incident.replace('hazards: [H-004]', 'hazards: [H-001, H-404, H-405]'),
      'clinical-safety/incidents/INC-2026-004-dup.yml': incident.replace('hazards: [H-004]', 'hazards: [H-001]'),
      'clinical-safety/workshops/2025-11-13-more.md': workshop.replace(
        'hazardsRaised: [H-002, H-003, H-009]',
        'hazardsRaised: [H-001, H-777, H-778]',
      ),
    });
    const codes = new Set(r.diagnostics.map((d) => d.code));
    for (const code of ['transfer-incomplete', 'closed-outstanding', 'retired-reason', 'id-filename', 'duplicate-id', 'unknown-hazard'])
      expect(codes).toContain(code);
    await expect(`${r.diagnostics.map(formatDiagnostic).join('\n')}\n`).toMatchFileSnapshot('./golden/validate-status-ids.txt');
  });
});
