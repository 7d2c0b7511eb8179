/**
 * Evidence that runs (issue 15): match executed test results (read from JUnit XML by
 * adapters/junit.ts) to the tests each control links, and decide each control's verification
 * state at one commit. Pure: results and the safety folder come in as plain objects.
 *
 * A control links tests in its `tests` list (schema.ts `testLinkSchema`):
 *   - `test/dose.test.ts`                     every test case reported for that file
 *   - `test/dose.test.ts::dose limits > *`    test cases of that file whose name matches the pattern
 *   - `{ file, name, tag }`                   the same as an object; `tag: H-004-C01` matches any
 *                                             test whose name carries `[H-004-C01]`
 * Name patterns: `*` any text (including `/` and ` > `), `?` one character, the rest literal; a
 * pattern is matched against the test case's name and against "classname > name".
 */

export type TestOutcome = 'passed' | 'failed' | 'skipped';

/** One executed test case, as a JUnit report states it. */
export interface TestCaseResult {
  /** The report file it came from (repository-relative or as given). */
  report: string;
  suite: string;
  classname: string;
  name: string;
  /** The test file, when the report names it (testcase/testsuite `file`, or a path-like classname). */
  file?: string;
  outcome: TestOutcome;
  /** First line of the failure, error or skip message. */
  message?: string;
}

export type LinkState = 'passed' | 'failed' | 'skipped' | 'not-found';
export type VerificationState = 'verified' | 'failing' | 'missing' | 'skipped' | 'no-tests-linked';
export const VERIFICATION_STATES: readonly VerificationState[] = ['verified', 'failing', 'missing', 'skipped', 'no-tests-linked'];

export interface TestLink {
  file?: string;
  name?: string;
  tag?: string;
}

export interface MatchedCase {
  name: string;
  classname: string;
  file?: string;
  outcome: TestOutcome;
  message?: string;
}

export interface LinkResult {
  /** The link as written in the hazard file. */
  label: string;
  state: LinkState;
  passed: number;
  failed: number;
  skipped: number;
  /** Matched cases, failing and skipped first, at most MAX_CASES_PER_LINK. */
  cases: MatchedCase[];
}

export interface ControlEvidence {
  hazard: string;
  hazardTitle: string;
  control: string;
  description: string;
  type: string;
  status: string;
  state: VerificationState;
  /**
   * The control's status says `verified` but the results do not support it: a linked test failed,
   * was skipped or did not run, or a control of type `test` links no test at all.
   */
  unsupportedClaim: boolean;
  tests: LinkResult[];
}

export interface EvidenceRecord {
  /** The commit the evidence is about. */
  commit: string;
  /** When the results were recorded (ISO 8601). */
  when: string;
  /** Where the tests ran: a CI run URL when known. */
  where?: string;
  /** When the tests ran, from the reports' earliest testsuite timestamp, when they give one. */
  ranAt?: string;
  /** The commit the results were produced at, when it differs from `commit` (then they are not evidence). */
  resultsCommit?: string;
  reports: number;
  testCases: number;
  controls: ControlEvidence[];
  counts: Record<VerificationState, number>;
  unsupportedClaims: number;
  /** Plain sentences a reader must see (e.g. results for another commit). */
  notes: string[];
}

export const MAX_CASES_PER_LINK = 20;

/** Parse a `tests` entry (string shorthand or object) into a link. */
export function parseTestLink(entry: string | TestLink): TestLink {
  if (typeof entry !== 'string') return entry;
  const at = entry.indexOf('::');
  if (at < 0) return { file: entry.trim() };
  const name = entry.slice(at + 2).trim();
  return { file: entry.slice(0, at).trim(), ...(name ? { name } : {}) };
}

export function linkLabel(entry: string | TestLink): string {
  if (typeof entry === 'string') return entry;
  const parts: string[] = [];
  if (entry.file) parts.push(entry.file);
  if (entry.name) parts.push(entry.file ? `::${entry.name}` : entry.name);
  if (entry.tag) parts.push(`${parts.length ? ' ' : ''}[${entry.tag}]`);
  return parts.join('');
}

/** Why a test link is unusable (undefined when fine). Existence of the file is checked by the caller. */
export function testLinkProblem(entry: string | TestLink): string | undefined {
  const link = parseTestLink(entry);
  if (!link.file && !link.name && !link.tag) return 'names no test: give a file, a name pattern or a tag';
  if (link.file !== undefined) {
    const f = normalisePath(link.file);
    if (f === '') return 'names an empty test file; write a path such as test/dose.test.ts';
    if (/^[a-z][a-z0-9+.-]*:/i.test(f) || f.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(f))
      return `test file "${link.file}" must be a path relative to the repository root, inside the repository`;
  }
  if (link.tag !== undefined && /[[\]\s]/.test(link.tag))
    return `tag "${link.tag}" must be written without brackets or spaces, e.g. H-004-C01`;
  return undefined;
}

/** The repository path a link names, for existence checks (undefined for name/tag-only links). */
export function linkFile(entry: string | TestLink): string | undefined {
  const f = parseTestLink(entry).file;
  return f === undefined ? undefined : normalisePath(f);
}

