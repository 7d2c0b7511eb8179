/**
 * What every handler of the App shares: its dependencies, the bot's login and the safety folder.
 * A file of its own so the handlers (pulls.ts, release.ts) and the entry (index.ts) import it
 * without importing each other.
 */
import type { Context, Probot } from 'probot';
import type { LoadResult } from '../core/folder.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import type { DocumentPorts, GatePorts } from './ports.js';

export interface AppDeps {
  /** Read and validate the safety folder at a ref through the API. */
  readFolder(octokit: GitHubClient, repo: RepoRef, ref: string, dir: string): Promise<LoadResult>;
  /** The current time (injectable for tests). */
  now(): Date;
  safetyDir?: string;
  /** The shared gate (same code as the Action): app-mode gate, after-merge reviews, change record. */
  gate?: GatePorts;
  /** The shared document builder (same code as `clinsafe report`). */
  docs?: DocumentPorts;
  /** How the app reports the gate on pull requests (CLINSAFE_APP_GATE). */
  gateMode?: 'status' | 'check-run' | 'off';
}

export interface AppContext {
  deps: AppDeps;
  botLogin(app: Probot): Promise<string>;
  dir: string;
}

/** The app's own login (`<slug>[bot]`), asked of GitHub once per process. */
export function makeBotLogin(): (app: Probot) => Promise<string> {
  let cached: Promise<string> | undefined;
  return (app) => {
    cached ??= (async () => {
      const octokit = await app.auth();
      const { data } = await octokit.request('GET /app');
      return `${(data as { slug: string }).slug}[bot]`;
    })();
    cached.catch(() => (cached = undefined));
    return cached;
  };
}

export function repoOf(context: Context): RepoRef {
  const r = (context.payload as { repository: { owner: { login: string }; name: string } }).repository;
  return { owner: r.owner.login, repo: r.name };
}
