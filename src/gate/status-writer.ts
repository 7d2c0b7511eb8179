/**
 * The gate's status (or check run) on ONE commit: the head SHA of the event being handled. It is
 * marked pending before anything is read; every context marked pending is later either decided
 * or set to failure — a context this run marked never goes back to an earlier success by itself.
 */
import { createCheckRun, updateCheckRun } from '../github/api/create-check-run.js';
import { explainApiError } from '../github/api/errors.js';
import { setCommitStatus, type StatusReport } from '../github/api/set-commit-status.js';
import type { GitHubClient, RepoRef } from '../github/client.js';

export const EVALUATING = 'clinsafe is evaluating…';

export class StatusWriter {
  /** Contexts this run marked pending (and must therefore decide or fail). */
  readonly marked = new Set<string>();
  private checkRuns = new Map<string, number>();

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoRef,
    private readonly mode: 'status' | 'check-run',
    readonly sha: string,
    private readonly targetUrl?: string,
  ) {}

  private async write(s: StatusReport, summary: string): Promise<void> {
    const withUrl = { ...s, ...(s.targetUrl === undefined && this.targetUrl ? { targetUrl: this.targetUrl } : {}) };
    if (this.mode === 'status') return setCommitStatus(this.client, this.repo, this.sha, withUrl);
    const id = this.checkRuns.get(s.context);
    if (id) return updateCheckRun(this.client, this.repo, id, withUrl, summary);
    this.checkRuns.set(s.context, await createCheckRun(this.client, this.repo, this.sha, withUrl, summary));
  }

  /** Mark `context` pending ("clinsafe is evaluating…"); throws a GateApiError when GitHub refuses. */
  async pending(context: string, description = EVALUATING): Promise<void> {
    if (this.marked.has(context) && description === EVALUATING) return;
    await this.write({ state: 'pending', description, context }, description);
    this.marked.add(context);
  }

  /** The decision on `status.context`. Throws a GateApiError when it cannot be written. */
  async decide(status: StatusReport, summary: string): Promise<void> {
    await this.write(status, summary);
    this.marked.add(status.context);
  }

  /**
   * Failure on every context this run marked (and `extra`): best effort, each write tried on its
   * own. Returns the problems met writing it.
   */
  async failAll(problem: string, extra?: string): Promise<string[]> {
    const problems: string[] = [];
    for (const context of new Set([...this.marked, ...(extra ? [extra] : [])])) {
      try {
        await this.write({ state: 'failure', description: problem, context }, problem);
      } catch (e) {
        problems.push(explainApiError(e, 'setting the commit status'));
      }
    }
    return problems;
  }
}
