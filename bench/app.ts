/**
 * How many `pull_request` deliveries a second the clinsafe app server handles on loopback, and
 * the CPU time its process spends on each — beside the same figures for an app that does nothing
 * (Probot's own floor: signature check, routing, JSON parsing, the per-delivery Octokit and logger).
 *
 * The layout (fifth pass, 2026-11-29): as deployed, each app server runs in a process of its own,
 * GitHub's API (the loopback mock, backed by a real git repository of the example product) in
 * another, and this process is only the load generator. The figures are then:
 * - the **App-process CPU per delivery**, floor ms ÷ clinsafe ms (the steadier figure: it does not
 *   depend on what else the 2 shared cores are doing, nor on how fast the generator or the mock is);
 * - the **rate share**, clinsafe's deliveries/s ÷ the floor's (what the issue names; on a shared
 *   2-core machine it also measures the scheduler: the generator, the mock and the app compete for
 *   the cores).
 * BENCH_APP_NODE_FLAGS gives both app processes the same Node flags (e.g. `--max-semi-space-size=64`).
 * BENCH_APP_SERVER=inline runs both app servers in this process (the CPU figure is then the whole
 * process's, the generator's included, as before the fifth pass) and BENCH_APP_MOCK=inline runs
 * GitHub's mock in this process too (its CPU then falls on whichever process it shares: with both
 * inline, the figures of the first four passes).
 *
 * The no-op app makes no API calls; the clinsafe app makes the gate's requests for every delivery.
 * A third app (BENCH_APP_READ=0 leaves it out) makes only the read every warm delivery must make —
 * the gate's facts query through Probot's Octokit, nothing else — to show what of clinsafe's cost
 * is that request and what is the gate's own work; it is not the goal's floor.
 * The apps take turns in rounds (BENCH_APP_ROUNDS, default 10; the order alternates), each
 * round a pair measured under the same load; the shares are the medians of the pairs' ratios.
 *
 *   npm run bench:app [-- deliveries [concurrency]]    (default 10000 deliveries to each app, 8 at a time)
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createApp } from '../src/app/wiring.js';
import { sign, startApp } from '../test/helpers/app-server.js';
import { example, user } from '../test/helpers/payloads.js';
import { startGitHub, type BenchGitHub } from './lib/app-github.js';
import { noop, readOnly, startAppProcess, type AppKind } from './lib/app-process.js';
import { emitRow } from './lib/rows.js';

const deliveries = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 8);
/** Where GitHub's mock runs: in a process of its own (default) or in this one. */
const MOCK: 'inline' | 'process' = process.env.BENCH_APP_MOCK === 'inline' ? 'inline' : 'process';
/** Where the app servers run: each in a process of its own (default) or in this one, beside the load generator. */
const SERVER: 'inline' | 'process' = process.env.BENCH_APP_SERVER === 'inline' ? 'inline' : 'process';
const WARM_UP = Number(process.env.BENCH_APP_WARM_UP ?? 300);
/** Node flags for both app processes alike (e.g. `--max-semi-space-size=64`, as a deployer would set in NODE_OPTIONS). */
const APP_FLAGS = (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ms2 = (micros: number, n: number) => Math.round((micros / 1000 / n) * 100) / 100;
const ownCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** One app on the loopback bench: its server, its GitHub mock, and what its measured deliveries cost. */
interface Bench {
  name: string;
  deliver(): Promise<number>;
  github: BenchGitHub;
  /** CPU time (µs) of the app server so far: its own process's, or (inline) this whole process's. */
  appCpu(): Promise<number>;
  /** The app server's heap after a full collection (inline: this whole process's). */
  heap(): Promise<number>;
  maxRss(): Promise<number>;
  seconds: number;
  cpuMicros: number;
  /** This process's (the load generator's) CPU during the measured deliveries; with SERVER=inline it is the app's. */
  generatorMicros: number;
  /** GitHub's own CPU time during the measured deliveries (mock in its own process only). */
  githubCpuMicros: number;
  delivered: number;
  failures: number;
  latencies: number[];
  stop(): Promise<void>;
}

/** A keep-alive client for the deliveries (node:http: the generator's own cost kept small). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, event: string, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/github/webhooks`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
          'user-agent': 'GitHub-Hookshot/bench',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function start(kind: AppKind, name: string): Promise<Bench> {
  const github = await startGitHub(MOCK);
  const { head, base } = github;
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
  const body = JSON.stringify(payload);
  const signature = sign(body);
  let url: string;
  let appCpu: () => Promise<number>;
  let heap: () => Promise<number>;
  let maxRss: () => Promise<number>;
  let stopApp: () => Promise<void>;
  let deliver = () => post(url, 'pull_request', body, signature);
  if (SERVER === 'process') {
    const p = await startAppProcess(kind, github.gh.baseUrl, APP_FLAGS);
    url = p.url;
    appCpu = () => p.cpuMicros();
    heap = async () => (await p.memory()).heapUsed;
    maxRss = async () => (await p.memory()).maxRss;
    stopApp = () => p.stop();
  } else {
    const app = await startApp(kind === 'clinsafe' ? createApp({ gateMode: 'status' }) : kind === 'read' ? await readOnly() : noop, {
      baseUrl: github.gh.baseUrl,
      stop: async () => undefined,
    } as never);
    url = app.url;
    appCpu = async () => ownCpu();
    heap = async () => {
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage().heapUsed;
    };
    maxRss = async () => process.resourceUsage().maxRSS * 1024;
    stopApp = () => app.stopServerOnly();
    // The generator of the first four passes (fetch, the body serialised and signed per delivery), so this layout's figures are theirs.
    deliver = async () => (await app.deliver('pull_request', payload)).status;
  }
  // Warm up (installation token, first comment, then the JIT: the gate's code is hot after a few hundred), then count.
  for (let i = 0; i < WARM_UP; i++) await deliver();
  return {
    name,
    deliver,
    github,
    appCpu,
    heap,
    maxRss,
    seconds: 0,
    cpuMicros: 0,
    generatorMicros: 0,
    githubCpuMicros: 0,
    delivered: 0,
    failures: 0,
    latencies: [],
    async stop() {
      await stopApp();
      await github.stop();
    },
  };
}

/** `count` deliveries to one app, `concurrency` in flight; its wall time and CPU times are added to its totals. */
async function chunk(b: Bench, count: number): Promise<{ perSecond: number; cpuMs: number }> {
  let next = 0;
  const githubBefore = MOCK === 'process' ? (await b.github.stats()).cpuMicros : 0;
  const appBefore = await b.appCpu();
  const started = performance.now();
  const generator = ownCpu();
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
  const generatorUsed = ownCpu() - generator;
  const appUsed = (await b.appCpu()) - appBefore;
  if (MOCK === 'process') b.githubCpuMicros += (await b.github.stats()).cpuMicros - githubBefore;
  b.seconds += seconds;
  b.cpuMicros += appUsed;
  b.generatorMicros += generatorUsed;
  b.delivered += count;
  return { perSecond: count / seconds, cpuMs: appUsed / 1000 / count };
}

interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  apiRequests: number;
  /** Writes (POST/PATCH/DELETE other than GraphQL queries) per delivery after warm-up. */
  writes: number;
  failures: number;
  /** CPU time (user + system) of the app server per delivery, in ms. */
  cpuMs: number;
  generatorCpuMs: number;
  githubCpuMs: number;
}

