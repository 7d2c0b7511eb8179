/**
 * vitest global setup: one registry of the long-lived processes tests start (test/helpers/processes.ts).
 * At the end, any recorded process group still alive is killed and the run fails, naming it: a test
 * run leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapLeftovers } from './helpers/processes.js';

export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-test-processes-'));
  process.env.CLINSAFE_TEST_PROCESSES = dir;
  return () => {
    const left = reapLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length) {
      process.exitCode = 1; // vitest reports a teardown error but would still exit 0
      throw new Error(
        `tests left ${left.length} process group(s) running (now killed): ${left.join('; ')} — stop them with stopProcess() in afterAll`,
      );
    }
  };
}
