/**
 * Gate benchmark (run: npm run bench:gate). Prints:
 *  1. impact of 10,000 changed files against 2,000 trigger globs with the trigger index, beside the
 *     same work done by matching every file against every glob with minimatch (what
 *     actions/labeler does), as a ratio from one run; both must find the same matches;
 *  2. the number of GitHub API requests the gate makes for a 250-file pull request, by endpoint, on
 *     its first run and on a re-run with nothing changed (goal: ≤ 10 requests, 0 writes), through
 *     GraphQL and through the REST fallback; and that a 3,000-file pull request is read completely.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Minimatch } from 'minimatch';
import type { Hazard, SafetyFolder } from '../src/core/folder.js';
import { parseTriggerPattern } from '../src/core/globs.js';
import { computeImpact, type ChangedFile } from '../src/core/impact.js';
import { compileTriggers } from '../src/core/trigger-index.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { runGate } from '../src/gate/run.js';
import { MockGitHub } from '../test/helpers/mock-github.js';
import { filesFromRepo, mockClient, mockPulls } from '../test/helpers/mock-pulls.js';
import { emitRow } from './lib/rows.js';

// Deterministic pseudo-random numbers.
let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

function syntheticHazards(globCount: number): Hazard[] {
  const hazards: Hazard[] = [];
  const perHazard = 5;
  for (let h = 0; h * perHazard < globCount; h++) {
    const paths: string[] = [];
    for (let k = 0; k < perHazard; k++) {
      const m = rnd(300);
      const s = rnd(20);
      switch (rnd(6)) {
        case 0:
          paths.push(`src/module${m}/**`);
          break;
        case 1:
          paths.push(`src/module${m}/sub${s}/*.ts`);
          break;
        case 2:
          paths.push(`src/module${m}/sub${s}/file${rnd(50)}.ts`);
          break;
        case 3:
          paths.push(`src/module${m}/sub${s}`);
          break;
        case 4:
          paths.push(`src/module${m}/**/*.sql`);
          break;
        default:
          paths.push(rnd(10) === 0 ? `*.sql${m}` : `migrations${m}`);
      }
    }
    hazards.push({
      id: `H-${h + 1}`,
      title: `Hazard ${h + 1}`,
      triggers: { paths, labels: [] },
      status: 'open',
      residual: { severity: 'Major', likelihood: 'Low', risk: 3 },
      initial: { severity: 'Major', likelihood: 'Low', risk: 3 },
      controls: [],
    } as unknown as Hazard);
  }
  return hazards;
}

function syntheticFiles(count: number): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (let i = 0; i < count; i++) {
    const m = rnd(400);
    const s = rnd(25);
    const ext = rnd(10) === 0 ? 'sql' : 'ts';
    const path = rnd(20) === 0 ? `db/migrations${rnd(300)}/v${i}.${ext}` : `src/module${m}/sub${s}/file${rnd(60)}.${ext}`;
    files.push({ status: 'modified', filename: path });
  }
  return files;
}

function benchImpact(): void {
  const hazards = syntheticHazards(2000);
  const files = syntheticFiles(10_000);
  const folder = {
    dir: 'clinical-safety',
    config: { gate: { alwaysImpacted: [] } },
    scheme: NHS_DCB0129,
    hazards,
  } as unknown as SafetyFolder;
  const globCount = hazards.reduce((n, h) => n + h.triggers.paths.length, 0);

  const t0 = performance.now();
  const index = compileTriggers(hazards);
  const t1 = performance.now();
  const impact = computeImpact(folder, files, [], 'clinical-safety', index);
  const t2 = performance.now();
  const indexPairs = new Set<string>();
  for (const h of impact.impacted) for (const r of h.reasons) indexPairs.add(`${r.file}\0${h.id}`);

  // The labeler way: every file against every glob (each trigger expanded to the same globs, so
  // both compute the same thing), Minimatch objects compiled once.
  const t3 = performance.now();
  const matchers = hazards.map((h) =>
    h.triggers.paths.flatMap((p) => parseTriggerPattern(p).globs.map((g) => new Minimatch(g, { dot: true }))),
  );
  const naivePairs = new Set<string>();
  for (const f of files) {
    hazards.forEach((h, hi) => {
      if (matchers[hi]!.some((m) => m.match(f.filename))) naivePairs.add(`${f.filename}\0${h.id}`);
    });
  }
  const t4 = performance.now();
  const same = naivePairs.size === indexPairs.size && [...naivePairs].every((p) => indexPairs.has(p));
  console.log(`impact: ${files.length} changed files × ${globCount} trigger globs (${hazards.length} hazards)`);
  console.log(`  trigger index: compile ${(t1 - t0).toFixed(1)} ms + match ${(t2 - t1).toFixed(1)} ms = ${(t2 - t0).toFixed(1)} ms`);
  console.log(`  minimatch, every file × every glob: ${(t4 - t3).toFixed(1)} ms`);
  console.log(
    `  ratio: ${((t4 - t3) / (t2 - t0)).toFixed(1)}× faster; ${indexPairs.size} (file, hazard) matches, ${impact.impacted.length} hazards impacted; same matches: ${same ? 'yes' : 'NO'}`,
  );
  if (!same) process.exitCode = 1;
}

async function benchRequests(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-bench-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@example.test',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@example.test',
      },
    });
  git('init', '-q', '-b', 'main');
  cpSync(join(process.cwd(), 'fixtures', 'example-product'), dir, { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD').trim();
  const { writeFileSync, mkdirSync } = await import('node:fs');
  for (let i = 0; i < 250; i++) {
    const p = join(dir, i < 10 ? `src/patient/gen${i}.ts` : `src/feature/part${Math.floor(i / 50)}/f${i}.ts`);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, `export const n = ${i};\n`);
  }
  git('add', '-A');
  git('commit', '-q', '-m', '250 files');
  const head = git('rev-parse', 'HEAD').trim();
  const gh = new MockGitHub();
  gh.gitDir = dir;
  await gh.start();
  const files = filesFromRepo(dir, base, head);
  const pullsState = mockPulls(gh, [
    {
      number: 1,
      author: 'dev',
      headSha: head,
      baseSha: base,
      labels: [],
      files,
      reviews: [],
      commits: [{ author: { login: 'dev' }, committer: { login: 'dev' } }],
    },
  ]);
  const runOnce = async () => {
    const before = gh.requests.length;
    // As the Action and the App call it: the event names the head and base commits.
    await runGate(mockClient(gh), { owner: gh.owner, repo: gh.repo }, 1, {
      botLogin: gh.botLogin,
      report: 'status',
      headSha: head,
      baseSha: base,
    });
    return gh.requests.slice(before);
  };
  const first = await runOnce();
  const second = await runOnce();
  const writes = (reqs: typeof first) => reqs.filter((r) => r.method !== 'GET' && r.path !== '/graphql').length;
  const groups = (reqs: typeof first) => {
    const m = new Map<string, number>();
    for (const r of reqs) {
      const key = `${r.method} ${r.path
        .replace(/\/repos\/[^/]+\/[^/]+/, '')
        .replace(/[0-9a-f]{40}/g, '{sha}')
        .replace(/\/\d+/g, '/{n}')}`;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return [...m.entries()].map(([k, v]) => `    ${String(v).padStart(3)}  ${k}`).join('\n');
  };
  const graphql = first.filter((r) => r.path === '/graphql');
  const blobs =
    first.filter((r) => r.path.includes('/git/blobs/')).length +
    graphql.reduce((n, r) => n + [...((r.json as { query?: string } | undefined)?.query ?? '').matchAll(/object\(oid: "/g)].length, 0);
  console.log(`API requests for a ${files.length}-file pull request (safety folder of ${blobs} files, not touched by the PR):`);
  console.log(`  first run: ${first.length} requests, ${writes(first)} writes\n${groups(first)}`);
  console.log(`  re-run with nothing changed: ${second.length} requests, ${writes(second)} writes\n${groups(second)}`);
  console.log(
    "  (GraphQL: one query for the pull request, labels, reviews, commits, events, the base configuration and the head commit's statuses and check suites — on a first run the commit shows no status, so pending is written and that query made again, its first answer unused; the files of the exact (base, head) pair in one comparison; one final query re-reading the pull request with its comments, the commit statuses and the safety-folder blobs. No test-results lookup: no workflow run on the head has completed)",
  );
  emitRow({
    path: `API requests, first gate run on a ${files.length}-file PR (requests)`,
    clinsafe: `${first.length} requests (${writes(first)} writes)`,
    floor: 'goal: at most 10 requests (issue 13)',
    ratio: first.length,
    peakMiB: NaN,
    goal: 10,
    unit: 'count',
  });
  emitRow({
    path: `API requests, gate re-run with nothing changed (writes)`,
    clinsafe: `${second.length} requests, ${writes(second)} writes`,
    floor: 'goal: 0 writes (issue 13)',
    ratio: writes(second),
    peakMiB: NaN,
    goal: 0,
    unit: 'count',
  });

  // The same pull request on an API without the gate's GraphQL queries (older GitHub Enterprise Server): REST.
  pullsState.graphql = 'blobs';
  gh.statuses.length = 0;
  gh.comments.length = 0;
  const rest = await runOnce();
  const restAgain = await runOnce();
  pullsState.graphql = 'full';
  console.log(
    `  REST fallback (GraphQL without the pull-request fields): first run ${rest.length} requests (${writes(rest)} writes), re-run ${restAgain.length} requests (${writes(restAgain)} writes)`,
  );

  // Completeness: 3,000 changed files are all read (the comparison holds 300: the files are paged); 3,001 fail closed.
  for (const count of [3000, 3001]) {
    const many = Array.from({ length: count }, (_, i) => ({ filename: `src/feature/bulk/f${i}.ts`, status: 'modified' }));
    pullsState.pulls.set(3, { number: 3, author: 'dev', headSha: head, baseSha: base, labels: [], files: many, reviews: [], commits: [] });
    const before = gh.requests.length;
    const out = await runGate(mockClient(gh), { owner: gh.owner, repo: gh.repo }, 3, {
      botLogin: gh.botLogin,
      report: 'status',
      headSha: head,
      baseSha: base,
    });
    const reqs = gh.requests.slice(before);
    console.log(
      `  a ${count}-file pull request: ${reqs.length} requests (${reqs.filter((r) => r.path.endsWith('/files')).length} file pages), decision ${out.decision}${out.problem ? ` — ${out.problem.slice(0, 90)}…` : ''}`,
    );
  }

  // A hostile pull request: hundreds of new files under the safety folder, read or not by the schema.
  for (const [label, make] of [
    ['300 new hazard files', (i: number) => `clinical-safety/hazards/H-9${String(i).padStart(3, '0')}-x.yml`],
    ['300 files the schema does not read', (i: number) => `clinical-safety/evidence/scan-${i}.txt`],
  ] as const) {
    git('checkout', '-q', base);
    for (let i = 0; i < 300; i++) {
      mkdirSync(join(dir, make(i), '..'), { recursive: true });
      writeFileSync(join(dir, make(i)), `id: H-9${i}\ntitle: x${i}\n`);
    }
    git('add', '-A');
    git('commit', '-q', '-m', label);
    const hostile = git('rev-parse', 'HEAD').trim();
    mockPulls(gh, [
      {
        number: 2,
        author: 'dev',
        headSha: hostile,
        baseSha: base,
        labels: [],
        files: filesFromRepo(dir, base, hostile),
        reviews: [],
        commits: [{ author: { login: 'dev' }, committer: { login: 'dev' } }],
      },
    ]);
    const before = gh.requests.length;
    const out = await runGate(mockClient(gh), { owner: gh.owner, repo: gh.repo }, 2, { botLogin: gh.botLogin, report: 'status' });
    const reqs = gh.requests.slice(before);
    console.log(
      `  a pull request adding ${label}: ${reqs.length} requests (${reqs.filter((r) => r.path.includes('/git/blobs/') || r.path === '/graphql').length} for blobs), decision ${out.decision}${out.problem ? ` — ${out.problem}` : ''}`,
    );
  }
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
}

benchImpact();
await benchRequests();
