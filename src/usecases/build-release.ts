/**
 * The release use case, one for every front door: the safety folder at the release commit + the
 * history since the previous release + the CSO's sign-off (if any) → the document set and its
 * manifest. `clinsafe report` runs it over git, the App over the GitHub API; both only gather
 * input, pick the history port and present the result, so the same release gives the same bytes.
 */
import type { EvidenceSource } from '../core/evidence-release.js';
import { loadFolder, type LoadResult, type SafetyFolder, type Snapshot } from '../core/folder.js';
import { buildChangeRecord } from '../core/change-record.js';
import type { HistoryCommit, HistoryPort, ReleasePoint } from '../core/ports/history.js';
import { canonicalTime, type ChangeRecordEntry, type ReleaseInfo, type SignOff } from '../core/release.js';
import { buildDocuments, folderContentHash, writeDocuments, type BuildInput, type DefaultTemplates } from '../docs/build.js';
import type { Artefact, ArtefactFiles, Format, WrittenArtefact } from '../docs/types.js';

/** What the use case gives the document builder: everything but clinsafe's own templates, which the builder is bound to. */
export type DocumentInput = Omit<BuildInput, 'defaultTemplates'>;

/** The document builder (the App may bind its own, e.g. to share a cache). */
export interface DocumentBuilder {
  // Properties, not methods: a builder that still wants clinsafe's own templates does not type-check here.
  build: (input: DocumentInput) => Promise<Artefact[]>;
  /** The same documents written into `files` as they are made; absent: `build`'s, written out whole. */
  write?: (input: DocumentInput, files: ArtefactFiles) => Promise<WrittenArtefact[]>;
  folderHash: (snapshot: Snapshot) => string;
}

/**
 * The document builder bound to clinsafe's own templates, which its caller reads (a front door,
 * through `clinsafeTemplate` in src/adapters/templates.ts): the builder itself reads no files.
 */
export function documentBuilder(defaultTemplates: DefaultTemplates): Required<DocumentBuilder> {
  return {
    build: (input) => buildDocuments({ ...input, defaultTemplates }),
    write: (input, files) => writeDocuments({ ...input, defaultTemplates }, files),
    folderHash: folderContentHash,
  };
}

/** The safety folder at the release commit, read and validated. */
export interface ReleaseFolder {
  commit: HistoryCommit;
  snapshot: Snapshot;
  loaded: LoadResult;
  /** Test results found for this commit (issue 15), when the front door looked for them. */
  evidence?: EvidenceSource;
}

export async function releaseFolder(history: HistoryPort, ref: string, dir: string): Promise<ReleaseFolder> {
  const commit = await history.commit(ref);
  const snapshot = await history.snapshot(commit.sha, dir);
  return { commit, snapshot, loaded: loadFolder(snapshot) };
}

export interface BuildReleaseInput {
  history: HistoryPort;
  at: ReleaseFolder;
  /** The release's name (its tag). */
  tag: string;
  dir: string;
  /** The previous release; default: the history's own (previous tag / previous published release). `null`: none. */
  previous?: ReleasePoint | null;
  signOff?: SignOff;
  formats?: Format[];
  documentVersion?: string;
  lifecyclePhase?: string;
  /** Also load the safety folder at the previous release (for the hazard-log delta the App shows the CSOs). */
  withPreviousFolder?: boolean;
  /** The document builder, bound to clinsafe's own templates by the front door (`documentBuilder`). */
  docs: DocumentBuilder;
  /** Test results found for the release commit (issue 15); absent: none, and the documents say so. */
  evidence?: EvidenceSource;
}

export interface BuiltRelease {
  artefacts: Artefact[];
  release: ReleaseInfo;
  folder: SafetyFolder;
  changeRecord: ChangeRecordEntry[];
  previous?: ReleasePoint;
  previousFolder?: SafetyFolder;
}

/** Build the release documents. The folder at the release must be valid (the front door says why when it is not). */
export async function buildRelease(input: BuildReleaseInput): Promise<BuiltRelease> {
  const { buildInput, built } = await prepare(input);
  return { artefacts: await input.docs.build(buildInput), ...built };
}

/**
 * The same documents written into `files` as they are made (`clinsafe report`): no finished
 * document is held in memory, so a large release's peak memory does not grow with its PDFs.
 */
export async function writeRelease(
  input: BuildReleaseInput,
  files: ArtefactFiles,
): Promise<Omit<BuiltRelease, 'artefacts'> & { written: WrittenArtefact[] }> {
  const { buildInput, built } = await prepare(input);
  const { docs } = input;
  return { written: docs.write ? await docs.write(buildInput, files) : writeWhole(await docs.build(buildInput), files), ...built };
}

/** Documents a builder made in memory, written out (a builder without `write`, e.g. one a test binds). */
function writeWhole(artefacts: Artefact[], files: ArtefactFiles): WrittenArtefact[] {
  return artefacts.map((a) => {
    const file = files.open(a.name);
    file.write(a.bytes);
    file.close();
    return { name: a.name, mediaType: a.mediaType, size: a.bytes.length, sha256: a.sha256 };
  });
}

async function prepare(input: BuildReleaseInput): Promise<{ buildInput: DocumentInput; built: Omit<BuiltRelease, 'artefacts'> }> {
  const { history, at, dir } = input;
  const folder = at.loaded.folder;
  if (!folder || !at.loaded.valid) throw new Error(`the safety folder at ${at.commit.sha.slice(0, 12)} is not valid`);
  const previous =
    input.previous === null ? undefined : (input.previous ?? (await history.previousRelease({ tag: input.tag, commit: at.commit.sha })));
  const release: ReleaseInfo = {
    tag: input.tag,
    commit: at.commit.sha,
    date: canonicalTime(at.commit.date),
    ...(previous ? { previousTag: previous.tag, previousCommit: previous.commit, previousDate: canonicalTime(previous.date) } : {}),
    ...(input.documentVersion ? { documentVersion: input.documentVersion } : {}),
    ...(input.lifecyclePhase ? { lifecyclePhase: input.lifecyclePhase } : {}),
  };
  const changeRecord = await buildChangeRecord(history, { to: at.commit.sha, ...(previous ? { from: previous.commit } : {}), dir });
  // The safety folder at the previous release: the CSCR says what changed in the safety case since.
  const previousFolder = previous ? loadFolder(await history.snapshot(previous.commit, dir)).folder : undefined;
  const buildInput: DocumentInput = {
    folder,
    release,
    changeRecord,
    ...(previousFolder ? { previousFolder } : {}),
    ...(input.signOff ? { signOff: input.signOff } : {}),
    ...(input.formats ? { formats: input.formats } : {}),
    ...((input.evidence ?? at.evidence) ? { evidence: (input.evidence ?? at.evidence)! } : {}),
    folderHash: input.docs.folderHash(at.snapshot),
  };
  const built = {
    release,
    folder,
    changeRecord,
    ...(previous ? { previous } : {}),
    ...(input.withPreviousFolder && previousFolder ? { previousFolder } : {}),
  };
  return { buildInput, built };
}
