/** `clinsafe report` in real git repositories: the change record from merge and squash commits, files on disk, errors. */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHistory } from '../src/adapters/history.js';
import { buildChangeRecord } from '../src/core/change-record.js';
import { pullRequestOf } from '../src/core/ports/history.js';
import { run } from '../src/cli/program.js';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';

function cli(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return run(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
  }));
}

let repo: TempRepo;
const shas: Record<string, string> = {};

beforeAll(() => {
  repo = fixtureRepo();
  repo.git('tag', 'v2.3.2');
  // PR #12 merged with a merge commit: touches the GP Connect mapper (H-002, H-003, H-004).
  repo.git('checkout', '-q', '-b', 'fix-units');
  appendFileSync(join(repo.dir, 'src/gp-connect/mapper.ts'), '\n// refuse uncoded units\n');
  repo.commit('Refuse uncoded units');
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', 'fix-units', '-m', 'Merge pull request #12 from dev/fix-units\n\nRefuse uncoded dose units');
  shas.merge = repo.git('rev-parse', 'HEAD').trim();
  // PR #13 squash-merged: edits a hazard file only (the safety folder: H-009).
  appendFileSync(join(repo.dir, 'clinical-safety/hazards/H-009-alert-fatigue.yml'), '# reviewed\n');
  shas.squash = repo.commit('Review alert fatigue hazard (#13)');
  // PR #14 squash-merged: touches nothing a hazard watches.
  appendFileSync(join(repo.dir, 'README.md'), '\nMore words.\n');
  shas.readme = repo.commit('Tidy README (#14)');
  // A direct commit to main that touches the patient banner (H-001): listed, it bypassed review.
  appendFileSync(join(repo.dir, 'src/patient/banner.ts'), '\n// hotfix\n');
  shas.direct = repo.commit('Hotfix banner');
  // A direct commit touching nothing: not listed.
  appendFileSync(join(repo.dir, 'README.md'), '\nEven more.\n');
  repo.commit('Typo');
  repo.git('tag', 'v2.4.0');
  shas.release = repo.git('rev-parse', 'HEAD').trim();
});
afterAll(() => repo.cleanup());

