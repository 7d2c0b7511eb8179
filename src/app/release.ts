/**
 * Releases and CSO sign-off. On `release.published` the documents are built at the tag (the
 * previous release is the base of the change record) and attached; a "Release sign-off" issue is
 * opened for the CSOs. A roster CSO at the tag's commit comments `/clinsafe sign-off` or
 * `/clinsafe reject <reason>` there; anyone else gets a polite refusal and nothing changes.
 *
 * Stateless and idempotent: the sign-off decision is kept in the bot's own comment on the issue
 * (marker + data), every write is looked up first, and rebuilt documents that are byte-identical
 * to those attached are not uploaded again.
 */
import type { Probot } from 'probot';
import { dataMarker, markerKey, readDataMarker } from '../core/markers.js';
import { defaultStatement, maySignOff, parseCommand } from '../core/sign-off-command.js';
import { loadFolder, type LoadResult, type Snapshot } from '../core/folder.js';
import { hazardLogDelta } from '../core/impact.js';
import { TemplateError, type Artefact, type ChangeRecordEntry, type SignOff } from '../docs/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { changeRecordViaApi } from '../github/change-record.js';
import { snapshotViaApi } from '../github/folder.js';
import { downloadAsset, previousRelease, setReleaseNotes, type ReleaseLike } from '../github/releases.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { botComments, ensureComment, ensureIssue, findIssues, upsertAssets } from '../github/idempotent-writes.js';
import { refusalComment, rejectionComment, releaseNotesSection, releaseSignOffIssue, signOffComment } from './release-review-text.js';
import type { AppContext } from './index.js';
import type { DocumentPorts, GatePorts } from './ports.js';

type Octo = GitHubClient;

export interface ReleasePorts {
  gate: GatePorts;
  docs: DocumentPorts;
}

interface AtCommit {
  sha: string;
  date: string;
  snapshot?: Snapshot;
  loaded: LoadResult;
  problem?: string;
}

/** The safety folder at a ref, with the commit it resolved to and that commit's date. */
async function folderAt(client: Octo, repo: RepoRef, ref: string, dir: string): Promise<AtCommit> {
  const commit = (await client.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref })).data as {
    sha: string;
    commit: { committer?: { date?: string } | null };
  };
  const date = commit.commit.committer?.date ?? '1970-01-01T00:00:00Z';
  try {
    const { snapshot } = await snapshotViaApi(client, repo, commit.sha, dir);
    return { sha: commit.sha, date, snapshot, loaded: loadFolder(snapshot) };
  } catch (e) {
    const problem = `the safety folder could not be read at ${commit.sha.slice(0, 7)}: ${(e as Error).message}`;
    return { sha: commit.sha, date, loaded: { diagnostics: [], valid: false }, problem };
  }
}

/** The decision recorded on a sign-off issue by the bot, latest first wins. */
type Recorded = SignOff & { commentId?: number };

async function recordedDecisions(client: Octo, repo: RepoRef, bot: string, issueNumber: number, key: string): Promise<Recorded[]> {
  const results = await botComments(client, repo, bot, issueNumber, 'signoff-result', key);
  return results.map((r) => readDataMarker<Recorded>(r.body)).filter((r): r is Recorded => r !== undefined);
}

/** The decision in force: the latest one the bot recorded. */
async function recordedDecision(client: Octo, repo: RepoRef, bot: string, issueNumber: number, key: string): Promise<Recorded | undefined> {
  return (await recordedDecisions(client, repo, bot, issueNumber, key)).at(-1);
}

/** The decision without the bookkeeping, as the document builder takes it. */
function decisionOf(r: Recorded | undefined): SignOff | undefined {
  if (!r) return undefined;
  const { commentId: _ignored, ...signOff } = r;
  return signOff as SignOff;
}

