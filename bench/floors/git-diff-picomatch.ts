/**
 * The floor for `clinsafe check`: the least a gate must do on a local checkout — list the files a
 * change touches (one `git diff` from the merge base) and match them against the hazards' trigger
 * globs with picomatch. Usage: node git-diff-picomatch.js <repo> <base> <head> <globs.json>
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';

const [repo, base, head, globsFile] = process.argv.slice(2) as [string, string, string, string];
const triggers = JSON.parse(readFileSync(globsFile, 'utf8')) as Record<string, string[]>;
const matchers = Object.entries(triggers).map(([id, globs]) => [id, picomatch(globs, { dot: true })] as const);
const files = execFileSync('git', ['diff', '--name-only', '-z', `${base}...${head}`], { cwd: repo, maxBuffer: 1 << 28 })
  .toString('utf8')
  .split('\0')
  .filter(Boolean);
const impacted = new Set<string>();
for (const f of files) for (const [id, m] of matchers) if (m(f)) impacted.add(id);
process.stdout.write(`${files.length} files, ${impacted.size} hazards impacted\n`);
