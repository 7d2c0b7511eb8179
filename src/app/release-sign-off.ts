/**
 * The App's release sign-off, resting only on facts no one can edit (see docs/security.md,
 * "Release sign-off"):
 * - which release an issue belongs to: the link asset the app uploaded on the release
 *   (github/sign-off-link.ts), checked against every recent release, never the issue body;
 * - which commit: the tag resolved through the API, and it must still be the commit the link names;
 * - what was decided: re-derived every time from the CSOs' own unedited command comments created
 *   after the link (core/sign-off-decision.ts); the bot's comments are presentation only.
 */
import type { Probot } from 'probot';
import { hazardLogDelta } from '../core/hazard-log-delta.js';
import { ARTEFACTS, sha256 } from '../docs/build.js';
import { marker } from '../core/markers.js';
import type { HistoryPort } from '../core/ports/history.js';
import type { SignOff } from '../core/release.js';
import { evidenceAtRelease, NO_EVIDENCE, testIssueBlockers, type EvidenceSource } from '../core/evidence-release.js';
import { outstandingTestIssues } from '../core/evidence.js';
import { parseEvidenceRecord } from '../core/evidence-record.js';
import { signOffBlockers } from '../core/sign-off-blockers.js';
import { deriveDecision, type Decision } from '../core/sign-off-decision.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { findEvidenceArtifact } from '../github/evidence-artifacts.js';
import { apiHistory } from '../github/history.js';
import { findIssues, SAFETY_LABEL, upsertAssets } from '../github/idempotent-writes.js';
import { downloadAsset, type ReleaseLike } from '../github/releases.js';
import { issueComments, readLinks, releasesBefore, resolveTag, writeLink, type SignOffLink } from '../github/sign-off-link.js';
import { releaseFolder, writeRelease, type BuiltRelease, type ReleaseFolder } from '../usecases/build-release.js';
import { withTempArtefacts } from '../adapters/temp-artefacts.js';
import type { WrittenArtefact } from '../docs/types.js';
import type { DocumentPorts, GatePorts } from './ports.js';
import { releaseNotesSection, releaseSignOffIssue } from './release-review-text.js';

export interface ReleasePorts {
  gate: GatePorts;
  docs: DocumentPorts;
}

/** One delivery's view: the client, the repository, the bot's login, the safety folder. */
export interface Scope {
  /** The Probot app, when the App runs this (the Action's release mode has none). */
  app?: Probot;
  /**
   * Whether CSO sign-off commands are acted on (default true). The Action's release mode sets
   * false: what it writes as github-actions[bot] any workflow author can imitate, so it never signs.
   */
  signOffs?: boolean;
  ports: ReleasePorts;
  client: GitHubClient;
  repo: RepoRef;
  bot: string;
  dir: string;
}

/** How many recent releases are checked for the link naming an issue. */
const RELEASES_CHECKED = 10;

export function historyFor(s: Scope): HistoryPort {
  return apiHistory(s.client, s.repo, { assess: (n) => s.ports.gate.assess(s.client, s.repo, n, { safetyDir: s.dir }) });
}

export const linkKey = (releaseId: number) => `release-${releaseId}`;

export function issueUrl(release: ReleaseLike, issueNumber: number): string {
  return `${release.html_url.replace(/\/releases\/.*$/, '')}/issues/${issueNumber}`;
}

export function notesFor(decision: SignOff | undefined, url: string): string {
  if (!decision) return releaseNotesSection({ kind: 'awaiting', issueUrl: url });
  return decision.state === 'approved'
    ? releaseNotesSection({
        kind: 'approved',
        cso: `${decision.cso.name} (${decision.cso.profession}, ${decision.cso.registration})`,
        at: decision.signedAt,
      })
    : releaseNotesSection({ kind: 'rejected', by: decision.by, reason: decision.reason, at: decision.at });
}

/** A plain sentence for a failed API call (no stack, no token). */
export function describeFailure(e: unknown): string {
  const err = (e ?? {}) as { status?: number; message?: string; response?: { data?: { message?: string } } };
  const detail = (err.response?.data?.message ?? err.message ?? String(e)).split('\n')[0]!.slice(0, 160);
  return err.status ? `GitHub's API answered HTTP ${err.status} (${detail})` : detail;
}

export type Linked = { release: ReleaseLike; link: SignOffLink & { createdAt: string } };

/**
 * The release an issue belongs to: the one recent release whose app-uploaded link names this issue.
 * None, or more than one, is a problem stated in plain words — never a guess.
 */