/** Build every document at the release commit and attach them; identical bytes are not uploaded again. */
async function buildAndAttach(
  ports: ReleasePorts,
  client: Octo,
  repo: RepoRef,
  release: ReleaseLike,
  at: AtCommit,
  dir: string,
  signOff: SignOff | undefined,
): Promise<{ artefacts: Artefact[]; prev?: ReleaseLike; prevAt?: AtCommit; changeRecord: ChangeRecordEntry[] }> {
  const folder = at.loaded.folder!;
  const prev = await previousRelease(client, repo, release);
  const prevAt = prev ? await folderAt(client, repo, prev.tag_name, dir) : undefined;
  const changeRecord = await changeRecordViaApi(client, repo, prev?.tag_name, at.sha, (n) =>
    ports.gate.assess(client, repo, n, { safetyDir: dir }),
  );
  const artefacts = await ports.docs.build({
    folder,
    release: {
      tag: release.tag_name,
      commit: at.sha,
      date: at.date,
      ...(prev ? { previousTag: prev.tag_name } : {}),
      ...(prevAt ? { previousCommit: prevAt.sha } : {}),
      ...(prev?.published_at ? { previousDate: prev.published_at } : {}),
    },
    changeRecord,
    ...(signOff ? { signOff } : {}),
    ...(prevAt?.loaded.folder ? { previousFolder: prevAt.loaded.folder } : {}),
    folderHash: ports.docs.folderHash(at.snapshot!),
  });
  const manifest = artefacts.find((a) => a.name === 'manifest.json');
  await upsertAssets(
    client,
    repo,
    release,
    artefacts.map((a) => ({ name: a.name, contentType: a.mediaType, data: a.bytes })),
    async (existing) => {
      const old = existing.find((a) => a.name === 'manifest.json');
      if (!manifest || !old) return false;
      if (!artefacts.every((a) => existing.some((e) => e.name === a.name && e.size === a.bytes.length))) return false;
      return (await downloadAsset(client, repo, old.id)).equals(manifest.bytes);
    },
  );
  return { artefacts, ...(prev ? { prev } : {}), ...(prevAt ? { prevAt } : {}), changeRecord };
}

