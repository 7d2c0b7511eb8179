/** The document set built from the MedRec fixture: every CSCR section, the IG §3.5 listings, sign-off states, reproducibility. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { clinsafeTemplate } from '../src/adapters/templates.js';
import { loadFolder, type SafetyFolder, type Snapshot } from '../src/core/folder.js';
import {
  ARTEFACTS,
  buildDocuments as build,
  folderContentHash,
  sha256,
  SignOffError,
  TemplateError,
  type Artefact,
  type ChangeRecordEntry,
  type ReleaseInfo,
  type SignOff,
  type TemplateName,
} from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { highResidualHazards, incidentsSince, outstandingIssues, residualRisks, handOver } from '../src/docs/safety-case-facts.js';
import { EXAMPLE_PRODUCT, REPO_ROOT } from './helpers/repo.js';

let snapshot: Snapshot;
let folder: SafetyFolder;
const release: ReleaseInfo = {
  tag: 'v2.4.0',
  commit: '43a898e47702cc26ed975b0c6678802bd57aecba',
  date: '2026-10-20T09:30:00Z',
  previousTag: 'v2.3.2',
  previousCommit: '703e3c5fded7aaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  previousDate: '2026-02-06T12:00:00Z',
  lifecyclePhase: 'Major release',
};
const approved: SignOff = {
  state: 'approved',
  cso: { github: 'dr-amara-okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' },
  statement: 'I am satisfied that the residual clinical risk of MedRec 2.4.0 is acceptable for use as intended.',
  signedAt: '2026-11-03T15:04:05Z',
};
const change: ChangeRecordEntry[] = [
  {
    pullNumber: 42,
    title: 'Retry EPMA delivery with back-off',
    mergeCommit: 'b'.repeat(40),
    mergedAt: '2026-10-20T09:30:00Z',
    hazards: ['H-006'],
    approvals: [],
    source: 'git',
  },
];

const text = (arts: Artefact[], name: string): string => {
  const a = arts.find((x) => x.name === name);
  if (!a) throw new Error(`no artefact ${name}; have ${arts.map((x) => x.name).join(', ')}`);
  return a.bytes.toString('utf8');
};
/** The Markdown between a level-2 heading starting with `title` and the next level-2 heading. */
function section(md: string, title: string): string {
  const start = md.split('\n').findIndex(
    (l) =>
      l.startsWith('## ') &&
      l
        .slice(3)
        .replace(/^\d+\.\s+/, '')
        .startsWith(title),
  );
  if (start < 0) throw new Error(`no section "${title}"`);
  const lines = md.split('\n').slice(start + 1);
  const end = lines.findIndex((l) => l.startsWith('## '));
  return lines.slice(0, end < 0 ? undefined : end).join('\n');
}

beforeAll(() => {
  snapshot = snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'));
  const r = loadFolder(snapshot);
  expect(r.valid).toBe(true);
  folder = r.folder!;
});

