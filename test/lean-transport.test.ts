/**
 * The App's lean transport for the gate's GraphQL reads (issue 13): through a real Octokit with
 * Probot's retry plugin against a real HTTP server on loopback, the answer is the value Octokit's
 * own fetch and parse give (big integers included), failures are Octokit's RequestErrors and are
 * retried by the plugin as before (a GraphQL "Something went wrong" too: the plugin sees the parsed
 * answer), redirects and encodings are followed, and the transport stays off wherever something
 * else may need to see the request (a proxy, a replaced fetch, a client with its own fetch).
 */
import { leanRequestOptions, enableLeanTransport, disableLeanTransport, leanFetch, parseAnswer } from '../src/github/api/lean-transport.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { JSONParse } from 'json-with-bigint';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GitHubClient } from '../src/github/client.js';
import { GateApiError } from '../src/github/api/errors.js';
import { graphql, useGraphQLTransport } from '../src/github/api/graphql.js';

type Answer = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let baseUrl = '';
let answers: Answer[] = [];
const seen: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      next(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  answers = [];
  seen.length = 0;
  useGraphQLTransport(undefined);
  disableLeanTransport();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, _body, res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };

const RetryingOctokit = Octokit.plugin(retry);
function client(extra: Record<string, unknown> = {}): GitHubClient {
  return new RetryingOctokit({ baseUrl, auth: 'token t', retry: { retryAfterBaseValue: 1 }, ...extra }) as unknown as GitHubClient;
}
const repo = { owner: 'acme', repo: 'medrec' };
const lean = (c: GitHubClient) => ({ request: leanRequestOptions(c) });

/** The same request through Octokit as it is (native fetch, json-with-bigint) and through the lean transport. */
async function both(answer: Answer) {
  answers = [answer];
  const c = client();
  expect(enableLeanTransport({})).toBe(true);
  const plain = await c.request('POST /graphql', { query: 'q' });
  const viaLean = await c.request('POST /graphql', { query: 'q', ...lean(c) });
  return { plain, viaLean };
}

describe('the answer Octokit is given', () => {
  it('is the value Octokit parses itself: plain JSON, big integers as BigInt, a BOM, text that is not JSON', async () => {
    const texts = [
      '{"data":{"repository":{"pullRequest":{"number":7,"reviews":{"nodes":[{"databaseId":2212345678}]}}}}}',
      '{"data":{"id":12345678901234567890,"small":9007199254740991,"s":"1234567890123456789n","t":"x 12345678901234567890"}}',
      '\ufeff{"data":{"a":1}}',
      '{"data": not json',
      '',
    ];
    for (const text of texts) {
      const { plain, viaLean } = await both(json(200, text));
      expect(viaLean.data).toEqual(plain.data);
      expect(viaLean.status).toBe(200);
      expect(viaLean.headers?.['content-type']).toBe(plain.headers?.['content-type']);
    }
    const big = parseAnswer('application/json', texts[1]!) as { data: { id: unknown; small: unknown; s: unknown } };
    expect(big.data.id).toBe(12345678901234567890n);
    expect(big.data).toEqual(JSONParse(texts[1]!).data);
  });

  it('sends what Octokit sends: method, body with its length, authorization and user agent', async () => {
    const { plain, viaLean } = await both(json(200, { data: { ok: true } }));
    expect(viaLean.data).toEqual(plain.data);
    const [a, b] = seen;
    expect(b!.method).toBe(a!.method);
    expect(b!.url).toBe(a!.url);
    expect(b!.body).toBe(a!.body);
    expect(b!.headers['content-length']).toBe(String(Buffer.byteLength(a!.body)));
    for (const h of ['authorization', 'user-agent', 'accept', 'content-type']) expect(b!.headers[h]).toBe(a!.headers[h]);
  });

  it('a gzip-encoded answer and a redirect are read as the native fetch reads them', async () => {
    const body = { data: { repository: { name: 'medrec' } } };
    answers = [
      (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify(body)));
      },
    ];
    enableLeanTransport({});
    const c = client();
    expect((await c.request('POST /graphql', { query: 'q', ...lean(c) })).data).toEqual(body);
    answers = [
      (req, reqBody, res) => {
        if (req.url === '/api/graphql') return json(200, body)(req, reqBody, res);
        res.writeHead(307, { location: `${baseUrl}/api/graphql` });
        res.end();
      },
    ];
    seen.length = 0;
    expect((await c.request('POST /graphql', { query: 'q', ...lean(c) })).data).toEqual(body);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /graphql', 'POST /graphql', 'POST /api/graphql']);
    expect(seen.at(-1)!.body).toBe(seen[0]!.body);
  });
});

