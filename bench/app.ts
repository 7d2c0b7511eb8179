/**
 * How many `pull_request` deliveries a second the clinsafe app server handles on loopback, with
 * p50/p99 latency and memory after N deliveries — beside the same figures for an app that does
 * nothing (Probot's own floor: signature check, routing, JSON parsing).
 *
 * Both run in this process with GitHub's API answered by the loopback mock (backed by a real git
 * repository of the example product), so the figures include the mock's own work; the no-op app
 * makes no API calls, the clinsafe app makes the gate's requests for every delivery.
 *
 *   npm run bench:app [-- deliveries [concurrency]]    (default 10000 deliveries, 8 at a time)
 */
import type { ApplicationFunction } from 'probot';
import { createApp } from '../src/app/wiring.js';
import { startApp } from '../test/helpers/app-server.js';
import { MockGitHub } from '../test/helpers/mock-github.js';
import { filesFromRepo, mockPulls } from '../test/helpers/mock-pulls.js';
import { example, user } from '../test/helpers/payloads.js';
import { fixtureRepo } from '../test/helpers/repo.js';
import { emitRow } from './lib/rows.js';

const deliveries = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 8);

interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  rssMiB: number;
  heapMiB: number;
  apiRequests: number;
  /** Writes (POST/PATCH/DELETE other than GraphQL queries) per delivery after warm-up. */
  writes: number;
  failures: number;
  /** Peak RSS sampled during the measured deliveries. */
  peakMiB: number;
  /** Heap after a full collection at 10% of the deliveries and at the end (flat memory: about equal). */
  heapEarlyMiB: number;
  /** CPU time (user + system) of the whole process per delivery, in ms: steadier than the rate on a shared machine. */
  cpuMs: number;
}

const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(name: string, appFn: ApplicationFunction): Promise<Figures> {
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
  const app = await startApp(appFn, gh);
  const payload = example('pull_request', 'opened');
  payload.action = 'synchronize';
  payload.number = 7;
  payload.pull_request = {
    ...payload.pull_request,
    number: 7,
    state: 'open',
    user: user('dev-sam'),
    head: { ...payload.pull_request.head, sha: head },
    base: { ...payload.pull_request.base, sha: base },
  };

  // Warm up (JIT, installation token, first comment), then measure.
  for (let i = 0; i < 20; i++) await app.deliver('pull_request', payload);
  const before = gh.requestCount;
  let writes = 0;
  gh.on('POST', '(.*)', (req) => (req.path !== '/graphql' && (writes++, undefined)) || undefined);
  gh.on('PATCH', '(.*)', () => (writes++, undefined));
  const gc = (globalThis as { gc?: () => void }).gc;
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  let peak = process.memoryUsage().rss;
  let heapEarly = NaN;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries) {
        next++;
        if (next === Math.floor(deliveries / 10) && gc) {
          gc();
          heapEarly = process.memoryUsage().heapUsed;
        }
        const t = performance.now();
        const res = await app.deliver('pull_request', payload);
        latencies.push(performance.now() - t);
        if (res.status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  gc?.();
  const mem = process.memoryUsage();
  await app.stop();
  repo.cleanup();
  latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: Math.round(deliveries / seconds),
    p50: Math.round(pct(latencies, 50) * 10) / 10,
    p99: Math.round(pct(latencies, 99) * 10) / 10,
    rssMiB: mib(mem.rss),
    heapMiB: mib(mem.heapUsed),
    apiRequests: Math.round(((gh.requestCount - before) / deliveries) * 10) / 10,
    writes: Math.round((writes / deliveries) * 100) / 100,
    failures,
    peakMiB: mib(peak),
    heapEarlyMiB: mib(heapEarly),
    cpuMs: Math.round(((used.user + used.system) / 1000 / deliveries) * 100) / 100,
  };
}

const noop: ApplicationFunction = (app) => {
  app.on('pull_request', async () => {});
};

console.log(`clinsafe app bench: ${deliveries} pull_request.synchronize deliveries, ${concurrency} in flight, Node ${process.version}`);
const rows = [
  await measure('no-op Probot app (floor)', noop),
  await measure('clinsafe app (gate, status mode)', createApp({ gateMode: 'status' })),
];
console.log('');
console.log(
  '| app | deliveries/s | CPU ms/delivery | p50 ms | p99 ms | API requests/delivery | writes/delivery | peak RSS MiB | heap MiB at 10% → end | non-200 |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.perSecond} | ${r.cpuMs} | ${r.p50} | ${r.p99} | ${r.apiRequests} | ${r.writes} | ${r.peakMiB} | ${r.heapEarlyMiB} → ${r.heapMiB} | ${r.failures} |`,
  );
console.log('');
console.log(
  'Memory is the whole process (app server, mock API and load generator); run with node --expose-gc for the heap after a full collection.',
);
const [floor, clinsafe] = rows as [Figures, Figures];
emitRow({
  path: `App, ${deliveries} pull_request.synchronize deliveries (share of a no-op Probot app's rate)`,
  clinsafe: `${clinsafe.perSecond}/s (${clinsafe.cpuMs} ms CPU each), ${clinsafe.apiRequests} requests and ${clinsafe.writes} writes a delivery, heap ${clinsafe.heapEarlyMiB} → ${clinsafe.heapMiB} MiB`,
  floor: `no-op Probot app: ${floor.perSecond}/s (${floor.cpuMs} ms CPU each; CPU ratio ${Math.round((floor.cpuMs / clinsafe.cpuMs) * 100)}%)`,
  ratio: clinsafe.perSecond / floor.perSecond,
  peakMiB: clinsafe.peakMiB,
  goal: 0.5,
  higherIsBetter: true,
});
