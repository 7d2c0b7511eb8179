/**
 * Releases and CSO sign-off. On `release.published` the documents are built at the tag's commit
 * (resolved through the API; the previous release is the base of the change record) and attached,
 * a "Release sign-off" issue is opened and linked to the release by an asset only the app uploads.
 * A roster CSO at that commit comments `/clinsafe sign-off` or `/clinsafe reject <reason>` there.
 *
 * Stateless: the decision is re-derived from the CSOs' own comments on every delivery (never read
 * back from the bot's comments), every write is looked up first, byte-identical documents are not
 * uploaded again, and a handler that fails part-way says so on the issue. See release-sign-off.ts
 * and docs/security.md ("Release sign-off") for why no edited text can forge or move a decision.
 */
import type { Context, Probot } from 'probot';
import type { Diagnostic } from '../core/diagnostics.js';
import type { HistoryPort } from '../core/ports/history.js';
import { sameDecision, type Decision, type Outcome } from '../core/sign-off-decision.js';
import { maySignOff, parseCommand } from '../core/sign-off-command.js';
import { TemplateError } from '../docs/types.js';
import type { GitHubClient } from '../github/client.js';
import { ensureComment } from '../github/idempotent-writes.js';
import { downloadAsset, setReleaseNotes, type ReleaseLike } from '../github/releases.js';
import { readLinks, resolveTag } from '../github/sign-off-link.js';
import type { ReleaseFolder } from '../usecases/build-release.js';
import type { AppContext } from './context.js';
import { refusalComment, rejectionComment, releaseNotesSection, releaseSignOffIssue, signOffComment } from './release-review-text.js';
import {
  buildAndAttach,
  currentDecision,
  withEvidence,
  describeFailure,
  historyFor,
  issueUrl,
  linkedCommit,
  notesFor,
  openAndLink,
  releaseFolder,
  releaseOfIssue,
  signOffIssueText,
  type AttachedRelease,
  type Linked,
  type ReleasePorts,
  type Scope,
} from './release-sign-off.js';

export type { ReleasePorts } from './release-sign-off.js';

async function scopeOf(app: Probot, ctx: AppContext, ports: ReleasePorts, context: Context): Promise<Scope> {
  const r = (context.payload as { repository: { owner: { login: string }; name: string } }).repository;
  return {
    app,
    ports,
    client: context.octokit as unknown as GitHubClient,
    repo: { owner: r.owner.login, repo: r.name },
    bot: await ctx.botLogin(app),
    dir: ctx.dir,
  };
}

/** The reply to one command comment, saying what became of it. */
function replyFor(release: ReleaseLike, sha: string, built: AttachedRelease, login: string, o: Outcome): string {
  if (o.kind === 'refused' || o.kind === 'ignored') return refusalComment(login, o.reason);
  if (o.kind === 'rejected')
    return rejectionComment({ tag: release.tag_name, sha, by: o.signOff.by, reason: o.signOff.reason, at: o.signOff.at });
  const pick = (prefix: string) =>
    built.artefacts.filter((a) => a.name.startsWith(prefix)).map((a) => ({ name: a.name, sha256: a.sha256 }));
  const memo = pick('cso-release-memo').find((a) => a.name.endsWith('.md')) ?? pick('cso-release-memo')[0];
  return signOffComment({ tag: release.tag_name, sha, ...o.signOff, cscr: pick('cscr.'), ...(memo ? { memo } : {}) });
}

/**
 * Bring the release in line with the decision the comments record, and answer every command.
 * Repeated (a few times at most) until a fresh read of the comments and of the attached manifest
 * agrees with what was written, so concurrent instances end consistent with the final decision.
 */
async function settle(s: Scope, history: HistoryPort, linked: Linked, at: ReleaseFolder): Promise<Decision> {
  const { release, link } = linked;
  for (let round = 1; ; round++) {
    const decision = await currentDecision(s, linked, at);
    const built = await buildAndAttach(s, history, release, at, decision.current?.signOff);
    await setReleaseNotes(s.client, s.repo, release.id, notesFor(decision.current?.signOff, issueUrl(release, link.issue)));
    for (const { comment, outcome } of decision.outcomes) {
      const done = outcome.kind === 'approved' || outcome.kind === 'rejected';
      const body = replyFor(release, at.commit.sha, built, comment.login, outcome);
      await ensureComment(s.client, s.repo, s.bot, link.issue, done ? 'signoff-result' : 'refusal', `comment-${comment.id}`, body);
    }
    if (decision.current?.signOff.state === 'approved') {
      const issue = (await s.client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...s.repo, issue_number: link.issue }))
        .data as { state: string };
      if (issue.state !== 'closed')
        await s.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          ...s.repo,
          issue_number: link.issue,
          state: 'closed',
          state_reason: 'completed',
        });
    }
    const again = await currentDecision(s, linked, at);
    if (sameDecision(again.current, decision.current) && built.manifest && (await attachedManifestIs(s, release.id, built.manifest)))
      return decision;
    if (round >= 3) throw new Error('the release kept changing while its documents were being attached (another instance is writing)');
  }
}

