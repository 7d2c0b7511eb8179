import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { clinicalBlockers, noTriggersSummary, plannedAcceptedIn, residualText } from '../src/core/acceptability.js';
import { loadFolder, type LoadResult } from '../src/core/folder.js';
import { cli } from './helpers/cli.js';
import { baseFiles, CONFIG, HAZARD, HAZARD_FILE, validateTree, withHazard, writeTree } from './helpers/folder.js';
import { EXAMPLE_PRODUCT, tempDir } from './helpers/repo.js';

const CONFIG_FILE = 'clinical-safety/clinsafe.yml';

function expectDiag(result: LoadResult, want: Omit<Partial<Diagnostic>, 'message'> & { message?: RegExp | string }): Diagnostic {
  const { message, ...rest } = want;
  const found = result.diagnostics.find(
    (d) =>
      Object.entries(rest).every(([k, v]) => d[k as keyof Diagnostic] === v) &&
      (message === undefined || (typeof message === 'string' ? d.message.includes(message) : message.test(d.message))),
  );
  if (!found) {
    throw new Error(
      `no diagnostic matching ${JSON.stringify({ ...rest, message: String(message) })}; got:\n${result.diagnostics.map((d) => JSON.stringify(d)).join('\n')}`,
    );
  }
  return found;
}

const errorsOf = (r: LoadResult) => r.diagnostics.filter((d) => d.severity === 'error');

describe('a valid folder', () => {
  it('the minimal test folder has no diagnostics', () => {
    const r = validateTree(baseFiles());
    expect(r.diagnostics).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.folder!.hazards[0]!.initial.risk).toBe(3);
    expect(r.folder!.hazards[0]!.residual.risk).toBe(2);
  });

  it('the MedRec example product validates with no errors', () => {
    const r = loadFolder(snapshotFromDisk(EXAMPLE_PRODUCT, join(EXAMPLE_PRODUCT, 'clinical-safety')));
    expect(errorsOf(r)).toEqual([]);
    expect(r.folder!.hazards.length).toBeGreaterThanOrEqual(10);
    const statuses = new Set(r.folder!.hazards.map((h) => h.status));
    expect([...statuses].sort()).toEqual(['closed', 'open', 'retired', 'transferred']);
    expect(r.folder!.incidents.length).toBeGreaterThanOrEqual(2);
    expect(r.folder!.workshops.length).toBeGreaterThanOrEqual(2);
  });
});

describe('schema rules, at the right line and column', () => {
  it('an unknown key (typo) is an error with a suggestion', () => {
    const r = withHazard((t) => t.replace('  severity: Major\n  likelihood: Medium', '  severty: Major\n  likelihood: Medium'));
    expectDiag(r, {
      file: HAZARD_FILE,
      line: 11,
      col: 3,
      code: 'schema',
      message: /unknown field "severty" in initial — did you mean "severity"\?/,
    });
    expectDiag(r, { file: HAZARD_FILE, line: 10, col: 1, message: /missing required field "severity" in initial/ });
  });

  it('a severity outside the scheme lists the allowed values', () => {
    const r = withHazard((t) => t.replace('  severity: Major\n  likelihood: Medium', '  severity: Severe\n  likelihood: Medium'));
    expectDiag(r, {
      line: 11,
      col: 13,
      message: 'initial.severity "Severe" is not allowed; use one of: Minor, Significant, Considerable, Major, Catastrophic',
    });
  });

  it('a mis-cased likelihood suggests the right label', () => {
    const r = withHazard((t) => t.replace('likelihood: Medium', 'likelihood: medium'));
    expectDiag(r, { line: 12, col: 15, message: /did you mean "Medium"\?/ });
  });

  it('a control type outside the list', () => {
    const r = withHazard((t) => t.replace('type: design', 'type: software'));
    expectDiag(r, {
      line: 16,
      col: 11,
      message: /controls\[0\]\.type "software" is not allowed; use one of: design, test, training, business-process/,
    });
  });

  it('an unquoted version number asks for quotes', () => {
    const r = withHazard((t) => t.replace('status: open\n', 'status: open\nintroducedIn: 2.10\n'));
    expectDiag(r, { line: 26, col: 15, message: /introducedIn must be text; quote version numbers/ });
  });

  it('an invalid date in clinsafe.yml', () => {
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: CONFIG.replace('2026-01-15', '2026-02-30') });
    expectDiag(r, { file: CONFIG_FILE, line: 18, col: 17, message: /review\.lastReviewed "2026-02-30" is not a real calendar date/ });
  });

  it('a date in the wrong format', () => {
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: CONFIG.replace('2026-01-15', '15/01/2026') });
    expectDiag(r, { file: CONFIG_FILE, line: 18, col: 17, message: /must be an ISO date written YYYY-MM-DD/ });
  });

  it('an incomplete CSO entry', () => {
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: CONFIG.replace('    registration: GMC 1234567\n', '') });
    expectDiag(r, { file: CONFIG_FILE, line: 11, col: 5, message: /missing required field "registration" in cso\[0\]/ });
  });

  it('a CSO login with @ is rejected', () => {
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: CONFIG.replace('github: dr-test', 'github: "@dr-test"') });
    expectDiag(r, { file: CONFIG_FILE, line: 11, col: 13, message: /must be a GitHub login .* without @/ });
  });
});

