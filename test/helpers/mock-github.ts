/**
 * A small GitHub REST API on loopback for end-to-end tests: issues, comments, labels, releases and
 * release assets (uploads too) are held in memory; git data (commits, trees, blobs, contents) is
 * served from a real local git repository. Every request is recorded.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
  json?: unknown;
}

export interface MockIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: { name: string }[];
  assignees: { login: string }[];
  user: { login: string; type: string };
  created_at: string;
  html_url: string;
  pull_request?: unknown;
}

export interface MockComment {
  id: number;
  issue_number: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  /** Set when the comment is edited (GitHub: equal to created_at until then). */
  updated_at?: string;
}

export interface MockAsset {
  id: number;
  name: string;
  size: number;
  content_type: string;
  data: Buffer;
  /** Who uploaded it (GitHub's record); default: the app. */
  uploader?: { login: string; type: string };
  created_at?: string;
}

export interface MockRelease {
  id: number;
  tag_name: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  upload_url: string;
  html_url: string;
  assets: MockAsset[];
  published_at: string;
}

type Handler = (
  req: RecordedRequest,
  params: Record<string, string>,
) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

export class MockGitHub {
  readonly requests: RecordedRequest[] = [];
  /** Keep every request (tests); a bench turns this off so the mock does not grow. */
  recordRequests = true;
  /** Requests answered, recorded or not. */
  requestCount = 0;
  readonly issues: MockIssue[] = [];
  readonly comments: MockComment[] = [];
  readonly releases: MockRelease[] = [];
  readonly statuses: { sha: string; state: string; context: string; description: string; target_url?: string }[] = [];
  botLogin = 'clinsafe[bot]';
  appSlug = 'clinsafe';
  /** The time the mock stamps on what it creates (issues, bot comments, assets). */
  clock = '2026-11-23T10:00:00Z';
  /** Local git repository standing in for the repository's git data. */
  gitDir?: string;
  owner = 'acme';
  repo = 'medrec';
  private server?: Server;
  private routes: { method: string; pattern: RegExp; keys: string[]; handler: Handler }[] = [];
  private nextId = 1000;
  private nextNumber = 1;
  baseUrl = '';
  /** Where release assets are uploaded (GitHub: https://uploads.github.com); default: this server's /uploads. */
  uploadsUrl = '';

  constructor() {
    this.defaultRoutes();
  }

