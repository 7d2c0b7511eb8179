import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { loadFolder } from '../src/core/folder.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { excelSerialToIso, importHazardLog, type Finding, type ImportResult } from '../src/import/nhs.js';
import { cli } from './helpers/cli.js';
import { emptyRepo, type TempRepo } from './helpers/repo.js';
import { CDS_LOG, MESSY_MAP, messyWorkbook, simpleWorkbook } from './helpers/workbooks.js';

const repos: TempRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

function repo(): TempRepo {
  const r = emptyRepo();
  repos.push(r);
  return r;
}

const find = (r: ImportResult, code: string, kind?: Finding['kind']) =>
  r.findings.filter((f) => f.code === code && (!kind || f.kind === kind));
const cells = (r: ImportResult, code: string, kind?: Finding['kind']) => find(r, code, kind).flatMap((f) => f.cells);

describe('the real NHS CDS API hazard log', () => {
  let cached: ImportResult | undefined;
  const imported = async () =>
    (cached ??= importHazardLog(await readWorkbook(readFileSync(CDS_LOG), 'cds.xlsx'), {
      scheme: NHS_DCB0129,
      evidenceSource: 'clinical-safety/sources/cds.xlsx',
      sourceName: 'cds.xlsx',
    }));

  it('reads every hazard, cause and control the sheet holds, and writes them all', async () => {
    const r = await imported();
    expect(r.sheet).toBe('Hazard Log');
    expect(r.headerRow).toBe(1);
    expect(r.manufacturer).toBe('NHSD');
    // 162 control rows; hazard numbers H08–H12 exist only as a drag-fill down H05's rows (A121:A129),
    // so the sheet holds 7 hazards (H01–H07), not 12.
    expect(r.read).toEqual({ hazards: 7, causes: 53, controls: 162, rows: 162, blankRows: 0 });
    expect(r.written).toEqual({ hazards: 7, causes: 53, controls: 162 });
    expect(r.incomplete).toBe(false);
    expect(r.hazards.map((h) => h.id)).toEqual(['H01', 'H02', 'H03', 'H04', 'H05', 'H06', 'H07']);
    expect(r.hazards.map((h) => h.controls.length)).toEqual([26, 55, 11, 9, 27, 16, 18]); // rows 2–27, 28–82, 83–93, 94–102, 103–129, 130–145, 146–163
    expect(r.hazards.map((h) => h.causes.length)).toEqual([8, 20, 5, 4, 7, 7, 2]);
  });

  it('reports each normalisation with its cells', async () => {
    const r = await imported();
    expect(cells(r, 'cause-number-padded')).toEqual(["'Hazard Log'!F7", "'Hazard Log'!F8"]);
    expect(find(r, 'cause-number-padded')[0]!.message).toContain('101 read as 0101');
    expect(cells(r, 'float-version')).toHaveLength(95);
    expect(find(r, 'float-version')[0]!.message).toContain('1.1000000000000001');
    expect(cells(r, 'case-folded')).toContain("'Hazard Log'!N3"); // closed → Closed
    expect(cells(r, 'trimmed')).toEqual(expect.arrayContaining(["'Hazard Log'!O130", "'Hazard Log'!N84", "'Hazard Log'!B2"])); // 'Significant ', 'Closed ', 'Absent or incomplete triage '
    expect(find(r, 'control-type').find((f) => f.message.includes('"Process" mapped to business-process'))!.cells).toHaveLength(18);
    expect(cells(r, 'filled-from-hazard')).toEqual(["'Hazard Log'!G155", "'Hazard Log'!G158"]);
    expect(cells(r, 'control-unnumbered')).toEqual([
      "'Hazard Log'!J149",
      "'Hazard Log'!J152",
      "'Hazard Log'!J153",
      "'Hazard Log'!J155",
      "'Hazard Log'!J156",
    ]);
    expect(cells(r, 'control-character')).toEqual(["'Hazard Log'!D103"]);
    expect(cells(r, 'owner-spelling')).toEqual(expect.arrayContaining(["'Hazard Log'!L129", "'Hazard Log'!L131"]));
  });

  it('reports the ambiguities it resolved, and finds no risk rating that disagrees with the matrix', async () => {
    const r = await imported();
    expect(find(r, 'risk-mismatch')).toEqual([]);
    expect(r.findings.filter((f) => f.kind === 'risk-disagreement')).toEqual([]);
    // its printed matrix (sheet Risk Matrix) is the NHS scheme, all 25 cells
    expect(r.workbookMatrix).toEqual({ sheet: 'Risk Matrix', range: 'C2:H7', compared: 25, agrees: true });
    expect(cells(r, 'num-mis-keyed')).toEqual(
      ['A119', 'A120', 'A121', 'A122', 'A123', 'A124', 'A125', 'A126', 'A127', 'A128', 'A129'].map((c) => `'Hazard Log'!${c}`),
    );
    expect(cells(r, 'control-number-reused')).toEqual(['J33', 'J38', 'J41', 'J46', 'J51', 'J162'].map((c) => `'Hazard Log'!${c}`));
    expect(cells(r, 'cause-number-reused')).toEqual(['F26', 'F97', 'F138'].map((c) => `'Hazard Log'!${c}`));
    expect(find(r, 'assessment-varies')[0]!.message).toContain('H04');
    expect(cells(r, 'action-status-text')).toHaveLength(7);
    const h04 = r.hazards.find((h) => h.id === 'H04')!;
    expect(h04.draft).toBe(true);
    expect(h04.residual).toEqual({ severity: 'Considerable', likelihood: 'Very low' });
    expect(h04.comments).toContain('Significant/Low');
  });

  it('maps owners and statuses: other organisations hold transferred controls; closed manufacturer actions cite the sheet', async () => {
    const r = await imported();
    const h01 = r.hazards.find((h) => h.id === 'H01')!;
    const c = (id: string) => h01.controls.find((x) => x.id === id)!;
    expect(c('H01-010101')).toMatchObject({
      owner: 'manufacturer',
      type: 'design',
      status: 'implemented',
      causes: ['C0101'],
      evidence: ["clinical-safety/sources/cds.xlsx#'Hazard Log'!N2"],
    });
    expect(c('H01-010102')).toMatchObject({ owner: 'Deploying organisation', type: 'business-process', status: 'planned' });
    expect(c('H01-010106').causes).toEqual(['C0101']); // the mis-keyed 101
    expect(c('H01-010701').introducedIn).toBe('2');
    expect(h01.introducedIn).toBe('1.1');
    expect(h01.status).toBe('transferred');
    expect(h01.transferredTo).toBe('Deploying organisation, CDSS supplier, EMS supplier, Service Provider');
    const h02 = r.hazards.find((h) => h.id === 'H02')!;
    expect(h02.status).toBe('open'); // 020801-2 "Added to the UEC DI Roadmap…" is outstanding for NHSD
    expect(h02.actions.find((a) => a.control === 'H02-020801-2')).toMatchObject({
      status: 'open',
      summary: 'Validate CDS API usage guide — Added to the UEC DI Roadmap for future version TBC.',
    });
  });

  it('imports from the CLI into a folder that clinsafe validate accepts, and refuses to overwrite it', async () => {
    const r = repo();
    const res = await cli(r.dir, 'import', CDS_LOG, '--out', 'clinical-safety');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/hazards\s+7\s+7/);
    expect(res.out).toMatch(/controls\s+162\s+162/);
    expect(res.out).toContain('101 read as 0101 (leading zero lost, as when a number is typed into Excel) [Hazard Log F7:F8]');
    const files = readdirSync(join(r.dir, 'clinical-safety', 'hazards')).sort();
    expect(files).toHaveLength(7);
    expect(files[0]).toBe('H01-absent-or-incomplete-triage.yml');
    expect(readdirSync(join(r.dir, 'clinical-safety', 'schema')).sort()).toEqual([
      'clinsafe.schema.json',
      'hazard.schema.json',
      'incident.schema.json',
      'workshop.schema.json',
    ]);
    const loaded = loadFolder(snapshotFromDisk(r.dir, join(r.dir, 'clinical-safety')));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.valid).toBe(true);
    expect(loaded.folder!.hazards).toHaveLength(7);
    expect(loaded.folder!.hazards.reduce((n, h) => n + h.controls.length, 0)).toBe(162);
    expect(loaded.folder!.hazards.reduce((n, h) => n + h.causes.length, 0)).toBe(53);
    expect(loaded.folder!.config.product.manufacturer).toBe('NHSD');
    const v = await cli(r.dir, 'validate');
    expect(v.code).toBe(0);

    const again = await cli(r.dir, 'import', CDS_LOG, '--out', 'clinical-safety');
    expect(again.code).toBe(1);
    expect(again.err).toContain('never overwrites a hazard');
  });

  it('gives JSON with the same counts', async () => {
    const r = repo();
    const res = await cli(r.dir, 'import', CDS_LOG, '--dry-run', '--format', 'json');
    expect(res.code).toBe(0);
    const j = JSON.parse(res.out) as { ok: boolean; read: object; written: object; files: string[] };
    expect(j.ok).toBe(true);
    expect(j.read).toMatchObject({ hazards: 7, causes: 53, controls: 162 });
    expect(j.files).toEqual([]);
  });
});