describe('DCB0129 rules', () => {
  it('a stated risk must agree with the matrix', () => {
    const r = withHazard((t) => t.replace('  likelihood: Medium\n', '  likelihood: Medium\n  risk: 4\n'));
    expectDiag(r, {
      line: 13,
      col: 9,
      code: 'risk-mismatch',
      message: /initial\.risk is 4, but the risk matrix gives 3 — Undesirable for Major severity and Medium likelihood/,
    });
  });

  it('a stated risk that agrees is accepted', () => {
    const r = withHazard((t) => t.replace('  likelihood: Medium\n', '  likelihood: Medium\n  risk: 3\n'));
    expect(errorsOf(r)).toEqual([]);
  });

  it('residual risk above initial', () => {
    const r = withHazard((t) => t.replace('  likelihood: Very low', '  likelihood: High'));
    expectDiag(r, {
      line: 23,
      col: 3,
      code: 'residual-above-initial',
      message: /residual risk 4 — Mandatory elimination or control is above initial risk 3 — Undesirable/,
    });
  });

  it('id must match the file name', () => {
    const r = withHazard((t) => t.replace('id: H-001\n', 'id: H-002\n'));
    expectDiag(r, { line: 1, col: 5, code: 'id-filename', message: /id "H-002" does not match the file name "H-001-wrong-patient"/ });
  });

  it('hazard ids are unique across files', () => {
    const r = validateTree({ ...baseFiles(), 'clinical-safety/hazards/H-001-copy.yml': HAZARD });
    expectDiag(r, { file: 'clinical-safety/hazards/H-001-wrong-patient.yml', line: 1, col: 5, code: 'duplicate-id' });
  });

  it('control ids are unique within a hazard', () => {
    const dup = HAZARD.replace(
      'residual:',
      `  - id: H-001-C01
    description: Second control, same id
    type: training
    owner: manufacturer
    status: planned
residual:`,
    );
    const r = withHazard(() => dup);
    expectDiag(r, { line: 22, col: 9, code: 'duplicate-id', message: /control id "H-001-C01" is used twice/ });
  });

  it('a control names a cause that does not exist', () => {
    const r = withHazard((t) => t.replace('causes: [C1]', 'causes: [C9]'));
    expectDiag(r, { line: 19, col: 14, code: 'unknown-cause', message: /cause "C9", which is not one of this hazard's causes \(C1\)/ });
  });

  it('transferred needs transferredTo and a control held by another organisation', () => {
    const r = withHazard((t) => t.replace('status: open', 'status: transferred'));
    const issues = r.diagnostics.filter((d) => d.code === 'transfer-incomplete');
    expect(issues.map((d) => [d.line, d.col])).toEqual([
      [25, 9],
      [25, 9],
    ]);
    expect(issues.map((d) => d.message).join('\n')).toMatch(/add transferredTo/);
    expect(issues.map((d) => d.message).join('\n')).toMatch(/at least one control owned by another organisation/);
  });

  it('a complete transfer is valid', () => {
    const r = withHazard((t) =>
      t.replace('status: open', 'status: transferred\ntransferredTo: Deploying organisation').replace(
        'residual:',
        `  - id: H-001-C02
    description: Trust trains ward staff on patient banner checks
    type: training
    owner: Deploying organisation
    status: planned
residual:`,
      ),
    );
    expect(errorsOf(r)).toEqual([]);
  });

  it('closed must have no planned manufacturer control', () => {
    const r = withHazard((t) => t.replace('status: verified', 'status: planned').replace('status: open', 'status: closed'));
    expectDiag(r, { line: 18, col: 13, code: 'closed-outstanding', message: /manufacturer control H-001-C01 is still planned/ });
  });

  it('closed must have no open manufacturer action', () => {
    const r = withHazard((t) =>
      t.replace('status: open', 'status: closed\nactions:\n  - summary: Write the test\n    owner: manufacturer\n    status: open'),
    );
    expectDiag(r, { line: 29, col: 13, code: 'closed-outstanding', message: /action owned by manufacturer is still open/ });
    const r2 = withHazard((t) =>
      t.replace(
        'status: open',
        'status: closed\nactions:\n  - summary: Trust to brief staff\n    owner: Deploying organisation\n    status: open',
      ),
    );
    expectDiag(r2, { line: 29, col: 13, severity: 'error', code: 'closed-outstanding', message: /set the hazard status to transferred/ });
  });

  it('retired needs a reason', () => {
    const r = withHazard((t) => t.replace('status: open', 'status: retired'));
    expectDiag(r, { line: 25, col: 9, code: 'retired-reason', message: /add retiredReason/ });
  });

  it('an implemented or verified control cites evidence', () => {
    const r = withHazard((t) => t.replace('    evidence:\n      - test/banner.spec.ts\n', ''));
    expectDiag(r, { line: 18, col: 13, code: 'evidence-required', message: /control H-001-C01 is verified but cites no evidence/ });
  });

  it('evidence paths must exist in the repository', () => {
    const r = withHazard((t) => t.replace('test/banner.spec.ts', 'test/missing.spec.ts'));
    expectDiag(r, {
      line: 21,
      col: 9,
      code: 'evidence-missing',
      message: /evidence "test\/missing.spec.ts" does not exist in the repository/,
    });
  });

  it('evidence may be an https URL or a path with an anchor', () => {
    const r = withHazard((t) =>
      t.replace('      - test/banner.spec.ts\n', '      - test/banner.spec.ts#L1\n      - https://example.org/report.pdf\n'),
    );
    expect(errorsOf(r)).toEqual([]);
  });

  it('evidence outside the repository is refused', () => {
    const r = withHazard((t) => t.replace('test/banner.spec.ts', '../../etc/passwd'));
    expectDiag(r, { line: 21, col: 9, code: 'evidence-invalid', message: /relative to the repository root, inside the repository/ });
  });

  it('trigger globs must parse', () => {
    const r = withHazard((t) => t.replace('"src/patient/**"', '"src/[patient/**"'));
    expectDiag(r, { line: 27, col: 11, code: 'bad-glob', message: /trigger glob "src\/\[patient\/\*\*" does not parse/ });
  });

  it('trigger globs use forward slashes', () => {
    const r = withHazard((t) => t.replace('"src/patient/**"', '"src\\\\patient\\\\**"'));
    expectDiag(r, { line: 27, col: 11, code: 'bad-glob', message: /use forward slashes/ });
  });

  it('a custom risk scheme must be complete', () => {
    const custom = CONFIG.replace(
      'riskScheme: nhs-dcb0129\n',
      `riskScheme:
  name: Two by two
  severities: [Low, High]
  likelihoods: [Unlikely, Likely]
  ratings:
    - { value: 1, name: OK, meaning: Fine }
    - { value: 2, name: Bad, meaning: Reduce }
  justifyFrom: 2
  unacceptableFrom: 2
  matrix:
    Unlikely: { Low: 1, High: 2 }
    Likely: { Low: 2 }
`,
    );
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: custom });
    expectDiag(r, {
      file: CONFIG_FILE,
      line: 26,
      col: 13,
      code: 'risk-scheme',
      message: /matrix row "Likely" has no rating for severity "High"/,
    });
  });

  it('a complete custom scheme sets the labels hazards must use', () => {
    const custom = CONFIG.replace(
      'riskScheme: nhs-dcb0129\n',
      `riskScheme:
  name: Two by two
  severities: [Low, High]
  likelihoods: [Unlikely, Likely]
  ratings:
    - { value: 1, name: OK, meaning: Fine }
    - { value: 2, name: Bad, meaning: Reduce }
  justifyFrom: 2
  unacceptableFrom: 2
  matrix:
    Unlikely: { Low: 1, High: 2 }
    Likely: { Low: 2, High: 2 }
`,
    );
    const r = validateTree({ ...baseFiles(), [CONFIG_FILE]: custom });
    expectDiag(r, { file: HAZARD_FILE, line: 11, col: 13, message: /"Major" is not allowed; use one of: Low, High/ });
    const ok = validateTree({
      ...baseFiles(),
      // its own thresholds: nothing in a two-rating scheme is unreleasable
      [CONFIG_FILE]: custom.replace('unacceptableFrom: 2', 'unacceptableFrom: 3'),
      [HAZARD_FILE]: HAZARD.replace(/severity: Major/g, 'severity: High')
        .replace('likelihood: Medium', 'likelihood: Likely')
        .replace('likelihood: Very low', 'likelihood: Unlikely')
        .replace('status: open', 'status: open\njustification: Two-by-two scheme; rated 2 by construction.'),
    });
    expect(errorsOf(ok)).toEqual([]);
    expect(ok.folder!.hazards[0]!.initial.risk).toBe(2);
  });

  it('incidents and workshops must name existing hazards', () => {
    const r = validateTree({
      ...baseFiles(),
      'clinical-safety/incidents/INC-1.yml':
        'reference: INC-1\nreportedBy: Ward 7\nreportedOn: 2026-03-01\nsummary: Wrong banner\nhazards: [H-001, H-404]\n',
      'clinical-safety/workshops/2026-01-01-hazid.md':
        '---\ndate: 2026-01-01\nmethod: SWIFT\nattendees:\n  - { name: Dr Test, role: CSO }\nhazardsRaised: [H-999]\n---\nMinutes.\n',
    });
    expectDiag(r, {
      file: 'clinical-safety/incidents/INC-1.yml',
      line: 5,
      col: 18,
      code: 'unknown-hazard',
      message: /hazard "H-404" does not exist/,
    });
    expectDiag(r, {
      file: 'clinical-safety/workshops/2026-01-01-hazid.md',
      line: 6,
      col: 17,
      code: 'unknown-hazard',
      message: /hazard "H-999" does not exist/,
    });
  });

  it('workshop minutes need front matter', () => {
    const r = validateTree({ ...baseFiles(), 'clinical-safety/workshops/notes.md': '# Notes\n' });
    expectDiag(r, { file: 'clinical-safety/workshops/notes.md', line: 1, col: 1, code: 'front-matter' });
  });

  it('a folder without clinsafe.yml says how to create one', () => {
    const files = baseFiles();
    delete files[CONFIG_FILE];
    const r = validateTree(files);
    expectDiag(r, { file: CONFIG_FILE, line: 1, col: 1, code: 'config-missing', message: /clinsafe init/ });
  });

  it('every problem is reported at once', () => {
    const r = withHazard((t) =>
      t.replace('id: H-001\n', 'id: H-002\n').replace('type: design', 'type: code').replace('test/banner.spec.ts', 'nope.ts'),
    );
    // The bad type fails the schema; id and evidence are checked only on a well-formed hazard, so fix type and see both.
    expect(errorsOf(r).length).toBeGreaterThanOrEqual(1);
    const r2 = withHazard((t) =>
      t.replace('id: H-001\n', 'id: H-002\n').replace('test/banner.spec.ts', 'nope.ts').replace('status: open', 'status: retired'),
    );
    expect(
      errorsOf(r2)
        .map((d) => d.code)
        .sort(),
    ).toEqual(['evidence-missing', 'id-filename', 'retired-reason']);
  });
});

