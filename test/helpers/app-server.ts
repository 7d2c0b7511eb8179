/**
 * The real clinsafe app server (Probot's Server) started on loopback for end-to-end tests, with
 * GitHub's API answered by a MockGitHub, and webhooks sent over HTTP signed as GitHub signs them.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createNodeMiddleware } from '@octokit/webhooks';
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

export interface RunningApp {
  url: string;
  github: MockGitHub;
  /**
   * POST a webhook delivery; returns the HTTP status once the app's handlers have finished (the
   * server answers only then: see DELIVERY_TIMEOUT_MS).
   */
  deliver(event: string, payload: object, opts?: { signature?: string; delivery?: string }): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
  /** Stop this app server but leave the (shared) GitHub mock running. */
  stopServerOnly(): Promise<void>;
}

/** A port free on loopback now (Probot treats port 0 as "use 3000", so ask the OS for one). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * How long the webhook endpoint waits for the handlers before answering. In production Probot
 * answers 202 after 9 s (GitHub gives up at 10 s) and the handlers go on working; in tests the
 * answer waits for the end of the handlers, so a test reads GitHub's state after `deliver()`
 * without any hook in the app itself.
 */
export const DELIVERY_TIMEOUT_MS = 120_000;

export interface StartAppOptions {
  /**
   * Probot's `redisConfig` (REDIS_URL when deployed): octokit's throttling plugin is then left ON and
   * its Bottleneck limiters are clustered through this Redis, as several deployed instances run.
   */
  redisConfig?: string;
}

/** Probot as deployed, except that its webhook middleware answers when the handlers are done. */
function testProbot(baseUrl: string, opts: StartAppOptions = {}): typeof Probot {
  // GitHub's pacing of writes (octokit's throttling plugin: one write a second) is for GitHub, not for a loopback mock,
  // unless the test is about that pacing shared through Redis.
  const Base = Probot.defaults({
    appId: 1,
    privateKey: appPrivateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl,
    log: quiet,
    ...(opts.redisConfig ? { Octokit: ProbotOctokit, redisConfig: opts.redisConfig } : { Octokit: unthrottled }),
  });
  return class extends Base {
    override async getNodeMiddleware(options: { path?: string } = {}) {
      await super.getNodeMiddleware(options); // Probot's own set-up (the middleware itself is replaced)
      return createNodeMiddleware(this.webhooks, {
        log: quiet,
        path: options.path ?? '/api/github/webhooks',
        timeout: DELIVERY_TIMEOUT_MS,
      });
    }
  };
}

export async function startApp(appFn: ApplicationFunction, github?: MockGitHub, opts: StartAppOptions = {}): Promise<RunningApp> {
  const gh = github ?? new MockGitHub();
  if (!gh.baseUrl) await gh.start();
  const server = new Server({
    Probot: testProbot(gh.baseUrl, opts),
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
      return { status: res.status, body: await res.text() };
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
