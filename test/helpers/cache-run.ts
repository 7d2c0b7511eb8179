/**
 * A CLI command run in-process with the parse cache's own report on (CLINSAFE_CACHE_DEBUG=1), that
 * report kept apart from what users see: shared by the validate and check parse-cache tests.
 */
import { run } from '../../src/cli/program.js';

export interface CacheRun {
  code: number;
  out: string;
  err: string;
  /** The CLINSAFE_CACHE_DEBUG line, kept apart from what users see. */
  cache: string;
}

export async function runWithCacheReport(
  command: string,
  cwd: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CacheRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([command, ...args], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    cwd,
    env: { CLINSAFE_CACHE_DEBUG: '1', ...env },
  });
  const cache = err.find((l) => l.startsWith('clinsafe cache:')) ?? '';
  return { code, out: out.join('\n'), err: err.filter((l) => l !== cache).join('\n'), cache };
}

/** What a user sees of a run: exit code, stdout, stderr without the cache's report. */
export const visible = (o: CacheRun) => ({ code: o.code, out: o.out, err: o.err });
