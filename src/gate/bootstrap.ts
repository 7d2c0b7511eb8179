/**
 * Bootstrap: a repository whose base branch has no safety folder at all has not adopted clinsafe
 * yet, so the first pull request — the one that adds the folder — cannot need a roster that does
 * not exist. The gate says plainly that it is not yet active (status success, a comment on a pull
 * request that adds the folder). It cannot be abused to skip a CSO:
 * - once the folder is on the base branch, removing it is itself a change to the safety folder,
 *   which always needs a CSO from the base roster;
 * - a pull request into some other branch without the folder is "not yet active" only while the
 *   repository's default branch has no folder either; otherwise it fails closed.
 * A base folder that exists but cannot be read stays an error.
 */
import type { Root } from 'mdast';
import { heading, inlineCode, paragraph, root } from '../core/markdown.js';
import { marker } from '../core/markers.js';

export type Activity = 'active' | 'not-yet-active' | 'base-without-folder';

/** Whether the gate applies, from where the folder is. */
export function gateActivity(basePresent: boolean, baseIsDefault: boolean, defaultPresent: boolean | undefined): Activity {
  if (basePresent) return 'active';
  if (baseIsDefault || defaultPresent === false) return 'not-yet-active';
  return 'base-without-folder';
}

export function notYetActiveDescription(safetyDir: string, baseRef: string): string {
  return `clinsafe is not yet active: no ${safetyDir}/ on ${baseRef}`;
}

export function baseWithoutFolderProblem(safetyDir: string, baseRef: string, defaultBranch: string): string {
  return `the base branch ${baseRef} has no ${safetyDir}/ folder but the default branch ${defaultBranch} has one, so there is no roster to check this pull request against; merge ${defaultBranch} into ${baseRef} first (or target ${defaultBranch})`;
}

/** The comment on a pull request that adds the safety folder to a repository without one. */
export function notYetActiveTree(prNumber: number, safetyDir: string, baseRef: string): Root {
  return root([
    heading(3, 'ℹ️ clinsafe is not yet active on this repository'),
    paragraph(
      'The base branch ',
      inlineCode(baseRef),
      ' has no ',
      inlineCode(`${safetyDir}/`),
      ' folder, so there is no CSO roster and no hazard log to check this pull request against. This pull request adds the folder: once it is merged, every pull request into ',
      inlineCode(baseRef),
      ' is checked against it, and any later change to the folder — removing it included — needs a Clinical Safety Officer.',
    ),
    paragraph('Before merging, have a Clinical Safety Officer read the roster (clinsafe.yml) and the hazard log this pull request adds.'),
    { type: 'html', value: marker('gate-comment', `pr-${prNumber}`) },
  ]);
}
