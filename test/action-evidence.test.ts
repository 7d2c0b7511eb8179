/**
 * The Action's mode: evidence, run in-process as a runner would call it: INPUT_* variables,
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a real checkout of the example product.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordEvidence } from '../action/evidence.js';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';

let repo: TempRepo;
let work: string;

beforeEach(() => {
  repo = fixtureRepo();
  work = tempDir('clinsafe-action-evidence-');
  writeFileSync(join(work, 'output'), '');
  writeFileSync(join(work, 'summary.md'), '');
  vi.stubEnv('GITHUB_WORKSPACE', repo.dir);
  vi.stubEnv('RUNNER_TEMP', work);
  vi.stubEnv('GITHUB_OUTPUT', join(work, 'output'));
  vi.stubEnv('GITHUB_STEP_SUMMARY', join(work, 'summary.md'));
  vi.stubEnv('GITHUB_SERVER_URL', 'https://github.com');
  vi.stubEnv('GITHUB_REPOSITORY', 'example-health/medrec');
  vi.stubEnv('GITHUB_RUN_ID', '987');
  vi.stubEnv('INPUT_MODE', 'evidence');
});

afterEach(() => {
  vi.unstubAllEnvs();
  repo.cleanup();
});

/** GITHUB_OUTPUT uses the heredoc form `name<<DELIM\nvalue\nDELIM`. */
function outputs(): Record<string, string> {
  const text = readFileSync(join(work, 'output'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe('the Action records evidence', () => {
  it('writes the job summary, the record folder named for the commit, and the outputs', async () => {
    vi.stubEnv('INPUT_JUNIT', 'reports/**/*.xml');
    const sha = repo.git('rev-parse', 'HEAD').trim();
    await recordEvidence();
    const o = outputs();
    expect(o['artifact-name']).toBe(`clinsafe-evidence-${sha}`);
    expect(o['evidence-dir']).toBe(join(work, `clinsafe-evidence-${sha}`));
    expect(o['needs-attention']).toBe('true');
    expect(JSON.parse(o.counts!)).toEqual({ verified: 4, failing: 2, missing: 1, skipped: 0, 'no-tests-linked': 37, unsupportedClaims: 3 });
    const record = JSON.parse(readFileSync(o['evidence-file']!, 'utf8'));
    expect(record).toMatchObject({
      format: 'clinsafe-evidence',
      version: 1,
      commit: sha,
      where: 'https://github.com/example-health/medrec/actions/runs/987',
    });
    const summary = readFileSync(join(work, 'summary.md'), 'utf8');
    expect(summary).toContain('## Verification evidence');
    expect(summary).toContain('status says verified; the results do not support it');
    expect(readFileSync(join(o['evidence-dir']!, 'evidence.md'), 'utf8')).toBe(summary.replace(/\n+$/, '\n'));
  });

  it('refuses to run without reports, naming the input', async () => {
    await expect(recordEvidence()).rejects.toThrow('mode: evidence needs the junit input');
    vi.stubEnv('INPUT_JUNIT', 'nowhere/*.xml');
    await expect(recordEvidence()).rejects.toThrow("--junit 'nowhere/*.xml' matched no file");
  });
});
