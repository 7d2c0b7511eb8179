/**
 * How many `pull_request` deliveries a second the clinsafe app server handles on loopback, with
 * p50/p99 latency and memory after N deliveries — beside the same figures for an app that does
 * nothing (Probot's own floor: signature check, routing, JSON parsing).
 *
 * Both run in this process with GitHub's API answered by the loopback mock (backed by a real git
 * repository of the example product), so the figures include the mock's own work (with
 * BENCH_APP_MOCK=process the mock runs in a child process and its CPU is printed apart); the no-op app
 * makes no API calls, the clinsafe app makes the gate's requests for every delivery. The two apps
 * take turns in rounds (BENCH_APP_ROUNDS, default 10; the order alternates), each round a pair
 * measured under the same load; the share is the median of the pairs' ratios.
 *
 *   npm run bench:app [-- deliveries [concurrency]]    (default 10000 deliveries to each app, 8 at a time)
 */
import type { ApplicationFunction } from 'probot';
import { createApp } from '../src/app/wiring.js';
import { startApp } from '../test/helpers/app-server.js';
import { example, user } from '../test/helpers/payloads.js';
import { startGitHub } from './lib/app-github.js';
import { emitRow } from './lib/rows.js';

const deliveries = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 8);

interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  heapMiB: number;
  apiRequests: number;
  /** Writes (POST/PATCH/DELETE other than GraphQL queries) per delivery after warm-up. */
  writes: number;
  failures: number;
  /** CPU time (user + system) of the whole process per delivery, in ms: steadier than the rate on a shared machine. */
  cpuMs: number;
  /** GitHub's (the mock's) CPU per delivery when it runs in its own process. */
  githubCpuMs: number;
}

/** Where GitHub's mock runs: in this process (default; its CPU is counted with the apps') or in a process of its own. */
const MOCK: 'inline' | 'process' = process.env.BENCH_APP_MOCK === 'process' ? 'process' : 'inline';
const WARM_UP = Number(process.env.BENCH_APP_WARM_UP ?? 300);
const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** One app on the loopback bench: its server, its GitHub mock, and what its measured deliveries cost. */
interface Bench {
  name: string;
  deliver(): Promise<number>;
  /** Requests and writes GitHub has seen so far, and the CPU time of GitHub's process. */
  github(): Promise<{ requests: number; writes: number; cpuMicros: number }>;
  seconds: number;
  cpuMicros: number;
  /** GitHub's own CPU time during the measured deliveries (BENCH_APP_MOCK=process only). */
  githubCpuMicros: number;
  delivered: number;
  failures: number;
  latencies: number[];
  stop(): Promise<void>;
}

async function start(name: string, appFn: ApplicationFunction): Promise<Bench> {
  const github = await startGitHub(MOCK);
  const { head, base } = github;
  const app = await startApp(appFn, github.gh);
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
  // Warm up (installation token, first comment, then the JIT: the gate's code is hot after a few hundred), then count.
  for (let i = 0; i < WARM_UP; i++) await app.deliver('pull_request', payload);
  return {
    name,
    deliver: async () => (await app.deliver('pull_request', payload)).status,
    github: () => github.stats(),
    seconds: 0,
    cpuMicros: 0,
    githubCpuMicros: 0,
    delivered: 0,
    failures: 0,
    latencies: [],
    async stop() {
      await app.stop();
      await github.stop();
    },
  };
}

/** `count` deliveries to one app, `concurrency` in flight; its wall time and the process's CPU time are added to its totals. */
async function chunk(b: Bench, count: number): Promise<{ perSecond: number; cpuMs: number }> {
  let next = 0;
  const githubBefore = MOCK === 'process' ? (await b.github()).cpuMicros : 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const t = performance.now();
        const status = await b.deliver();
        b.latencies.push(performance.now() - t);
        if (status !== 200) b.failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (MOCK === 'process') b.githubCpuMicros += (await b.github()).cpuMicros - githubBefore;
  b.seconds += seconds;
  b.cpuMicros += used.user + used.system;
  b.delivered += count;
  return { perSecond: count / seconds, cpuMs: (used.user + used.system) / 1000 / count };
}

async function figures(b: Bench, before: { requests: number; writes: number }, heap: number): Promise<Figures> {
  const after = await b.github();
  const latencies = [...b.latencies].sort((x, y) => x - y);
  return {
    name: b.name,
    perSecond: Math.round(b.delivered / b.seconds),
    p50: Math.round(pct(latencies, 50) * 10) / 10,
    p99: Math.round(pct(latencies, 99) * 10) / 10,
    heapMiB: mib(heap),
    apiRequests: Math.round(((after.requests - before.requests) / b.delivered) * 10) / 10,
    writes: Math.round(((after.writes - before.writes) / b.delivered) * 100) / 100,
    failures: b.failures,
    cpuMs: Math.round((b.cpuMicros / 1000 / b.delivered) * 100) / 100,
    githubCpuMs: Math.round((b.githubCpuMicros / 1000 / b.delivered) * 100) / 100,
  };
}

const noop: ApplicationFunction = (app) => {
  app.on('pull_request', async () => {});
};

