import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseFiles, HAZARD, HAZARD_FILE, writeTree } from './helpers/folder.js';
import { REPO_ROOT } from './helpers/repo.js';

const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

function clinsafe(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built clinsafe binary', () => {
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error('dist is missing: npm test builds it first (npm run build)');
  });

  it('validate: exit 0 and a one-line summary for a valid folder', () => {
    const root = writeTree(baseFiles());
    const r = clinsafe(['validate', '--root', '.'], root);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('✓ TestProduct: 1 hazard (1 open), 1 control, 0 incidents, 0 workshops — valid (0 errors, 0 warnings)');
  });

  it('validate: exit 1 with path:line:col messages and no stack trace', () => {
    const root = writeTree({
      ...baseFiles(),
      [HAZARD_FILE]: HAZARD.replace('likelihood: Medium', 'likelihood: Likely').replace('owner: manufacturer', 'ownr: manufacturer'),
    });
    const r = clinsafe(['validate', '--root', '.'], root);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain(
      `${HAZARD_FILE}:12:15: initial.likelihood "Likely" is not allowed; use one of: Very low, Low, Medium, High, Very high`,
    );
    expect(lines.some((l) => l.startsWith(`${HAZARD_FILE}:17:5: unknown field "ownr" in controls[0] — did you mean "owner"?`))).toBe(true);
    expect(lines.at(-1)).toMatch(/✗ clinical-safety: not valid — 3 errors, 0 warnings/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate --format json for scripts', () => {
    const root = writeTree(baseFiles());
    const r = clinsafe(['validate', '--root', '.', '--format', 'json'], root);
    const json = JSON.parse(r.stdout);
    expect(json.valid).toBe(true);
    expect(json.summary.hazards).toBe(1);
  });

  it('a missing folder is a clear error, not a crash', () => {
    const root = writeTree({ 'README.md': 'x' });
    const r = clinsafe(['validate'], root);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^clinsafe: safety folder clinical-safety does not exist; run `clinsafe init`/);
  });

  it('an unknown option is a usage error', () => {
    const r = clinsafe(['validate', '--bogus'], REPO_ROOT);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('demo validates the bundled example product and prints its hazard summary', () => {
    const r = clinsafe(['demo'], REPO_ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/H-001\s+Medication record shown for the wrong patient/);
    expect(r.stdout).toMatch(/✓ MedRec: 12 hazards \(8 open, 1 transferred, 2 closed, 1 retired\)/);
  });
});
