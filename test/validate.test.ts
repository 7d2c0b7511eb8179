import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromDisk } from '../src/adapters/fs.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { loadFolder, type LoadResult } from '../src/core/folder.js';
import { baseFiles, CONFIG, HAZARD, HAZARD_FILE, validateTree, withHazard } from './helpers/folder.js';
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

  it('a residual rating of 3 without justification is a warning, not an error', () => {
    const r = withHazard((t) => t.replace('  likelihood: Very low', '  likelihood: Medium'));
    expect(r.valid).toBe(true);
    expectDiag(r, { severity: 'warning', code: 'justification-missing', line: 23, col: 3 });
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
      [CONFIG_FILE]: custom,
      [HAZARD_FILE]: HAZARD.replace(/severity: Major/g, 'severity: High')
        .replace('likelihood: Medium', 'likelihood: Likely')
        .replace('likelihood: Very low', 'likelihood: Unlikely'),
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
