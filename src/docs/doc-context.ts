/**
 * What every generated document block reads (the safety folder, the release, its change record,
 * sign-off and test evidence), and the small helpers several of them share.
 */
import type { SafetyFolder } from '../core/folder.js';
import { describeRisk } from '../core/risk.js';
import type { ReleaseEvidence } from '../core/evidence-release.js';
import type { ChangeRecordEntry, ReleaseInfo, SignOff } from './types.js';

export interface DocContext {
  folder: SafetyFolder;
  release: ReleaseInfo;
  changeRecord: ChangeRecordEntry[];
  signOff?: SignOff;
  /** Test evidence at the release commit (issue 15); always set by buildDocuments. */
  evidence?: ReleaseEvidence;
  /** The safety folder at the previous release, when known (what changed in the safety case). */
  previousFolder?: SafetyFolder;
}

export const short = (sha: string): string => sha.slice(0, 12);

export const risk = (ctx: DocContext, value: number): string => describeRisk(ctx.folder.scheme, value);
