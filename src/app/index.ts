/**
 * The clinsafe GitHub App (Probot). Handlers are thin: they gather facts through the API, call the
 * same pure decisions as the Action and the CLI, and write idempotently (markers, looked up first).
 * Nothing is held in memory between deliveries.
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import { makeBotLogin, repoOf, type AppContext, type AppDeps } from './context.js';
import { periodicReviewDue } from '../core/review-due.js';
import { DEFAULT_SAFETY_DIR } from '../core/folder.js';
import { candidateHazards, incidentGuidance, incidentReviewIssue, periodicReviewIssue } from './incident-review-text.js';
import type { GitHubClient } from '../github/client.js';
import { ensureComment, ensureIssue } from '../github/idempotent-writes.js';
import { registerPulls } from './pulls.js';
import { registerReleases } from './release.js';
import { registerWorkflowRuns } from './workflow-runs.js';

export type { AppContext, AppDeps } from './context.js';

export function clinsafeApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    const ctx: AppContext = { deps, botLogin: makeBotLogin(), dir: deps.safetyDir ?? DEFAULT_SAFETY_DIR };
    const octo = (context: Context) => context.octokit as unknown as GitHubClient;

    // Incidents: an issue labelled as a clinical incident gets guidance, and a CSO review issue when one is needed.
    app.on(['issues.opened', 'issues.labeled'], async (context) => {
      const payload = context.payload as {
        action: string;
        label?: { name: string };
        issue: {
          number: number;
          title: string;
          body: string | null;
          user: { login: string; type: string };
          created_at: string;
          labels: { name: string }[];
          html_url: string;
          pull_request?: unknown;
        };
        repository: { default_branch: string };
      };
      const issue = payload.issue;
      if (issue.pull_request || issue.user.type === 'Bot') return;
      const repo = repoOf(context);
      const loaded = await deps.readFolder(octo(context), repo, payload.repository.default_branch, ctx.dir);
      const label = loaded.folder?.config.app.incidentLabel ?? 'clinical-incident';
      const labels = issue.labels.map((l) => l.name);
      if (payload.action === 'labeled' ? payload.label?.name !== label : !labels.includes(label)) return;
      const bot = await ctx.botLogin(app);
      const folder = loaded.valid ? loaded.folder : undefined;
      const incident = {
        number: issue.number,
        title: issue.title,
        body: issue.body ?? '',
        user: issue.user.login,
        createdAt: issue.created_at,
        labels,
      };
      const problem = folder
        ? undefined
        : `the safety folder on ${payload.repository.default_branch} is not valid (run clinsafe validate), so hazards could not be suggested.`;
      await ensureComment(
        octo(context),
        repo,
        bot,
        issue.number,
        'incident-guidance',
        `issue-${issue.number}`,
        incidentGuidance(folder, incident, problem),
      );
      if (!folder) return;
      const candidates = candidateHazards(folder, incident);
      const needsReview = candidates.length === 0 || candidates.some((c) => c.hazard.residual.risk >= folder.scheme.justifyFrom);
      if (!needsReview) return;
      const review = incidentReviewIssue(folder, { number: issue.number, title: issue.title, url: issue.html_url }, candidates);
      await ensureIssue(
        octo(context),
        repo,
        bot,
        'incident-review',
        String(issue.number),
        { ...review, assignees: folder.config.cso.map((c) => c.github) },
        folder.config.app.reviewLabel,
      );
    });

    // Periodic review: a scheduled workflow sends a repository_dispatch (see docs/app.md); the issue opens once per due date.
    app.on('repository_dispatch', async (context) => {
      const payload = context.payload as { action: string; branch?: string; repository: { default_branch: string } };
      if (payload.action !== 'clinsafe-periodic-review') return;
      const repo = repoOf(context);
      const loaded = await deps.readFolder(octo(context), repo, payload.repository.default_branch, ctx.dir);
      if (!loaded.folder) return;
      const today = deps.now().toISOString().slice(0, 10);
      const due = periodicReviewDue(loaded.folder.config, today);
      if (!due.due) return;
      const bot = await ctx.botLogin(app);
      const issue = periodicReviewIssue(loaded.folder, due);
      await ensureIssue(
        octo(context),
        repo,
        bot,
        'periodic-review',
        due.key,
        { ...issue, assignees: loaded.folder.config.cso.map((c) => c.github) },
        loaded.folder.config.app.reviewLabel,
      );
    });

    if (deps.gate) registerPulls(app, ctx, deps.gate, deps.gateMode ?? 'status');
    if (deps.gate) registerWorkflowRuns(app, ctx, deps.gate, deps.gateMode ?? 'status');
    if (deps.gate && deps.docs) registerReleases(app, ctx, { gate: deps.gate, docs: deps.docs });
  };
}
