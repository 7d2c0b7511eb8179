/**
 * npm runs `prepare` after `npm ci` / `npm install` in a checkout, and when installing clinsafe from
 * git. A development install has TypeScript: build dist/ so the README's commands (`npm run demo`,
 * `npm start`) work straight after `npm ci`, and the single-file CLI (dist-cli/clinsafe.mjs), which
 * is the package's `clinsafe` command (so an install from git has it too). A production install (`npm ci --omit=dev`, e.g. the
 * App's container image) has no compiler: it uses a dist/ built beforehand, and says so when there
 * is none — it never fails the install for it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}

if (tsc) {
  let r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (r.status === 0) r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
  // The `clinsafe` command a package install links (package.json "bin") is the single-file CLI.
  if (r.status === 0) r = spawnSync(process.execPath, ['scripts/bundle.mjs', 'cli'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else if (existsSync('dist/src/cli/main.js')) {
  console.log('clinsafe: production install (no TypeScript): using the dist/ already built');
} else {
  console.log(
    'clinsafe: production install without dist/: build it first with a development install (npm ci && npm run build), ' +
      'or use the single-file CLI from the release page',
  );
}
