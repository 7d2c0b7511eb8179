/**
 * Import keeps provenance and invents nothing (issue 11 §5): the workbook's cover page and version
 * history go into provenance.yml and the documents' history; the clinsafe.yml skeleton states no
 * method or lifecycle nobody gave; a control "implemented" on the word of an action-status cell
 * keeps the cell as its record but is flagged as lacking verification evidence.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { loadFolder } from '../src/core/folder.js';
import { isRecordOnlyEvidence, lacksVerification } from '../src/core/imported-evidence.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { ARTEFACTS } from '../src/docs/build.js';
import { buildDocuments } from './helpers/documents.js';
import { excelSerialToIso, importHazardLog } from '../src/import/nhs.js';
import { cli } from './helpers/cli.js';
import { emptyRepo, type TempRepo } from './helpers/repo.js';
import { CDS_LOG, coverWorkbook, MESSY_MAP, messyWorkbook, simpleWorkbook } from './helpers/workbooks.js';

const repos: TempRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});
function repo(): TempRepo {
  const r = emptyRepo();
  repos.push(r);
  return r;
}

describe('the workbook cover page and version history', () => {
  it('are read from the real CDS API log as it states them, each with its cell', async () => {
    const r = importHazardLog(await readWorkbook(readFileSync(CDS_LOG), 'cds.xlsx'), { scheme: NHS_DCB0129 });
    const p = r.provenance!;
    expect(p.workbook).toBe('cds.xlsx');
    expect(p.title).toBe('Clinical Safety Hazard Log - Clinical Decision Support FHIR API Implementation Guide v2.0');
    expect(p.cover).toEqual(
      expect.arrayContaining([
        { label: 'Status', value: 'Approved', cell: "'Cover Page'!D11" },
        { label: 'Version', value: '2', cell: "'Cover Page'!D12" },
        { label: 'Version Date', value: '2020-03-30', cell: "'Cover Page'!D13" },
        { label: 'Author', value: 'Julie Harris', cell: "'Cover Page'!B13" },
      ]),
    );
    expect(p.versions.map((v) => v.version)).toEqual(['0.1', '0.2', '0.3', '0.4', '1', '1.1', '1.2', '1.3', '2']);
    expect(p.versions.at(-1)).toEqual({ version: '2', summary: 'Updated numbering. CSO approval', cell: "'Version History'!A11" });
    // the CSO's approval of version 2
    expect(p.approvals).toEqual([
      { name: 'Lee Montgomery', role: 'UEC Clinical Safety Officer', date: '2020-03-30', version: '2', cell: "'Version History'!A29" },
    ]);
    // seven reviewers; the template's stray "Reviewer name | Date | Version" row is not one
    expect(p.reviewers.map((x) => x.name)).toEqual([
      'David Waters',
      'Chris Orrell',
      'Charles Olowosuko',
      'Afzal Mufti',
      'Lee Montgomery',
      'Bruno Tchek',
      'Zah Bikhan',
    ]);
    expect(p.reviewers[2]).toMatchObject({ role: 'Safety Engineer', date: '2020-03-27', version: '1.4' });
    expect(p.distribution).toContain('NHS Digital Clinical Safety Group');
  });

  it('are read from another layout, and a date written as text is kept as written, not guessed', async () => {
    const r = importHazardLog(await readWorkbook(await coverWorkbook(), 'acme.xlsx'), { scheme: NHS_DCB0129, manufacturer: ['Acme'] });
    expect(r.incomplete).toBe(false);
    expect(r.provenance).toEqual({
      workbook: 'acme.xlsx',
      title: 'Acme EPR clinical hazard log',
      cover: [
        { label: 'Document Status', value: 'Draft', cell: "'Document Information'!B3" },
        { label: 'Version', value: '0.3', cell: "'Document Information'!B4" },
        { label: 'Date', value: '2026-10-01', cell: "'Document Information'!B5" },
      ],
      versions: [
        { version: '0.1', date: '2026-09-01', summary: 'First draft', cell: "'Revision History'!A2" },
        { version: '0.2', date: excelSerialToIso(46000), summary: 'After the hazard workshop', cell: "'Revision History'!A3" },
        { version: '0.3', date: '01/10/2026', summary: 'Reviewed by the CSO', cell: "'Revision History'!A4" },
      ],
      reviewers: [],
      approvals: [{ name: 'Dr A Smith', role: 'Clinical Safety Officer', date: '2026-10-02', cell: "'Revision History'!A8" }],
    });
  });

  it('are absent when the workbook has neither', async () => {
    const r = importHazardLog(await readWorkbook(await simpleWorkbook(), 's.xlsx'), { scheme: NHS_DCB0129 });
    expect(r.provenance).toBeUndefined();
  });
});

describe('clinsafe import into a folder', () => {
  it('writes provenance.yml, a clinsafe.yml that asserts no method, and validate warns about what is left to state', async () => {
    const r = repo();
    const res = await cli(r.dir, 'import', CDS_LOG, '--out', 'clinical-safety');
    expect(res.code).toBe(0);
    expect(res.out).toContain(
      "The workbook's cover page and version history (status: Approved): 7 cover fields, 9 versions, 7 reviewers, 1 approval.",
    );
    expect(res.out).toContain('wrote clinical-safety/provenance.yml');
    const dir = join(r.dir, 'clinical-safety');
    const prov = parse(readFileSync(join(dir, 'provenance.yml'), 'utf8')) as { sources: { workbook: string; approvals: unknown[] }[] };
    expect(prov.sources.map((s) => s.workbook)).toEqual(['nhs-cds-api-hazard-log-v2.0.xlsx']);
    expect(readFileSync(join(dir, 'sources', 'nhs-cds-api-hazard-log-v2.0.xlsx.import-report.md'), 'utf8')).toContain(
      '## Cover page and version history',
    );

    const yml = readFileSync(join(dir, 'clinsafe.yml'), 'utf8');
    expect(yml).not.toMatch(/SWIFT|what-if|Pilot|General release/);
    const config = parse(yml) as { method: string; lifecycle: { phase: string }[]; product: Record<string, unknown> };
    expect(config.method).toMatch(/^TODO .*the imported hazard log does not say/);
    expect(config.lifecycle).toEqual([{ phase: expect.stringMatching(/^TODO /) as unknown }]);
    expect(config.product.version).toBeUndefined();

    const loaded = loadFolder(snapshotFromDisk(r.dir, dir));
    expect(loaded.valid).toBe(true);
    expect(loaded.folder!.provenance!.sources[0]!.approvals[0]).toMatchObject({ name: 'Lee Montgomery', version: '2' });
    const v = await cli(r.dir, 'validate');
    expect(v.code).toBe(0);
    expect(v.err).toMatch(/clinsafe\.yml:\d+:\d+: warning: method is still a placeholder/);
    expect(v.err).toMatch(/clinsafe\.yml:\d+:\d+: warning: lifecycle\.0\.phase is still a placeholder/);
    expect(v.err).toMatch(
      /H01-absent-or-incomplete-triage\.yml:\d+:\d+: warning: control H01-010101 is implemented on the strength of a spreadsheet cell only \(clinical-safety\/sources\/nhs-cds-api-hazard-log-v2\.0\.xlsx#'Hazard Log'!N2\)/,
    );
    const recordOnly = loaded.diagnostics.filter((d) => d.code === 'evidence-record-only');
    const implemented = loaded.folder!.hazards.flatMap((h) => h.controls).filter((c) => c.status === 'implemented');
    expect(implemented.length).toBeGreaterThan(0);
    expect(recordOnly).toHaveLength(implemented.length);
  });

  it('prints the workbook history in the CRMP and CSCR, and never calls the cell verification evidence', async () => {
    const r = repo();
    expect((await cli(r.dir, 'import', CDS_LOG, '--out', 'clinical-safety')).code).toBe(0);
    const folder = loadFolder(snapshotFromDisk(r.dir, join(r.dir, 'clinical-safety'))).folder!;
    const arts = await buildDocuments({
      folder,
      release: { tag: 'v2.0', commit: 'a'.repeat(40), date: '2026-11-01T00:00:00Z' },
      changeRecord: [],
      formats: ['md'],
    });
    const md = (name: string) => arts.find((a) => a.name === name)!.bytes.toString('utf8');
    for (const doc of [md(ARTEFACTS.crmpMd), md(ARTEFACTS.cscrMd)]) {
      const control = doc.slice(doc.indexOf('Document control'), doc.indexOf('\n## 2.'));
      expect(control).toContain('**History before clinsafe**: the hazard log was imported from nhs-cds-api-hazard-log-v2.0.xlsx');
      expect(control).toContain('Status: Approved');
      expect(control).toMatch(/\| Approved +\| Lee Montgomery +\| UEC Clinical Safety Officer +\| 2020-03-30 +\| 2 /);
      expect(control).toMatch(/\| 2 +\| Updated numbering\. CSO approval/);
    }
    const reqs = md(ARTEFACTS.requirementsMd);
    expect(reqs).toContain(
      "*`clinical-safety/sources/nhs-cds-api-hazard-log-v2.0.xlsx#'Hazard Log'!N2` (a record that the action was closed; not verification evidence)*",
    );
  });

  it('writes no provenance.yml for a workbook without a cover page, and keeps an existing one as it was', async () => {
    const r = repo();
    writeFileSync(join(r.dir, 'messy.xlsx'), await messyWorkbook());
    writeFileSync(join(r.dir, 'map.yml'), MESSY_MAP);
    expect((await cli(r.dir, 'import', 'messy.xlsx', '--map', 'map.yml', '--out', 'safety')).code).toBe(0);
    expect(existsSync(join(r.dir, 'safety', 'provenance.yml'))).toBe(false);

    writeFileSync(join(r.dir, 'acme.xlsx'), await coverWorkbook());
    mkdirSync(join(r.dir, 'other'));
    const mine = 'sources:\n  - workbook: earlier.xlsx\n';
    writeFileSync(join(r.dir, 'other', 'provenance.yml'), mine);
    const res = await cli(r.dir, 'import', 'acme.xlsx', '--out', 'other');
    expect(res.code).toBe(0);
    expect(res.out).toContain(
      "kept other/provenance.yml as it was: this workbook's cover page and version history are in the import report only",
    );
    expect(readFileSync(join(r.dir, 'other', 'provenance.yml'), 'utf8')).toBe(mine);
    expect(readFileSync(join(r.dir, 'other', 'sources', 'acme.xlsx.import-report.md'), 'utf8')).toContain('Dr A Smith');
  });
});

describe('evidence that is only a spreadsheet cell', () => {
  it('is a record, not verification', () => {
    expect(isRecordOnlyEvidence("clinical-safety/sources/log.xlsx#'Hazard Log'!N2")).toBe(true);
    expect(isRecordOnlyEvidence('cs/sources/log.xlsx#Sheet1!AB12')).toBe(true);
    expect(isRecordOnlyEvidence('test/search.test.ts')).toBe(false);
    expect(isRecordOnlyEvidence('docs/design.md#identifiers')).toBe(false);
    expect(isRecordOnlyEvidence('https://example.org/report.xlsx')).toBe(false);
    const cell = "cs/sources/log.xlsx#'Hazard Log'!N2";
    expect(lacksVerification({ status: 'implemented', evidence: [cell] })).toBe(true);
    expect(lacksVerification({ status: 'implemented', evidence: [cell, 'test/search.test.ts'] })).toBe(false);
    expect(lacksVerification({ status: 'planned', evidence: [cell] })).toBe(false);
  });
});
