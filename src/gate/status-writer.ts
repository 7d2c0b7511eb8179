/**
 * The gate's status (or check run) on ONE commit: the head SHA of the event being handled. It is
 * marked pending before anything is read; every context marked pending is later either decided
 * or set to failure — a context this run marked never goes back to an earlier success by itself.
 * Writes that would change nothing are skipped: the commit's statuses are read first (with the
 * run's first query, or on their own on the REST path; they decide nothing else), and a context
 * already pending or failed is not marked again — one that shows success, or that could not be
 * read, always is; a decision identical to
 * what the commit shows in a read made after every other read of the run is not written again.
 */
import { createCheckRun, updateCheckRun } from '../github/api/create-check-run.js';
import { explainApiError } from '../github/api/errors.js';
import { getCommitStatuses, type CommitStatuses } from '../github/api/get-commit-statuses.js';
import { clipDescription, isHttpUrl, setCommitStatus, type StatusReport } from '../github/api/set-commit-status.js';
import type { GitHubClient, RepoRef } from '../github/client.js';

export const EVALUATING = 'clinsafe is evaluating…';

export class StatusWriter {
  /** Contexts this run marked pending (and must therefore decide or fail). */
  readonly marked = new Set<string>();
  private checkRuns = new Map<string, number>();
  /** The commit's statuses before this run wrote anything (status mode; undefined when not read). */
  private before?: CommitStatuses;
  /** Writes this run skipped because the commit already showed them. */
  skipped = 0;

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoRef,
    private readonly mode: 'status' | 'check-run',
    readonly sha: string,
    private readonly targetUrl?: string,
  ) {}

  private withUrl(s: StatusReport): StatusReport {
    return { ...s, ...(s.targetUrl === undefined && this.targetUrl ? { targetUrl: this.targetUrl } : {}) };
  }

  /** Contexts this run has written on (their decision is always written). */
  private readonly wrote = new Set<string>();

  private async write(s: StatusReport, summary: string): Promise<void> {
    this.wrote.add(s.context);
    const withUrl = this.withUrl(s);
    if (this.mode === 'status') return setCommitStatus(this.client, this.repo, this.sha, withUrl);
    const id = this.checkRuns.get(s.context);
    if (id) return updateCheckRun(this.client, this.repo, id, withUrl, summary);
    this.checkRuns.set(s.context, await createCheckRun(this.client, this.repo, this.sha, withUrl, summary));
  }

  /** Read the commit's statuses (status mode). A failed read is no reason to stop: every context is then marked. */
  async readCurrent(): Promise<void> {
    if (this.mode !== 'status') return;
    try {
      this.before = await getCommitStatuses(this.client, this.repo, this.sha);
    } catch {
      this.before = undefined;
    }
  }

  /** The commit's statuses as the run's first query read them (undefined: they could not be read). Status mode only. */
  seen(statuses: CommitStatuses | undefined): void {
    if (this.mode !== 'status') return;
    if (statuses) this.before = statuses;
    else delete this.before;
  }

  /**
   * Whether `pending(context)` would write: the commit does not already show that context pending
   * or failed (it shows success, nothing, or its statuses could not be read), or this is a check run.
   */
  mustMark(context: string): boolean {
    if (this.marked.has(context)) return false;
    const now = this.before?.get(context)?.state;
    return !(now === 'pending' || now === 'failure' || now === 'error');
  }

  /**
   * Mark `context` pending ("clinsafe is evaluating…") unless the commit already shows it pending
   * or failed (nothing this run leaves behind can then be an earlier success); throws a
   * GateApiError when GitHub refuses.
   */
  async pending(context: string, description = EVALUATING): Promise<void> {
    if (this.marked.has(context) && description === EVALUATING) return;
    if (description === EVALUATING && !this.mustMark(context)) {
      this.marked.add(context);
      this.skipped++;
      return;
    }
    await this.write({ state: 'pending', description, context }, description);
    this.marked.add(context);
  }

  /**
   * The decision on `status.context`; not written when this run wrote nothing on that context and
   * `shown` — the commit's statuses in this run's last read — already has exactly it. Throws a
   * GateApiError when it cannot be written.
   */
  async decide(status: StatusReport, summary: string, shown?: CommitStatuses): Promise<void> {
    if (this.mode === 'status' && shown && !this.wrote.has(status.context) && sameStatus(shown.get(status.context), this.withUrl(status))) {
      this.marked.add(status.context);
      this.skipped++;
      return;
    }
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

function sameStatus(shown: { state: string; description: string; targetUrl?: string } | undefined, s: StatusReport): boolean {
  return (
    shown !== undefined &&
    shown.state === s.state &&
    shown.description === clipDescription(s.description) &&
    (shown.targetUrl ?? '') === (isHttpUrl(s.targetUrl) ? s.targetUrl : '')
  );
}
