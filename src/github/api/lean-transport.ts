/**
 * A lean HTTP transport for the gate's GraphQL reads in a long-running App server (issue 13).
 *
 * Probot's Octokit sends every request through Node's `fetch` (undici: web streams, a request
 * clone, an abort signal per request) and parses every JSON answer with `json-with-bigint` (a
 * regular-expression pass over the text, then `JSON.parse` with a reviver). On the loopback bench
 * that is about 0.3 ms of CPU per request — a third of a whole no-op delivery. This module gives
 * Octokit a `fetch` made on `node:http`/`node:https` with keep-alive agents, which hands Octokit
 * the answer already parsed (`parseSuccessResponseBody: false`: Octokit then passes the `body` it
 * is given through as `response.data`). Everything else stays Octokit's: the endpoint, the
 * authentication hook, plugin-retry (including its check of GraphQL errors), plugin-throttling,
 * the RequestError for any status ≥ 400 (built by Octokit from a real `Response` given to it).
 *
 * The result is the same value Octokit would have given: `JSON.parse` when the text holds no run of
 * 16 or more digits (no integer there can exceed 2^53 − 1), otherwise the same `json-with-bigint`
 * parse Octokit uses; text that is not JSON stays text. Any answer this transport does not handle
 * itself (a redirect, an unknown encoding or scheme) is made again with the native `fetch` and given
 * to Octokit parsed the same way. It decides nothing: a failure is a rejected request, which the
 * gate reports as it reports any API failure (fail closed).
 *
 * It is used only when nothing else may need to see the request: enabled by the App at start-up
 * (`enableLeanTransport`), never when a proxy is configured in the environment or any global undici
 * dispatcher other than Node's own is in place (a deployer's proxy or CA set-up, installed before or
 * after this module loaded), never when `globalThis.fetch` was replaced (test doubles), never for a
 * client configured with a `fetch` of its own (the Action).
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import zlib from 'node:zlib';
import { JSONParse } from 'json-with-bigint';
import type { GitHubClient } from '../client.js';

const NATIVE_FETCH = globalThis.fetch;
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];
/** No answer after this long (headers or body): the request fails (undici's defaults are the same). */
export const LEAN_TIMEOUT_MS = 300_000;
/** Idle keep-alive sockets are closed after this (undici's default keep-alive time). */
const IDLE_MS = 4_000;

let enabled = false;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};

/**
 * Node's own global dispatcher, made here (a `data:` fetch loads undici, which installs it at once)
 * when nobody had installed one before this module loaded; undefined when one was already there
 * (a deployer's proxy or CA set-up, or an earlier fetch — which of the two cannot be told, so the
 * transport stays off).
 */
const NODE_DISPATCHER: unknown = (() => {
  const g = globalThis as Record<symbol, unknown>;
  if (g[GLOBAL_DISPATCHER] !== undefined || typeof NATIVE_FETCH !== 'function') return undefined;
  void NATIVE_FETCH('data:,').catch(() => undefined);
  return g[GLOBAL_DISPATCHER];
})();

/** Turn the transport on for this process, unless the environment routes HTTP elsewhere; says whether it is on. */
export function enableLeanTransport(env: NodeJS.ProcessEnv = process.env): boolean {
  enabled = NODE_DISPATCHER !== undefined && !PROXY_VARIABLES.some((v) => env[v]);
  return enabled;
}

export function disableLeanTransport(): void {
  enabled = false;
}

/** What a GraphQL request through `client` adds to its Octokit options: the lean transport, or nothing. */
export function leanRequestOptions(client: GitHubClient): Record<string, unknown> | undefined {
  if (!enabled || globalThis.fetch !== NATIVE_FETCH || (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] !== NODE_DISPATCHER)
    return undefined;
  const own = (client.request as { endpoint?: { DEFAULTS?: { request?: { fetch?: unknown } } } }).endpoint?.DEFAULTS?.request;
  return own?.fetch ? undefined : { fetch: leanFetch, parseSuccessResponseBody: false };
}

interface Init {
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  signal?: AbortSignal | null;
}

