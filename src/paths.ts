/** Where clinsafe's own files (templates, fixtures) are, whether run from source or from dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'clinsafe') return (cached = dir);
      } catch {
        // keep looking upwards
      }
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the clinsafe package root (templates/ and fixtures/ are missing)');
}

export const templatesDir = (): string => join(packageRoot(), 'templates');
export const exampleProductDir = (): string => join(packageRoot(), 'fixtures', 'example-product');
