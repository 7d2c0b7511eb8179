/**
 * The real clinsafe app server (Probot's Server) started on loopback for end-to-end tests, with
 * GitHub's API answered by a MockGitHub, and webhooks sent over HTTP signed as GitHub signs them.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import type { ApplicationFunction } from 'probot';
import { MockGitHub } from './mock-github.js';

const quiet = pino({ level: process.env.CLINSAFE_TEST_LOG ?? 'silent' });

/** ProbotOctokit without write pacing (the function form, so the setting survives probot's own option merging). */
export const unthrottled = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
}));

export const WEBHOOK_SECRET = 'test-webhook-secret';

let cachedKey: string | undefined;
/** A fresh RSA key for the app's JWT (generated once per test process). */
export function appPrivateKey(): string {
  cachedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return cachedKey;
}

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The app's handlers still working (Probot answers 202 to a slow delivery and goes on). */
export class Inflight {
  private work = new Set<Promise<unknown>>();
  readonly errors: unknown[] = [];
  add = (p: Promise<unknown>): void => {
    const tracked = p.catch((e: unknown) => void this.errors.push(e)).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  };
  async idle(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }
}

export interface RunningApp {
  url: string;
  github: MockGitHub;
  /** POST a webhook delivery; returns the HTTP status. */
  deliver(
    event: string,
    payload: object,
    opts?: { signature?: string; delivery?: string; wait?: boolean },
  ): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
  /** Stop this app server but leave the (shared) GitHub mock running. */
  stopServerOnly(): Promise<void>;
}

/** Start the app server; `makeApp` receives the hook that lets `deliver` wait for the handlers to finish. */
/** A port free on loopback now (Probot treats port 0 as "use 3000", so ask the OS for one). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function startApp(
  makeApp: (onDelivery: (p: Promise<unknown>) => void) => ApplicationFunction,
  github?: MockGitHub,
): Promise<RunningApp & { inflight: Inflight }> {
  const inflight = new Inflight();
  const appFn = makeApp(inflight.add);
  const gh = github ?? new MockGitHub();
  if (!gh.baseUrl) await gh.start();
  const server = new Server({
    // GitHub's pacing of writes (octokit's throttling plugin: one write a second) is for GitHub, not for a loopback mock.
    Probot: Probot.defaults({
      appId: 1,
      privateKey: appPrivateKey(),
      secret: WEBHOOK_SECRET,
      baseUrl: gh.baseUrl,
      log: quiet,
      Octokit: unthrottled,
    }),
    port: await freePort(),
    host: '127.0.0.1',
    log: quiet,
  });
  await server.load(appFn);
  const http = await server.start();
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    github: gh,
    inflight,
    async deliver(event, payload, opts = {}) {
      const body = JSON.stringify(payload);
      const res = await fetch(`${url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': opts.delivery ?? randomUUID(),
          'x-hub-signature-256': opts.signature ?? sign(body),
          'user-agent': 'GitHub-Hookshot/test',
        },
        body,
      });
      const text = await res.text();
      if (opts.wait !== false) await inflight.idle();
      return { status: res.status, body: text };
    },
    async stop() {
      await server.stop();
      await gh.stop();
    },
    async stopServerOnly() {
      await server.stop();
    },
  };
}
