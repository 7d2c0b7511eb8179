/**
 * GitHub Actions routes for the loopback GitHub (test/helpers/mock-github.ts): workflow runs by
 * head SHA, a run's artifacts by name, and the artifact zip download — answered as GitHub does,
 * with a 302 to blob storage (here: the same loopback server) serving a real zip.
 */
import JSZip from 'jszip';
import type { MockGitHub } from './mock-github.js';

export interface MockRun {
  id: number;
  head_sha: string;
  event?: string;
  status?: string;
  created_at?: string;
  artifacts: MockArtifact[];
}

export interface MockArtifact {
  id: number;
  name: string;
  zip: Buffer;
  expired?: boolean;
  /** What the API declares (default: the zip's real size). */
  declaredSize?: number;
  created_at?: string;
}

export async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const served = new WeakMap<MockGitHub, MockRun[]>();

/** The workflow runs a test serves (none unless it called mockActions): the GraphQL mock's check suites come from them. */
export function runsOf(gh: MockGitHub): MockRun[] {
  return served.get(gh) ?? [];
}

export function mockActions(gh: MockGitHub, runs: MockRun[]): void {
  served.set(gh, runs);
  const repoPath = `/repos/${gh.owner}/${gh.repo}`;
  const runJson = (r: MockRun) => ({
    id: r.id,
    head_sha: r.head_sha,
    event: r.event ?? 'push',
    status: r.status ?? 'completed',
    conclusion: 'success',
    created_at: r.created_at ?? '2026-11-29T10:00:00Z',
    html_url: `https://github.com/${gh.owner}/${gh.repo}/actions/runs/${r.id}`,
  });
  const artifactJson = (r: MockRun, a: MockArtifact) => ({
    id: a.id,
    name: a.name,
    size_in_bytes: a.declaredSize ?? a.zip.length,
    expired: a.expired ?? false,
    created_at: a.created_at ?? '2026-11-29T10:05:00Z',
    workflow_run: { id: r.id, head_sha: r.head_sha },
  });
  gh.on('GET', `${repoPath}/actions/runs`, (req) => {
    const sha = req.query.get('head_sha');
    const list = runs.filter((r) => !sha || r.head_sha === sha).map(runJson);
    return { status: 200, body: { total_count: list.length, workflow_runs: list } };
  });
  gh.on('GET', `${repoPath}/actions/runs/{run_id}/artifacts`, (req, p) => {
    const run = runs.find((r) => r.id === Number(p.run_id));
    if (!run) return { status: 404, body: { message: 'Not Found' } };
    const name = req.query.get('name');
    const list = run.artifacts.filter((a) => !name || a.name === name).map((a) => artifactJson(run, a));
    return { status: 200, body: { total_count: list.length, artifacts: list } };
  });
  // The repository's artifacts by name (newest first), as the gate looks up a head commit's record.
  gh.on('GET', `${repoPath}/actions/artifacts`, (req) => {
    const name = req.query.get('name');
    const per = Number(req.query.get('per_page') ?? 30);
    const list = runs
      .flatMap((r) => r.artifacts.filter((a) => !name || a.name === name).map((a) => artifactJson(r, a)))
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, per);
    return { status: 200, body: { total_count: list.length, artifacts: list } };
  });
  gh.on('GET', `${repoPath}/actions/artifacts/{id}/zip`, (_req, p) => {
    const found = runs.flatMap((r) => r.artifacts).find((a) => a.id === Number(p.id));
    if (!found) return { status: 404, body: { message: 'Not Found' } };
    if (found.expired) return { status: 410, body: { message: 'Artifact has expired' } };
    return { status: 302, headers: { location: `${gh.baseUrl}/blob-storage/artifact-${found.id}.zip` } };
  });
  gh.on('GET', '/blob-storage/{file}', (_req, p) => {
    const id = Number(/^artifact-(\d+)\.zip$/.exec(p.file ?? '')?.[1]);
    const found = runs.flatMap((r) => r.artifacts).find((a) => a.id === id);
    return found
      ? { status: 200, body: found.zip, headers: { 'content-type': 'application/zip' } }
      : { status: 404, body: { message: 'gone' } };
  });
}