  /** Add a route; later routes win, so tests can override defaults (e.g. to inject a 500). */
  on(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_, k: string) => (keys.push(k), '([^/]+)'))}$`);
    this.routes.unshift({ method, pattern, keys, handler });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests that changed something (not GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && !r.path.includes('/access_tokens'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const out = this.dispatch(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  }

  /**
   * Answer one request (method, path with query, body). The loopback server uses it, and so can
   * nock, so that handler tests see GitHub's real hosts (api.github.com, uploads.github.com).
   */
  dispatch(
    method: string,
    pathAndQuery: string,
    body: Buffer,
    contentType: string,
  ): { status: number; headers: Record<string, string>; body: Buffer | string } {
    const url = new URL(pathAndQuery, this.baseUrl || 'http://127.0.0.1');
    const rec: RecordedRequest = { method, path: url.pathname.replace(/^\/api\/v3/, ''), query: url.searchParams, body };
    if (contentType.includes('json') && rec.body.length) {
      try {
        rec.json = JSON.parse(rec.body.toString('utf8'));
      } catch {
        rec.json = undefined;
      }
    }
    this.requestCount++;
    if (this.recordRequests) this.requests.push(rec);
    for (const r of this.routes) {
      if (r.method !== rec.method) continue;
      const m = r.pattern.exec(rec.path);
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      const out = r.handler(rec, params);
      if (!out) continue;
      const payload = out.body === undefined ? '' : Buffer.isBuffer(out.body) ? out.body : JSON.stringify(out.body);
      return {
        status: out.status,
        headers: { 'content-type': Buffer.isBuffer(out.body) ? 'application/octet-stream' : 'application/json', ...(out.headers ?? {}) },
        body: payload,
      };
    }
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `Not Found (mock has no route for ${rec.method} ${rec.path})` }),
    };
  }

  private gitCache = new Map<string, Buffer>();

  private git(args: string[]): Buffer {
    if (!this.gitDir) throw new Error('mock has no gitDir');
    // Objects named by their full hash never change: answer them from a cache (keeps benches about the app, not git).
    const immutable = args.some((a) => /^[0-9a-f]{40}$/.test(a)) && (args[0] === 'cat-file' || args[0] === 'ls-tree');
    const key = `${this.gitDir}\0${args.join('\0')}`;
    const hit = immutable ? this.gitCache.get(key) : undefined;
    if (hit) return hit;
    const out = execFileSync('git', args, { cwd: this.gitDir, maxBuffer: 256 * 1024 * 1024 });
    if (immutable) this.gitCache.set(key, out);
    return out;
  }

  private page<T>(items: T[], q: URLSearchParams): { status: number; body: T[]; headers?: Record<string, string> } {
    const per = Number(q.get('per_page') ?? 30);
    const page = Number(q.get('page') ?? 1);
    const slice = items.slice((page - 1) * per, page * per);
    const headers: Record<string, string> = {};
    if (page * per < items.length) {
      const next = new URLSearchParams(q);
      next.set('page', String(page + 1));
      headers.link = `<${this.baseUrl}${'{path}'}?${next.toString()}>; rel="next"`;
    }
    return { status: 200, body: slice, headers };
  }

  private defaultRoutes(): void {
    const repoPath = '/repos/{owner}/{repo}';
    this.on('POST', '/app/installations/{id}/access_tokens', () => ({
      status: 201,
      body: { token: 'ghs_mocktoken', expires_at: '2099-01-01T00:00:00Z', permissions: {} },
    }));
    this.on('GET', '/app', () => ({ status: 200, body: { id: 1, slug: this.appSlug, name: 'clinsafe' } }));

    // Issues
    // No CI evidence unless a test serves some (test/helpers/mock-actions.ts): no workflow run of any commit.
    this.on('GET', `${repoPath}/actions/runs`, () => ({ status: 200, body: { total_count: 0, workflow_runs: [] } }));
    this.on('GET', `${repoPath}/actions/artifacts`, () => ({ status: 200, body: { total_count: 0, artifacts: [] } }));
    this.on('GET', `${repoPath}/issues`, (req) => {
      const creator = req.query.get('creator');
      const state = req.query.get('state') ?? 'open';
      const items = this.issues.filter((i) => (!creator || i.user.login === creator) && (state === 'all' || i.state === state));
      const p = this.page(items, req.query);
      if (p.headers?.link) p.headers.link = p.headers.link.replace('{path}', req.path);
      return p;
    });
    this.on('POST', `${repoPath}/issues`, (req) => {
      const j = req.json as { title: string; body?: string; labels?: string[]; assignees?: string[] };
      const number = this.nextNumber++;
      const issue: MockIssue = {
        number,
        title: j.title,
        body: j.body ?? '',
        state: 'open',
        labels: (j.labels ?? []).map((name) => ({ name })),
        assignees: (j.assignees ?? []).map((login) => ({ login })),
        user: { login: this.botLogin, type: 'Bot' },
        created_at: this.clock,
        html_url: `https://github.com/${this.owner}/${this.repo}/issues/${number}`,
      };
      this.issues.push(issue);
      return { status: 201, body: issue };
    });
    this.on('GET', `${repoPath}/issues/{n}`, (_req, p) => {
      const issue = this.issues.find((i) => i.number === Number(p.n));
      return issue ? { status: 200, body: issue } : { status: 404, body: { message: 'Not Found' } };
    });
    this.on('PATCH', `${repoPath}/issues/{n}`, (req, p) => {
      const issue = this.issues.find((i) => i.number === Number(p.n));
      if (!issue) return { status: 404, body: { message: 'Not Found' } };
      Object.assign(issue, req.json as object);
      return { status: 200, body: issue };
    });
    this.on('GET', `${repoPath}/issues/{n}/comments`, (req, p) => {
      const pg = this.page(
        this.comments.filter((c) => c.issue_number === Number(p.n)),
        req.query,
      );
      if (pg.headers?.link) pg.headers.link = pg.headers.link.replace('{path}', req.path);
      return pg;
    });
    this.on('POST', `${repoPath}/issues/{n}/comments`, (req, p) => {
      const j = req.json as { body: string };
      const c: MockComment = {
        id: this.nextId++,
        issue_number: Number(p.n),
        body: j.body,
        user: { login: this.botLogin, type: 'Bot' },
        created_at: this.clock,
      };
      this.comments.push(c);
      return { status: 201, body: c };
    });
    this.on('PATCH', `${repoPath}/issues/comments/{id}`, (req, p) => {
      const c = this.comments.find((x) => x.id === Number(p.id));
      if (!c) return { status: 404, body: { message: 'Not Found' } };
      c.body = (req.json as { body: string }).body;
      c.updated_at = this.clock;
      return { status: 200, body: c };
    });
    this.on('DELETE', `${repoPath}/issues/comments/{id}`, (_req, p) => {
      const i = this.comments.findIndex((x) => x.id === Number(p.id));
      if (i >= 0) this.comments.splice(i, 1);
      return { status: 204 };
    });
    this.on('POST', `${repoPath}/issues/{n}/labels`, (_req, p) => ({
      status: 200,
      body: this.issues.find((i) => i.number === Number(p.n))?.labels ?? [],
    }));

    // Statuses
    this.on('POST', `${repoPath}/statuses/{sha}`, (req, p) => {
      const j = req.json as { state: string; context: string; description: string; target_url?: string };
      this.statuses.push({ sha: p.sha!, ...j });
      return { status: 201, body: { id: this.nextId++, ...j } };
    });

    // The latest status of each context on a commit (GitHub's combined status).
    this.on('GET', `${repoPath}/commits/{ref}/status`, (_req, p) => {
      const latest = new Map<string, (typeof this.statuses)[number]>();
      for (const st of this.statuses) if (st.sha === p.ref) latest.set(st.context, st);
      const statuses = [...latest.values()].map((st) => ({ ...st, target_url: st.target_url ?? null }));
      const state = statuses.some((st) => st.state === 'failure' || st.state === 'error')
        ? 'failure'
        : statuses.every((st) => st.state === 'success') && statuses.length
          ? 'success'
          : 'pending';
      return { status: 200, body: { sha: p.ref, state, statuses } };
    });

    // Releases and assets
    this.on('GET', `${repoPath}/releases/tags/{tag}`, (_req, p) => {
      const r = this.releases.find((x) => x.tag_name === p.tag);
      return r ? { status: 200, body: this.releaseJson(r) } : { status: 404, body: { message: 'Not Found' } };
    });
    this.on('GET', `${repoPath}/releases`, (req) => ({
      status: 200,
      body: this.releases.map((r) => this.releaseJson(r)).slice(0, Number(req.query.get('per_page') ?? 30)),
    }));
    this.on('GET', `${repoPath}/releases/{id}`, (_req, p) => {
      const r = this.releases.find((x) => x.id === Number(p.id));
      return r ? { status: 200, body: this.releaseJson(r) } : { status: 404, body: { message: 'Not Found' } };
    });
    this.on('PATCH', `${repoPath}/releases/{id}`, (req, p) => {
      const r = this.releases.find((x) => x.id === Number(p.id));
      if (!r) return { status: 404, body: { message: 'Not Found' } };
      Object.assign(r, req.json as object);
      return { status: 200, body: this.releaseJson(r) };
    });
    this.on('GET', `${repoPath}/releases/{id}/assets`, (_req, p) => ({
      status: 200,
      body: (this.releases.find((x) => x.id === Number(p.id))?.assets ?? []).map((a) => this.assetJson(a)),
    }));
    this.on('DELETE', `${repoPath}/releases/assets/{id}`, (_req, p) => {
      for (const r of this.releases) r.assets = r.assets.filter((a) => a.id !== Number(p.id));
      return { status: 204 };
    });
    this.on('GET', `${repoPath}/releases/assets/{id}`, (_req, p) => {
      const a = this.releases.flatMap((r) => r.assets).find((x) => x.id === Number(p.id));
      return a
        ? { status: 200, body: a.data, headers: { 'content-type': 'application/octet-stream' } }
        : { status: 404, body: { message: 'Not Found' } };
    });
    this.on('POST', `/uploads${repoPath}/releases/{id}/assets`, (req, p) => {
      const r = this.releases.find((x) => x.id === Number(p.id));
      const name = req.query.get('name') ?? '';
      if (!r) return { status: 404, body: { message: 'Not Found' } };
      if (r.assets.some((a) => a.name === name))
        return { status: 422, body: { message: 'Validation Failed', errors: [{ code: 'already_exists', field: 'name' }] } };
      const a: MockAsset = {
        id: this.nextId++,
        name,
        size: req.body.length,
        content_type: 'application/octet-stream',
        data: req.body,
        uploader: { login: this.botLogin, type: 'Bot' },
        created_at: this.clock,
      };
      r.assets.push(a);
      return { status: 201, body: this.assetJson(a) };
    });

    // Git data from the local repository
    this.on('GET', `${repoPath}/commits/{ref}`, (req, p) => {
      try {
        const sha = this.git(['rev-parse', `${p.ref}^{commit}`])
          .toString()
          .trim();
        // GitHub lists a commit's files against its first parent, at most 300 a page.
        const per = Number(req.query.get('per_page') ?? 300);
        const page = Number(req.query.get('page') ?? 1);
        return { status: 200, body: { ...this.commitJson(sha), files: this.commitFiles(sha).slice((page - 1) * per, page * per) } };
      } catch {
        return { status: 404, body: { message: 'No commit found' } };
      }
    });
    this.on('GET', `${repoPath}/commits`, (req) => {
      try {
        const shas = this.git(['rev-list', req.query.get('sha') ?? 'HEAD'])
          .toString()
          .split('\n')
          .filter(Boolean);
        const per = Number(req.query.get('per_page') ?? 30);
        const page = Number(req.query.get('page') ?? 1);
        return { status: 200, body: shas.slice((page - 1) * per, page * per).map((sha) => this.commitJson(sha)) };
      } catch {
        return { status: 404, body: { message: 'Not Found' } };
      }
    });
    this.on('GET', `${repoPath}/compare/{basehead}`, (req, p) => {
      const [base, head] = p.basehead!.split('...');
      try {
        const shas = this.git(['rev-list', '--reverse', `${base}..${head}`])
          .toString()
          .split('\n')
          .filter(Boolean);
        const per = Number(req.query.get('per_page') ?? 250);
        const page = Number(req.query.get('page') ?? 1);
        const commits = shas.slice((page - 1) * per, page * per).map((sha) => this.commitJson(sha));
        return { status: 200, body: { status: 'ahead', total_commits: shas.length, commits, files: [] } };
      } catch {
        return { status: 404, body: { message: 'Not Found' } };
      }
    });
    // Tags as refs (lightweight: the commit; annotated: a tag object to peel).
    const tagRef = (tag: string) => {
      try {
        const sha = this.git(['rev-parse', `refs/tags/${tag}`])
          .toString()
          .trim();
        const type = this.git(['cat-file', '-t', sha]).toString().trim();
        return { status: 200, body: { ref: `refs/tags/${tag}`, object: { type, sha } } };
      } catch {
        return { status: 404, body: { message: 'Not Found' } };
      }
    };
    this.on('GET', `${repoPath}/git/ref/{ref}`, (_req, p) => (p.ref!.startsWith('tags/') ? tagRef(p.ref!.slice(5)) : undefined));
    this.on('GET', `${repoPath}/git/ref/tags/{tag}`, (_req, p) => tagRef(p.tag!));
    this.on('GET', `${repoPath}/git/tags/{sha}`, (_req, p) => {
      try {
        const text = this.git(['cat-file', 'tag', p.sha!]).toString();
        const object = /^object (\w+)$/m.exec(text)![1];
        const type = /^type (\w+)$/m.exec(text)![1];
        return { status: 200, body: { sha: p.sha, object: { type, sha: object } } };
      } catch {
        return { status: 404, body: { message: 'Not Found' } };
      }
    });
    this.on('GET', `${repoPath}/git/trees/{sha}`, (req, p) => {
      const recursive = req.query.get('recursive');
      const out = this.git(['ls-tree', '-z', '--long', ...(recursive ? ['-r', '-t'] : []), p.sha!]).toString();
      const tree = out
        .split('\0')
        .filter(Boolean)
        .map((rec) => {
          const tab = rec.indexOf('\t');
          const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
          return { path: rec.slice(tab + 1), mode, type, sha, ...(type === 'blob' ? { size: Number(size) } : {}) };
        });
      return { status: 200, body: { sha: p.sha, tree, truncated: false } };
    });
    this.on('GET', `${repoPath}/git/blobs/{sha}`, (_req, p) => {
      const data = this.git(['cat-file', 'blob', p.sha!]);
      return { status: 200, body: { sha: p.sha, size: data.length, encoding: 'base64', content: data.toString('base64') } };
    });
  }

  /** A commit as GitHub's commit and compare endpoints describe it (without files). */
  commitJson(sha: string): object {
    const [authorName, authorEmail, authorDate, committerName, committerEmail, committerDate, parents] = this.git([
      'log',
      '-1',
      '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%P',
      sha,
    ])
      .toString()
      .trim()
      .split('\0');
    return {
      sha,
      commit: {
        tree: {
          sha: this.git(['rev-parse', `${sha}^{tree}`])
            .toString()
            .trim(),
        },
        message: this.git(['log', '-1', '--format=%B', sha]).toString(),
        author: { name: authorName, email: authorEmail, date: authorDate },
        committer: { name: committerName, email: committerEmail, date: committerDate },
      },
      parents: (parents ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((p) => ({ sha: p })),
    };
  }

  /** The files a commit changed against its first parent (all of them for a root commit), as GitHub lists them. */
  commitFiles(sha: string): { filename: string; status: string; previous_filename?: string }[] {
    const parent = this.git(['log', '-1', '--format=%P', sha]).toString().trim().split(/\s+/).filter(Boolean)[0];
    const args = parent
      ? ['diff', '--name-status', '-z', '-M', parent, sha]
      : ['diff-tree', '-r', '--root', '--no-commit-id', '--name-status', '-z', '-M', sha];
    const parts = this.git(args).toString().split('\0');
    const out: { filename: string; status: string; previous_filename?: string }[] = [];
    const names: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied' };
    for (let i = 0; i < parts.length;) {
      const code = parts[i++];
      if (!code) continue;
      const status = names[code[0]!] ?? 'changed';
      if (code[0] === 'R' || code[0] === 'C') {
        const previous = parts[i++]!;
        out.push({ filename: parts[i++]!, status, previous_filename: previous });
      } else out.push({ filename: parts[i++]!, status });
    }
    return out;
  }

  addRelease(tag: string, name = tag): MockRelease {
    const id = this.nextId++;
    const r: MockRelease = {
      id,
      tag_name: tag,
      name,
      body: `Release ${tag}`,
      draft: false,
      prerelease: false,
      upload_url: `${this.uploadsUrl || `${this.baseUrl}/uploads`}/repos/${this.owner}/${this.repo}/releases/${id}/assets{?name,label}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/releases/tag/${tag}`,
      assets: [],
      published_at: '2026-11-23T09:00:00Z',
    };
    this.releases.push(r);
    return r;
  }

  releaseJson(r: MockRelease): object {
    return { ...r, assets: r.assets.map((a) => this.assetJson(a)) };
  }

  assetJson(a: MockAsset): object {
    return {
      id: a.id,
      name: a.name,
      size: a.size,
      content_type: a.content_type,
      uploader: a.uploader ?? { login: this.botLogin, type: 'Bot' },
      created_at: a.created_at ?? this.clock,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/releases/assets/${a.id}`,
    };
  }

  /** A comment written by a person (as a webhook would describe it). */
  addUserComment(issueNumber: number, login: string, body: string, createdAt = '2026-11-23T11:00:00Z'): MockComment {
    const c: MockComment = {
      id: this.nextId++,
      issue_number: issueNumber,
      body,
      user: { login, type: 'User' },
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.comments.push(c);
    return c;
  }

  addUserIssue(login: string, title: string, body: string, labels: string[]): MockIssue {
    const number = this.nextNumber++;
    const issue: MockIssue = {
      number,
      title,
      body,
      state: 'open',
      labels: labels.map((name) => ({ name })),
      assignees: [],
      user: { login, type: 'User' },
      created_at: '2026-11-20T08:30:00Z',
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${number}`,
    };
    this.issues.push(issue);
    return issue;
  }
}
