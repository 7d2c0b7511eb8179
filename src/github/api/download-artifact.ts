/** GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip — an artifact's zip (GitHub redirects to storage). */
import type { GitHubClient, RepoRef } from '../client.js';

/** The zip's bytes; refused when larger than `maxBytes` (checked again after the download, whatever was declared). */
export async function downloadArtifactZip(client: GitHubClient, repo: RepoRef, artifactId: number, maxBytes: number): Promise<Buffer> {
  const res = await client.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
    ...repo,
    artifact_id: artifactId,
    archive_format: 'zip',
  });
  const data = res.data as ArrayBuffer | Buffer | string;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'binary') : Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (bytes.length > maxBytes)
    throw new Error(`artifact ${artifactId} is ${bytes.length} bytes, more than the ${maxBytes} clinsafe downloads`);
  return bytes;
}
