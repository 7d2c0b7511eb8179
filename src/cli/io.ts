/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Whether stdout is a terminal (colour, tables). */
  isTTY?: boolean;
  /** Environment variables the CLI looks at (GITHUB_ACTIONS); tests pass their own, default none. */
  env?: Record<string, string | undefined>;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
};

/** An error meant for the user: printed as `clinsafe: message`, never with a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The commands that read the safety folder and print: nothing of theirs runs once `run` has returned. */
const EXIT_WHEN_WRITTEN = new Set(['validate', 'check']);

/**
 * End the process with `code` (argv: the arguments after `clinsafe`). For `validate` and `check`,
 * as soon as what they wrote to stdout and stderr has been handed to the system: letting the event
 * loop drain first also runs V8's pending tasks, and in most warm 1,000-hazard runs one of them is
 * a full garbage collection of the whole heap, started as the command ended (~10 ms of CPU). The
 * exit code is set first: if a stream never calls back (closed), the process ends as before.
 */
export function finish(argv: readonly string[], code: number): void {
  process.exitCode = code;
  if (!EXIT_WHEN_WRITTEN.has(argv[0] ?? '')) return;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