export async function releaseOfIssue(s: Scope, issue: { number: number; created_at: string }): Promise<Linked | { problem: string }> {
  const found: Linked[] = [];
  for (const release of await releasesBefore(s.client, s.repo, issue.created_at, RELEASES_CHECKED))
    for (const link of await readLinks(s.client, s.repo, release.id, s.bot)) if (link.issue === issue.number) found.push({ release, link });
  if (found.length === 0)
    return { problem: "this issue is not the sign-off issue of any recent release (no release carries clinsafe's link to it)" };
  if (new Set(found.map((f) => f.release.id)).size > 1)
    return {
      problem: `more than one release (${[...new Set(found.map((f) => f.release.tag_name))].join(', ')}) is linked to this issue, so a command here cannot be attributed to one release; publish each release again to get its own sign-off issue`,
    };
  // Several links on one release (a renamed asset and a new one): the latest decides when commands start to count.
  return found.sort((a, b) => Date.parse(b.link.createdAt) - Date.parse(a.link.createdAt))[0]!;
}

/** The release's commit through the API; a tag moved since the link was made is a problem, not a new commit to sign. */
export async function linkedCommit(s: Scope, linked: Linked): Promise<{ sha: string } | { problem: string }> {
  const sha = await resolveTag(s.client, s.repo, linked.release.tag_name);
  if (sha !== linked.link.commit)
    return {
      problem: `the tag ${linked.release.tag_name} now points at ${sha.slice(0, 12)}, not at ${linked.link.commit.slice(0, 12)} for which this sign-off issue was opened; publish a new release for the new commit`,
    };
  return { sha };
}

/** The decision in force for a linked release, re-derived from the issue's comments. */
export async function currentDecision(s: Scope, linked: Linked, at: ReleaseFolder): Promise<Decision> {
  const folder = at.loaded.folder!;
  return deriveDecision({
    comments: await issueComments(s.client, s.repo, linked.link.issue),
    roster: folder.config.cso,
    product: folder.config.product.name,
    tag: linked.release.tag_name,
    notBefore: linked.link.createdAt,
    blockers: (statement) =>
      signOffBlockers(folder, { at: linked.release.published_at ?? linked.release.created_at, ...(statement ? { statement } : {}) }),
    blockersFor: (statement) => testIssueBlockers(evidenceAtRelease(folder.hazards, at.commit.sha, at.evidence), statement),
  });
}

/**
 * The release folder with the test evidence recorded for its commit in the product's CI (the
 * artifact clinsafe-evidence-<sha>); none found, an unreadable one, or an API failure is said in
 * plain words and counts as no evidence — never as a pass.
 */
export async function withEvidence(s: Scope, at: ReleaseFolder): Promise<ReleaseFolder> {
  const sha = at.commit.sha;
  let evidence: EvidenceSource;
  try {
    const found = await findEvidenceArtifact(s.client, s.repo, sha);
    if (!found.found)
      evidence = { missing: NO_EVIDENCE }; // the same words as clinsafe report without --junit: same bytes
    else {
      const parsed = parseEvidenceRecord(found.json);
      evidence = 'problem' in parsed ? { missing: `The evidence artifact of run ${found.runUrl} ${parsed.problem}.` } : parsed;
    }
  } catch (e) {
    evidence = { missing: `The test results for the release commit could not be read: ${describeFailure(e)}.` };
  }
  return { ...at, evidence };
}

/** A built release as attached: what the manifest says of each document, and the manifest's own bytes. */
export type AttachedRelease = Omit<BuiltRelease, 'artefacts'> & { artefacts: WrittenArtefact[]; manifest?: Buffer };

/**
 * Build every document with the decision (the shared release use case) and attach them; identical
 * bytes are not uploaded again. The documents are written into a private temporary folder as they
 * are made and uploaded one at a time, each read back just before its upload and checked against
 * the SHA-256 taken as it was made (the memo's list): a large release never holds them all in memory.
 */