describe('CSCR for the MedRec fixture (draft)', () => {
  let arts: Artefact[];
  let md: string;
  beforeAll(async () => {
    arts = await buildDocuments({
      folder,
      release,
      changeRecord: change,
      formats: ['md', 'html', 'csv'],
      folderHash: folderContentHash(snapshot),
    });
    md = text(arts, ARTEFACTS.cscrMd);
  });

  it('has every section a CSCR needs, in order', () => {
    const headings = md
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headings).toEqual([
      'Executive summary',
      '1. Document control',
      '2. Introduction',
      '3. System definition',
      '4. Clinical risk management system',
      '5. Risk scheme',
      '6. Hazard summary',
      '7. Residual risks and operational constraints',
      '8. Hazards with a high residual rating',
      '9. Hand-over to deploying organisations (DCB0160)',
      '10. Safety requirements and verification',
      '11. Outstanding test issues',
      '12. Change record since the previous release',
      '13. Incidents since the previous release',
      '14. Summary safety statement',
      '15. Quality assurance and approval',
      'Appendix A. Risk matrix',
      'Appendix B. DTAC C1.2.4 evidence map',
    ]);
  });

  it('document control names product, version, tag, full commit SHA, date, phase, document version and the approvers', () => {
    const s = section(md, 'Document control');
    for (const v of [
      'MedRec',
      '2.4.0',
      'v2.4.0',
      release.commit,
      '2026-10-20',
      'Major release',
      'v2.3.2',
      'Dr Amara Okafor, Pharmacist, GPhC 2087654',
      'Dr Tom Hughes, Medical practitioner, GMC 7012345',
    ])
      expect(s).toContain(v);
  });

  it('says plainly it is a draft awaiting CSO sign-off and claims no approval', () => {
    expect(md.split('\n').slice(0, 6).join('\n')).toContain('DRAFT awaiting CSO sign-off');
    expect(section(md, 'Summary safety statement')).toContain('No Clinical Safety Officer has signed a safety statement');
    expect(section(md, 'Quality assurance')).toContain('Awaiting sign-off');
    expect(md).not.toMatch(/\bApproved\b/);
    expect(arts.map((a) => a.name)).not.toContain(ARTEFACTS.memoMd);
  });

  it('system definition: intended use, users, settings, interfacing systems, exclusions', () => {
    const s = section(md, 'System definition');
    expect(s).toContain('pharmacy staff, within 24 hours');
    expect(s).toContain('Pharmacy technicians (accredited for medicines reconciliation)');
    expect(s).toContain('Acute hospital adult inpatient wards');
    expect(s).toContain('GP Connect Access Record Structured');
    expect(s).toContain('Paediatric and neonatal patients');
  });

  it('clinical risk management system: CSOs with registration, roles, method and the workshops held', () => {
    const s = section(md, 'Clinical risk management system');
    expect(s).toMatch(/Clinical Safety Officer\s*\| Dr Amara Okafor\s*\| Pharmacist, GPhC 2087654/);
    expect(s).toContain('Priya Shah');
    expect(s).toContain('structured what-if (SWIFT)');
    for (const w of folder.workshops) expect(s).toContain(w.date);
  });

  it('the declared risk scheme and the matrix as configured', () => {
    expect(section(md, 'Risk scheme')).toContain('NHS DCB0129 implementation guidance risk matrix');
    // Issue 11 §1: the guidance's words, word for word, and the acceptability in force.
    const rs = section(md, 'Risk scheme');
    for (const r of NHS_DCB0129.ratings) expect(rs).toContain(`| ${r.value}      | ${r.meaning}`);
    expect(rs).toContain(
      '| 3      | Undesirable level of risk. Attempts should be made to eliminate or control to reduce risk to an acceptable level. Shall only be acceptable when further risk reduction is impractical.',
    );
    expect(rs).toContain('A residual risk of 4 or 5 is not acceptable for release.');
    expect(rs).toContain(
      'A residual risk of 3 is acceptable only with a recorded justification that further risk reduction is impractical.',
    );
    expect(rs).toContain('quoted word for word from the NHS DCB0129 implementation guidance');
    expect(rs).toMatch(/\| Very high\s+\| Certain or almost certain; highly likely to occur\s+\|/);
    const ladder = rs.split('\n').filter((l) => /\| (Single|Multiple) patients? +\|$/.test(l));
    expect(ladder).toHaveLength(15);
    expect(rs).toMatch(/\| Major\s+\| Death\s+\| Single patient\s+\|/);
    expect(rs).toMatch(/\| Catastrophic\s+\| Death\s+\| Multiple patients \|/);
    expect(rs).toMatch(
      /\| Minor\s+\| Minor injury from which recovery is expected in the short term; minor psychological upset; inconvenience; any negligible consequence\s+\| Single patient\s+\|/,
    );
    const m = section(md, 'Appendix A');
    expect(m).toMatch(/\| Very high\s+\| 3\s+\| 4\s+\| 4\s+\| 5\s+\| 5\s+\|/);
    expect(m).toMatch(/\| Very low\s+\| 1\s+\| 1\s+\| 2\s+\| 2\s+\| 3\s+\|/);
  });

  it('hazard summary lists every hazard with initial and residual rating meaning and status', () => {
    const s = section(md, 'Hazard summary');
    for (const h of folder.hazards) expect(s).toContain(`| ${h.id}`);
    expect(s).toMatch(
      /\| H-001\s+\| Medication record shown for the wrong patient\s+\| Major \/ Medium: 3 — Undesirable\s+\| Major \/ Very low: 2 — Acceptable where cost of further reduction outweighs benefit\s+\| closed/,
    );
    expect(s).toContain('Retired hazards');
    expect(s).toContain('H-012');
  });

  it('hazard details carry causes, controls, actions, assumptions and comments of each live hazard', () => {
    const s = section(md, 'Hazard summary');
    expect(s).toContain('#### H-001 Medication record shown for the wrong patient');
    expect(s).not.toContain('#### H-012');
    expect(s).toContain('C3 Two browser tabs open on different patients');
    expect(s).toContain('Add regression test for stale context after a network reconnect (manufacturer, done, due 2025-12-15)');
    expect(s).toContain("The trust's positive patient identification policy is followed");
    expect(s).toContain('Reviewed at the 2026-03-01 annual review');
  });

  it('IG §3.5: residual risks of every live hazard with their operational constraints', () => {
    const rs = residualRisks(folder);
    expect(rs.map((r) => r.hazard.id)).toEqual([
      'H-001',
      'H-002',
      'H-003',
      'H-004',
      'H-005',
      'H-006',
      'H-007',
      'H-008',
      'H-009',
      'H-010',
      'H-011',
    ]);
    const s = section(md, 'Residual risks');
    expect(s).not.toContain('H-012');
    for (const r of rs) {
      expect(s).toContain(`| ${r.hazard.id}`);
      for (const c of r.constraints) expect(s).toContain(c.replace(/\s+/g, ' ').trim().slice(0, 40));
    }
    expect(rs.filter((r) => r.constraints.length).map((r) => r.hazard.id)).toEqual(['H-002', 'H-003', 'H-005', 'H-006', 'H-009']);
    // Issue 11 §1: the residual is never credited for planned controls without saying so.
    expect(s).toContain(
      'Major / Very low: 2 — Acceptable where cost of further reduction outweighs benefit; once planned controls H-003-C03, C04 are in place; as delivered in this release: Major / Low: 3 — Undesirable',
    );
    expect(s).toContain('Major / Low: 3 — Undesirable; assessed as delivered: planned controls H-002-C04 are not credited');
    expect(s).toContain('assumes controls H-010-C03, C04 held by Deploying organisation are in place');
  });

  it('IG §3.5: hazards with residual rating ≥ 3 with the justification', () => {
    // H-003 and H-006 are 3 as delivered in 2.4.0 (their residual of 2 needs controls still planned).
    expect(highResidualHazards(folder).map((h) => h.id)).toEqual(['H-002', 'H-003', 'H-005', 'H-006', 'H-009']);
    const s = section(md, 'Hazards with a high residual rating');
    for (const h of highResidualHazards(folder)) {
      expect(s).toContain(`| ${h.id}`);
      expect(s).toContain(h.justification!.replace(/\s+/g, ' ').trim().slice(0, 50));
    }
  });

  it('IG §3.5 / DCB0160 hand-over: transferred hazards kept apart from open hazards with deployer controls, and other manufacturers', () => {
    const ho = handOver(folder);
    expect(ho.transferred.map((t) => [t.hazard.id, t.controls.map((c) => c.id)])).toEqual([['H-010', ['H-010-C03', 'H-010-C04']]]);
    expect(ho.deployerControlled.map((t) => [t.hazard.id, t.controls.map((c) => c.id)])).toEqual([
      ['H-006', ['H-006-C03', 'H-006-C04']],
      ['H-007', ['H-007-C03']],
    ]);
    expect(ho.otherManufacturers.map((m) => [m.manufacturer.name, m.hazard.id, m.controls.map((c) => c.id)])).toEqual([
      ['Example EPMA Systems Ltd', 'H-006', ['H-006-C06']],
    ]);
    expect(ho.organisations).toEqual(['Deploying organisation']);
    const s = section(md, 'Hand-over to deploying organisations');
    const transferred = s.slice(
      s.indexOf('### Transferred hazards'),
      s.indexOf('### Open hazards with controls held by deploying organisations'),
    );
    const open = s.slice(
      s.indexOf('### Open hazards with controls held by deploying organisations'),
      s.indexOf('### Controls held by other manufacturers'),
    );
    const others = s.slice(s.indexOf('### Controls held by other manufacturers'));
    expect(transferred).toContain('#### H-010');
    expect(transferred).not.toContain('#### H-006');
    expect(open).toContain('#### H-006');
    expect(open).toContain('#### H-007');
    for (const t of [...ho.transferred, ...ho.deployerControlled]) {
      // description and clinical impact, not ids alone
      expect(s).toContain(t.hazard.clinicalImpact.replace(/\s+/g, ' ').trim().slice(0, 60));
      expect(s).toContain(t.hazard.description.replace(/\s+/g, ' ').trim().slice(0, 60));
      for (const c of t.controls) expect(s).toContain(c.description.replace(/\s+/g, ' ').trim().slice(0, 50));
    }
    expect(s).toContain('Open action (Deploying organisation)');
    expect(others).toContain('#### Example EPMA Systems Ltd: H-006 Reconciliation summary not delivered to EPMA or the prescriber');
    expect(others).toContain(
      'Who must act: **Example EPMA Systems Ltd**, manufacturer of Trust EPMA (electronic prescribing and medicines administration), in its own clinical safety case under DCB0129.',
    );
    expect(others).toMatch(/\| H-006-C06 \| The EPMA system returns a filing acknowledgement/);
    // a manufacturer control never lands under "what the organisation must do"
    expect(s).not.toMatch(/\| H-006-C05 /);
  });

  it('the manufacturer named by its own name (any spelling) is the manufacturer; organisation names are listed once', () => {
    const h10 = folder.hazards.find((h) => h.id === 'H-010')!;
    const renamed = {
      ...h10,
      transferredTo: 'deploying organisations.',
      controls: h10.controls.map((c, i) =>
        i === 0 ? { ...c, owner: 'EXAMPLE HEALTH LTD.' } : i === 2 ? { ...c, owner: 'Deploying Organisations' } : c,
      ),
    };
    const f: SafetyFolder = { ...folder, hazards: folder.hazards.map((h) => (h.id === 'H-010' ? renamed : h)) };
    const t = handOver(f).transferred[0]!;
    expect(t.controls.map((c) => c.id)).toEqual(['H-010-C03', 'H-010-C04']);
    expect(t.organisations).toEqual(['deploying organisations.']);
    expect(handOver(f).organisations).toHaveLength(1);
  });

  it('IG §3.5: outstanding issues — planned controls and open actions', () => {
    const is = outstandingIssues(folder);
    expect(is.filter((i) => i.kind === 'planned control').map((i) => i.ref)).toEqual([
      'H-002-C04',
      'H-003-C03',
      'H-003-C04',
      'H-004-C04',
      'H-006-C03',
      'H-006-C04',
      'H-006-C05',
      'H-006-C06',
      'H-007-C03',
      'H-007-C04',
      'H-009-C04',
      'H-010-C03',
      'H-010-C04',
      'H-011-C03',
    ]);
    expect(is.filter((i) => i.kind === 'open action').map((i) => i.hazard.id)).toEqual([
      'H-002',
      'H-003',
      'H-004',
      'H-005',
      'H-006',
      'H-006',
      'H-007',
      'H-009',
      'H-011',
    ]);
    const s = section(md, 'Outstanding test issues');
    for (const i of is) expect(s).toContain(`| ${i.ref}`);
    // Planned controls and open actions only: H-001's controls appear below it, among the test issues (no results supplied).
    expect(s.split('### Test results at release')[0]).not.toContain('H-001-C0');
    // the sign-off checklist: no clinical finding blocks the example product — only its outstanding test
    // issues do, since no test results were supplied for this build; what is flagged is listed by hazard
    const blocking = s.split('\n').filter((l) => /\|\s+\*\*blocks\*\*\s+\|/.test(l));
    expect(blocking.length).toBeGreaterThan(0);
    for (const l of blocking) expect(l).toContain('Outstanding test issue at the release commit');
    expect(s).toMatch(/\| H-006 \(INC-2026-002\)\s+\| Open incident\s+\| flagged/);
    expect(s).toMatch(/\| H-010\s+\| Residual relies on another organisation\s+\| flagged/);
  });

  it('safety requirements with verification evidence and status', () => {
    const s = section(md, 'Safety requirements');
    const live = folder.hazards.filter((h) => h.status !== 'retired');
    for (const h of live) for (const c of h.controls) expect(s).toContain(`| ${c.id}`);
    expect(s).toMatch(/\| H-001-C01\s+\| H-001\s+\|.*\| design\s+\| manufacturer\s+\| verified\s+\| `test\/patient-context.spec.ts`/);
  });

  it('change record: the PR, its hazards, and plainly no approval claimed from git', () => {
    const s = section(md, 'Change record');
    expect(s).toMatch(
      /\| #42\s+\| Retry EPMA delivery with back-off\s+\| `bbbbbbbbbbbb`\s+\| 2026-10-20\s+\| H-006\s+\| not recorded in git history/,
    );
    expect(s).toContain('CSO approval not recorded in git history; generated by the clinsafe app from pull-request reviews');
  });

  it('incidents since the previous release only', () => {
    expect(incidentsSince(folder, release.date, release.previousDate).map((i) => i.reference)).toEqual(['INC-2026-002']);
    expect(incidentsSince(folder, release.date).map((i) => i.reference)).toEqual(['INC-2026-001', 'INC-2026-002']);
    const s = section(md, 'Incidents');
    expect(s).toContain('INC-2026-002');
    expect(s).not.toContain('INC-2026-001');
    expect(s).toMatch(/\| INC-2026-002 .*\| Considerable \/ Medium: 3 — Undesirable\s+\| H-006/);
    // H-006 was re-assessed after INC-2026-002: the incident no longer stands above its residual
    expect(s).toContain('### Impact of incidents on the safety case (DCB0129 7.2.2, 7.2.3)');
    expect(s).toContain('No open incident is rated above the residual risk of a hazard it is linked to');
  });

  it('an incident rated above a linked hazard’s residual is listed with its assessment (7.2.2/7.2.3)', async () => {
    const h6 = folder.hazards.find((h) => h.id === 'H-006')!;
    const { deliveredResidual: _d, ...asFound } = h6;
    const f: SafetyFolder = { ...folder, hazards: folder.hazards.map((h) => (h.id === 'H-006' ? asFound : h)) };
    const out = text(await buildDocuments({ folder: f, release, changeRecord: change, formats: ['md'] }), ARTEFACTS.cscrMd);
    const s = section(out, 'Incidents');
    expect(s).toMatch(
      /\| INC-2026-002 Reconciliation summaries not filed in EPMA after integration engine change\s+\| Considerable \/ Medium: 3 — Undesirable\. Delay in acting on reconciliation recommendations.*\| H-006: Considerable \/ Low: 2 .*\| \*\*Awaiting re-assessment of the hazard or a CSO’s recorded reason\*\*/,
    );
    expect(section(out, 'Outstanding test issues')).toMatch(
      /\| H-006 \(INC-2026-002\)\s+\| Incident rated above the residual\s+\| \*\*blocks\*\*/,
    );
    expect(section(out, 'Summary safety statement')).toContain('finding(s) block sign-off');
  });

  it('DTAC C1.2.4 evidence map', () => {
    expect(section(md, 'Appendix B')).toContain('Declared risk scheme');
  });

  it('manifest lists every artefact with its SHA-256, the commit and the folder hash', () => {
    const m = JSON.parse(text(arts, ARTEFACTS.manifest));
    expect(arts.at(-1)!.name).toBe('manifest.json');
    expect(m.commit).toBe(release.commit);
    expect(m.folderHash).toBe(folderContentHash(snapshot));
    expect(m.folderHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.signOff).toEqual({ state: 'draft' });
    expect(m.artefacts.map((a: { name: string }) => a.name)).toEqual(arts.slice(0, -1).map((a) => a.name));
    for (const a of arts.slice(0, -1)) expect(m.artefacts.find((x: { name: string }) => x.name === a.name).sha256).toBe(sha256(a.bytes));
  });

  it('is reproducible: the same inputs give byte-identical Markdown, HTML, CSV and manifest', async () => {
    const again = await buildDocuments({
      folder,
      release,
      changeRecord: change,
      formats: ['md', 'html', 'csv'],
      folderHash: folderContentHash(snapshot),
    });
    expect(again.map((a) => [a.name, a.sha256])).toEqual(arts.map((a) => [a.name, a.sha256]));
    const other = await buildDocuments({ folder, release: { ...release, commit: 'c'.repeat(40) }, changeRecord: change, formats: ['md'] });
    expect(other[0]!.sha256).not.toBe(arts[0]!.sha256);
  });

  it('the folder hash changes when any safety file changes', () => {
    const changed = snapshot.files.map((f, i) =>
      i === 3 ? { ...f, bytes: Buffer.concat([Buffer.from(f.bytes!), Buffer.from('\n')]) } : f,
    );
    expect(folderContentHash(changed)).not.toBe(folderContentHash(snapshot));
    expect(folderContentHash([...snapshot.files].reverse())).toBe(folderContentHash(snapshot));
  });

  it('CRMP: scope, lifecycle, roles, acceptability, method, review cadence, incident process', () => {
    const crmp = text(arts, ARTEFACTS.crmpMd);
    const headings = crmp
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headings).toEqual([
      '1. Document control',
      '2. Scope',
      '3. Lifecycle and CSCR issue points',
      '4. Roles and named approvers',
      '5. Risk acceptability criteria',
      '6. Hazard identification method',
      '7. Change control',
      '8. Review cadence',
      '9. Incident process',
      '10. Approval',
    ]);
    expect(section(crmp, 'Lifecycle')).toContain('Decommissioning');
    expect(section(crmp, 'Review cadence')).toContain('Last periodic review: 2026-03-01. Next due: 2027-03-01.');
    expect(section(crmp, 'Incident process')).toContain('priority 1');
    expect(section(crmp, 'Roles')).toContain('GMC 7012345');
    // the acceptability criteria in force, with the guidance's definitions (issue 11 §1)
    const criteria = section(crmp, 'Risk acceptability criteria');
    expect(criteria).toContain('A residual risk of 4 or 5 is not acceptable for release.');
    expect(criteria).toContain('Mandatory elimination or control to reduce risk to an acceptable level.');
    expect(criteria).toMatch(/\| Considerable\s+\| Significant psychological trauma\s+\| Multiple patients \|/);
  });

  it('safety requirements document lists every control', () => {
    const sr = text(arts, ARTEFACTS.requirementsMd);
    for (const h of folder.hazards.filter((x) => x.status !== 'retired')) for (const c of h.controls) expect(sr).toContain(c.id);
  });
});

