/**
 * Use case (issue 15): record verification evidence for one commit — read the safety folder at
 * the commit from git, read the JUnit reports, match them (core/evidence.ts). Shared by
 * `clinsafe evidence`, `clinsafe report --junit` and the Action's `mode: evidence`.
 */
import { isAbsolute, relative } from 'node:path';
import { snapshotAtRef } from '../adapters/git.js';
import { findJUnitFiles, JUnitError, readJUnitFiles } from '../adapters/junit.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { matchEvidence, runUrlFromEnv, type EvidenceRecord, type TestCaseResult } from '../core/evidence.js';
import { loadFolder } from '../core/folder.js';

/** Bad input a person must fix (no report, a malformed report, no safety folder): a plain sentence. */
export class EvidenceInputError extends Error {}

/** The JSON record `--out` writes and the Action uploads: versioned so readers can refuse what they do not know. */
export function evidenceJson(r: EvidenceRecord): object {
  return { format: 'clinsafe-evidence', version: 1, ...r };
}

export { evidenceArtifactName } from '../core/evidence-artifact.js';

/** A report that names the test file by its absolute path in this checkout (jest-junit) gets the repository path. */
function withRepoPath(c: TestCaseResult, root: string): TestCaseResult {
  if (!c.file || !isAbsolute(c.file)) return c;
  const rel = relative(root, c.file).split('\\').join('/');
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? { ...c, file: rel } : c;
}

export interface CollectOptions {
  /** Glob patterns of JUnit reports, relative to `cwd`. */
  junit: readonly string[];
  cwd: string;
  /** The git work tree's root. */
  root: string;
  /** The full SHA the tests ran at; the safety folder is read there. */
  commit: string;
  /** The safety folder, repository-relative. */
  dir: string;
  env: Record<string, string | undefined>;
  /** Where diagnostics of an invalid safety folder go. */
  report(line: string): void;
  /**
   * When the record is made (default: now). Documents built from reports pass a time the reports
   * themselves fix, so the same reports give byte-identical documents.
   */
  when?: 'now' | 'from-reports';
}

/** Read the reports and match them at `commit`; undefined when the safety folder is invalid (diagnostics reported). */
export async function collectEvidence(o: CollectOptions): Promise<EvidenceRecord | undefined> {
  const snapshot = snapshotAtRef(o.root, o.commit, o.dir);
  if (snapshot.files.length === 0)
    throw new EvidenceInputError(
      `there is no safety folder ${o.dir}/ at ${o.commit.slice(0, 12)}; commit one (clinsafe init) or pass --dir`,
    );
  const loaded = loadFolder(snapshot);
  for (const d of loaded.diagnostics) o.report(formatDiagnostic(d));
  if (!loaded.folder || !loaded.valid) {
    o.report(`✗ the safety folder at ${o.commit.slice(0, 12)} is not valid; fix the errors above (clinsafe validate) first`);
    return undefined;
  }
  const files = await findJUnitFiles(o.cwd, o.junit);
  if (files.length === 0)
    throw new EvidenceInputError(
      `--junit ${o.junit.map((p) => `'${p}'`).join(' ')} matched no file under ${o.cwd}; run the tests with a JUnit reporter first (see docs/evidence.md)`,
    );
  let reports;
  try {
    reports = readJUnitFiles(files);
  } catch (e) {
    if (e instanceof JUnitError) throw new EvidenceInputError(e.message);
    throw e;
  }
  const stamps = reports.map((r) => r.timestamp).filter((t): t is string => Boolean(t));
  stamps.sort();
  const where = runUrlFromEnv(o.env);
  return matchEvidence({
    hazards: loaded.folder.hazards,
    results: reports.flatMap((r) => r.cases.map((c) => withRepoPath(c, o.root))),
    reports: reports.length,
    commit: o.commit,
    // From the reports: the last test run's own timestamp; the Unix epoch when no report says when it ran.
    when: o.when === 'from-reports' ? (stamps.at(-1) ?? '1970-01-01T00:00:00.000Z') : new Date().toISOString(),
    ...(where ? { where } : {}),
    ...(stamps[0] ? { ranAt: stamps[0] } : {}),
  });
}