export function registerReleases(app: Probot, ctx: AppContext, ports: ReleasePorts): void {
  const octo = (context: { octokit: unknown }) => context.octokit as Octo;
  const repoOf = (payload: { repository: { owner: { login: string }; name: string } }): RepoRef => ({
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
  });

  app.on('release.published', async (context) => {
    const release = context.payload.release as unknown as ReleaseLike;
    if (release.draft) return;
    const client = octo(context);
    const repo = repoOf(context.payload);
    const bot = await ctx.botLogin(app);
    const at = await folderAt(client, repo, release.tag_name, ctx.dir);
    const key = `${release.tag_name}@${at.sha}`;
    const existing = (await findIssues(client, repo, bot, 'release-signoff', key))[0];
    const folder = at.loaded.valid ? at.loaded.folder : undefined;
    const assignees = folder?.config.cso.map((c) => c.github) ?? [];
    const label = folder?.config.app.reviewLabel ?? at.loaded.folder?.config.app.reviewLabel;

    const failed = async (problem: string, diagnostics: Diagnostic[] = []) => {
      const review = releaseSignOffIssue({
        tag: release.tag_name,
        sha: at.sha,
        releaseUrl: release.html_url,
        problem,
        diagnostics,
        delta: [],
        incidentsSince: [],
        changeRecord: [],
        assets: [],
      });
      const issue = existing ?? (await ensureIssue(client, repo, bot, 'release-signoff', key, { ...review, assignees }, label));
      await setReleaseNotes(client, repo, release.id, releaseNotesSection({ kind: 'failed', issueUrl: issueUrl(release, issue.number) }));
    };

    if (!folder) {
      return failed(
        at.problem ?? `the safety folder at ${at.sha.slice(0, 7)} is not valid (run clinsafe validate at the tag)`,
        at.loaded.diagnostics.filter((d) => d.severity === 'error'),
      );
    }

    // A release re-published after its decision keeps that decision: the documents are rebuilt with it.
    const decision = existing ? decisionOf(await recordedDecision(client, repo, bot, existing.number, key)) : undefined;
    let built: Awaited<ReturnType<typeof buildAndAttach>>;
    try {
      built = await buildAndAttach(ports, client, repo, release, at, ctx.dir, decision);
    } catch (e) {
      // A document that cannot be built (e.g. a broken template override) is reported to the CSOs, never skipped silently.
      if (e instanceof TemplateError) return failed(`a document template in the safety folder is invalid — ${e.message}`);
      throw e;
    }
    const { artefacts, prev, prevAt, changeRecord } = built;
    const issue =
      existing ??
      (await ensureIssue(
        client,
        repo,
        bot,
        'release-signoff',
        key,
        {
          ...releaseSignOffIssue({
            tag: release.tag_name,
            sha: at.sha,
            releaseUrl: release.html_url,
            folder,
            ...(prev ? { previousTag: prev.tag_name } : {}),
            delta: prevAt?.loaded.folder ? hazardLogDelta(prevAt.loaded.folder, folder) : [],
            incidentsSince: folder.incidents.filter((i) => !prev?.published_at || (i.reportedOn ?? '') > prev.published_at.slice(0, 10)),
            changeRecord,
            assets: artefacts.map((a) => ({ name: a.name, sha256: a.sha256 })),
          }),
          assignees,
        },
        label,
      ));
    await setReleaseNotes(client, repo, release.id, notesFor(decision, issueUrl(release, issue.number)));
  });

  app.on('issue_comment.created', async (context) => {
    const payload = context.payload as unknown as {
      issue: { number: number; body: string | null; state: string; user: { login: string; type: string }; pull_request?: unknown };
      comment: { id: number; body: string; created_at: string; user: { login: string; type: string } };
      repository: { owner: { login: string }; name: string };
    };
    const { issue, comment } = payload;
    if (issue.pull_request || comment.user.type === 'Bot' || issue.user.type !== 'Bot') return;
    const key = markerKey(issue.body, 'release-signoff');
    if (!key) return;
    const command = parseCommand(comment.body);
    if (!command) return;
    const client = octo(context);
    const repo = repoOf(payload);
    const bot = await ctx.botLogin(app);
    if (issue.user.login !== bot) return; // someone else's look-alike issue
    const refuse = (reason: string) =>
      ensureComment(client, repo, bot, issue.number, 'refusal', `comment-${comment.id}`, refusalComment(comment.user.login, reason));
    if (command.kind === 'invalid') return void (await refuse(command.problem));

    const at = key.lastIndexOf('@');
    const tag = key.slice(0, at);
    const sha = key.slice(at + 1);
    const atCommit = await folderAt(client, repo, sha, ctx.dir);
    const roster = atCommit.loaded.folder?.config.cso ?? [];
    const may = maySignOff(comment.user.login, comment.user.type, roster);
    if (!may.allowed) return void (await refuse(may.reason));
    const folder = atCommit.loaded.valid ? atCommit.loaded.folder : undefined;
    if (!folder)
      return void (await refuse(
        'the safety folder at this release is not valid, so its documents cannot be built or signed; fix it and publish the release again',
      ));

    const decisions = await recordedDecisions(client, repo, bot, issue.number, key);
    if (decisions.some((d) => d.commentId === comment.id)) return; // this very comment was already carried out (a redelivery)
    const previous = decisions.at(-1);
    if (previous?.state === 'approved') {
      return void (await refuse(`this release was already signed off by ${previous.cso.name} on ${previous.signedAt}`));
    }
    const release = (await client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...repo, tag })).data as ReleaseLike;
    const signOff: SignOff =
      command.kind === 'sign-off'
        ? {
            state: 'approved',
            cso: may.cso,
            statement: command.statement ?? defaultStatement(folder.config.product.name, tag),
            signedAt: comment.created_at,
          }
        : { state: 'rejected', by: `${may.cso.name} (${may.cso.github})`, reason: command.reason, at: comment.created_at };
    let artefacts: Artefact[];
    try {
      ({ artefacts } = await buildAndAttach(ports, client, repo, release, atCommit, ctx.dir, signOff));
    } catch (e) {
      if (e instanceof TemplateError) return void (await refuse(`the documents cannot be built, so nothing can be signed: ${e.message}`));
      throw e;
    }
    await setReleaseNotes(client, repo, release.id, notesFor(signOff, issueUrl(release, issue.number)));
    if (signOff.state === 'approved') {
      const cscr = artefacts.filter((a) => a.name.startsWith('cscr.')).map((a) => ({ name: a.name, sha256: a.sha256 }));
      const memo =
        artefacts.find((a) => a.name.startsWith('cso-release-memo') && a.name.endsWith('.md')) ??
        artefacts.find((a) => a.name.startsWith('cso-release-memo'));
      const body = `${signOffComment({ tag, sha, cso: signOff.cso, statement: signOff.statement, signedAt: signOff.signedAt, cscr, ...(memo ? { memo: { name: memo.name, sha256: memo.sha256 } } : {}) })}\n${dataMarker({ ...signOff, commentId: comment.id })}`;
      await ensureComment(client, repo, bot, issue.number, 'signoff-result', `${key}:approved`, body);
      if (issue.state !== 'closed') {
        await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          ...repo,
          issue_number: issue.number,
          state: 'closed',
          state_reason: 'completed',
        });
      }
    } else {
      const body = `${rejectionComment({ tag, sha, by: signOff.by, reason: signOff.reason, at: signOff.at })}\n${dataMarker({ ...signOff, commentId: comment.id })}`;
      await ensureComment(client, repo, bot, issue.number, 'signoff-result', `${key}:rejected:${comment.id}`, body);
    }
  });
}

function issueUrl(release: ReleaseLike, issueNumber: number): string {
  const base = release.html_url.replace(/\/releases\/.*$/, '');
  return `${base}/issues/${issueNumber}`;
}

function notesFor(decision: SignOff | undefined, url: string): string {
  if (!decision) return releaseNotesSection({ kind: 'awaiting', issueUrl: url });
  return decision.state === 'approved'
    ? releaseNotesSection({
        kind: 'approved',
        cso: `${decision.cso.name} (${decision.cso.profession}, ${decision.cso.registration})`,
        at: decision.signedAt,
      })
    : releaseNotesSection({ kind: 'rejected', by: decision.by, reason: decision.reason, at: decision.at });
}
