/**
 * Tests that open generated files with a system reader (poppler, LibreOffice, Chromium, Redis…).
 * On a machine without the tool the test is skipped with a printed reason; under CI=true a missing
 * tool is a failure instead, so CI (which installs `.ci/apt-packages`) always runs them.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

const cache = new Map<string, boolean>();

/** Is `cmd` on PATH and runnable? (`--version`/`-v` exit status is not trusted; only spawn errors count.) */
export function hasTool(cmd: string, args: string[] = ['--version']): boolean {
  const key = `${cmd} ${args.join(' ')}`;
  let found = cache.get(key);
  if (found === undefined) {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    found = !r.error;
    cache.set(key, found);
  }
  return found;
}

export interface SystemTool {
  /** The command looked for on PATH. */
  cmd: string;
  /** The Debian package that provides it (named in the skip reason). */
  debianPackage: string;
  /** Arguments that make the command exit quickly (default `--version`). */
  probe?: string[];
}

/** A reason to skip, or undefined when every tool is present. Throws under CI=true when one is missing. */
export function missingTools(tools: SystemTool[]): string | undefined {
  const missing = tools.filter((t) => !hasTool(t.cmd, t.probe));
  if (missing.length === 0) return undefined;
  const reason = `install ${[...new Set(missing.map((t) => t.debianPackage))].join(' and ')} to run these tests (${missing.map((t) => t.cmd).join(', ')} not found)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}: .ci/apt-packages must list them`);
  return reason;
}

/** `describe` that runs only when the tools exist: skipped with a printed reason otherwise (a failure under CI=true). */
export function describeWithTools(tools: SystemTool[], name: string, body: () => void): void {
  const reason = missingTools(tools);
  if (reason) {
    console.warn(`[skipped] ${name}: ${reason}`);
    describe.skip(`${name} — skipped: ${reason}`, body);
    return;
  }
  describe(name, body);
}

/** `it` with the same rule, for a single test among others. */
export function itWithTools(tools: SystemTool[], name: string, body: () => unknown | Promise<unknown>, timeout?: number): void {
  const reason = missingTools(tools);
  if (reason) {
    console.warn(`[skipped] ${name}: ${reason}`);
    it.skip(`${name} — skipped: ${reason}`, body);
    return;
  }
  it(name, body, timeout);
}

export const POPPLER: SystemTool = { cmd: 'pdftotext', debianPackage: 'poppler-utils', probe: ['-v'] };
export const PDFINFO: SystemTool = { cmd: 'pdfinfo', debianPackage: 'poppler-utils', probe: ['-v'] };
export const LIBREOFFICE: SystemTool = { cmd: 'soffice', debianPackage: 'libreoffice-calc-nogui' };
export const CHROMIUM: SystemTool = { cmd: 'chromium', debianPackage: 'chromium' };
export const REDIS: SystemTool = { cmd: 'redis-server', debianPackage: 'redis-server' };
