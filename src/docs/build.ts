/**
 * The release document set: CSCR, CRMP, safety requirements, hazard log, CSO release memo and a
 * manifest. Pure: no git, no file system; clinsafe's own default templates come in from the caller
 * (the front doors read them through `src/adapters/templates.ts`). The same inputs give
 * byte-identical files. `buildDocuments` returns them as Buffers; `writeDocuments` hands each to
 * the caller's files as it is made (a PDF 1 MiB at a time).
 */
import { createHash } from 'node:crypto';
import type { Root, RootContent } from 'mdast';
import type { SafetyFolder, Snapshot, SnapshotFile } from '../core/folder.js';
import { evidenceAtRelease, type EvidenceSource } from '../core/evidence-release.js';
import * as B from './blocks.js';
import { importedHistory } from './imported-history.js';
import * as R from './release-record-blocks.js';
import { heatMapBlock } from './heat-map.js';
import { grid, oneLine } from './mdast.js';
import { inlineCode, paragraph, strong, text } from '../core/markdown.js';
import { plainText, toHtml } from './html.js';
import { toPdf, writePdfTo, type PdfOptions } from './pdf/index.js';
import { serializeDocument } from './serialize.js';
import { fillTemplate, usesBlock, type TemplateContext } from './template.js';
import { hazardLogCsv, hazardLogXlsx } from '../export/hazard-log-table.js';
import {
  FORMATS,
  SignOffError,
  TemplateError,
  type Artefact,
  type ArtefactFile,
  type ArtefactFiles,
  type ChangeRecordEntry,
  type Format,
  type ReleaseInfo,
  type SignOff,
  type WrittenArtefact,
} from './types.js';

export { FORMATS, SignOffError, TemplateError };
export type { Artefact, ArtefactFile, ArtefactFiles, ChangeRecordEntry, Format, ReleaseInfo, SignOff, WrittenArtefact };

/** Artefact names: fixed, documented in docs/documents.md. */
export const ARTEFACTS = {
  cscrMd: 'cscr.md',
  cscrHtml: 'cscr.html',
  cscrPdf: 'cscr.pdf',
  crmpMd: 'crmp.md',
  crmpHtml: 'crmp.html',
  crmpPdf: 'crmp.pdf',
  requirementsMd: 'safety-requirements.md',
  requirementsHtml: 'safety-requirements.html',
  requirementsPdf: 'safety-requirements.pdf',
  hazardLogCsv: 'hazard-log.csv',
  hazardLogXlsx: 'hazard-log.xlsx',
  memoMd: 'cso-release-memo.md',
  memoHtml: 'cso-release-memo.html',
  memoPdf: 'cso-release-memo.pdf',
  manifest: 'manifest.json',
} as const;

export const TEMPLATE_NAMES = ['cscr.md', 'crmp.md', 'safety-requirements.md', 'cso-release-memo.md'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const MEDIA: Record<string, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
};

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

const mediaTypeOf = (name: string): string => MEDIA[name.slice(name.lastIndexOf('.') + 1)]!;

function artefact(name: string, bytes: Buffer): Artefact {
  return { name, mediaType: mediaTypeOf(name), bytes, sha256: sha256(bytes) };
}

/**
 * Where the generator puts each artefact: kept in memory (`buildDocuments`) or written out as it is
 * made (`writeDocuments`). Either way `made` says what was made, in order, for the memo and manifest.
 */
interface Emitter {
  readonly made: WrittenArtefact[];
  whole(name: string, bytes: Buffer): void;
  pdf(name: string, tree: Root, opts: PdfOptions): Promise<void>;
}

class MemoryEmitter implements Emitter {
  readonly made: WrittenArtefact[] = [];
  readonly artefacts: Artefact[] = [];
  whole(name: string, bytes: Buffer): void {
    const a = artefact(name, bytes);
    this.artefacts.push(a);
    this.made.push({ name, mediaType: a.mediaType, size: bytes.length, sha256: a.sha256 });
  }
  async pdf(name: string, tree: Root, opts: PdfOptions): Promise<void> {
    this.whole(name, await toPdf(tree, opts));
  }
}