async function figures(b: Bench, before: { requests: number; writes: number }): Promise<Figures> {
  const after = await b.github.stats();
  const latencies = [...b.latencies].sort((x, y) => x - y);
  return {
    name: b.name,
    perSecond: Math.round(b.delivered / b.seconds),
    p50: Math.round(pct(latencies, 50) * 10) / 10,
    p99: Math.round(pct(latencies, 99) * 10) / 10,
    apiRequests: Math.round(((after.requests - before.requests) / b.delivered) * 10) / 10,
    writes: Math.round(((after.writes - before.writes) / b.delivered) * 100) / 100,
    failures: b.failures,
    cpuMs: ms2(b.cpuMicros, b.delivered),
    generatorCpuMs: ms2(b.generatorMicros, b.delivered),
    githubCpuMs: ms2(b.githubCpuMicros, b.delivered),
  };
}

const rounds = Math.max(1, Number(process.env.BENCH_APP_ROUNDS ?? 10));
const perRound = Math.max(1, Math.floor(deliveries / rounds));
const WITH_READ = process.env.BENCH_APP_READ !== '0';
const layout =
  SERVER === 'process'
    ? `each app server in a process of its own${APP_FLAGS.length ? ` (node ${APP_FLAGS.join(' ')})` : ''}, GitHub's mock ${MOCK === 'process' ? 'in another' : 'in the load generator’s process'}`
    : `the app servers in the load generator's process, GitHub's mock ${MOCK === 'process' ? 'in a process of its own' : 'there too'}`;