export async function buildAndAttach(
  s: Scope,
  history: HistoryPort,
  release: ReleaseLike,
  at: ReleaseFolder,
  signOff: SignOff | undefined,
  withPreviousFolder = false,
): Promise<AttachedRelease> {
  return withTempArtefacts(async (files) => {
    const { written: artefacts, ...built } = await writeRelease(
      { history, at, tag: release.tag_name, dir: s.dir, ...(signOff ? { signOff } : {}), withPreviousFolder, docs: s.ports.docs },
      files,
    );
    const readBack = async (a: WrittenArtefact): Promise<Buffer> => {
      const bytes = await files.read(a.name);
      if (bytes.length !== a.size || sha256(bytes) !== a.sha256)
        throw new Error(`${a.name} read back for upload is not the document that was made (its SHA-256 differs); it was not uploaded`);
      return bytes;
    };
    const entry = artefacts.find((a) => a.name === 'manifest.json');
    const manifest = entry ? await readBack(entry) : undefined;
    await upsertAssets(
      s.client,
      s.repo,
      release,
      artefacts.map((a) => ({ name: a.name, contentType: a.mediaType, data: () => readBack(a) })),
      async (existing) => {
        const old = existing.find((a) => a.name === 'manifest.json');
        if (!manifest || !old) return false;
        if (!artefacts.every((a) => existing.some((e) => e.name === a.name && e.size === a.size))) return false;
        return (await downloadAsset(s.client, s.repo, old.id)).equals(manifest);
      },
    );
    await removeStale(s, release, new Set(artefacts.map((a) => a.name)));
    return { ...built, artefacts, ...(manifest ? { manifest } : {}) };
  });
}

/** A document this build no longer has (the memo of a sign-off no longer in force) does not stay behind. */
async function removeStale(s: Scope, release: ReleaseLike, built: Set<string>): Promise<void> {
  const documentNames = new Set<string>(Object.values(ARTEFACTS));
  const attached = (await s.client.paginate('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
    ...s.repo,
    release_id: release.id,
    per_page: 100,
  })) as { id: number; name: string }[];
  for (const a of attached.filter((x) => documentNames.has(x.name) && !built.has(x.name))) {
    try {
      await s.client.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...s.repo, asset_id: a.id });
    } catch (e) {
      if ((e as { status?: number }).status !== 404) throw e; // already gone: a concurrent writer removed it
    }
  }
}

/**
 * The sign-off issue for a release without a link yet: the app's own issue for this release id
 * opened after the release was published (a redelivery or a concurrent instance finds it), else a
 * new one; then the link. An older issue carrying the marker (an edited body) is never reused.
 */
export async function openAndLink(
  s: Scope,
  release: ReleaseLike,
  sha: string,
  issue: { title: string; body: string; assignees: string[]; label: string },
): Promise<number> {
  const key = linkKey(release.id);
  const since = Date.parse(release.published_at ?? release.created_at ?? '1970-01-01T00:00:00Z');
  const mine = async () =>
    (await findIssues(s.client, s.repo, s.bot, 'release-signoff', key)).filter(
      (i) => Date.parse((i as { created_at?: string }).created_at ?? '') >= since,
    );
  let number = (await mine())[0]?.number;
  if (number === undefined) {
    const body = `${issue.body}\n\n${marker('release-signoff', key)}\n`;
    const labels = [...new Set([issue.label, SAFETY_LABEL])];
    let created: { number: number };
    try {
      created = (
        await s.client.request('POST /repos/{owner}/{repo}/issues', {
          ...s.repo,
          title: issue.title,
          body,
          labels,
          assignees: issue.assignees,
        })
      ).data as { number: number };
    } catch (e) {
      if ((e as { status?: number }).status !== 422 || !issue.assignees.length) throw e;
      created = (await s.client.request('POST /repos/{owner}/{repo}/issues', { ...s.repo, title: issue.title, body, labels })).data as {
        number: number;
      };
    }
    // Two instances may both have opened one: the lowest number stays, the other closes itself.
    number = (await mine())[0]?.number ?? created.number;
    if (number !== created.number)
      await s.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...s.repo,
        issue_number: created.number,
        state: 'closed',
        state_reason: 'not_planned',
      });
  }
  await writeLink(s.client, release, { release: release.id, tag: release.tag_name, commit: sha, issue: number });
  return number;
}

/** The sign-off issue's text for a built release. */
export function signOffIssueText(release: ReleaseLike, built: AttachedRelease, evidence?: EvidenceSource): { title: string; body: string } {
  const { folder, previous, previousFolder, changeRecord, artefacts } = built;
  const testIssues = outstandingTestIssues(evidenceAtRelease(folder.hazards, built.release.commit, evidence).record).length;
  return releaseSignOffIssue({
    testIssues,
    tag: release.tag_name,
    sha: built.release.commit,
    releaseUrl: release.html_url,
    folder,
    ...(previous ? { previousTag: previous.tag } : {}),
    delta: previousFolder ? hazardLogDelta(previousFolder, folder) : [],
    incidentsSince: folder.incidents.filter((i) => !previous || (i.reportedOn ?? '') > previous.date.slice(0, 10)),
    changeRecord,
    assets: artefacts.map((a) => ({ name: a.name, sha256: a.sha256 })),
  });
}

export { releaseFolder };