class FileEmitter implements Emitter {
  readonly made: WrittenArtefact[] = [];
  constructor(private readonly files: ArtefactFiles) {}
  whole(name: string, bytes: Buffer): void {
    const file = this.files.open(name);
    file.write(bytes);
    file.close();
    this.made.push({ name, mediaType: mediaTypeOf(name), size: bytes.length, sha256: sha256(bytes) });
  }
  async pdf(name: string, tree: Root, opts: PdfOptions): Promise<void> {
    const file: ArtefactFile = this.files.open(name);
    const hash = createHash('sha256');
    let size = 0;
    await writePdfTo(tree, opts, {
      write(chunk) {
        hash.update(chunk);
        file.write(chunk);
        size += chunk.length;
      },
    });
    file.close();
    this.made.push({ name, mediaType: mediaTypeOf(name), size, sha256: hash.digest('hex') });
  }
}

/** clinsafe's own template of a name (templates/*.md): the caller reads them (an adapter), the builder does not. */
export type DefaultTemplates = (name: TemplateName) => string;

/**
 * A content hash of the safety folder: SHA-256 over every file's path and SHA-256, in path order.
 * Accepts a Snapshot or its files; files the adapter could not read count by their problem.
 */
export function folderContentHash(input: Snapshot | readonly SnapshotFile[]): string {
  const files = ('files' in input ? input.files : input) as readonly SnapshotFile[];
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.path}\0${f.bytes ? sha256(f.bytes) : `problem:${f.problem ?? 'none'}`}\n`);
  return sha256(lines.join(''));
}

interface Rendered {
  name: string;
  tree: Root;
  title: string;
}

export interface BuildInput {
  folder: SafetyFolder;
  release: ReleaseInfo;
  changeRecord: ChangeRecordEntry[];
  signOff?: SignOff;
  /** The safety folder at the previous release: the CSCR says what changed in the safety case since. */
  previousFolder?: SafetyFolder;
  formats?: Format[];
  folderHash?: string;
  /** Template texts by name; default: the folder's `templates/` overrides, then `defaultTemplates`. */
  templates?: Partial<Record<TemplateName, string>>;
  /** clinsafe's own templates, used where neither `templates` nor the folder has one. */
  defaultTemplates: DefaultTemplates;
  /** Test results found for the release commit (issue 15); absent: none were supplied, and the documents say so. */
  evidence?: EvidenceSource;
}

function templateFor(input: BuildInput, name: TemplateName): { file: string; source: string } {
  const given = input.templates?.[name];
  if (given !== undefined) return { file: `templates/${name}`, source: given };
  const override = input.folder.templates[name];
  if (override !== undefined) return { file: `${input.folder.dir ? `${input.folder.dir}/` : ''}templates/${name}`, source: override };
  return { file: `templates/${name}`, source: input.defaultTemplates(name) };
}

function vars(input: BuildInput): Record<string, string> {
  const p = input.folder.config.product;
  const r = input.release;
  return {
    'product.name': p.name,
    'product.manufacturer': p.manufacturer,
    'product.version': p.version ?? '',
    'release.tag': r.tag,
    'release.commit': r.commit,
    'release.date': r.date.slice(0, 10),
    'release.previousTag': r.previousTag ?? 'none',
    'document.version': r.documentVersion ?? r.tag,
    'document.status': B.documentStatus(input.signOff),
  };
}

function render(
  input: BuildInput,
  ctx: B.DocContext,
  name: TemplateName,
  documentTitle: string,
  extra: Record<string, () => RootContent[]> = {},
): Rendered {
  const { file, source } = templateFor(input, name);
  const blocks: TemplateContext['blocks'] = {
    'approval-status': () => B.approvalStatus(ctx),
    'document-control': () => [...B.documentControl(ctx, documentTitle), ...R.documentControlExtras(ctx), ...importedHistory(ctx.folder)],
    'executive-summary': () => R.executiveSummary(ctx),
    'third-party': () => R.thirdPartyBlock(ctx),
    'release-configuration': () => R.releaseConfigurationBlock(ctx),
    'formal-review': () => R.formalReviewBlock(ctx),
    authorisation: () => R.authorisationBlock(ctx),
    'crmp-approval': () => R.crmpApprovalBlock(ctx),
    'safety-case-changes': () => R.safetyCaseChangesBlock(ctx),
    'heat-map': () => heatMapBlock(input.folder),
    'system-definition': () => B.systemDefinition(ctx),
    people: () => B.people(ctx),
    method: () => B.method(ctx),
    workshops: () => B.workshops(ctx),
    'change-control': () => B.changeControl(ctx),
    'risk-scheme': () => B.riskScheme(ctx),
    'risk-matrix': () => B.riskMatrix(ctx),
    'hazard-summary': () => B.hazardSummary(ctx),
    'hazard-details': () => B.hazardDetails(ctx),
    'residual-risks': () => B.residualRiskBlock(ctx),
    'high-residual': () => B.highResidualBlock(ctx),
    transferred: () => B.transferredBlock(ctx),
    'safety-requirements': () => B.requirementsBlock(ctx),
    'outstanding-issues': () => B.outstandingBlock(ctx),
    'change-record': () => B.changeRecordBlock(ctx),
    incidents: () => B.incidentsBlock(ctx),
    'safety-statement': () => B.safetyStatement(ctx),
    approvals: () => B.approvals(ctx),
    'dtac-map': () => B.dtacMap(),
    lifecycle: () => B.lifecycle(ctx),
    'review-cadence': () => B.reviewCadence(ctx),
    'incident-process': () => B.incidentProcess(ctx),
    scope: () => B.scope(ctx),
    ...extra,
  };
  const tree = fillTemplate(file, source, { vars: vars(input), blocks });
  // A document never claims an approval that did not happen: an overriding template that leaves
  // out the status banner gets it anyway, right under its title.
  if (name !== 'cso-release-memo.md' && !usesBlock(source, 'approval-status')) {
    const at = tree.children[0]?.type === 'heading' ? 1 : 0;
    tree.children.splice(at, 0, ...B.approvalStatus(ctx));
  }
  const h1 = tree.children.find((n) => n.type === 'heading' && n.depth === 1);
  const title = h1 ? plainText(h1) : documentTitle;
  return { name, tree, title };
}

const DOCUMENT_NAMES: Record<string, string> = {
  cscr: 'Clinical Safety Case Report',
  crmp: 'Clinical Risk Management Plan',
  'safety-requirements': 'Safety requirements',
  'hazard-log': 'Hazard log',
};
const documentOf = (file: string): string => DOCUMENT_NAMES[file.slice(0, file.lastIndexOf('.'))] ?? file;

/** The memo's generated blocks: the release, the CSO, the statement, and the digest of every released document. */
function memoBlocks(
  input: BuildInput,
  s: Extract<SignOff, { state: 'approved' }>,
  released: readonly WrittenArtefact[],
): Record<string, () => RootContent[]> {
  const p = input.folder.config.product;
  return {
    'memo-release': () => [
      grid(
        ['Item', 'Value'],
        [
          ['Product', `${p.name} (${p.manufacturer})`],
          ['Release', input.release.tag],
          ['Commit', inlineCode(input.release.commit)],
          ['Release date', input.release.date.slice(0, 10)],
          ['Signed on', s.signedAt.slice(0, 10)],
        ],
      ),
    ],
    'memo-cso': () => [
      grid(['Name', 'Profession', 'Registration', 'GitHub'], [[s.cso.name, s.cso.profession, s.cso.registration, s.cso.github]]),
    ],
    'memo-statement': () => [
      { type: 'blockquote', children: [paragraph(text(oneLine(s.statement)))] },
      paragraph(strong(`Signed by ${s.cso.name}, Clinical Safety Officer, on ${s.signedAt.slice(0, 10)}.`)),
    ],
    'memo-digests': () =>
      released.length
        ? [
            grid(
              ['Document (file)', 'SHA-256'],
              released.map((a) => [`${documentOf(a.name)} (${a.name})`, inlineCode(a.sha256)]),
            ),
          ]
        : [paragraph('No document file was generated in this build.')],
  };
}

/** Build the document set, in memory. Artefacts come in a fixed order, manifest.json last. */
export async function buildDocuments(input: BuildInput): Promise<Artefact[]> {
  const out = new MemoryEmitter();
  await generate(input, out);
  return out.artefacts;
}

/**
 * Build the document set straight into `files`, each artefact written as it is made (a PDF page
 * by page): the same bytes as `buildDocuments`, without holding any finished document in memory.
 */
export async function writeDocuments(input: BuildInput, files: ArtefactFiles): Promise<WrittenArtefact[]> {
  const out = new FileEmitter(files);
  await generate(input, out);
  return out.made;
}

async function generate(input: BuildInput, out: Emitter): Promise<void> {
  const formats = new Set<Format>(input.formats ?? FORMATS);
  for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format "${f}"; use ${FORMATS.join(', ')}`);
  // A document never claims an approval that could not count: the signer must be on the roster at this commit.
  if (input.signOff?.state === 'approved') {
    const login = input.signOff.cso.github.trim().toLowerCase();
    if (!input.folder.config.cso.some((c) => c.github.toLowerCase() === login)) {
      throw new SignOffError(
        `${input.signOff.cso.github} is not on the CSO roster in clinsafe.yml at ${input.release.commit.slice(0, 12)}; only a Clinical Safety Officer on the roster can approve release ${input.release.tag}`,
      );
    }
  }
  const ctx: B.DocContext = {
    folder: input.folder,
    release: input.release,
    changeRecord: input.changeRecord,
    ...(input.signOff ? { signOff: input.signOff } : {}),
    evidence: evidenceAtRelease(input.folder.hazards, input.release.commit, input.evidence),
    ...(input.previousFolder ? { previousFolder: input.previousFolder } : {}),
  };
  const p = input.folder.config.product;
  const footer = `${p.name} ${input.release.tag} · commit ${input.release.commit.slice(0, 12)} · ${B.documentStatus(input.signOff)}`;
  const emit = async (doc: Rendered, base: string, pdf: boolean, compact = false) => {
    if (formats.has('md')) out.whole(`${base}.md`, Buffer.from(serializeDocument(doc.tree), 'utf8'));
    if (formats.has('html')) out.whole(`${base}.html`, Buffer.from(toHtml(doc.tree, { title: doc.title, footer, toc: !compact }), 'utf8'));
    if (pdf && formats.has('pdf')) {
      await out.pdf(`${base}.pdf`, doc.tree, {
        title: doc.title,
        subtitle: [
          `${p.manufacturer}`,
          `Release ${input.release.tag} · commit ${input.release.commit.slice(0, 12)}`,
          `Date ${input.release.date.slice(0, 10)} · document version ${input.release.documentVersion ?? input.release.tag}`,
        ],
        status: B.documentStatus(input.signOff),
        footer,
        date: input.release.date,
        author: p.manufacturer,
        compact,
      });
    }
  };

  // One document at a time, each tree let go once its files are made (a tree held in a local would
  // stay alive while the next document is drawn: at 1,000 hazards the CSCR's alone is ~35 MiB).
  await emit(render(input, ctx, 'cscr.md', 'Clinical Safety Case Report'), 'cscr', true);
  await emit(render(input, ctx, 'crmp.md', 'Clinical Risk Management Plan'), 'crmp', true);
  await emit(render(input, ctx, 'safety-requirements.md', 'Safety requirements'), 'safety-requirements', true);
  if (formats.has('csv')) out.whole(ARTEFACTS.hazardLogCsv, hazardLogCsv(input.folder, ctx.evidence));
  if (formats.has('xlsx'))
    out.whole(
      ARTEFACTS.hazardLogXlsx,
      await hazardLogXlsx(input.folder, { release: input.release, ...(input.signOff ? { signOff: input.signOff } : {}) }, ctx.evidence),
    );

  // The memo exists only for an approved release, and names the CSCR files of this very build.
  if (input.signOff?.state === 'approved') {
    const s = input.signOff;
    // The sign-off covers every released document (DCB0129 3.2.2, 3.3.2, 3.5.2), not only the CSCR.
    const released = [...out.made];
    const memo = render(input, ctx, 'cso-release-memo.md', 'CSO release memo', memoBlocks(input, s, released));
    await emit(memo, 'cso-release-memo', true, true);
  }

  const manifest = {
    generator: 'clinsafe',
    product: { name: p.name, manufacturer: p.manufacturer, version: p.version ?? null },
    release: {
      tag: input.release.tag,
      commit: input.release.commit,
      date: input.release.date,
      previousTag: input.release.previousTag ?? null,
      previousCommit: input.release.previousCommit ?? null,
      documentVersion: input.release.documentVersion ?? input.release.tag,
    },
    commit: input.release.commit,
    folderHash: input.folderHash ?? null,
    signOff: input.signOff
      ? input.signOff.state === 'approved'
        ? { state: 'approved', cso: input.signOff.cso.github, signedAt: input.signOff.signedAt }
        : { state: 'rejected', by: input.signOff.by, at: input.signOff.at }
      : { state: 'draft' },
    artefacts: out.made.map((a) => ({ name: a.name, mediaType: a.mediaType, bytes: a.size, sha256: a.sha256 })),
  };
  out.whole(ARTEFACTS.manifest, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
}