describe('hostile input', () => {
  it('duplicate keys', () => {
    const r = withHazard((t) => t.replace('title: Wrong patient shown\n', 'title: Wrong patient shown\ntitle: Another title\n'));
    expectDiag(r, { line: 3, col: 1, code: 'yaml-syntax', message: /Map keys must be unique — each key may appear only once/ });
  });

  it('__proto__ and constructor keys', () => {
    const r = withHazard((t) => `${t}__proto__:\n  polluted: true\n`);
    expectDiag(r, { line: 29, col: 1, code: 'forbidden-key', message: /key "__proto__" is not allowed/ });
    const r2 = withHazard((t) => t.replace('initial:\n', 'initial:\n  constructor: x\n'));
    expectDiag(r2, { line: 11, col: 3, code: 'forbidden-key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a YAML alias bomb is refused quickly', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
      ['h', 'g'],
      ['i', 'h'],
    ]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const r = withHazard((t) => `${t}${bomb.join('\n')}\n`);
    expect(Date.now() - started).toBeLessThan(5000);
    expectDiag(r, { code: 'alias-bomb', message: /too many YAML aliases/ });
  });

  it('a multi-megabyte file is refused without parsing', () => {
    const r = withHazard((t) => `${t}comments: "${'x'.repeat(3 * 1024 * 1024)}"\n`);
    expectDiag(r, { line: 1, col: 1, code: 'too-large', message: /too large/ });
  });

  it('a binary file', () => {
    const r = validateTree({ ...baseFiles(), [HAZARD_FILE]: new Uint8Array([0x69, 0x64, 0x3a, 0x20, 0x00, 0xff, 0x10]) });
    expectDiag(r, { line: 1, col: 5, code: 'binary-file' });
  });

  it('a file that is not UTF-8 names the line and column of the bad byte', () => {
    const latin1 = Buffer.from(HAZARD.replace('Stale patient context', 'Stale patient contexte'), 'utf8');
    const at = latin1.indexOf('contexte') + 7;
    latin1[at] = 0xe9; // é in Latin-1
    const r = validateTree({ ...baseFiles(), [HAZARD_FILE]: latin1 });
    expectDiag(r, { line: 7, col: 39, code: 'not-utf8', message: /byte 0xe9 is not valid UTF-8; save the file as UTF-8/ });
  });

  it('a symbolic link out of the repository', () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.yml'), HAZARD);
    const root = tempDir();
    const files = baseFiles();
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    symlinkSync(join(outside, 'secret.yml'), join(root, 'clinical-safety/hazards/H-002-link.yml'));
    const r = loadFolder(snapshotFromDisk(root, join(root, 'clinical-safety')));
    expectDiag(r, {
      file: 'clinical-safety/hazards/H-002-link.yml',
      line: 1,
      col: 1,
      code: 'symlink-outside',
      message: /outside the repository/,
    });
  });

  it('deeply nested YAML neither crashes nor hangs', () => {
    const started = Date.now();
    const r = withHazard((t) => `${t}comments: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(r.valid).toBe(false);
  });

  it('a document that is not a mapping', () => {
    const r = validateTree({ ...baseFiles(), [HAZARD_FILE]: '- just\n- a list\n' });
    expectDiag(r, { line: 1, col: 1, code: 'schema', message: /must be a mapping of fields, found a list/ });
  });
});

describe('acceptability per the guidance (issue 11 §1)', () => {
  const residual3 = (t: string) => t.replace('  likelihood: Very low', '  likelihood: Low');
  const residual4 = (t: string) =>
    t
      .replace('initial:\n  severity: Major\n  likelihood: Medium', 'initial:\n  severity: Major\n  likelihood: High')
      .replace('residual:\n  severity: Major\n  likelihood: Very low', 'residual:\n  severity: Major\n  likelihood: High');

  it('a residual 4 is an error: "mandatory elimination or control" is not an acceptable level', () => {
    const r = withHazard(residual4);
    expect(r.valid).toBe(false);
    const d = expectDiag(r, { severity: 'error', code: 'residual-unacceptable', line: 22, col: 1 });
    expect(d.message).toMatch(/4 — Mandatory elimination or control is not acceptable for release/);
  });

  it('a residual 4 is not an error once the hazard is retired', () => {
    const r = withHazard((t) => residual4(t).replace('status: open', 'status: retired\nretiredReason: Feature removed'));
    expect(r.diagnostics.filter((d) => d.code === 'residual-unacceptable')).toEqual([]);
  });

  it('a residual 3 without justification is an error, and a warning only for a draft hazard', () => {
    const r = withHazard(residual3);
    expect(r.valid).toBe(false);
    expectDiag(r, { severity: 'error', code: 'justification-missing', line: 22, col: 1 });
    const draft = withHazard((t) => residual3(t).replace('status: open', 'status: open\ndraft: true'));
    expect(draft.valid).toBe(true);
    expectDiag(draft, { severity: 'warning', code: 'justification-missing' });
    const justified = withHazard((t) =>
      residual3(t).replace('status: open', 'status: open\njustification: Further reduction is impractical.'),
    );
    expect(errorsOf(justified)).toEqual([]);
  });

  it('a custom scheme applies its own thresholds', () => {
    const custom = CONFIG.replace(
      'riskScheme: nhs-dcb0129\n',
      `riskScheme:
  name: Two by two
  severities: [Low, High]
  likelihoods: [Unlikely, Likely]
  ratings:
    - { value: 1, name: OK, meaning: Fine }
    - { value: 2, name: Bad, meaning: Reduce }
  justifyFrom: 2
  unacceptableFrom: 2
  matrix:
    Unlikely: { Low: 1, High: 2 }
    Likely: { Low: 2, High: 2 }
`,
    );
    const r = validateTree({
      ...baseFiles(),
      [CONFIG_FILE]: custom,
      [HAZARD_FILE]: HAZARD.replace(/severity: Major/g, 'severity: High')
        .replace('likelihood: Medium', 'likelihood: Likely')
        .replace('likelihood: Very low', 'likelihood: Unlikely'),
    });
    expectDiag(r, { severity: 'error', code: 'residual-unacceptable', message: /2 — Bad is not acceptable for release/ });
  });

  it('a residual that rests on planned manufacturer controls is flagged, until the delivered residual is stated', () => {
    const withPlanned = (t: string) =>
      t.replace(
        '      - test/banner.spec.ts\nresidual:',
        '      - test/banner.spec.ts\n  - id: H-001-C02\n    description: Clear context on reconnect\n    type: design\n    owner: Test Health Ltd\n    status: planned\n    causes: [C1]\nresidual:',
      );
    const r = withHazard(withPlanned);
    expect(r.valid).toBe(true);
    const d = expectDiag(r, { severity: 'warning', code: 'planned-residual', line: 28, col: 1 });
    // the manufacturer's own name counts as the manufacturer
    expect(d.message).toMatch(
      /residual 2 rests on planned controls H-001-C02, not yet in place; as delivered the initial rating 3 applies/,
    );
    const delivered = withHazard((t) =>
      withPlanned(t).replace(
        'status: open',
        'deliveredResidual:\n  severity: Major\n  likelihood: Low\nstatus: open\njustification: Until C02 ships.',
      ),
    );
    expect(delivered.diagnostics.filter((x) => x.code === 'planned-residual')).toEqual([]);
    expect(delivered.valid).toBe(true);
    // the delivered residual is judged like any residual: a 3 needs its justification
    const unjustified = withHazard((t) =>
      withPlanned(t).replace('status: open', 'deliveredResidual:\n  severity: Major\n  likelihood: Low\nstatus: open'),
    );
    expectDiag(unjustified, { severity: 'error', code: 'justification-missing', message: /residual risk as delivered 3/ });
    const outOfRange = withHazard((t) =>
      withPlanned(t).replace('status: open', 'deliveredResidual:\n  severity: Major\n  likelihood: High\nstatus: open'),
    );
    expectDiag(outOfRange, { severity: 'error', code: 'delivered-residual-range' });
    const notCso = withHazard((t) =>
      withPlanned(t).replace('status: open', 'acceptedPlannedResidual:\n  by: mallory\n  on: 2026-11-01\n  reason: fine\nstatus: open'),
    );
    expectDiag(notCso, { severity: 'error', code: 'cso-record', message: /"mallory" is not a CSO on the roster \(dr-test\)/ });
  });

  it('a severity reduced by controls needs a written reason', () => {
    const reduced = (t: string) => t.replace('residual:\n  severity: Major', 'residual:\n  severity: Considerable');
    const r = withHazard(reduced);
    expectDiag(r, { severity: 'warning', code: 'severity-reduced', line: 23, col: 3 });
    const explained = withHazard((t) =>
      reduced(t).replace(
        'status: open',
        'severityReductionReason: The banner stops the harm reaching more than one patient.\nstatus: open',
      ),
    );
    expect(explained.diagnostics.filter((d) => d.code === 'severity-reduced')).toEqual([]);
  });

  it('every live hazard without triggers is warned about, and counted', () => {
    const r = withHazard((t) => t.replace(/triggers:\n {2}paths: \["src\/patient\/\*\*"\]\n {2}labels: \[patient-context\]\n/, ''));
    expectDiag(r, { severity: 'warning', code: 'no-triggers', line: 1, col: 1, message: /the gate can never link a code change to it/ });
    expect(noTriggersSummary(r.folder!)).toBe('1 live hazard has no triggers: the gate can never link code to it');
  });

  it('transferred means the manufacturer is done, and the manufacturer cannot be the organisation it is transferred to', () => {
    const transferred = (t: string) =>
      t
        .replace('status: open', 'status: transferred\ntransferredTo: TEST HEALTH LTD.')
        .replace(
          '      - test/banner.spec.ts\nresidual:',
          '      - test/banner.spec.ts\n  - id: H-001-C02\n    description: Trust trains staff\n    type: training\n    owner: test health ltd\n    status: planned\n    causes: [C1]\nresidual:',
        );
    const r = withHazard(transferred);
    expectDiag(r, { code: 'transfer-incomplete', message: /transferredTo names the manufacturer/ });
    expectDiag(r, { code: 'transfer-incomplete', message: /manufacturer control H-001-C02 is still planned/ });
    expectDiag(r, { code: 'transfer-incomplete', message: /needs at least one control owned by another organisation/ });
  });
});

describe('the example product under the new rules (issue 11: the cases found in it)', () => {
  function medrecWith(edits: Record<string, (t: string) => string>): LoadResult {
    const root = tempDir();
    cpSync(EXAMPLE_PRODUCT, root, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const path = join(root, 'clinical-safety', file);
      const before = readFileSync(path, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`edit of ${file} changed nothing`);
      writeFileSync(path, after);
    }
    return loadFolder(snapshotFromDisk(root, join(root, 'clinical-safety')));
  }

  it('as shipped: no error, no warning, and nothing blocks sign-off', () => {
    const r = medrecWith({});
    expect(r.diagnostics).toEqual([]);
    const findings = clinicalBlockers(r.folder!, { at: '2026-11-20' });
    expect(findings.filter((f) => f.severity === 'blocks')).toEqual([]);
    // flagged for the CSO: the open incident and the controls held by others
    expect(findings.map((f) => `${f.hazardId} ${f.rule}`)).toEqual([
      'H-006 held-elsewhere',
      'H-007 held-elsewhere',
      'H-010 held-elsewhere',
      'H-006 open-incident',
    ]);
  });

  it('H-002 re-rated to a residual 4 fails validate and blocks sign-off', () => {
    const r = medrecWith({
      'hazards/H-002-gp-record-incomplete-or-stale.yml': (t) =>
        t
          .replace(/(residual:\n {2}severity: Major\n {2}likelihood: )Low/, '$1High')
          .replace(/(deliveredResidual:\n {2}severity: Major\n {2}likelihood: )Low/, '$1High'),
    });
    expect(r.valid).toBe(false);
    expectDiag(r, {
      severity: 'error',
      code: 'residual-unacceptable',
      file: 'clinical-safety/hazards/H-002-gp-record-incomplete-or-stale.yml',
    });
    expect(
      clinicalBlockers(r.folder!)
        .filter((f) => f.severity === 'blocks')
        .map((f) => `${f.hazardId} ${f.rule}`),
    ).toEqual(['H-002 residual-unacceptable']);
  });

  it("H-003's residual resting on planned controls (as it stood in 2.4.0) is flagged, and blocks sign-off until a CSO accepts it", () => {
    const asFound = (t: string) => t.replace(/deliveredResidual:\n {2}severity: Major\n {2}likelihood: Low\n {2}risk: 3\n/, '');
    const r = medrecWith({ 'hazards/H-003-allergy-not-displayed.yml': asFound });
    expect(r.valid).toBe(true);
    expectDiag(r, {
      severity: 'warning',
      code: 'planned-residual',
      message:
        /residual 2 rests on planned controls H-003-C03, C04, not yet in place \(cause C3 has no implemented control\); as delivered the initial rating 3 applies/,
    });
    const blocks = clinicalBlockers(r.folder!).filter((f) => f.severity === 'blocks');
    expect(blocks.map((f) => `${f.hazardId} ${f.rule}`)).toEqual(['H-003 planned-residual']);
    const h3 = r.folder!.hazards.find((h) => h.id === 'H-003')!;
    expect(residualText(r.folder!, h3)).toBe(
      'Major / Very low: 2 — Acceptable where cost of further reduction outweighs benefit; once planned controls H-003-C03, C04 are in place; as delivered in this release no lower rating is assessed, so the initial rating applies: Major / Medium: 3 — Undesirable',
    );
    const accepted = medrecWith({
      'hazards/H-003-allergy-not-displayed.yml': (t) =>
        asFound(t).replace(
          'status: open',
          'acceptedPlannedResidual:\n  by: dr-amara-okafor\n  on: 2026-11-20\n  reason: 2.5 ships in March.\nstatus: open',
        ),
    });
    const f = clinicalBlockers(accepted.folder!).find((x) => x.rule === 'planned-residual')!;
    expect(f).toMatchObject({ hazardId: 'H-003', severity: 'flags' });
    expect(f.message).toContain('accepted for release by dr-amara-okafor on 2026-11-20');
    // or the CSO's sign-off statement accepts it, naming the hazard
    const statement = 'Safe for release. I accept the residual risk resting on planned controls for H-003 and H-099, until 2.5.';
    expect(plannedAcceptedIn(r.folder!, statement)).toEqual(['H-003']);
    const byStatement = clinicalBlockers(r.folder!, { statement }).find((x) => x.rule === 'planned-residual')!;
    expect(byStatement).toMatchObject({ hazardId: 'H-003', severity: 'flags' });
    expect(byStatement.message).toContain("accepted for release in the CSO's sign-off statement");
    // a statement that does not name it, or only mentions planned controls, accepts nothing
    for (const other of [
      'Safe for release.',
      'I accept the residual risk resting on planned controls for H-002.',
      'Planned controls H-003 are fine.',
    ])
      expect(clinicalBlockers(r.folder!, { statement: other }).find((x) => x.rule === 'planned-residual')!.severity, other).toBe('blocks');
  });

  it('INC-2026-002 against H-006 (before H-006 was re-assessed) is flagged, and blocks sign-off until re-assessed or a CSO says why not', () => {
    const asFound = {
      'hazards/H-006-summary-not-delivered-to-epma.yml': (t: string) =>
        t
          .replace(/deliveredResidual:\n {2}severity: Considerable\n {2}likelihood: Medium\n {2}risk: 3\n/, '')
          .replace(/ {2}- id: H-006-C05[\s\S]*?introducedIn: "2.4.0"\n/, ''),
    };
    const r = medrecWith(asFound);
    expect(r.valid).toBe(true);
    const d = expectDiag(r, {
      severity: 'warning',
      code: 'incident-above-residual',
      file: 'clinical-safety/incidents/INC-2026-002.yml',
    });
    expect(d.message).toMatch(
      /incident INC-2026-002 is rated 3 — Undesirable, above the residual 2 H-006 claims.*\(DCB0129 7\.2\.2\/7\.2\.3\)/,
    );
    const f = clinicalBlockers(r.folder!, { at: '2026-11-20' }).filter((x) => x.rule === 'incident-above-residual');
    expect(f).toEqual([expect.objectContaining({ hazardId: 'H-006', incident: 'INC-2026-002', severity: 'blocks' })]);
    // after the incident is closed it no longer counts; a CSO's recorded reason turns it into a flag
    const recorded = medrecWith({
      ...asFound,
      'incidents/INC-2026-002.yml': (t) =>
        `${t}safetyCaseImpact:\n  by: dr-tom-hughes\n  on: 2026-10-27\n  reason: Trust-side routing change, reverted; other trusts unaffected.\n`,
    });
    expect(clinicalBlockers(recorded.folder!).find((x) => x.rule === 'incident-above-residual')).toMatchObject({ severity: 'flags' });
    // and one signed by someone off the roster does not count
    const forged = medrecWith({
      ...asFound,
      'incidents/INC-2026-002.yml': (t) => `${t}safetyCaseImpact:\n  by: dev-bob\n  on: 2026-10-27\n  reason: Not important.\n`,
    });
    expectDiag(forged, { severity: 'error', code: 'cso-record' });
    expect(clinicalBlockers(forged.folder!).find((x) => x.rule === 'incident-above-residual')).toMatchObject({ severity: 'blocks' });
  });
});

describe('clinsafe validate prints the clinical findings', () => {
  it('counts the live hazards without triggers after the per-hazard warnings, and lists them in JSON', async () => {
    const noTriggers = HAZARD.replace(/triggers:\n {2}paths: \["src\/patient\/\*\*"\]\n {2}labels: \[patient-context\]\n/, '');
    const root = writeTree({
      ...baseFiles(),
      [HAZARD_FILE]: noTriggers,
      'clinical-safety/hazards/H-002-second.yml': noTriggers.replace('id: H-001', 'id: H-002'),
    });
    const r = await cli(root, 'validate', '--root', '.');
    expect(r.code).toBe(0);
    const lines = r.err.split('\n');
    expect(lines.filter((l) => l.includes('warning: hazard has no triggers'))).toHaveLength(2);
    expect(lines.at(-1)).toBe('warning: 2 live hazards have no triggers: the gate can never link code to them');
    const json = await cli(root, 'validate', '--root', '.', '--format', 'json');
    expect(JSON.parse(json.out).liveHazardsWithoutTriggers).toEqual(['H-001', 'H-002']);
  });

  it('a residual 4 fails validate with its position, and the summary table shows the residual as delivered', async () => {
    const root = writeTree({
      ...baseFiles(),
      [HAZARD_FILE]: HAZARD.replace(
        '      - test/banner.spec.ts\nresidual:',
        '      - test/banner.spec.ts\n  - id: H-001-C02\n    description: Clear context on reconnect\n    type: design\n    owner: manufacturer\n    status: planned\n    causes: [C1]\nresidual:',
      ).replace('status: open', 'deliveredResidual:\n  severity: Major\n  likelihood: Low\nstatus: open\njustification: Until C02 ships.'),
    });
    const ok = await cli(root, 'validate', '--root', '.', '--summary');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/H-001 .* 3 as delivered, 2 with planned controls/);
    writeFileSync(
      join(root, HAZARD_FILE),
      HAZARD.replace('likelihood: Very low', 'likelihood: High').replace('likelihood: Medium', 'likelihood: High'),
    );
    const bad = await cli(root, 'validate', '--root', '.');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      'clinical-safety/hazards/H-001-wrong-patient.yml:22:1: residual risk 4 — Mandatory elimination or control is not acceptable for release',
    );
  });
});