describe('sign-off states', () => {
  it('approved: CSCR names the CSO with registration and date; the memo carries the SHA-256 of the CSCR files of the same build', async () => {
    const arts = await buildDocuments({ folder, release, changeRecord: change, signOff: approved, formats: ['md', 'html', 'pdf'] });
    const md = text(arts, ARTEFACTS.cscrMd);
    expect(md).not.toContain('DRAFT');
    expect(md).toContain('Approved.');
    expect(section(md, 'Summary safety statement')).toContain('I am satisfied that the residual clinical risk');
    expect(section(md, 'Quality assurance')).toMatch(/Dr Amara Okafor\s*\| Pharmacist, GPhC 2087654\s*\| Approved\s*\| 2026-11-03/);
    const memo = text(arts, ARTEFACTS.memoMd);
    for (const n of [ARTEFACTS.cscrMd, ARTEFACTS.cscrHtml, ARTEFACTS.cscrPdf])
      expect(memo).toContain(arts.find((a) => a.name === n)!.sha256);
    for (const v of ['Dr Amara Okafor', 'Pharmacist', 'GPhC 2087654', 'v2.4.0', release.commit, '2026-11-03', 'I am satisfied'])
      expect(memo).toContain(v);
    expect(arts.map((a) => a.name)).toEqual(expect.arrayContaining([ARTEFACTS.memoHtml, ARTEFACTS.memoPdf]));
    const m = JSON.parse(text(arts, ARTEFACTS.manifest));
    expect(m.signOff).toEqual({ state: 'approved', cso: 'dr-amara-okafor', signedAt: '2026-11-03T15:04:05Z' });
  });

  it('a residual resting on planned controls: the CSCR checklist credits a sign-off statement that accepts it, and warns when one does not', async () => {
    const h3 = folder.hazards.find((h) => h.id === 'H-003')!;
    const { deliveredResidual: _d, ...asFound } = h3;
    const f: SafetyFolder = { ...folder, hazards: folder.hazards.map((h) => (h.id === 'H-003' ? asFound : h)) };
    const build = async (statement: string) =>
      text(
        await buildDocuments({ folder: f, release, changeRecord: [], signOff: { ...approved, statement }, formats: ['md'] }),
        ARTEFACTS.cscrMd,
      );
    const silent = await build('I am satisfied that the residual clinical risk is acceptable.');
    expect(section(silent, 'Outstanding test issues')).toMatch(/\| H-003\s+\| Residual rests on planned controls\s+\| \*\*blocks\*\*/);
    expect(section(silent, 'Summary safety statement')).toMatch(
      /Warning: signed while \d+ finding\(s\) that block sign-off stood \(H-003, /,
    );
    // No test results were supplied, so the outstanding test issues must be accepted too (issue 15).
    const accepting = await build(
      'Acceptable for use. I accept the residual risk resting on planned controls for H-003. I accept the outstanding test issues.',
    );
    expect(section(accepting, 'Outstanding test issues')).toMatch(
      /\| H-003\s+\| Residual rests on planned controls\s+\| flagged\s+\| .*accepted for release in the CSO’?'?s sign-off statement/,
    );
    expect(section(accepting, 'Summary safety statement')).not.toContain('Warning: signed while');
  });

  it('an approval by someone not on the CSO roster is refused, never printed as an approval', async () => {
    const outsider: SignOff = { ...approved, cso: { ...approved.cso, github: 'mallory' } } as SignOff;
    await expect(buildDocuments({ folder, release, changeRecord: [], signOff: outsider, formats: ['md'] })).rejects.toThrow(SignOffError);
    await expect(buildDocuments({ folder, release, changeRecord: [], signOff: outsider, formats: ['md'] })).rejects.toThrow(
      /mallory is not on the CSO roster in clinsafe\.yml at 43a898e47702; only a Clinical Safety Officer on the roster can approve release v2\.4\.0/,
    );
    // Case of the login does not matter, as on GitHub.
    const upper: SignOff = { ...approved, cso: { ...approved.cso, github: 'Dr-Amara-Okafor' } } as SignOff;
    expect((await buildDocuments({ folder, release, changeRecord: [], signOff: upper, formats: ['md'] })).map((a) => a.name)).toContain(
      ARTEFACTS.memoMd,
    );
  });

  it('rejected: the CSCR says the release is NOT safety-approved, with the reason, and no memo is made', async () => {
    const arts = await buildDocuments({
      folder,
      release,
      changeRecord: [],
      signOff: { state: 'rejected', by: 'Dr Tom Hughes', reason: 'H-004-C04 must be verified first', at: '2026-11-03T10:00:00Z' },
      formats: ['md'],
    });
    const md = text(arts, ARTEFACTS.cscrMd);
    expect(md.split('\n').slice(0, 8).join('\n')).toContain('NOT safety-approved');
    expect(md).toContain('H-004-C04 must be verified first');
    expect(md).not.toContain('Approved.');
    expect(arts.map((a) => a.name)).not.toContain(ARTEFACTS.memoMd);
  });

  it('github change record: names the approving CSO and the commit; a PR with no approval says so', async () => {
    const arts = await buildDocuments({
      folder,
      release,
      changeRecord: [
        {
          pullNumber: 7,
          title: 'Tighten dose units',
          mergeCommit: 'd'.repeat(40),
          hazards: ['H-004'],
          approvals: [{ login: 'dr-tom-hughes', name: 'Dr Tom Hughes', commit: 'e'.repeat(40) }],
          source: 'github',
        },
        { pullNumber: 8, title: 'Refactor', mergeCommit: 'f'.repeat(40), hazards: ['H-001'], approvals: [], source: 'github' },
      ],
      formats: ['md'],
    });
    const s = section(text(arts, ARTEFACTS.cscrMd), 'Change record');
    expect(s).toContain('Dr Tom Hughes (dr-tom-hughes) on eeeeeeeeeeee');
    expect(s).toMatch(/\| #8 .*\*\*no CSO approval recorded\*\*/);
    expect(s).not.toContain('not recorded in git history');
  });
});

describe('a custom risk scheme', () => {
  it('is printed as declared: its name, ratings, thresholds and matrix', async () => {
    const scheme = {
      id: 'custom',
      name: 'Acme 3×3',
      severities: ['Low', 'Medium', 'High'],
      likelihoods: ['Unlikely', 'Possible', 'Likely'],
      ratings: [
        { value: 1, name: 'Acceptable', meaning: 'No further action required' },
        { value: 2, name: 'Tolerable', meaning: 'Reduce where practicable' },
        { value: 3, name: 'Unacceptable', meaning: 'Must be reduced before release' },
      ],
      justifyFrom: 2,
      unacceptableFrom: 3,
      matrix: {
        Unlikely: { Low: 1, Medium: 1, High: 2 },
        Possible: { Low: 1, Medium: 2, High: 3 },
        Likely: { Low: 2, Medium: 3, High: 3 },
      },
      severityMeanings: {},
      likelihoodMeanings: {},
    };
    const f: SafetyFolder = { ...folder, scheme, hazards: [], incidents: [] };
    const arts = await buildDocuments({ folder: f, release, changeRecord: [], formats: ['md', 'html'] });
    const md = text(arts, ARTEFACTS.cscrMd);
    expect(section(md, 'Risk scheme')).toContain('Risk scheme in force: **Acme 3×3**');
    const rs = section(md, 'Risk scheme');
    expect(rs).toContain('declared by the manufacturer in clinsafe.yml');
    expect(rs).not.toContain('word for word');
    expect(rs).toContain('A residual risk of 3 is not acceptable for release.');
    expect(rs).toContain(
      'A residual risk of 2 is acceptable only with a recorded justification that further risk reduction is impractical.',
    );
    expect(rs).toContain('A residual risk of 1 is acceptable.');
    expect(rs).toMatch(/\| 2\s+\| Reduce where practicable\s+\| Acceptable only with a recorded justification/);
    expect(section(md, 'Appendix A')).toMatch(/\| Likely\s+\| 2\s+\| 3\s+\| 3\s+\|/);
    expect(section(md, 'Appendix A')).not.toContain('Catastrophic');
    expect(section(md, 'Hazard summary')).toContain('The hazard log holds no hazards.');
    const html = text(arts, ARTEFACTS.cscrHtml);
    expect(html).toContain('<td class="risk-unacceptable">3</td>');
    expect(html).toContain('<td class="risk-medium">2</td>');
  });
});

describe('templates and hostile text', () => {
  it('a product template override is used; the status banner is inserted even when the template leaves it out', async () => {
    const f = {
      ...folder,
      templates: { 'cscr.md': '# Our safety case for {{product.name}}\n\nLocal preamble.\n\n## Hazards\n\n{{hazard-summary}}\n' },
    };
    const md = text(await buildDocuments({ folder: f, release, changeRecord: [], formats: ['md'] }), ARTEFACTS.cscrMd);
    expect(md.startsWith('# Our safety case for MedRec\n')).toBe(true);
    expect(md.split('\n').slice(0, 4).join('\n')).toContain('DRAFT awaiting CSO sign-off');
    expect(md).toContain('Local preamble.');
    expect(md).toContain('| H-011');
  });

  it("clinsafe's own templates come from the caller: the builder asks it by name, and a product override still wins", async () => {
    const asked: string[] = [];
    const defaultTemplates = (name: TemplateName) => {
      asked.push(name);
      return `# Given ${name} for {{product.name}}\n\n{{hazard-summary}}\n`;
    };
    const f = { ...folder, templates: { 'crmp.md': '# Our plan\n' } };
    const arts = await build({ folder: f, release, changeRecord: [], formats: ['md'], defaultTemplates });
    expect(asked).toEqual(['cscr.md', 'safety-requirements.md']);
    expect(text(arts, ARTEFACTS.cscrMd).startsWith('# Given cscr.md for MedRec\n')).toBe(true);
    expect(text(arts, ARTEFACTS.crmpMd).startsWith('# Our plan\n')).toBe(true);
    // The adapter the front doors hand in reads templates/ as it is, and only template names.
    expect(clinsafeTemplate('cscr.md')).toBe(readFileSync(join(REPO_ROOT, 'templates', 'cscr.md'), 'utf8'));
    expect(() => clinsafeTemplate('../package.json')).toThrow(/not the name of one of clinsafe's templates/);
  });

  it('an unknown placeholder is an error at file:line:col naming the valid ones', async () => {
    const f = { ...folder, templates: { 'cscr.md': '# T\n\nSee {{hazrd-summary}} here.\n' } };
    const err = await buildDocuments({ folder: f, release, changeRecord: [], formats: ['md'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toMatch(
      /^clinical-safety\/templates\/cscr\.md:3:5: unknown placeholder \{\{hazrd-summary\}\}; use one of .*hazard-summary/,
    );
  });

  it('raw HTML in a template is refused', async () => {
    const f = { ...folder, templates: { 'crmp.md': '# T\n\n<script>alert(1)</script>\n' } };
    await expect(buildDocuments({ folder: f, release, changeRecord: [], formats: ['md'] })).rejects.toThrow(
      /crmp\.md:3:1: raw HTML is not allowed/,
    );
  });

  it('repository text cannot break a table, inject HTML or ping a team', async () => {
    const evil = structuredClone(folder);
    evil.hazards[0]!.title = 'Bad | pipe <script>alert(1)</script> @medrec/cso {{product.name}}';
    evil.config.product.name = '<img src=x onerror=alert(1)>';
    const arts = await buildDocuments({ folder: evil, release, changeRecord: [], formats: ['md', 'html'] });
    const md = text(arts, ARTEFACTS.cscrMd);
    const row = md.split('\n').find((l) => l.startsWith('| H-001'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(7); // 5 cells: the pipe in the title is escaped
    expect(md).toContain('@\u2060medrec/cso');
    expect(md).toContain('{{product.name}}'); // a value is never expanded as a placeholder
    const html = text(arts, ARTEFACTS.cscrHtml);
    expect(html).not.toContain('<script>');
    // The only <img> is the generated heat map (a data: URL); the hostile name never becomes one.
    expect(html.match(/<img\b[^>]*>/g)?.filter((t) => !t.startsWith('<img src="data:image/svg+xml;base64,'))).toEqual([]);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