const rounds = Math.max(1, Number(process.env.BENCH_APP_ROUNDS ?? 10));
const perRound = Math.max(1, Math.floor(deliveries / rounds));
console.log(
  `clinsafe app bench: ${perRound * rounds} pull_request.synchronize deliveries to each app, ${concurrency} in flight, in ${rounds} rounds of ${perRound} (the two apps in turn), GitHub's mock ${MOCK === 'process' ? 'in a process of its own' : 'in this process'}, Node ${process.version}`,
);
const floor = await start('no-op Probot app (floor)', noop);
const clinsafe = await start('clinsafe app (gate, status mode)', createApp({ gateMode: 'status' }));
const floorBefore = await floor.github();
const clinsafeBefore = await clinsafe.github();
const gc = (globalThis as { gc?: () => void }).gc;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
let heapEarly = NaN;
const pairs: { rate: number; cpu: number; floor: number; clinsafe: number; floorCpu: number; clinsafeCpu: number }[] = [];
for (let r = 0; r < rounds; r++) {
  // The order alternates, so a change of load on the machine falls on both apps alike.
  const order = r % 2 === 0 ? [floor, clinsafe] : [clinsafe, floor];
  const got = new Map<Bench, { perSecond: number; cpuMs: number }>();
  for (const b of order) got.set(b, await chunk(b, perRound));
  const f = got.get(floor)!;
  const c = got.get(clinsafe)!;
  pairs.push({
    rate: c.perSecond / f.perSecond,
    cpu: f.cpuMs / c.cpuMs,
    floor: f.perSecond,
    clinsafe: c.perSecond,
    floorCpu: f.cpuMs,
    clinsafeCpu: c.cpuMs,
  });
  if (r === 0 && gc) {
    gc();
    heapEarly = process.memoryUsage().heapUsed;
  }
}
clearInterval(sampler);
gc?.();
const heapEnd = process.memoryUsage().heapUsed;
const rows = [await figures(floor, floorBefore, heapEnd), await figures(clinsafe, clinsafeBefore, heapEnd)];
await floor.stop();
await clinsafe.stop();
console.log('');
console.log(
  '| round | floor deliveries/s | clinsafe deliveries/s | share of the floor’s rate | floor CPU ms | clinsafe CPU ms | floor ÷ clinsafe CPU |',
);
console.log('|---|---|---|---|---|---|---|');
pairs.forEach((p, i) =>
  console.log(
    `| ${i + 1} | ${Math.round(p.floor)} | ${Math.round(p.clinsafe)} | ${Math.round(p.rate * 100)}% | ${p.floorCpu.toFixed(2)} | ${p.clinsafeCpu.toFixed(2)} | ${Math.round(p.cpu * 100)}% |`,
  ),
);
const rateRatio = median(pairs.map((p) => p.rate));
const cpuRatio = median(pairs.map((p) => p.cpu));
console.log('');
console.log(
  `| app | deliveries/s | CPU ms/delivery | ${MOCK === 'process' ? "GitHub mock's CPU ms/delivery (its own process) | " : ''}p50 ms | p99 ms | API requests/delivery | writes/delivery | non-200 |`,
);
console.log(`|---|---|---|${MOCK === 'process' ? '---|' : ''}---|---|---|---|---|`);
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.perSecond} | ${r.cpuMs} | ${MOCK === 'process' ? `${r.githubCpuMs} | ` : ''}${r.p50} | ${r.p99} | ${r.apiRequests} | ${r.writes} | ${r.failures} |`,
  );
console.log('');
console.log(
  `Share of the floor's rate, median of ${rounds} pairs: ${Math.round(rateRatio * 100)}% (range ${Math.round(Math.min(...pairs.map((p) => p.rate)) * 100)}–${Math.round(Math.max(...pairs.map((p) => p.rate)) * 100)}%); floor ÷ clinsafe CPU per delivery, median: ${Math.round(cpuRatio * 100)}%.`,
);
console.log(
  `Memory (the whole process: both app servers, ${MOCK === 'process' ? '' : 'both mocks, '}the load generator): heap after a full collection ${mib(heapEarly)} MiB after round 1 (${perRound} deliveries each), ${mib(heapEnd)} MiB after ${perRound * rounds}; peak RSS ${mib(peak)} MiB. Run with node --expose-gc for the heap figures.`,
);
const [f, c] = rows as [Figures, Figures];
emitRow({
  path: `App, ${perRound * rounds} pull_request.synchronize deliveries (share of a no-op Probot app's rate, median of ${rounds} pairs${MOCK === 'process' ? "; GitHub's mock in its own process" : ''})`,
  clinsafe: `${c.perSecond}/s (${c.cpuMs} ms CPU each), ${c.apiRequests} requests and ${c.writes} writes a delivery, heap ${mib(heapEarly)} → ${mib(heapEnd)} MiB (both apps)`,
  floor: `no-op Probot app: ${f.perSecond}/s (${f.cpuMs} ms CPU each; CPU ratio ${Math.round(cpuRatio * 100)}%)`,
  ratio: rateRatio,
  peakMiB: mib(peak),
  goal: 0.5,
  higherIsBetter: true,
});