console.log(
  `clinsafe app bench: ${perRound * rounds} pull_request.synchronize deliveries to each app, ${concurrency} in flight, in ${rounds} rounds of ${perRound} (the apps in turn); ${layout}; Node ${process.version}`,
);
const floor = await start('noop', 'no-op Probot app (floor)');
const read = WITH_READ ? await start('read', 'the one read only (facts query, no gate)') : undefined;
const clinsafe = await start('clinsafe', 'clinsafe app (gate, status mode)');
const apps = [floor, ...(read ? [read] : []), clinsafe];
const before = new Map<Bench, { requests: number; writes: number }>();
for (const b of apps) before.set(b, await b.github.stats());
const heapEarly = new Map<Bench, number>();
interface Round {
  got: Map<Bench, { perSecond: number; cpuMs: number }>;
}
const roundsDone: Round[] = [];
for (let r = 0; r < rounds; r++) {
  // The order alternates, so a change of load on the machine falls on every app alike.
  const order = r % 2 === 0 ? apps : [...apps].reverse();
  const got = new Map<Bench, { perSecond: number; cpuMs: number }>();
  for (const b of order) got.set(b, await chunk(b, perRound));
  roundsDone.push({ got });
  if (r === 0) for (const b of apps) heapEarly.set(b, await b.heap());
}
const heapEnd = new Map<Bench, number>();
const rss = new Map<Bench, number>();
for (const b of apps) {
  heapEnd.set(b, await b.heap());
  rss.set(b, await b.maxRss());
}
const rows = new Map<Bench, Figures>();
for (const b of apps) rows.set(b, await figures(b, before.get(b)!));
for (const b of apps) await b.stop();

/** Per round: b's rate ÷ a's, and a's CPU per delivery ÷ b's (both "share of a" figures). */
const shares = (a: Bench, b: Bench) =>
  roundsDone.map(({ got }) => ({ rate: got.get(b)!.perSecond / got.get(a)!.perSecond, cpu: got.get(a)!.cpuMs / got.get(b)!.cpuMs }));
