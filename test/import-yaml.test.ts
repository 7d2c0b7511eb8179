/**
 * hazardYaml writes the hazard file directly (no document model); its bytes must be exactly those
 * of yaml's document model (hazardYamlDocument), which the round-trip tests were written against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import { readWorkbook } from '../src/adapters/xlsx.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { hazardLogXlsx } from '../src/export/hazard-log-table.js';
import { importHazardLog, type ImportedHazard } from '../src/import/nhs.js';
import { hazardYaml, hazardYamlDocument } from '../src/import/write.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';
import { CDS_LOG, coverWorkbook, messyWorkbook } from './helpers/workbooks.js';

const HOSTILE = [
  'plain text',
  'Note: a colon and space',
  'ends with a colon:',
  '- starts like a list item',
  '# starts like a comment',
  'has a # comment marker',
  "it's an apostrophe",
  "'quoted'",
  '"double"',
  'true',
  'NULL',
  'yes',
  '1.10',
  '0101',
  '2026-12-18',
  '',
  ' leading space',
  'trailing space ',
  'line one\nline two',
  'para one\n\npara two',
  '  indented first line\nsecond',
  'tab\there',
  'unicode — dash and café',
  '@mention',
  '`code`',
  '[bracket]',
  '{brace}',
  'a, b; c (d) /e/ & f = g? 50%! x#y',
  '*star',
  '&anchor',
  '!tag',
  '|pipe',
  '>gt',
  '%percent',
  '? question',
  'multi\nline: with colon\n- and dash',
  'control \u0085 next line',
  'bell\u0007',
];

function hostileHazard(text: string, i: number): ImportedHazard {
  return {
    id: `H${i}`,
    title: text || 'x',
    description: text,
    clinicalImpact: `${text} impact`,
    causes: [{ id: 'C0101', description: text }],
    existingControls: [text, 'second'],
    initial: { severity: 'Major', likelihood: 'Medium' },
    controls: [
      {
        id: 'H1-C1',
        description: text,
        type: 'design',
        owner: text || 'manufacturer',
        status: 'implemented',
        causes: ['C0101'],
        evidence: [text, "cs/sources/x.xlsx#'Hazard Log'!N2"],
        introducedIn: text,
      },
      { id: 'H1-C2', description: 'Second', type: 'test', owner: 'manufacturer', status: 'planned', causes: [], evidence: [] },
    ],
    residual: { severity: 'Major', likelihood: 'Very low' },
    status: 'transferred',
    transferredTo: text,
    retiredReason: text,
    justification: text,
    operationalConstraints: [text],
    actions: [{ summary: text || 's', owner: text || 'o', status: 'open', due: '2026-12-18', control: 'H1-C1' }],
    owner: text,
    assumptions: [text],
    comments: text,
    introducedIn: text,
    draft: i % 2 === 0,
    triggers: { paths: i % 3 ? [text || 'src/**'] : [], labels: i % 3 === 1 ? ['clinical-safety', 'x.y/z'] : [] },
  };
}

describe('hazardYaml', () => {
  it('writes the same bytes as the yaml document model for every imported hazard', async () => {
    const hazards: ImportedHazard[] = [];
    hazards.push(
      ...importHazardLog(await readWorkbook(readFileSync(CDS_LOG), 'cds.xlsx'), {
        scheme: NHS_DCB0129,
        evidenceSource: 'cs/sources/cds.xlsx',
      }).hazards,
    );
    hazards.push(
      ...importHazardLog(await readWorkbook(await messyWorkbook(), 'm.xlsx'), {
        scheme: NHS_DCB0129,
        columns: { 'Risk Ref': 'hazardId' },
        manufacturer: ['Acme Health'],
        evidenceSource: 'cs/sources/m.xlsx',
      }).hazards,
    );
    hazards.push(...importHazardLog(await readWorkbook(await coverWorkbook(), 'c.xlsx'), { scheme: NHS_DCB0129 }).hazards);
    const folder = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety'))).folder as SafetyFolder;
    hazards.push(
      ...importHazardLog(await readWorkbook(await hazardLogXlsx(folder), 'medrec.xlsx'), {
        scheme: folder.scheme,
        manufacturer: [folder.config.product.manufacturer],
      }).hazards,
    );
    expect(hazards.length).toBeGreaterThan(20);
    for (const h of hazards) expect(hazardYaml(h), h.id).toBe(hazardYamlDocument(h));
  });

  it('writes the same bytes for hostile text in every field, and it parses back to the same values', () => {
    HOSTILE.forEach((text, i) => {
      const h = hostileHazard(text, i);
      const yml = hazardYaml(h);
      expect(yml, JSON.stringify(text)).toBe(hazardYamlDocument(h));
      const back = parse(yml) as Record<string, unknown>;
      expect(back.description, JSON.stringify(text)).toBe(text);
      expect(back.draft ?? false).toBe(h.draft);
    });
  });

  it('falls back to the document model when an inline list needs quoting', () => {
    const h = hostileHazard('x', 1);
    h.triggers.labels = ['needs, quoting', 'true'];
    h.controls[0]!.causes = ['C 1'];
    expect(hazardYaml(h)).toBe(hazardYamlDocument(h));
  });
});
