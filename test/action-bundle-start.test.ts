/**
 * The Action bundle's start-up trims (scripts/bundle.mjs, issue 13): the gate reads only its own
 * code — the release and evidence modes are chunks loaded when they run — and undici, which
 * @actions/github imports for `fetch` and a proxy agent, is loaded only when the job has a proxy
 * configured (tunnel, @actions/http-client's proxy agent, likewise only when one is made). Through a
 * proxy the API requests still go through it (CONNECT), as before; without one they go straight to
 * the API with Node's own fetch.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/repo.js';

const run = promisify(execFile);
let dir: string;
let bundle: string;

beforeAll(() => {
  dir = tempDir('clinsafe-action-start-');
  bundle = join(dir, 'index.js');
  execFileSync(process.execPath, ['scripts/bundle.mjs', 'action', '--outfile', bundle], { cwd: REPO_ROOT, stdio: 'pipe' });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The chunk files index.js imports before it runs (not the ones it `import()`s when a mode runs). */
function staticChunks(file: string, seen = new Set<string>()): Set<string> {
  for (const m of readFileSync(file, 'utf8').matchAll(/import\s*(?:[\w$*{}\s,]+?from\s*)?["']\.\/(chunk-[\w-]+\.js)["']/g)) {
    if (seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    staticChunks(join(dir, m[1]!), seen);
  }
  return seen;
}

it('the gate loads neither the PDF/document code nor undici; they are chunks beside index.js', () => {
  const all = readdirSync(dir).filter((f) => /^chunk-.*\.js$/.test(f));
  const loaded = [...staticChunks(bundle)].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') + readFileSync(bundle, 'utf8');
  const lazy = all.filter((f) => !staticChunks(bundle).has(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
  // pdfkit's font metrics path, and undici's own error class names, are in lazily loaded chunks only
  for (const marker of ['Helvetica-Bold', 'UndiciError']) {
    expect(loaded.includes(marker), marker).toBe(false);
    expect(
      lazy.some((c) => c.includes(marker)),
      marker,
    ).toBe(true);
  }
  expect(readFileSync(join(dir, 'licenses.txt'), 'utf8')).toContain('undici@');
});

it('only the parts of zod the schemas use are loaded at start (no fromJSONSchema, no z.compile)', () => {
  // Each file takes zod as a namespace (`import * as z`) so the bundler keeps only what is used:
  // `import { z }` would keep zod's whole namespace object (~95 kB more at every start).
  const loaded = [...staticChunks(bundle)].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') + readFileSync(bundle, 'utf8');
  expect(loaded).toContain('Invalid input'); // zod is there (its English messages)
  for (const marker of ['fromJSONSchema', 'ZodCompileAsyncError']) expect(loaded.includes(marker), marker).toBe(false);
});

it("Octokit's table of REST methods is not bundled: the Action calls the API through request and paginate only", () => {
  const everything = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  expect(everything.includes('addCustomLabelsToSelfHostedRunnerForOrg')).toBe(false);
  // Nothing the Action bundles reaches for `octokit.rest.<scope>.<method>(…)`.
  const users: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && /\.rest\.[a-z]+\.[a-zA-Z]+\b/.test(readFileSync(p, 'utf8'))) users.push(p);
    }
  };
  for (const d of ['src', 'action']) walk(join(REPO_ROOT, d));
  expect(users.filter((p) => !p.includes(`${join('action', 'dist')}`))).toEqual([]);
});

it('tunnel (a proxy agent for @actions/http-client) is evaluated only when a proxy agent is made: no assert module at start', async () => {
  const work = tempDir('clinsafe-action-modules-');
  try {
    const list = join(work, 'modules.txt');
    const preload = join(work, 'record.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`,
    );
    await run(process.execPath, ['-r', preload, bundle], { env: { PATH: process.env.PATH, HOME: work }, cwd: work }).catch(() => undefined);
    const loaded = readFileSync(list, 'utf8').split('\n');
    expect(loaded).toContain('NativeModule https');
    expect(loaded).not.toContain('NativeModule assert');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

interface Hits {
  api: string[];
  connect: string[];
}

/** Run the gate for a pull request event against a loopback API, with or without a proxy in between. */
async function gateThrough(proxied: boolean): Promise<{ hits: Hits; out: string }> {
  const hits: Hits = { api: [], connect: [] };
  const api = http.createServer((req, res) => {
    hits.api.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  // A CONNECT proxy that sends every tunnel to the loopback API, whatever host was asked for.
  const proxy = http.createServer((_req, res) => res.writeHead(502).end());
  proxy.on('connect', (req, sock: net.Socket, head: Buffer) => {
    hits.connect.push(req.url ?? '');
    const up = net.connect(Number(req.url!.split(':')[1]), '127.0.0.1', () => {
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', () => sock.destroy());
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (s: http.Server) => (s.address() as net.AddressInfo).port;
  const work = tempDir('clinsafe-action-proxy-');
  const event = join(work, 'event.json');
  const sha = 'a'.repeat(40);
  writeFileSync(
    event,
    JSON.stringify({
      action: 'opened',
      number: 7,
      pull_request: { number: 7, head: { sha, repo: { full_name: 'o/r' } }, base: { ref: 'main', repo: { full_name: 'o/r' } } },
      repository: { full_name: 'o/r', default_branch: 'main' },
    }),
  );
  // A host name that is not loopback, so @actions/http-client does not bypass the proxy for it.
  const apiUrl = proxied ? `http://api.example.test:${port(api)}` : `http://127.0.0.1:${port(api)}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    GITHUB_EVENT_NAME: 'pull_request_target',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_API_URL: apiUrl,
    'INPUT_GITHUB-TOKEN': 'test-token',
    ...(proxied ? { https_proxy: `http://127.0.0.1:${port(proxy)}`, http_proxy: `http://127.0.0.1:${port(proxy)}` } : {}),
  };
  try {
    const r = await run(process.execPath, [bundle], { env, cwd: work, timeout: 60_000 }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    return { hits, out: `${r.stdout}${r.stderr}` };
  } finally {
    api.close();
    proxy.close();
    rmSync(work, { recursive: true, force: true });
  }
}

it('without a proxy, the API is called directly; with one, every request goes through it', async () => {
  const direct = await gateThrough(false);
  expect(direct.hits.api.length).toBeGreaterThan(0);
  expect(direct.hits.connect).toEqual([]);
  const viaProxy = await gateThrough(true);
  expect(viaProxy.hits.api.length).toBeGreaterThan(0);
  expect(viaProxy.hits.connect.length).toBeGreaterThan(0);
  expect(viaProxy.hits.connect.every((c) => c.startsWith('api.example.test:'))).toBe(true);
  // Same request, same plain refusal through both routes.
  expect(viaProxy.hits.api).toEqual(direct.hits.api);
  expect(viaProxy.out).toContain('GitHub refused access');
}, 120_000);
