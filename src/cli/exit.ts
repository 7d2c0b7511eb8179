/**
 * How the command-line process ends once a command has run. `validate` (a read of the safety
 * folder that starts nothing and leaves nothing running) exits as soon as what it wrote to stdout
 * and stderr has been handed on — the write callbacks, which come after every earlier write — rather
 * than through Node's natural exit, which first tears down the JavaScript heap piece by piece
 * (hundreds of unmaps and the garbage collector's pending work: ~10 ms of CPU after a cold
 * `validate` of 1,000 hazards, for memory the system frees at exit anyway; issue 13). `exit`
 * handlers still run (the single-file CLI writes its code cache in one). Every other command ends
 * as before: some leave child processes or file streams to finish.
 */
const EXIT_WHEN_WRITTEN = new Set(['validate']);

/** Set the exit code for `argv`'s command; for `validate`, exit once stdout and stderr are written. */
export function finish(argv: readonly string[], code: number): void {
  process.exitCode = code;
  if (!EXIT_WHEN_WRITTEN.has(argv[0] ?? '')) return;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