const cpuLabel = SERVER === 'process' ? 'app process CPU ms' : 'whole process CPU ms';
const pct0 = (x: number) => `${Math.round(x * 100)}%`;
const range = (xs: number[]) => `${pct0(Math.min(...xs))}–${pct0(Math.max(...xs))}`;
const goal = shares(floor, clinsafe);
const gate = read ? shares(read, clinsafe) : [];
console.log('');
console.log(
  `| round | floor deliveries/s | ${read ? 'one-read deliveries/s | ' : ''}clinsafe deliveries/s | share of the floor’s rate | floor ${cpuLabel} | ${read ? `one-read ${cpuLabel} | ` : ''}clinsafe ${cpuLabel} | floor ÷ clinsafe CPU |${read ? ' one-read ÷ clinsafe CPU |' : ''}`,
);
console.log(`|${'---|'.repeat(read ? 10 : 7)}`);
roundsDone.forEach(({ got }, i) => {
  const f = got.get(floor)!;
  const c = got.get(clinsafe)!;
  const o = read ? got.get(read)! : undefined;
  console.log(
    `| ${i + 1} | ${Math.round(f.perSecond)} | ${o ? `${Math.round(o.perSecond)} | ` : ''}${Math.round(c.perSecond)} | ${pct0(goal[i]!.rate)} | ${f.cpuMs.toFixed(2)} | ${o ? `${o.cpuMs.toFixed(2)} | ` : ''}${c.cpuMs.toFixed(2)} | ${pct0(goal[i]!.cpu)} |${o ? ` ${pct0(gate[i]!.cpu)} |` : ''}`,
  );
});
const rateRatio = median(goal.map((p) => p.rate));
const cpuRatio = median(goal.map((p) => p.cpu));
console.log('');
const extra = [
  SERVER === 'process' ? 'load generator CPU ms/delivery' : undefined,
  MOCK === 'process' ? "GitHub mock's CPU ms/delivery" : undefined,
].filter(Boolean);
console.log(
  `| app | deliveries/s | ${cpuLabel}/delivery | ${extra.map((e) => `${e} | `).join('')}p50 ms | p99 ms | API requests/delivery | writes/delivery | non-200 |${SERVER === 'process' ? ' heap after round 1 → end (MiB) | peak RSS (MiB) |' : ''}`,
);
console.log(`|---|---|---|${extra.map(() => '---|').join('')}---|---|---|---|---|${SERVER === 'process' ? '---|---|' : ''}`);
for (const b of apps) {
  const r = rows.get(b)!;
  console.log(
    `| ${r.name} | ${r.perSecond} | ${r.cpuMs} | ${SERVER === 'process' ? `${r.generatorCpuMs} | ` : ''}${MOCK === 'process' ? `${r.githubCpuMs} | ` : ''}${r.p50} | ${r.p99} | ${r.apiRequests} | ${r.writes} | ${r.failures} |${SERVER === 'process' ? ` ${mib(heapEarly.get(b)!)} → ${mib(heapEnd.get(b)!)} | ${mib(rss.get(b)!)} |` : ''}`,
  );
}
console.log('');
const scope = SERVER === 'process' ? 'app-process' : 'whole-process';
console.log(
  `Share of the floor's rate, median of ${rounds} pairs: ${pct0(rateRatio)} (range ${range(goal.map((p) => p.rate))}); floor ÷ clinsafe ${scope} CPU per delivery, median: ${pct0(cpuRatio)} (range ${range(goal.map((p) => p.cpu))}).`,
);
if (read)
  console.log(
    `The one read alone ÷ clinsafe, ${scope} CPU per delivery, median: ${pct0(median(gate.map((p) => p.cpu)))} (range ${range(gate.map((p) => p.cpu))}); floor ÷ the one read alone: ${pct0(median(shares(floor, read).map((p) => p.cpu)))}.`,
  );
console.log(
  SERVER === 'process'
    ? `Memory: each app server's own heap after a full collection, after round 1 (${perRound} deliveries) and at the end (${perRound * rounds}), in the table above.`
    : `Memory (the whole process: the app servers, ${MOCK === 'process' ? '' : 'the mocks, '}the load generator): heap after a full collection ${mib(heapEarly.get(clinsafe)!)} MiB after round 1 (${perRound} deliveries each), ${mib(heapEnd.get(clinsafe)!)} MiB after ${perRound * rounds}; peak RSS ${mib(rss.get(clinsafe)!)} MiB. Run with node --expose-gc for the heap figures.`,
);
const f = rows.get(floor)!;
const c = rows.get(clinsafe)!;
const where = SERVER === 'process' ? "each app in its own process, GitHub's mock in another" : "apps in the generator's process";
emitRow({
  path: `App, ${perRound * rounds} pull_request.synchronize deliveries (share of a no-op Probot app's rate, median of ${rounds} pairs; ${where}${SERVER === 'inline' && MOCK === 'inline' ? ', mock too' : ''})`,
  clinsafe: `${c.perSecond}/s (${c.cpuMs} ms CPU each), ${c.apiRequests} requests and ${c.writes} writes a delivery, heap ${mib(heapEarly.get(clinsafe)!)} → ${mib(heapEnd.get(clinsafe)!)} MiB`,
  floor: `no-op Probot app: ${f.perSecond}/s (${f.cpuMs} ms CPU each; floor ÷ clinsafe CPU ${pct0(cpuRatio)})`,
  ratio: rateRatio,
  peakMiB: mib(rss.get(clinsafe)!),
  goal: 0.5,
  higherIsBetter: true,
});
