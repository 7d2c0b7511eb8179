/**
 * `clinsafe report --junit` reads reports of tests that ran on this work tree; they are results
 * of the release commit only when the work tree *is* that commit. A tracked file changed, staged or
 * deleted means the tests ran on something else: report refuses (exit 1) rather than put results of
 * uncommitted code into a CSCR. Untracked files (not ignored by .gitignore) could also have been
 * run; they are named in a warning, since the reports themselves and build output are untracked too.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { gitText } from '../../adapters/git.js';

export interface WorkTreeState {
  /** Tracked files whose work-tree or staged content differs from HEAD. */
  changed: string[];
  /** Untracked files that are not ignored, other than the reports and the output folder. */
  untracked: string[];
}

/** Parse `git status --porcelain=v1 -z`: "XY path\0", with "R/C" entries followed by the old path. */
export function parsePorcelain(out: string): { changed: string[]; untracked: string[] } {
  const parts = out.split('\0');
  const changed: string[] = [];
  const untracked: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    const path = entry.slice(3);
    if (xy === '??') untracked.push(path);
    else if (xy !== '!!') changed.push(path);
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the old path follows
  }
  return { changed, untracked };
}

/** What differs from HEAD in the work tree at `root`, leaving out the JUnit reports (globs relative to `cwd`) and `outDir`. */
export function workTreeState(root: string, cwd: string, junit: readonly string[], outDir: string): WorkTreeState {
  const { changed, untracked } = parsePorcelain(gitText(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
  const isReport = picomatch([...junit], { dot: true });
  const out = resolve(cwd, outDir);
  const keep = (p: string) => {
    const abs = join(root, p);
    const fromCwd = relative(cwd, abs).split('\\').join('/');
    if (!fromCwd.startsWith('..') && !isAbsolute(fromCwd) && isReport(fromCwd)) return false;
    const inOut = relative(out, abs);
    return inOut.startsWith('..') || isAbsolute(inOut);
  };
  return { changed, untracked: untracked.filter(keep) };
}

const listed = (files: string[], max = 5) =>
  `${files.slice(0, max).join(', ')}${files.length > max ? ` and ${files.length - max} more` : ''}`;

/** The refusal for changed tracked files; undefined when the work tree is HEAD. */
export function dirtyRefusal(s: WorkTreeState, commit: string): string | undefined {
  if (s.changed.length === 0) return undefined;
  return `--junit: the work tree has uncommitted changes to ${s.changed.length} tracked file${s.changed.length === 1 ? '' : 's'} (${listed(s.changed)}), so the tests did not run on the release commit ${commit.slice(0, 12)} and their results are not evidence for it. Commit or stash the changes, run the tests again and re-run clinsafe report; or pass --evidence with the record your CI made at the release commit`;
}

/** The warning for untracked files; undefined when there are none. */
export function untrackedWarning(s: WorkTreeState): string | undefined {
  if (s.untracked.length === 0) return undefined;
  return `warning: --junit: ${s.untracked.length} untracked file${s.untracked.length === 1 ? ' is' : 's are'} in the work tree (${listed(s.untracked)}); if the tests used ${s.untracked.length === 1 ? 'it' : 'them'}, the results are not those of the release commit alone`;
}
