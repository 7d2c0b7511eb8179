/**
 * The Action's `mode: evidence` (issue 15): in the product's CI, after the tests, record which
 * controls' linked tests passed at the checked-out commit. Writes the job summary and a folder
 * `clinsafe-evidence-<sha>/` (evidence.json, evidence.md) for the workflow's next step,
 * `actions/upload-artifact`, to upload under the same name; the App finds it there for a release.
 */
import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gitTopLevel } from '../src/adapters/fs.js';
import { GitError, resolveRef } from '../src/adapters/git.js';
import { needsAttention } from '../src/core/evidence.js';
import { countsLine, evidenceMarkdown } from '../src/core/evidence-summary.js';
import { collectEvidence, evidenceArtifactName, EvidenceInputError, evidenceJson } from '../src/usecases/record-evidence.js';
import { DEFAULT_SAFETY_DIR } from '../src/core/folder.js';

export async function recordEvidence(): Promise<void> {
  const junit = core
    .getMultilineInput('junit')
    .map((s) => s.trim())
    .filter(Boolean);
  if (junit.length === 0)
    throw new Error("mode: evidence needs the junit input: the JUnit XML reports your tests wrote, e.g. junit: 'reports/**/*.xml'");
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const root = gitTopLevel(workspace);
  if (!root) throw new Error(`${workspace} is not a git checkout: run actions/checkout and your tests before this step`);
  const dir = relative(root, resolve(workspace, core.getInput('safety-dir') || DEFAULT_SAFETY_DIR))
    .split('\\')
    .join('/');
  if (dir.startsWith('..')) throw new Error(`safety-dir is outside the repository ${root}`);
  try {
    const commit = resolveRef(root, core.getInput('commit') || 'HEAD');
    const record = await collectEvidence({ junit, cwd: workspace, root, commit, dir, env: process.env, report: (l) => core.error(l) });
    if (!record) throw new Error('the safety folder is not valid at the tested commit; see the errors above');
    const name = evidenceArtifactName(commit);
    const outDir = join(process.env.RUNNER_TEMP ?? tmpdir(), name);
    mkdirSync(outDir, { recursive: true });
    const markdown = evidenceMarkdown(record);
    writeFileSync(join(outDir, 'evidence.json'), `${JSON.stringify(evidenceJson(record), null, 2)}\n`);
    writeFileSync(join(outDir, 'evidence.md'), markdown);
    core.setOutput('artifact-name', name);
    core.setOutput('evidence-dir', outDir);
    core.setOutput('evidence-file', join(outDir, 'evidence.json'));
    core.setOutput('needs-attention', String(needsAttention(record)));
    core.setOutput('counts', JSON.stringify({ ...record.counts, unsupportedClaims: record.unsupportedClaims }));
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    core.info(`clinsafe evidence at ${commit.slice(0, 12)}: ${countsLine(record)}`);
    core.info(`upload ${outDir} as the artifact ${name} (actions/upload-artifact, see docs/evidence.md)`);
    if (needsAttention(record))
      core.warning(
        `clinsafe evidence: linked tests failed, were skipped or have no result at ${commit.slice(0, 12)}; the CSO sees them at release`,
      );
  } catch (e) {
    if (e instanceof GitError || e instanceof EvidenceInputError) throw new Error(e.message);
    throw e;
  }
}