describe('pull requests from commit messages', () => {
  it('reads GitHub merge and squash messages; other commits are not pull requests', () => {
    expect(pullRequestOf('Merge pull request #12 from dev/fix-units\n\nRefuse uncoded dose units')).toEqual({
      number: 12,
      title: 'Refuse uncoded dose units',
    });
    expect(pullRequestOf('Review alert fatigue hazard (#13)')).toEqual({
      number: 13,
      title: 'Review alert fatigue hazard',
    });
    expect(pullRequestOf('Fix #13 properly')).toBeUndefined();
    expect(pullRequestOf('Merge branch main')).toBeUndefined();
  });

  it('change record between two tags: hazards by the gate impact function at the first parent; no approval claimed', async () => {
    const history = gitHistory(repo.dir);
    const range = { from: (await history.commit('v2.3.2')).sha, to: (await history.commit('v2.4.0')).sha, dir: 'clinical-safety' };
    const record = await buildChangeRecord(history, range);
    expect(record.map((e) => [e.pullNumber, e.title, e.mergeCommit, e.hazards])).toEqual([
      [12, 'Refuse uncoded dose units', shas.merge, ['H-002', 'H-003', 'H-004']],
      [13, 'Review alert fatigue hazard', shas.squash, ['H-009']],
      [14, 'Tidy README', shas.readme, []],
      [undefined, 'Hotfix banner', shas.direct, ['H-001']],
    ]);
    for (const e of record) {
      expect(e.source).toBe('git');
      expect(e.approvals).toEqual([]);
      expect(e.mergedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    // Commits in the feature branch are not main-line changes of their own.
    expect(record.some((e) => e.title === 'Refuse uncoded units')).toBe(false);
  });
});

describe('clinsafe report', () => {
  it('writes the full document set for a tag, with the previous tag found automatically', async () => {
    const out = tempDir('clinsafe-report-');
    const r = await cli(['report', '--ref', 'v2.4.0', '--out', out, '--phase', 'Live'], repo.dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'crmp.html',
      'crmp.md',
      'crmp.pdf',
      'cscr.html',
      'cscr.md',
      'cscr.pdf',
      'hazard-log.csv',
      'hazard-log.xlsx',
      'manifest.json',
      'safety-requirements.html',
      'safety-requirements.md',
      'safety-requirements.pdf',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.commit).toBe(shas.release);
    expect(manifest.release.tag).toBe('v2.4.0');
    expect(manifest.release.previousTag).toBe('v2.3.2');
    expect(manifest.folderHash).toMatch(/^[0-9a-f]{64}$/);
    const cscr = readFileSync(join(out, 'cscr.md'), 'utf8');
    expect(cscr).toContain('Pull requests merged between v2.3.2 and v2.4.0');
    expect(cscr).toMatch(
      /\| #12\s+\| Refuse uncoded dose units\s+\| `[0-9a-f]{12}`\s+\| \d{4}-\d{2}-\d{2}\s+\| H-002, H-003, H-004\s+\| not recorded in git history/,
    );
    expect(cscr).toMatch(/\| direct commit\s+\| Hotfix banner/);
    expect(cscr).toContain('CSO approval not recorded in git history; generated by the clinsafe app from pull-request reviews');
    expect(cscr).toContain('DRAFT awaiting CSO sign-off');
    expect(r.out).toContain('DRAFT awaiting CSO sign-off');
  }, 60_000);

  it('reads the safety folder at the ref, not the work tree; --format limits the set', async () => {
    const out = tempDir('clinsafe-report-');
    writeFileSync(join(repo.dir, 'clinical-safety/hazards/H-001-wrong-patient-record.yml'), 'broken: [');
    try {
      const r = await cli(['report', '--ref', 'v2.3.2', '--previous-ref', 'v2.3.2', '--out', out, '--format', 'md,csv'], repo.dir);
      expect(r.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['crmp.md', 'cscr.md', 'hazard-log.csv', 'manifest.json', 'safety-requirements.md']);
      expect(readFileSync(join(out, 'cscr.md'), 'utf8')).toContain('No merged pull requests were found in this range.');
    } finally {
      repo.git('checkout', '-q', '--', 'clinical-safety/hazards/H-001-wrong-patient-record.yml');
    }
  });

  it('an invalid safety folder at the ref: diagnostics, exit 1, no documents', async () => {
    const bad = fixtureRepo();
    try {
      writeFileSync(
        join(bad.dir, 'clinical-safety/hazards/H-001-wrong-patient-record.yml'),
        readFileSync(join(bad.dir, 'clinical-safety/hazards/H-001-wrong-patient-record.yml'), 'utf8').replace(
          'likelihood: Medium',
          'likelihood: Often',
        ),
      );
      bad.commit('break it');
      const out = join(tempDir('clinsafe-report-'), 'docs');
      const r = await cli(['report', '--out', out], bad.dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /clinical-safety\/hazards\/H-001-wrong-patient-record\.yml:\d+:\d+: initial\.likelihood "Often" is not allowed/,
      );
      expect(r.err).toContain('not valid');
      expect(existsSync(out)).toBe(false);
    } finally {
      bad.cleanup();
    }
  });

  it('usage errors are one clear line, never a stack trace', async () => {
    const cases: [string[], string, RegExp][] = [
      [
        ['report', '--ref', 'v9.9.9'],
        repo.dir,
        /^clinsafe: "v9\.9\.9" is not a commit in .*; give a branch, tag or commit SHA that exists/,
      ],
      [
        ['report', '--format', 'md,docx'],
        repo.dir,
        /^clinsafe: --format: "docx" is not a format; use a comma-separated list of md, html, pdf, csv, xlsx$/,
      ],
      [
        ['report', '--phase', 'Beta'],
        repo.dir,
        /^clinsafe: --phase "Beta" is not a lifecycle phase in clinsafe\.yml; use one of Pilot, Live, Major release, Decommissioning$/,
      ],
      [
        ['report'],
        tempDir('not-git-'),
        /^clinsafe: .* is not in a git repository; clinsafe report reads the safety folder and the change record from git history/,
      ],
      [['report', '--dir', 'nowhere'], repo.dir, /^clinsafe: there is no safety folder nowhere\/ at HEAD/],
    ];
    for (const [args, cwd, message] of cases) {
      const r = await cli([...args, '--out', tempDir('clinsafe-report-')], cwd);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a shallow clone (actions/checkout depth 1) fails with the fix, never a record "since the start of history"', async () => {
    const shallow = join(tempDir('clinsafe-shallow-'), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'v2.4.0', `file://${repo.dir}`, shallow], { stdio: 'ignore' });
    const out = join(tempDir('clinsafe-report-'), 'docs');
    const r = await cli(['report', '--out', out], shallow);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^clinsafe: .* is a shallow clone, so the history since the previous release is missing/);
    expect(r.err).toContain('fetch-depth: 0');
    expect(r.out).not.toContain('start of history');
    expect(existsSync(out)).toBe(false);
  });

  it('a product template with an unknown placeholder is reported at file:line:col', async () => {
    const t = fixtureRepo();
    try {
      t.write('clinical-safety/templates/cscr.md', '# Case\n\n{{hazard-sumary}}\n');
      t.commit('custom template');
      const r = await cli(['report', '--out', tempDir('clinsafe-report-'), '--format', 'md'], t.dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^clinsafe: clinical-safety\/templates\/cscr\.md:3:1: unknown placeholder \{\{hazard-sumary\}\}/);
    } finally {
      t.cleanup();
    }
  });
});
