/**
 * GitHub for `bench/app.ts`: the loopback mock (backed by a real git repository of the example
 * product) with one impacting pull request, #7 — in a child process of its own (`node
 * app-github.js`; the bench's default since the fifth pass: GitHub's API is not on the App's
 * machine, so its CPU is not the App's), or, with BENCH_APP_MOCK=inline, in the bench's own
 * process (as the figures of the first four passes were taken); the child's CPU is reported apart.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MockGitHub } from '../../test/helpers/mock-github.js';
import { filesFromRepo, mockPulls } from '../../test/helpers/mock-pulls.js';
import { fixtureRepo } from '../../test/helpers/repo.js';

export interface BenchGitHub {
  /** What startApp needs of a MockGitHub (its URL; stopping it). */
  gh: MockGitHub;
  head: string;
  base: string;
  /** Requests answered and writes (POST/PATCH other than GraphQL queries) so far, and the CPU time (µs) of the process it runs in. */
  stats(): Promise<{ requests: number; writes: number; cpuMicros: number }>;
  stop(): Promise<void>;
}

interface Started {
  gh: MockGitHub;
  head: string;
  base: string;
  writes: () => number;
  cleanup: () => void;
}

async function startHere(): Promise<Started> {
  const repo = fixtureRepo();
  const base = repo.git('rev-parse', 'HEAD').trim();
  repo.write('src/medications/dose.ts', `${repo.git('show', 'HEAD:src/medications/dose.ts')}\n// bench change\n`);
  const head = repo.commit('bench change');
  const gh = new MockGitHub();
  gh.recordRequests = false;
  await gh.start();
  gh.gitDir = repo.dir;
  mockPulls(gh, [
    {
      number: 7,
      author: 'dev-sam',
      headSha: head,
      baseSha: base,
      labels: [],
      files: filesFromRepo(repo.dir, base, head),
      reviews: [],
      commits: [{ author: { login: 'dev-sam' }, committer: { login: 'dev-sam' }, sha: head }],
    },
  ]);
  let writes = 0;
  gh.on('POST', '(.*)', (req) => (req.path !== '/graphql' && (writes++, undefined)) || undefined);
  gh.on('PATCH', '(.*)', () => (writes++, undefined));
  return { gh, head, base, writes: () => writes, cleanup: () => repo.cleanup() };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export async function startGitHub(where: 'inline' | 'process' = 'inline'): Promise<BenchGitHub> {
  if (where === 'inline') {
    const s = await startHere();
    return {
      gh: s.gh,
      head: s.head,
      base: s.base,
      stats: async () => ({ requests: s.gh.requestCount, writes: s.writes(), cpuMicros: cpuMicros() }),
      async stop() {
        await s.gh.stop();
        s.cleanup();
      },
    };
  }
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(msg: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(msg);
    });
  const ready = await new Promise<{ url: string; head: string; base: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; head: string; base: string }));
    child.once('error', reject);
  });
  // startApp needs only the URL (and stops GitHub with the app).
  const gh = { baseUrl: ready.url, stop: async () => undefined } as unknown as MockGitHub;
  return {
    gh,
    head: ready.head,
    base: ready.base,
    stats: () => ask('stats'),
    async stop() {
      await ask('stop');
    },
  };
}

if (process.argv.includes('--child') && process.send) {
  const s = await startHere();
  process.on('message', (msg) => {
    if (msg === 'stats') process.send!({ requests: s.gh.requestCount, writes: s.writes(), cpuMicros: cpuMicros() });
    if (msg === 'stop')
      void s.gh.stop().then(() => {
        s.cleanup();
        process.send!('stopped', () => process.exit(0));
      });
  });
  process.send({ url: s.gh.baseUrl, head: s.head, base: s.base });
}
