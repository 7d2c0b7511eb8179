/**
 * clinsafe's own default templates (templates/*.md in the package), read from disk for the
 * document builder, which reads no files itself: the front doors (CLI, App, Action) and the
 * benches hand `clinsafeTemplate` to it (`documentBuilder` in src/usecases/build-release.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from '../paths.js';

const read = new Map<string, string>();

/** The text of clinsafe's template `name` (a plain file name such as `cscr.md`), read once per process. */
export function clinsafeTemplate(name: string): string {
  let text = read.get(name);
  if (text === undefined) {
    if (!/^[a-z][a-z0-9-]*\.md$/.test(name)) throw new Error(`"${name}" is not the name of one of clinsafe's templates`);
    text = readFileSync(join(templatesDir(), name), 'utf8');
    read.set(name, text);
  }
  return text;
}