export function normalisePath(p: string): string {
  return p
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .replace(/\/{2,}/g, '/');
}

/** `*` any text, `?` one character, everything else literal. */
export function namePattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}

const stripExt = (p: string) => p.replace(/\.[A-Za-z0-9]+$/, '');

/** Does a reported test case belong to the linked file? Tolerates absolute and sub-project paths. */
function fileMatches(linkPath: string, c: TestCaseResult): boolean {
  if (c.file) {
    const f = normalisePath(c.file);
    if (f === linkPath || f.endsWith(`/${linkPath}`) || linkPath.endsWith(`/${f}`)) return true;
  }
  // Class-based runners (Surefire, pytest xunit2, gotestsum) name no file: compare the classname.
  const cls = c.classname;
  if (!cls) return false;
  if (cls.includes('/')) {
    // gotestsum: classname is the Go package import path; the link names a file in that package.
    const dir = linkPath.includes('/') ? linkPath.slice(0, linkPath.lastIndexOf('/')) : '';
    if (dir && (cls === dir || cls.endsWith(`/${dir}`))) return true;
    const f = normalisePath(cls);
    return f === linkPath || f.endsWith(`/${linkPath}`);
  }
  const stem = stripExt(linkPath);
  const dotted = cls.replace(/\$.*$/, '').replace(/\./g, '/');
  // Surefire: com.medrec.DoseTest ↔ src/test/java/com/medrec/DoseTest.java (source root prefix).
  // pytest: tests.test_dose.TestDose ↔ tests/test_dose.py (module path, then class).
  return stem === dotted || stem.endsWith(`/${dotted}`) || dotted.startsWith(`${stem}/`);
}

function caseMatches(link: TestLink, c: TestCaseResult, pattern?: RegExp): boolean {
  if (link.file !== undefined && !fileMatches(normalisePath(link.file), c)) return false;
  if (pattern && !pattern.test(c.name) && !pattern.test(`${c.classname} > ${c.name}`)) return false;
  if (link.tag !== undefined && !c.name.includes(`[${link.tag}]`) && !c.classname.includes(`[${link.tag}]`)) return false;
  return true;
}

/**
 * A test case reported more than once (several report files, a matrix of platforms) counts by
 * its worst outcome: failed over skipped over passed.
 */
function evaluateLink(entry: string | TestLink, results: readonly TestCaseResult[]): LinkResult {
  const link = parseTestLink(entry);
  const pattern = link.name !== undefined ? namePattern(link.name) : undefined;
  const matched = results.filter((c) => caseMatches(link, c, pattern));
  const count = (o: TestOutcome) => matched.filter((c) => c.outcome === o).length;
  const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
  const state: LinkState = matched.length === 0 ? 'not-found' : failed ? 'failed' : skipped ? 'skipped' : 'passed';
  const rank = { failed: 0, skipped: 1, passed: 2 } as const;
  const cases = [...matched]
    .sort((a, b) => rank[a.outcome] - rank[b.outcome])
    .slice(0, MAX_CASES_PER_LINK)
    .map((c) => ({
      name: c.name,
      classname: c.classname,
      ...(c.file ? { file: c.file } : {}),
      outcome: c.outcome,
      ...(c.message ? { message: c.message } : {}),
    }));
  return { label: linkLabel(entry), state, passed, failed, skipped, cases };
}

export function controlState(tests: readonly LinkResult[]): VerificationState {
  if (tests.length === 0) return 'no-tests-linked';
  if (tests.some((t) => t.state === 'failed')) return 'failing';
  if (tests.some((t) => t.state === 'not-found')) return 'missing';
  if (tests.some((t) => t.state === 'skipped')) return 'skipped';
  return 'verified';
}

/** What matching needs of a hazard (core/folder.ts `Hazard` fits; no import, so no cycle). */
export interface EvidenceHazard {
  id: string;
  title: string;
  status: string;
  controls: readonly {
    id: string;
    description: string;
    type: string;
    status: string;
    tests?: readonly (string | TestLink)[] | undefined;
  }[];
}

export interface EvidenceInput {
  hazards: readonly EvidenceHazard[];
  results: readonly TestCaseResult[];
  reports: number;
  /** The commit the evidence is about. */
  commit: string;
  /** The commit the results were produced at, when known; a different commit means no evidence. */
  resultsCommit?: string;
  when: string;
  where?: string;
  ranAt?: string;
}

