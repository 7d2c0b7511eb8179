/**
 * Blob contents by SHA, batched: one GraphQL query (POST /graphql) reads up to 100 blobs, so a
 * safety folder of a few hundred files costs a handful of requests instead of one each. A blob
 * GraphQL cannot give byte for byte — binary, truncated, or text that is not valid UTF-8 (GraphQL
 * would replace the bad bytes, hiding the encoding error `clinsafe validate` reports) — is read
 * through GET /repos/{owner}/{repo}/git/blobs/{file_sha} instead, as is every blob when the API
 * has no GraphQL endpoint at the client's base URL.
 */
import type { GitHubClient, RepoRef } from '../client.js';

/** Blobs per GraphQL query. */
export const BLOBS_PER_QUERY = 100;

export interface BlobNode {
  text?: string | null;
  isBinary?: boolean | null;
  isTruncated?: boolean | null;
}

export async function getBlobRest(client: GitHubClient, repo: RepoRef, sha: string): Promise<Buffer> {
  const blob = (await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: sha })).data as {
    content: string;
    encoding: string;
  };
  return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
}

/** `bN: object(oid: "…")` fields for a query, one per blob SHA (checked to be 40 hex digits). */
export function blobFields(shas: string[]): string {
  for (const sha of shas) if (!/^[0-9a-f]{40}$/i.test(sha)) throw new Error(`not a blob SHA: ${sha.slice(0, 50)}`);
  return shas.map((sha, i) => `b${i}: object(oid: "${sha}") { ... on Blob { text isBinary isTruncated } }`).join(' ');
}

/** The bytes GraphQL gave for a blob, when they are the blob byte for byte; undefined → read it through REST. */
export function blobBytes(n: BlobNode | null | undefined): Buffer | undefined {
  const text = n?.text;
  return typeof text === 'string' && !n?.isBinary && !n?.isTruncated && !text.includes('\uFFFD') ? Buffer.from(text, 'utf8') : undefined;
}

async function queryBatch(client: GitHubClient, repo: RepoRef, shas: string[]): Promise<(BlobNode | null)[]> {
  const fields = blobFields(shas);
  const query = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`;
  const res = (await client.request('POST /graphql', { query, variables: { owner: repo.owner, name: repo.repo } })).data as {
    data?: { repository?: Record<string, BlobNode | null> | null };
    errors?: { message?: string }[];
  };
  if (res.errors?.length || !res.data?.repository)
    throw Object.assign(new Error(`GitHub's GraphQL API answered: ${res.errors?.[0]?.message ?? 'no repository'}`), { status: 502 });
  const repository = res.data.repository;
  return shas.map((_, i) => repository[`b${i}`] ?? null);
}

/** The bytes of every blob in `shas` (each fetched once). */
export async function getBlobs(client: GitHubClient, repo: RepoRef, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const fallback: string[] = [];
  for (let i = 0; i < shas.length; i += BLOBS_PER_QUERY) {
    const batch = shas.slice(i, i + BLOBS_PER_QUERY);
    let nodes: (BlobNode | null)[];
    try {
      nodes = await queryBatch(client, repo, batch);
    } catch (e) {
      // No GraphQL endpoint at this base URL (GitHub Enterprise Server serves it at /api/graphql, not
      // /api/v3/graphql): read these blobs through REST instead. Any other failure is a failure.
      if ((e as { status?: number }).status !== 404) throw e;
      nodes = batch.map(() => null);
    }
    batch.forEach((sha, k) => {
      const bytes = blobBytes(nodes[k]);
      if (bytes) out.set(sha, bytes);
      else fallback.push(sha);
    });
  }
  await getBlobsRest(client, repo, fallback, out);
  return out;
}

/** Blobs through REST, a few at a time, into `out`. */
export async function getBlobsRest(client: GitHubClient, repo: RepoRef, shas: string[], out: Map<string, Buffer>): Promise<void> {
  for (let i = 0; i < shas.length; i += 8) {
    await Promise.all(shas.slice(i, i + 8).map(async (sha) => out.set(sha, await getBlobRest(client, repo, sha))));
  }
}
