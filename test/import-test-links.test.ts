/**
 * Test links (issue 15) survive the NHS spreadsheet round trip: `clinsafe export` writes each
 * control's links on the workbook's Developer sheet, `clinsafe import` reads them back into the
 * hazard files — every form (file, file::pattern, tag, file + name objects) and links a cell line
 * could mangle. A link for a control the log does not have is reported, not dropped.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { parseTestLinkLine, testLinkLine } from '../src/core/evidence.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { importHazardLog } from '../src/import/nhs.js';
import { hazardYaml, hazardYamlDocument } from '../src/import/write.js';
import { cli } from './helpers/cli.js';
import { EXAMPLE_PRODUCT, emptyRepo, type TempRepo } from './helpers/repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

const linksOf = (f: SafetyFolder) =>
  Object.fromEntries(f.hazards.flatMap((h) => h.controls.filter((c) => c.tests?.length).map((c) => [c.id, c.tests])));

describe('test links through the hazard-log workbook', () => {
  it('MedRec: clinsafe export then clinsafe import gives back every control’s test links', async () => {
    const r = emptyRepo();
    repos.push(r);
    cpSync(EXAMPLE_PRODUCT, r.dir, { recursive: true }); // the linked test files must exist
    // One link of each awkward kind beside MedRec's own (files, file::pattern, a tag object).
    const h001 = join(r.dir, 'clinical-safety/hazards/H-001-wrong-patient-record.yml');
    writeFileSync(
      h001,
      readFileSync(h001, 'utf8').replace(
        '    tests:\n      - test/patient-context.spec.ts\n',
        '    tests:\n      - test/patient-context.spec.ts\n      - file: test/patient-context.spec.ts\n        name: "patient context (H-001) > {refuses} a \\"stale\\" write*"\n      - name: "*[H-001-C01]*"\n        tag: H-001-C01\n',
      ),
    );
    const original = loadFolder(snapshotFromDisk(r.dir, join(r.dir, 'clinical-safety')));
    expect(original.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const before = linksOf(original.folder!);
    expect(Object.keys(before)).toEqual(['H-001-C01', 'H-001-C03', 'H-002-C01', 'H-003-C01', 'H-004-C01', 'H-007-C02', 'H-010-C01']);
    expect(before['H-001-C01']).toHaveLength(3);

    expect((await cli(r.dir, 'export', '--dir', 'clinical-safety', '--out', 'log.xlsx')).code).toBe(0);
    const imported = await cli(
      r.dir,
      'import',
      'log.xlsx',
      '--out',
      'back',
      '--manufacturer',
      original.folder!.config.product.manufacturer,
    );
    expect(imported.code).toBe(0);
    const back = loadFolder(snapshotFromDisk(r.dir, join(r.dir, 'back')));
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(linksOf(back.folder!)).toEqual(before);
    // The hazard file holds them as YAML a person edits: the object forms as mappings.
    const file = readdirSync(join(r.dir, 'back/hazards')).find((f) => f.startsWith('H-001-'))!;
    const yml = readFileSync(join(r.dir, 'back/hazards', file), 'utf8');
    expect(yml).toContain('    tests:\n      - test/patient-context.spec.ts\n      - file: test/patient-context.spec.ts\n        name: ');
  });

  it('the hazard file writer gives the same bytes as yaml’s document model for test links of every form', () => {
    const base = {
      id: 'H-001',
      title: 'T',
      description: 'D',
      clinicalImpact: 'C',
      causes: [],
      existingControls: [],
      initial: { severity: 'Major', likelihood: 'Low' },
      residual: { severity: 'Major', likelihood: 'Low' },
      status: 'open' as const,
      operationalConstraints: [],
      actions: [],
      assumptions: [],
      triggers: { paths: [], labels: [] },
    };
    const hazard = {
      ...base,
      controls: [
        {
          id: 'H-001-C01',
          description: 'c',
          type: 'design' as const,
          owner: 'manufacturer',
          status: 'verified' as const,
          causes: [],
          evidence: ['test/a.spec.ts'],
          tests: ['test/a.spec.ts::a > *', { file: 'test/b.spec.ts', name: 'b: "x" #1' }, { tag: 'H-001-C01' }, '{odd} name: #x'],
        },
      ],
    };
    expect(hazardYaml(hazard as never)).toBe(hazardYamlDocument(hazard as never));
    expect(hazardYaml(hazard as never)).toContain(
      '    tests:\n      - test/a.spec.ts::a > *\n      - file: test/b.spec.ts\n        name: \'b: "x" #1\'\n      - tag: H-001-C01\n',
    );
  });

  it('a link for a control the hazard log does not list, or a line that is not one, is reported and the import is incomplete', async () => {
    const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await hazardLogXlsx(folder)) as never);
    const dev = wb.getWorksheet('Developer')!;
    expect(dev.getRow(1).getCell(5).value).toBe('Control tests');
    const row = dev.getRow(2);
    expect(row.getCell(1).value).toBe('H-001');
    row.getCell(5).value = `${String(row.getCell(5).value)}\nH-001-C99: test/ghost.spec.ts\nnot a link line`;
    const r = importHazardLog(await readWorkbook(Buffer.from(await wb.xlsx.writeBuffer()), 'edited.xlsx'), {
      scheme: folder.scheme,
      manufacturer: [folder.config.product.manufacturer],
    });
    expect(r.incomplete).toBe(true);
    expect(r.findings.filter((f) => f.code.startsWith('test-link')).map((f) => [f.code, f.cells])).toEqual([
      ['test-link-unknown-control', ["'Developer'!E2"]],
      ['test-link-unreadable', ["'Developer'!E2"]],
    ]);
    // The control that exists keeps its links.
    expect(r.hazards.find((h) => h.id === 'H-001')!.controls.find((c) => c.id === 'H-001-C01')!.tests).toEqual([
      'test/patient-context.spec.ts',
    ]);
  });

  it('a link line: the string form as written; objects and strings a cell line would mangle as JSON', () => {
    for (const link of [
      'test/a.spec.ts',
      'test/a.spec.ts::suite > it *',
      '{odd}.spec.ts',
      ' spaced ',
      'line\nbreak',
      { tag: 'H-1' },
      { file: 'a.ts', name: 'x > "y"' },
    ]) {
      const line = testLinkLine(link);
      expect(line).not.toMatch(/[\r\n]/);
      expect(parseTestLinkLine(line)).toEqual(link);
    }
    expect(testLinkLine('test/a.spec.ts')).toBe('test/a.spec.ts');
    expect(parseTestLinkLine('{"file": 1}')).toBeUndefined();
    expect(parseTestLinkLine('{"other": "x"}')).toBeUndefined();
    expect(parseTestLinkLine('{broken')).toBeUndefined();
  });
});