describe('a messy workbook made by the test', () => {
  it('needs --map for a column no alias knows, and says so', async () => {
    const r = repo();
    writeFileSync(join(r.dir, 'messy.xlsx'), await messyWorkbook());
    const res = await cli(r.dir, 'import', 'messy.xlsx');
    expect(res.code).toBe(1);
    expect(res.err).toContain('no sheet has a hazard-log header row');
    expect(res.err).toContain('--map');
  });

  it('finds the sheet by its two-row header, reads merged cells, skips spacer rows and the extra sheets, and reports each normalisation', async () => {
    const wb = await readWorkbook(await messyWorkbook(), 'messy.xlsx');
    const r = importHazardLog(wb, {
      scheme: NHS_DCB0129,
      columns: { 'Risk Ref': 'hazardId' },
      manufacturer: ['Acme Health'],
      evidenceSource: 'cs/sources/messy.xlsx',
    });
    expect(r.sheet).toBe('Risk register');
    expect(r.headerRow).toBe(3);
    expect(r.read).toEqual({ hazards: 2, causes: 3, controls: 5, rows: 5, blankRows: 1 });
    expect(r.written).toEqual({ hazards: 2, causes: 3, controls: 5 });
    expect(r.incomplete).toBe(false);
    const q = (c: string) => `'Risk register'!${c}`;
    // renamed headers, including the grouped ones
    expect(find(r, 'header-alias').map((f) => f.message)).toEqual(
      expect.arrayContaining([
        'header "Severity" (with the group heading "Initial" above it) read as "Initial Consequence"',
        'header "Risk Rating" (with the group heading "Residual" above it) read as "Residual Risk"',
        'header "Mitigation" read as "Additional controls"',
        'header "Version" read as "Release introduced"',
      ]),
    );
    expect(cells(r, 'merged-cell')).toEqual(expect.arrayContaining([q('B4'), q('C4')]));
    expect(cells(r, 'blank-row')).toEqual([q('A7')]);
    expect(cells(r, 'hazard-id')).toEqual([q('A4'), q('A5')]); // 1 → H01
    expect(cells(r, 'filled-down')).toEqual([q('A6')]); // blank Num continues H01
    expect(cells(r, 'trimmed')).toEqual(expect.arrayContaining([q('N4'), q('B4')]));
    expect(cells(r, 'case-folded')).toEqual(expect.arrayContaining([q('G4'), q('H4'), q('P4')])); // 'major ', 'MEDIUM', 'very low'
    expect(cells(r, 'cause-number-padded')).toEqual([q('F5')]);
    expect(cells(r, 'float-version')).toEqual([q('R4'), q('R5'), q('R6')]);
    expect(cells(r, 'date-serial')).toEqual([q('S4')]);
    expect(cells(r, 'control-type')).toEqual([q('K5')]); // Process → business-process
    expect(cells(r, 'control-character')).toContain(q('C4'));
    expect(cells(r, 'control-unnumbered')).toEqual([q('J9')]);
    // the risk disagreement is reported with its cells and kept for the CSO
    expect(find(r, 'risk-mismatch', 'risk-disagreement')[0]!.cells).toEqual([q('I8'), q('I9')]);
    expect(find(r, 'risk-mismatch')[0]!.message).toContain('states initial risk 3');
    // the trust's printed matrix is compared with the declared scheme, cell by cell
    expect(r.workbookMatrix).toEqual({ sheet: 'Risk Matrix', range: 'B2:G7', compared: 25, agrees: false });
    expect(find(r, 'matrix-differs', 'risk-disagreement')).toEqual([
      expect.objectContaining({
        cells: ["'Risk Matrix'!F4"],
        message: expect.stringContaining('rates Medium likelihood × Major severity 4, but the declared scheme'),
      }),
    ]);

    const [h1, h2] = r.hazards;
    expect(h1).toMatchObject({
      id: 'H01',
      title: 'Wrong patient',
      description: 'A patient search returns another patient\nwith a similar name.',
      introducedIn: '1.1',
      status: 'open',
      draft: false,
    });
    expect(h1!.initial).toEqual({ severity: 'Major', likelihood: 'Medium' });
    expect(h1!.residual).toEqual({ severity: 'Major', likelihood: 'Very low' });
    expect(h1!.causes).toEqual([
      { id: 'C0101', description: 'Patient lookup returns wrong record' },
      { id: 'C0102', description: 'Stale patient context after switching' },
    ]);
    expect(h1!.controls.map((c) => [c.id, c.type, c.owner, c.status, c.causes.join()])).toEqual([
      ['H01-010101', 'design', 'manufacturer', 'implemented', 'C0101'],
      ['H01-010102', 'business-process', 'Deploying organisation', 'planned', 'C0101'],
      ['H01-010201', 'training', 'manufacturer', 'planned', 'C0102'],
    ]);
    expect(h1!.actions.map((a) => [a.status, a.due, a.control])).toEqual([
      ['done', excelSerialToIso(46000), 'H01-010101'],
      ['done', undefined, 'H01-010102'],
      ['open', '2026-12-18', 'H01-010201'],
    ]);
    expect(h2).toMatchObject({ id: 'H02', status: 'transferred', transferredTo: 'GP practice', draft: true, introducedIn: '2.0' });
    expect(h2!.comments).toContain("the sheet states initial risk 3 at 'Risk register'!I8");
    expect(h2!.controls[1]).toMatchObject({ id: 'H02-X01', type: 'training', owner: 'GP practice' });
  });

  it('imports with --map from the CLI into a valid folder, the disagreement surfacing as a validate warning', async () => {
    const r = repo();
    writeFileSync(join(r.dir, 'messy.xlsx'), await messyWorkbook());
    writeFileSync(join(r.dir, 'map.yml'), MESSY_MAP);
    const res = await cli(r.dir, 'import', 'messy.xlsx', '--map', 'map.yml', '--out', 'safety');
    expect(res.code).toBe(0);
    expect(res.out).toContain('Risk ratings that disagree with the declared scheme (kept for the CSO, not corrected) — 3:');
    expect(res.out).toContain(
      "The workbook's own risk matrix (Risk Matrix B2:G7, 25 ratings) differs from the declared scheme: see below.",
    );
    expect(res.out).toContain('[Risk Matrix F4]');
    expect(res.out).toContain('[Risk register I8:I9]');
    expect(readdirSync(join(r.dir, 'safety', 'sources'))).toEqual(['messy.xlsx', 'messy.xlsx.import-report.md']);
    const record = readFileSync(join(r.dir, 'safety', 'sources', 'messy.xlsx.import-report.md'), 'utf8');
    expect(record).toContain('# Import of `messy.xlsx`');
    expect(record).toContain('| hazards  | 2                   | 2                     |');
    expect(record).toContain("'Risk register'!I8, 'Risk register'!I9");
    expect(record).toContain('- `hazards/H02-allergy-not-shown.yml`');
    const h2 = parse(readFileSync(join(r.dir, 'safety', 'hazards', 'H02-allergy-not-shown.yml'), 'utf8')) as Record<string, unknown>;
    expect(h2.draft).toBe(true);
    expect(h2.initial).toEqual({ severity: 'Significant', likelihood: 'Low' });
    const v = await cli(r.dir, 'validate', '--dir', 'safety');
    expect(v.code).toBe(0);
    expect(v.err).toMatch(/H02-allergy-not-shown\.yml:\d+:\d+: warning: hazard is still a draft/);
  });

  it('refuses to write anything when a value cannot be placed, and says where', async () => {
    const r = repo();
    writeFileSync(join(r.dir, 'map.yml'), MESSY_MAP.replace('manufacturer', 'values:\n  severity: { Huge: Catastrophic }\nmanufacturer'));
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await messyWorkbook()) as unknown as ArrayBuffer);
    wb.getWorksheet('Risk register')!.getCell('G8').value = 'Moderate';
    wb.getWorksheet('Risk register')!.getCell('T3').value = 'Trust notes';
    wb.getWorksheet('Risk register')!.getCell('T4').value = 'keep me';
    writeFileSync(join(r.dir, 'bad.xlsx'), Buffer.from(await wb.xlsx.writeBuffer()));
    const res = await cli(r.dir, 'import', 'bad.xlsx', '--map', 'map.yml', '--out', 'safety');
    expect(res.code).toBe(1);
    expect(res.err).toContain('severity "Moderate" is not in the declared risk scheme');
    expect(res.err).toContain('[Risk register G8]');
    expect(res.err).toContain('column "Trust notes" has no place');
    expect(res.err).toContain('nothing was written');
    expect(() => readdirSync(join(r.dir, 'safety', 'hazards'))).toThrow();
  });

  it('uses an existing clinsafe.yml (its manufacturer) and --map value spellings, and keeps the config', async () => {
    const r = repo();
    expect((await cli(r.dir, 'init', '--no-bank', '--dir', 'safety', '--manufacturer', 'Acme Health')).code).toBe(0);
    const config = readFileSync(join(r.dir, 'safety', 'clinsafe.yml'), 'utf8');
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await messyWorkbook()) as unknown as ArrayBuffer);
    wb.getWorksheet('Risk register')!.getCell('O8').value = 'Negligible';
    writeFileSync(join(r.dir, 'messy.xlsx'), Buffer.from(await wb.xlsx.writeBuffer()));
    writeFileSync(join(r.dir, 'map.yml'), 'columns:\n  Risk Ref: hazardId\nvalues:\n  severity:\n    negligible: Minor\n');
    const res = await cli(r.dir, 'import', 'messy.xlsx', '--map', 'map.yml', '--out', 'safety', '--format', 'json');
    expect(res.code).toBe(0);
    const j = JSON.parse(res.out) as { manufacturer: string; findings: Finding[]; files: string[] };
    expect(j.manufacturer).toBe('Acme Health');
    expect(j.findings.some((f) => f.code === 'manufacturer-guessed')).toBe(false);
    expect(j.findings.find((f) => f.code === 'value-mapped')).toMatchObject({
      message: 'severity "Negligible" mapped to "Minor" (--map)',
      cells: ["'Risk register'!O8"],
    });
    expect(j.files).not.toContain('safety/clinsafe.yml');
    expect(readFileSync(join(r.dir, 'safety', 'clinsafe.yml'), 'utf8')).toBe(config);
    expect((await cli(r.dir, 'validate', '--dir', 'safety')).code).toBe(0);
  });

  it('reports a --map file that is wrong at its line and column', async () => {
    const r = repo();
    writeFileSync(join(r.dir, 'messy.xlsx'), await messyWorkbook());
    writeFileSync(join(r.dir, 'map.yml'), 'columns:\n  Risk Ref: Hazard Number Please\n');
    const res = await cli(r.dir, 'import', 'messy.xlsx', '--map', 'map.yml');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/map\.yml:2:\d+: "Hazard Number Please" is not a hazard-log column/);
  });

  it('picks a sheet by --sheet, and names the sheets when it does not exist', async () => {
    const r = repo();
    mkdirSync(join(r.dir, 'in'));
    writeFileSync(join(r.dir, 'in', 'messy.xlsx'), await messyWorkbook());
    const res = await cli(r.dir, 'import', 'in/messy.xlsx', '--sheet', 'Nope');
    expect(res.code).toBe(1);
    expect(res.err).toContain('there is no sheet named "Nope"; the sheets are "Read me", "Risk register", "Risk Matrix"');
  });
});