describe('what is parsed once per process (fifth pass)', () => {
  it("graphql() sends the bytes of JSON.stringify({ query, variables }), the query's quoting kept between calls", async () => {
    const bodies: string[] = [];
    const fake = {
      request: async (_route: string, params: { data: string }) => (bodies.push(params.data), { data: { data: { ok: 1 } } }),
      paginate: async () => [],
    } as unknown as GitHubClient;
    const query =
      'query($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) { n: name } # "quoted" \\ é \u2028\n}';
    const repo = { owner: 'clin"safe', repo: 'med\nrec' };
    for (const n of [1, 2]) await graphql(fake, repo, query, { number: n, head: 'a\u0000b' }, 'reading');
    expect(bodies).toEqual(
      [1, 2].map((n) => JSON.stringify({ query, variables: { owner: repo.owner, name: repo.repo, number: n, head: 'a\u0000b' } })),
    );
  });

  it('each URL goes to its own host, port, path and query, the same URL again after another', async () => {
    const other = createServer((req, res) => {
      req.resume();
      req.on('end', () => json(200, { data: { at: `other ${req.url}` } })(req, '', res));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    answers = [(req, body, res) => json(200, { data: { at: `base ${req.url}` } })(req, body, res)];
    try {
      enableLeanTransport({});
      const at: unknown[] = [];
      for (const url of [`${baseUrl}/graphql`, `${otherUrl}/graphql?x=1`, `${baseUrl}/graphql`, `${baseUrl}/api/graphql`]) {
        const res = await leanFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        at.push((res as { body: { data: { at: string } } }).body.data.at);
      }
      expect(at).toEqual(['base /graphql', 'other /graphql?x=1', 'base /graphql', 'base /api/graphql']);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});

describe('failures are what they were', () => {
  it('a 403 is a RequestError with its status, headers and message; it is not retried', async () => {
    enableLeanTransport({});
    const c = client();
    answers = [json(403, { message: 'Resource not accessible by integration' }, { 'x-ratelimit-remaining': '0' })];
    const err = (await c.request('POST /graphql', { query: 'q', ...lean(c) }).catch((e: unknown) => e)) as {
      status: number;
      message: string;
      response: { headers: Record<string, string>; data: unknown };
    };
    expect(err.status).toBe(403);
    expect(err.message).toContain('Resource not accessible by integration');
    expect(err.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(err.response.data).toEqual({ message: 'Resource not accessible by integration' });
    expect(seen).toHaveLength(1);
  });

  it('a 502, a dropped connection and a GraphQL "Something went wrong" are retried by the plugin, then answered', async () => {
    enableLeanTransport({});
    const c = client();
    const ok = { data: { repository: { name: 'medrec' } } };
    answers = [
      json(502, { message: 'Bad gateway' }),
      (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"data":');
        res.destroy();
      },
      json(200, { data: null, errors: [{ message: 'Something went wrong while executing your query. Please try again.' }] }),
      json(200, ok),
    ];
    expect((await c.request('POST /graphql', { query: 'q', ...lean(c) })).data).toEqual(ok);
    expect(seen).toHaveLength(4);
  });

  it('through the gate adapter: an error answer fails closed in plain words; failures after the retries too', async () => {
    enableLeanTransport({});
    useGraphQLTransport(leanRequestOptions);
    const c = client({ retry: { retryAfterBaseValue: 1 }, request: { retries: 1 } });
    answers = [json(200, { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] })];
    await expect(graphql(c, repo, 'q', {}, 'reading pull request #7')).rejects.toThrow(
      /GitHub refused access while reading pull request #7/,
    );
    answers = [json(500, { message: 'boom' })];
    const err = await graphql(c, repo, 'q', {}, 'reading pull request #7').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateApiError);
    expect((err as Error).message).toMatch(/kept failing \(HTTP 500\) while reading pull request #7/);
    answers = [json(200, { data: { repository: { name: 'medrec' } } })];
    await expect(graphql(c, repo, 'q', {}, 'x')).resolves.toEqual({ repository: { name: 'medrec' } });
    expect(seen.at(-1)!.body).toBe(JSON.stringify({ query: 'q', variables: { owner: 'acme', name: 'medrec' } }));
  });

  it('a request that cannot reach the server is rejected, as the native fetch rejects it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(leanFetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('off wherever something else may need to see the request', () => {
  it('off until enabled, with a proxy in the environment, with fetch replaced, for a client with its own fetch', () => {
    const c = client();
    expect(leanRequestOptions(c)).toBeUndefined();
    expect(enableLeanTransport({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(false);
    expect(leanRequestOptions(c)).toBeUndefined();
    expect(enableLeanTransport({ http_proxy: 'http://proxy:3128' })).toBe(false);
    expect(enableLeanTransport({})).toBe(true);
    expect(leanRequestOptions(c)).toMatchObject({ parseSuccessResponseBody: false });
    expect(leanRequestOptions(client({ request: { fetch: globalThis.fetch } }))).toBeUndefined();
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => fetch(...args));
    expect(leanRequestOptions(c)).toBeUndefined();
  });

  it('off when a global dispatcher other than Node’s own is installed (a deployer’s proxy or CA set-up)', () => {
    expect(enableLeanTransport({})).toBe(true);
    const key = Symbol.for('undici.globalDispatcher.1');
    const g = globalThis as Record<symbol, unknown>;
    const own = g[key];
    g[key] = { dispatch() {} };
    try {
      expect(leanRequestOptions(client())).toBeUndefined();
    } finally {
      g[key] = own;
    }
    expect(leanRequestOptions(client())).toBeDefined();
  });
});
