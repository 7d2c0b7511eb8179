/** Run the clinsafe CLI in-process, capturing what it prints and its exit code. */
import { run } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(cwd: string, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
