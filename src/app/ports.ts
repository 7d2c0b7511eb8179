/**
 * What the app needs from the gate and the document builder, as functions the wiring binds to
 * the shared implementations (the same code the Action and the CLI run).
 */
import type { Snapshot } from '../core/folder.js';
import type { PullAssessment } from '../core/pull-assessment.js';
import type { BuildInput } from '../docs/build.js';
import type { Artefact, ArtefactFiles, WrittenArtefact } from '../docs/types.js';
import type { RepoRef, GitHubClient } from '../github/client.js';

export type { PullAssessment } from '../core/pull-assessment.js';

export interface GatePorts {
  /** Assess a pull request through the API (files, labels, reviews, commits; folder at base and head). */
  assess(client: GitHubClient, repo: RepoRef, pullNumber: number, opts: { safetyDir: string }): Promise<PullAssessment>;
  /** Evaluate and report the gate on a pull request (comment + status or check run). Never throws for API failures. */
  run(
    client: GitHubClient,
    repo: RepoRef,
    pullNumber: number,
    opts: {
      botLogin: string;
      safetyDir: string;
      report: 'status' | 'check-run';
      headSha?: string;
      baseSha?: string;
      defaultBranch?: string;
      /** A workflow run just completed on the head: its test results are looked up whatever else is known. */
      runCompleted?: boolean;
    },
  ): Promise<{ decision: string }>;
  /** The queued commit of a merge queue gets the decision of the pull request it carries. */
  mergeGroup(
    client: GitHubClient,
    repo: RepoRef,
    pullNumber: number | undefined,
    queuedSha: string,
    opts: { botLogin: string; safetyDir: string; report: 'status' | 'check-run'; defaultBranch?: string },
  ): Promise<{ decision: string }>;
}

export interface DocumentPorts {
  // Properties, not methods, so that a builder still wanting clinsafe's own templates does not type-check here.
  /** The documents; the builder is bound to clinsafe's own templates (`documentBuilder` in src/usecases/build-release.ts). */
  build: (input: Omit<BuildInput, 'templates' | 'defaultTemplates'>) => Promise<Artefact[]>;
  /** The same documents written into `files` as they are made (no finished document held in memory); absent: `build`'s. */
  write?: (input: Omit<BuildInput, 'templates' | 'defaultTemplates'>, files: ArtefactFiles) => Promise<WrittenArtefact[]>;
  folderHash: (snapshot: Snapshot) => string;
}
