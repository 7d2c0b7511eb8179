/**
 * An app server for `bench/app.ts` in a process of its own (the default since the fifth pass), so
 * that the CPU time measured for an app is its server's alone — Probot, the webhook verification,
 * the handlers and their API client — and neither the load generator's (the bench process sends
 * the deliveries) nor GitHub's (the mock has its own process too). As deployed, an App instance
 * is a process that receives webhooks from elsewhere and calls an API elsewhere.
 *
 *   child: node app-process.js --child <noop|clinsafe> <GitHub's URL>
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApplicationFunction } from 'probot';
import type { MockGitHub } from '../../test/helpers/mock-github.js';

export type AppKind = 'noop' | 'read' | 'clinsafe';

export interface AppProcess {
  url: string;
  /** CPU time (user + system, µs) of the app's process so far. */
  cpuMicros(): Promise<number>;
  /** The app process's heap after a full collection, and its peak RSS so far (bytes). */
  memory(): Promise<{ heapUsed: number; maxRss: number }>;
  stop(): Promise<void>;
}

export const noop: ApplicationFunction = (app) => {
  app.on('pull_request', async () => {});
};

/**
 * The read every warm delivery must make (nothing mutable is cached: docs/security.md), and
 * nothing else: the gate's own facts query (`getPullFacts`, the same query, transport and answer
 * as the clinsafe app's) through Probot's Octokit on each delivery. Not a goal's floor: it shows
 * what of clinsafe's cost is that request and what is the gate's own work.
 */
export async function readOnly(): Promise<ApplicationFunction> {
  const { getPullFacts } = await import('../../src/github/api/get-pull-facts.js');
  const { useGraphQLTransport } = await import('../../src/github/api/graphql.js');
  const { enableLeanTransport, leanRequestOptions } = await import('../../src/github/api/lean-transport.js');
  useGraphQLTransport(enableLeanTransport() ? leanRequestOptions : undefined);
  return (app) => {
    app.on('pull_request', async (context) => {
      const p = context.payload as {
        number: number;
        pull_request: { head: { sha: string } };
        repository: { owner: { login: string }; name: string };
      };
      await getPullFacts(context.octokit as never, { owner: p.repository.owner.login, repo: p.repository.name }, p.number, {
        headSha: p.pull_request.head.sha,
        final: true,
      });
    });
  };
}

/** Start an app server in a child process, its GitHub at `githubUrl`; `execArgv` e.g. ['--cpu-prof'] to profile it. */
export async function startAppProcess(kind: AppKind, githubUrl: string, execArgv: string[] = []): Promise<AppProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', kind, githubUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc', ...execArgv],
  });
  const ask = <T>(msg: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(msg);
    });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the ${kind} app process exited (${code}) before it listened`)));
  });
  return {
    url,
    cpuMicros: () => ask<number>('cpu'),
    memory: () => ask<{ heapUsed: number; maxRss: number }>('memory'),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

if (process.argv[2] === '--child' && process.send) {
  const kind = process.argv[3] as AppKind;
  const githubUrl = process.argv[4]!;
  const { startApp } = await import('../../test/helpers/app-server.js');
  const appFn: ApplicationFunction =
    kind === 'clinsafe'
      ? (await import('../../src/app/wiring.js')).createApp({ gateMode: 'status' })
      : kind === 'read'
        ? await readOnly()
        : noop;
  // startApp needs only GitHub's URL (the mock runs elsewhere and is stopped by the bench).
  const gh = { baseUrl: githubUrl, stop: async () => undefined } as unknown as MockGitHub;
  const app = await startApp(appFn, gh);
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (msg) => {
    if (msg === 'cpu') {
      const u = process.cpuUsage();
      process.send!(u.user + u.system);
    }
    if (msg === 'memory') {
      gc?.();
      process.send!({ heapUsed: process.memoryUsage().heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 });
    }
    if (msg === 'stop') void app.stop().then(() => process.exit(0));
  });
  process.send({ url: app.url });
}
