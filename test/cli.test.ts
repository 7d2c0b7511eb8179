import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { baseFiles, HAZARD, HAZARD_FILE, writeTree } from './helpers/folder.js';
import { emptyRepo, REPO_ROOT } from './helpers/repo.js';

const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/** The built binary, with the environment of a terminal outside GitHub Actions unless `env` says otherwise. */
function clinsafe(args: string[], cwd: string, env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.GITHUB_ACTIONS;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A git repository holding the test product, committed. */
function productRepo(files = baseFiles()) {
  const repo = emptyRepo();
  for (const [path, content] of Object.entries(files)) repo.write(path, String(content));
  repo.commit('product');
  return repo;
}

const BROKEN = HAZARD.replace('likelihood: Medium', 'likelihood: Likely');

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

describe('behaves like the tools people know', () => {
  it('no arguments: prints the help on stderr and exits 1', () => {
    const r = clinsafe([], REPO_ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: clinsafe [options] [command]');
    for (const c of ['init', 'validate', 'check', 'report', 'import', 'export', 'schema', 'demo']) expect(r.stderr).toContain(c);
  });

  it('--help and help exit 0; --version prints the package version', () => {
    expect(clinsafe(['--help'], REPO_ROOT).code).toBe(0);
    expect(clinsafe(['help', 'validate'], REPO_ROOT).stdout).toContain('--format');
    const v = clinsafe(['--version'], REPO_ROOT);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown --format is an error naming the allowed ones, for validate and check', () => {
    const repo = productRepo();
    const v = clinsafe(['validate', '--format', 'yaml'], repo.dir);
    expect(v.code).toBe(1);
    expect(v.stdout).toBe('');
    expect(v.stderr).toMatch(/argument 'yaml' is invalid\. Allowed choices are text, json, github/);
    const c = clinsafe(['check', '--base', 'HEAD', '--format', 'yaml'], repo.dir);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/argument 'yaml' is invalid\. Allowed choices are text, markdown, json, github/);
    repo.cleanup();
  });

  it('validate, schema and init find the repository root from a subdirectory, as git does', async () => {
    const repo = productRepo();
    const sub = join(repo.dir, 'src', 'patient');
    const v = clinsafe(['validate'], sub);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('✓ TestProduct: 1 hazard');
    // An explicit --dir stays relative to the working directory, like a path given to git.
    const explicit = clinsafe(['validate', '--dir', '../../clinical-safety'], sub);
    expect(explicit.code).toBe(0);
    const wrong = clinsafe(['validate', '--dir', 'clinical-safety'], sub);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/safety folder clinical-safety does not exist/);

    expect((await cli(sub, 'schema')).code).toBe(0);
    expect(readdirSync(join(repo.dir, 'clinical-safety', 'schema'))).toContain('hazard.schema.json');
    expect(existsSync(join(sub, 'clinical-safety'))).toBe(false);

    const fresh = emptyRepo();
    fresh.write('docs/readme.md', 'x\n');
    const init = await cli(join(fresh.dir, 'docs'), 'init', '--no-bank');
    expect(init.code).toBe(0);
    expect(existsSync(join(fresh.dir, 'clinical-safety', 'clinsafe.yml'))).toBe(true);
    expect(existsSync(join(fresh.dir, 'docs', 'clinical-safety'))).toBe(false);
    repo.cleanup();
    fresh.cleanup();
  });

  it('a missing folder from a subdirectory names the folder where it was looked for', () => {
    const repo = emptyRepo();
    repo.write('src/a.ts', 'x\n');
    const r = clinsafe(['validate'], join(repo.dir, 'src'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^clinsafe: safety folder \.\.\/clinical-safety does not exist; run `clinsafe init`/);
    repo.cleanup();
  });
});

describe('--format github: workflow-command annotations', () => {
  it('validate puts each problem on its file, line and column; exit 1', () => {
    const root = writeTree({ ...baseFiles(), [HAZARD_FILE]: BROKEN });
    const r = clinsafe(['validate', '--root', '.', '--format', 'github'], root);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toContain(
      `::error file=${HAZARD_FILE},line=12,col=15,title=clinsafe schema::initial.likelihood "Likely" is not allowed; use one of: Very low, Low, Medium, High, Very high`,
    );
    expect(r.stderr).toMatch(/✗ clinical-safety: not valid — 1 error, 0 warnings/);
  });

  it('is the default inside GitHub Actions (GITHUB_ACTIONS=true), and text outside', () => {
    const root = writeTree({ ...baseFiles(), [HAZARD_FILE]: BROKEN });
    const inActions = clinsafe(['validate', '--root', '.'], root, { GITHUB_ACTIONS: 'true' });
    expect(inActions.stdout).toMatch(/^::error file=clinical-safety\/hazards\/H-001-wrong-patient\.yml,line=12,col=15,/m);
    const outside = clinsafe(['validate', '--root', '.'], root);
    expect(outside.stdout).not.toContain('::error');
    expect(outside.stderr).toContain(`${HAZARD_FILE}:12:15: initial.likelihood`);
    const explicit = clinsafe(['validate', '--root', '.', '--format', 'text'], root, { GITHUB_ACTIONS: 'true' });
    expect(explicit.stdout).not.toContain('::error');
  });

  it('check annotates the head folder problems and says when a CSO must approve', async () => {
    const repo = productRepo();
    repo.write('src/patient/context.ts', 'export const changed = 1;\n');
    repo.commit('change the code');
    const r = await cli(repo.dir, 'check', '--base', 'HEAD~1', '--format', 'github');
    expect(r.out).toMatch(/^::warning title=clinsafe%3A CSO approval needed::CSO approval needed: this change touches H-001 /m);
    expect(r.out).not.toContain('::error');
    expect(r.out).toContain('CSO approval needed at');
    expect(r.code).toBe(2);

    repo.write(HAZARD_FILE, BROKEN);
    repo.commit('break the hazard file');
    const broken = await cli(repo.dir, 'check', '--base', 'HEAD~1', '--format', 'github');
    expect(broken.out).toMatch(
      /^::error file=clinical-safety\/hazards\/H-001-wrong-patient\.yml,line=12,col=15,title=clinsafe schema::initial\.likelihood "Likely"/m,
    );
    expect(broken.out).toMatch(/^::error title=clinsafe%3A the safety gate could not decide::/m);
    expect(broken.code).toBe(1);
    repo.cleanup();
  });
});

describe('export chooses the format from --format or the file name, never a mismatch', () => {
  it('x.pdf without --format is refused and nothing is written; .CSV gives CSV; --format wins', async () => {
    const repo = productRepo();
    const pdf = await cli(repo.dir, 'export', '--out', 'log.pdf');
    expect(pdf.code).toBe(1);
    expect(pdf.err).toContain('cannot tell the format from "log.pdf": name the file .xlsx or .csv, or pass --format xlsx|csv');
    expect(existsSync(join(repo.dir, 'log.pdf'))).toBe(false);
    const bare = await cli(repo.dir, 'export', '--out', 'log');
    expect(bare.code).toBe(1);
    const csv = await cli(repo.dir, 'export', '--out', 'LOG.CSV');
    expect(csv.code).toBe(0);
    expect(csv.out).toContain('csv)');
    const forced = await cli(repo.dir, 'export', '--out', 'log.pdf', '--format', 'yaml');
    expect(forced.code).toBe(1);
    expect(forced.err).toContain('--format must be xlsx or csv, not "yaml"');
    repo.cleanup();
  });
});