async function attachedManifestIs(s: Scope, releaseId: number, bytes: Buffer): Promise<boolean> {
  const assets = (await s.client.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
    ...s.repo,
    release_id: releaseId,
    per_page: 100,
  })) as { id: number; name: string }[];
  const m = assets.find((a) => a.name === 'manifest.json');
  return Boolean(m && (await downloadAsset(s.client, s.repo, m.id)).equals(bytes));
}

/** A release's existing link, verified as the comment handler verifies it; undefined when it has none. */
async function existingLink(s: Scope, release: ReleaseLike): Promise<Linked | { problem: string } | undefined> {
  const links = await readLinks(s.client, s.repo, release.id, s.bot);
  if (links.length === 0) return undefined;
  if (new Set(links.map((l) => l.issue)).size > 1)
    return { problem: `release ${release.tag_name} is linked to more than one issue (${links.map((l) => `#${l.issue}`).join(', ')})` };
  const issue = (await s.client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...s.repo, issue_number: links[0]!.issue }))
    .data as { number: number; created_at: string; user?: { login: string } | null };
  if (issue.user?.login !== s.bot)
    return { problem: `the issue #${issue.number} linked to release ${release.tag_name} was not opened by clinsafe` };
  const linked = await releaseOfIssue(s, issue);
  if ('problem' in linked) return linked;
  return linked.release.id === release.id
    ? linked
    : { problem: `the sign-off issue #${issue.number} belongs to release ${linked.release.tag_name}` };
}

/**
 * `release.published`: build and attach the documents at the tag, open and link the sign-off issue.
 * Also run by the Action's release mode (action/release.ts), with the workflow's token as the bot.
 */
export async function onPublished(s: Scope, payloadRelease: ReleaseLike): Promise<void> {
  const release = (await s.client.request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...s.repo, release_id: payloadRelease.id }))
    .data as ReleaseLike;
  if (release.draft) return;
  const history = historyFor(s);
  const sha = await resolveTag(s.client, s.repo, release.tag_name);
  let at: ReleaseFolder | undefined;
  let problem: string | undefined;
  try {
    at = await withEvidence(s, await releaseFolder(history, sha, s.dir));
  } catch (e) {
    problem = `the safety folder could not be read at ${sha.slice(0, 7)}: ${describeFailure(e)}`;
  }
  const folder = at?.loaded.valid ? at.loaded.folder : undefined;
  const assignees = folder?.config.cso.map((c) => c.github) ?? [];
  const label = at?.loaded.folder?.config.app.reviewLabel ?? 'clinical-safety-review';
  const linked = await existingLink(s, release);

  const failed = async (why: string, diagnostics: Diagnostic[] = []) => {
    const text = releaseSignOffIssue({
      tag: release.tag_name,
      sha,
      releaseUrl: release.html_url,
      problem: why,
      diagnostics,
      delta: [],
      incidentsSince: [],
      changeRecord: [],
      assets: [],
    });
    const n = linked && !('problem' in linked) ? linked.link.issue : await openAndLink(s, release, sha, { ...text, assignees, label });
    await setReleaseNotes(s.client, s.repo, release.id, releaseNotesSection({ kind: 'failed', issueUrl: issueUrl(release, n) }));
  };
  if (linked && 'problem' in linked) throw new Error(linked.problem); // reported on the linked issue
  if (!at || !folder)
    return failed(
      problem ?? `the safety folder at ${sha.slice(0, 7)} is not valid (run clinsafe validate at the tag)`,
      at?.loaded.diagnostics.filter((d) => d.severity === 'error') ?? [],
    );
  try {
    if (linked) {
      const commit = await linkedCommit(s, linked);
      if ('problem' in commit) return failed(commit.problem);
      if (s.signOffs === false) {
        // The Action's release mode never acts on sign-off commands: the documents stay drafts.
        await buildAndAttach(s, history, release, at, undefined);
        await setReleaseNotes(s.client, s.repo, release.id, notesFor(undefined, issueUrl(release, linked.link.issue)));
        return;
      }
      await settle(s, history, linked, at); // re-published: rebuilt with the decision the comments record
      return;
    }
    const built = await buildAndAttach(s, history, release, at, undefined, true); // the issue shows the hazard-log delta
    const n = await openAndLink(s, release, sha, { ...signOffIssueText(release, built, at.evidence), assignees, label });
    await setReleaseNotes(s.client, s.repo, release.id, notesFor(undefined, issueUrl(release, n)));
  } catch (e) {
    // A document that cannot be built (e.g. a broken template override) is reported to the CSOs, never skipped silently.
    if (e instanceof TemplateError) return failed(`a document template in the safety folder is invalid — ${e.message}`);
    throw e;
  }
}