/** Match results to every control of every (non-retired) hazard. */
export function matchEvidence(i: EvidenceInput): EvidenceRecord {
  const notes: string[] = [];
  const otherCommit = i.resultsCommit !== undefined && !sameCommit(i.resultsCommit, i.commit);
  if (otherCommit)
    notes.push(
      `The test results were produced at commit ${i.resultsCommit}, not at ${i.commit}: they are not evidence for ${i.commit}, so every linked test counts as not found.`,
    );
  const results = otherCommit ? [] : i.results;
  if (!otherCommit && i.reports === 0) notes.push('No JUnit report was found: every linked test counts as not found.');
  const controls: ControlEvidence[] = [];
  for (const h of i.hazards) {
    if (h.status === 'retired') continue;
    for (const c of h.controls) {
      const tests = (c.tests ?? []).map((t) => evaluateLink(t, results));
      const state = controlState(tests);
      const unsupportedClaim = c.status === 'verified' && (state === 'no-tests-linked' ? c.type === 'test' : state !== 'verified');
      controls.push({
        hazard: h.id,
        hazardTitle: h.title,
        control: c.id,
        description: c.description,
        type: c.type,
        status: c.status,
        state,
        unsupportedClaim,
        tests,
      });
    }
  }
  const counts = Object.fromEntries(VERIFICATION_STATES.map((s) => [s, controls.filter((c) => c.state === s).length])) as Record<
    VerificationState,
    number
  >;
  return {
    commit: i.commit,
    when: i.when,
    ...(i.where ? { where: i.where } : {}),
    ...(i.ranAt ? { ranAt: i.ranAt } : {}),
    ...(otherCommit ? { resultsCommit: i.resultsCommit } : {}),
    reports: i.reports,
    testCases: i.results.length,
    controls,
    counts,
    unsupportedClaims: controls.filter((c) => c.unsupportedClaim).length,
    notes,
  };
}

/** A commit given in full or abbreviated (at least 7 hex digits) names the same commit. */
export function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y) return true;
  const short = x.length < y.length ? x : y;
  const long = x.length < y.length ? y : x;
  return short.length >= 7 && /^[0-9a-f]+$/.test(short) && long.startsWith(short);
}

/** Whether the record needs a CSO's attention: something failed, was skipped or missing, or a claim is unsupported. */
export function needsAttention(r: EvidenceRecord): boolean {
  return r.counts.failing + r.counts.missing + r.counts.skipped + r.unsupportedClaims > 0;
}

export interface TestIssue {
  hazard: string;
  control: string;
  /** The linked test (label as written), absent for an unsupported claim with no tests. */
  test?: string;
  kind: 'failing' | 'skipped' | 'missing' | 'claimed verified without a passing result';
  detail: string;
}

/** The outstanding test issues: failing, skipped and missing linked tests, and unsupported claims. */
export function outstandingTestIssues(r: EvidenceRecord): TestIssue[] {
  const out: TestIssue[] = [];
  for (const c of r.controls) {
    for (const t of c.tests) {
      if (t.state === 'failed')
        out.push({
          hazard: c.hazard,
          control: c.control,
          test: t.label,
          kind: 'failing',
          detail: `${t.failed} of ${t.passed + t.failed + t.skipped} test cases failed`,
        });
      else if (t.state === 'skipped')
        out.push({
          hazard: c.hazard,
          control: c.control,
          test: t.label,
          kind: 'skipped',
          detail: `${t.skipped} of ${t.passed + t.failed + t.skipped} test cases skipped`,
        });
      else if (t.state === 'not-found')
        out.push({ hazard: c.hazard, control: c.control, test: t.label, kind: 'missing', detail: `no result at ${r.commit.slice(0, 12)}` });
    }
    if (c.unsupportedClaim)
      out.push({
        hazard: c.hazard,
        control: c.control,
        kind: 'claimed verified without a passing result',
        detail:
          c.state === 'no-tests-linked'
            ? 'status is verified, type is test, but no test is linked'
            : `status is verified, results are ${c.state}`,
      });
  }
  return out;
}

/** The GitHub Actions run URL from the runner's environment, when every part is well-formed. */
export function runUrlFromEnv(env: Record<string, string | undefined>): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repo = env.GITHUB_REPOSITORY;
  const run = env.GITHUB_RUN_ID;
  if (!server || !repo || !run) return undefined;
  if (!/^https:\/\/[A-Za-z0-9.-]+(?::\d+)?$/.test(server) || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || !/^\d+$/.test(run))
    return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  return `${server}/${repo}/actions/runs/${run}${attempt && /^\d+$/.test(attempt) && attempt !== '1' ? `/attempts/${attempt}` : ''}`;
}

const NEEDS_JSON = /^[\s{"]|\s$|[\r\n]/;

/**
 * One test link as a line of text, for the hazard-log workbook's Developer sheet (read back by
 * `clinsafe import`): the string form as written; an object, or a string that would not survive a
 * line of a cell (leading `{` or `"`, surrounding spaces, a line break), as JSON.
 */
export function testLinkLine(entry: string | TestLink): string {
  if (typeof entry === 'string') return NEEDS_JSON.test(entry) ? JSON.stringify(entry) : entry;
  return JSON.stringify({
    ...(entry.file !== undefined ? { file: entry.file } : {}),
    ...(entry.name !== undefined ? { name: entry.name } : {}),
    ...(entry.tag !== undefined ? { tag: entry.tag } : {}),
  });
}

/** The link a `testLinkLine` wrote; undefined when the text is not one. */
export function parseTestLinkLine(line: string): string | TestLink | undefined {
  if (!/^[{"]/.test(line)) return line;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'file' && k !== 'name' && k !== 'tag') || Object.keys(o).length === 0) return undefined;
  if (Object.values(o).some((x) => typeof x !== 'string')) return undefined;
  return o as TestLink;
}