describe('excelSerialToIso', () => {
  it('converts serials in the 1900 date system', () => {
    expect(excelSerialToIso(1)).toBe('1900-01-01');
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(excelSerialToIso(45292)).toBe('2024-01-01');
    expect(excelSerialToIso(-3)).toBeUndefined();
  });
});

describe('edge cases of numbering', () => {
  const imp = async (edit: Parameters<typeof simpleWorkbook>[0]) =>
    importHazardLog(await readWorkbook(await simpleWorkbook(edit), 'e.xlsx'), {
      scheme: NHS_DCB0129,
      manufacturer: ['Acme'],
      evidenceSource: 'cs/sources/e.xlsx',
    });

  it('merges hazard numbers that become the same id, and says so', async () => {
    const r = await imp((ws) => {
      ws.getRow(3).values = [
        '1',
        'Wrong patient',
        null,
        null,
        null,
        '0102 Stale context',
        'Major',
        'Medium',
        3,
        '010201 Banner',
        'Design',
        'Acme',
        'Verify',
        'Closed',
        'Major',
        'Very low',
        2,
        '1.0',
      ];
    });
    expect(r.hazards.map((h) => h.id)).toEqual(['H01']);
    expect(find(r, 'hazard-id-merged')[0]).toMatchObject({ kind: 'ambiguity', cells: ["'Hazard Log'!A2", "'Hazard Log'!A3"] });
    expect(r.written).toEqual({ hazards: 1, causes: 2, controls: 2 });
  });

  it('turns a Num that is not an identifier into one', async () => {
    const r = await imp((ws) => (ws.getCell('A2').value = '1.2'));
    expect(r.hazards[0]!.id).toBe('H1-2');
    expect(find(r, 'hazard-id')[0]!.message).toBe('hazard number "1.2" written as the id "H1-2"');
  });

  it('reads three-digit cause numbers (101 = hazard 1, cause 01) without calling them mis-keyed', async () => {
    const r = await imp((ws) => {
      ws.getCell('F2').value = '101 Lookup error';
      ws.getCell('J2').value = '10101 Two identifiers';
    });
    expect(r.hazards[0]!.causes[0]!.id).toBe('C101');
    expect(r.hazards[0]!.controls[0]!.id).toBe('H01-10101');
    expect(r.findings.filter((f) => f.kind !== 'normalised')).toEqual([]);
  });

  it('reads severities and likelihoods written with a score beside them', async () => {
    const r = await imp((ws) => {
      ws.getCell('G2').value = '4 - Major';
      ws.getCell('H2').value = 'Medium (3)';
    });
    expect(r.hazards[0]!.initial).toEqual({ severity: 'Major', likelihood: 'Medium' });
    expect(cells(r, 'score-label')).toEqual(["'Hazard Log'!G2", "'Hazard Log'!H2"]);
  });

  it('keeps a stated hazard status unless the controls contradict it, and then says so', async () => {
    const withStatus = (status: string, action: string) =>
      imp((ws) => {
        ws.getCell('S1').value = 'Hazard Status';
        ws.getCell('S2').value = status;
        ws.getCell('N2').value = action;
      });
    const ok = await withStatus('Closed', 'Closed');
    expect(ok.hazards[0]!.status).toBe('closed');
    expect(find(ok, 'hazard-status')).toEqual([]);
    const bad = await withStatus('Closed', 'Open');
    expect(bad.hazards[0]!.status).toBe('open');
    expect(find(bad, 'hazard-status')[0]).toMatchObject({ kind: 'ambiguity', cells: ["'Hazard Log'!S2"] });
    expect(bad.hazards[0]!.comments).toContain('the sheet gives the status closed');
  });

  it('reports residual risk above initial risk, and keeps it for the CSO', async () => {
    const r = await imp((ws) => {
      ws.getCell('O2').value = 'Catastrophic';
      ws.getCell('P2').value = 'High';
      ws.getCell('Q2').value = 5;
    });
    expect(r.hazards[0]!.residual).toEqual({ severity: 'Catastrophic', likelihood: 'High' });
    expect(find(r, 'residual-above-initial', 'risk-disagreement')[0]!.message).toContain(
      'H01: residual risk 5 (Catastrophic/High) is above initial risk 3 (Major/Medium)',
    );
  });

  it('refuses a header row with no hazards under it', async () => {
    const wb = await readWorkbook(await simpleWorkbook((ws) => ws.spliceRows(2, 1)), 'empty.xlsx');
    expect(() => importHazardLog(wb, { scheme: NHS_DCB0129 })).toThrow(
      'empty.xlsx: sheet "Hazard Log" has a hazard-log header row (row 1) but no hazards below it',
    );
  });
});