interface CommentPayload {
  issue: { number: number; state: string; created_at: string; user: { login: string; type: string }; pull_request?: unknown };
  comment: { id: number; body: string; user: { login: string; type: string } };
}

async function onComment(s: Scope, payload: CommentPayload): Promise<void> {
  const { issue, comment } = payload;
  const refuse = (reason: string) =>
    ensureComment(s.client, s.repo, s.bot, issue.number, 'refusal', `comment-${comment.id}`, refusalComment(comment.user.login, reason));
  const linked = await releaseOfIssue(s, issue);
  if ('problem' in linked) return void (await refuse(linked.problem));
  const commit = await linkedCommit(s, linked);
  if ('problem' in commit) return void (await refuse(commit.problem));
  const history = historyFor(s);
  const at = await withEvidence(s, await releaseFolder(history, commit.sha, s.dir));
  if (!at.loaded.valid || !at.loaded.folder)
    return void (await refuse(
      'the safety folder at this release is not valid, so its documents cannot be built or signed; fix it and publish the release again',
    ));
  // A command that cannot count whatever else was said (not a CSO at this commit, not a valid command) is answered at once.
  const command = parseCommand(comment.body);
  const may = maySignOff(comment.user.login, comment.user.type, at.loaded.folder.config.cso);
  if (command?.kind === 'invalid') return void (await refuse(command.problem));
  if (!may.allowed) return void (await refuse(may.reason));
  try {
    await settle(s, history, linked, at);
  } catch (e) {
    if (e instanceof TemplateError) return void (await refuse(`the documents cannot be built, so nothing can be signed: ${e.message}`));
    throw e;
  }
}

/** Tell the people on the issue that the work stopped part-way (and log it); never rethrow. */
async function reportFailure(s: Scope, context: Context, issueNumber: number | undefined, key: string, e: unknown): Promise<void> {
  context.log.error({ err: e }, `clinsafe release handler failed: ${describeFailure(e)}`);
  if (issueNumber === undefined) return;
  try {
    await ensureComment(
      s.client,
      s.repo,
      s.bot,
      issueNumber,
      'refusal',
      `failed-${key}`,
      `clinsafe could not finish this: ${describeFailure(e)}. The decision is whatever the CSOs' commands here record; the release notes and the attached documents may not show it yet. They are brought up to date by the next command on this issue or when the release is published again.`,
    );
  } catch (again) {
    context.log.error({ err: again }, 'clinsafe could not report the failure on the issue either');
  }
}

export function registerReleases(app: Probot, ctx: AppContext, ports: ReleasePorts): void {
  app.on('release.published', async (context) => {
    const release = context.payload.release as unknown as ReleaseLike;
    if (release.draft) return;
    const s = await scopeOf(app, ctx, ports, context);
    try {
      await onPublished(s, release);
    } catch (e) {
      const links = await readLinks(s.client, s.repo, release.id, s.bot).catch(() => []);
      await reportFailure(s, context, links[0]?.issue, `release-${release.id}`, e);
    }
  });

  app.on('issue_comment.created', async (context) => {
    const payload = context.payload as unknown as CommentPayload;
    const { issue, comment } = payload;
    if (issue.pull_request || comment.user.type === 'Bot' || issue.user.type !== 'Bot') return;
    if (!parseCommand(comment.body)) return; // only a command in the comment's visible prose wakes the sign-off
    const s = await scopeOf(app, ctx, ports, context);
    if (issue.user.login !== s.bot) return; // someone else's look-alike issue
    try {
      await onComment(s, payload);
    } catch (e) {
      await reportFailure(s, context, issue.number, `comment-${comment.id}`, e);
    }
  });
}