/** What Octokit reads of a fetch answer when it does not parse the body itself. */
interface Parsed {
  status: number;
  url: string;
  headers: Map<string, string>;
  body: unknown;
}

/** The answer's text as Octokit would give it: JSON parsed, anything else as text. */
export function parseAnswer(contentType: string | undefined, text: string): unknown {
  const mime = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mime !== 'application/json' && mime !== 'application/scim+json') return text;
  try {
    return /\d{16}/.test(text) ? JSONParse(text) : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The native fetch, its successful answer parsed as above (for what the lean path hands back). */
async function viaFetch(url: string, init: Init): Promise<Response | Parsed> {
  const res = await NATIVE_FETCH(url, { ...init, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit);
  if (res.status < 200 || res.status >= 300 || res.status === 204 || res.status === 205) return res;
  const headers = new Map<string, string>(res.headers);
  return { status: res.status, url: res.url, headers, body: parseAnswer(res.headers.get('content-type') ?? undefined, await res.text()) };
}

function decode(encoding: string | undefined, bytes: Buffer): Buffer | undefined {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
      return bytes;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes);
    case 'deflate':
      return zlib.inflateSync(bytes);
    case 'br':
      return zlib.brotliDecompressSync(bytes);
    default:
      return undefined;
  }
}

function headerMap(res: http.IncomingMessage): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) map.set(k, Array.isArray(v) ? v.join(', ') : v);
  return map;
}

/** The answer as Octokit's fetch wrapper reads it: parsed when successful, a real Response otherwise. */
function answer(url: string, res: http.IncomingMessage, bytes: Buffer): Response | Parsed {
  const status = res.statusCode ?? 0;
  const headers = headerMap(res);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // as Response.text() decodes
  if (status >= 200 && status < 300 && status !== 204 && status !== 205)
    return { status, url, headers, body: parseAnswer(res.headers['content-type'], text) };
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : text, { status, statusText: res.statusMessage ?? '', headers: [...headers] });
}

/** A URL's request options (`urlToHttpOptions`), parsed once per URL: the gate's reads go to one or two URLs. */
const TARGETS_MAX = 64;
interface Target {
  protocol: string;
  host: string;
  options: ReturnType<typeof urlToHttpOptions>;
}
const targets = new Map<string, Target>();
function target(url: string): Target {
  let t = targets.get(url);
  if (t === undefined) {
    if (targets.size >= TARGETS_MAX) targets.clear();
    const u = new URL(url);
    targets.set(url, (t = { protocol: u.protocol, host: u.host, options: urlToHttpOptions(u) }));
  }
  return t;
}

/** `fetch` for Octokit on node:http(s): the same request, the answer read whole and parsed. */
export function leanFetch(url: string, init: Init = {}): Promise<Response | Parsed> {
  const u = target(url);
  const agent = u.protocol === 'https:' ? agents['https:'] : u.protocol === 'http:' ? agents['http:'] : undefined;
  if (!agent) return viaFetch(url, init);
  const body = init.body ?? undefined;
  const headers: Record<string, string> = { ...init.headers };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const send = u.protocol === 'https:' ? https.request : http.request;
    const req = send(
      {
        ...u.options,
        method: init.method ?? 'GET',
        headers,
        agent,
        timeout: LEAN_TIMEOUT_MS,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304) {
          // Redirects (GitHub: a renamed repository) are followed by the native fetch, as before.
          res.resume();
          resolve(viaFetch(url, init));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        // A connection closed mid-answer: 'end' never comes (a settled promise ignores this when it did).
        res.on('close', () => res.complete || reject(new Error('the connection closed before the answer was complete')));
        res.on('end', () => {
          if (!res.complete) return reject(new Error('the connection closed before the answer was complete'));
          let bytes: Buffer | undefined;
          try {
            bytes = decode(res.headers['content-encoding'], Buffer.concat(chunks));
          } catch (e) {
            return reject(e);
          }
          if (bytes) resolve(answer(url, res, bytes));
          else resolve(viaFetch(url, init)); // an encoding this transport does not read
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${u.host} within ${LEAN_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
