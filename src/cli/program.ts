/** The clinsafe command line: one program, commands registered from ./commands. */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { type CliIO, UsageError } from './io.js';

const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs (or for the full help): `--version`
 * and `validate` never load the spreadsheet, PDF or GitHub code that `report` and `import` need.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./commands/init.js')).register,
  validate: async () => (await import('./commands/validate.js')).register,
  schema: async () => (await import('./commands/schema.js')).register,
  demo: async () => (await import('./commands/demo.js')).register,
  import: async () => (await import('./commands/import.js')).register,
  export: async () => (await import('./commands/export.js')).register,
  check: async () => (await import('./commands/check.js')).register,
  report: async () => (await import('./commands/report.js')).register,
  evidence: async () => (await import('./commands/evidence.js')).register,
};

/** The commands argv needs registered: the one it names, none for --version, all for help or an unknown name. */
export function commandsFor(argv: string[]): string[] {
  const first = argv[0];
  if (first === '-V' || first === '--version') return [];
  const name = first === 'help' ? argv[1] : first;
  if (name && Object.hasOwn(COMMANDS, name)) return [name];
  return Object.keys(COMMANDS);
}

/** Run the CLI in-process. Returns the exit code; never throws for user errors. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('clinsafe')
    .description('Continuous clinical safety (DCB0129) for health software: hazard log as code, PR safety gate, safety case documents.')
    .version(version)
    .exitOverride()
    .showHelpAfterError('(run clinsafe help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  for (const name of commandsFor(argv)) (await COMMANDS[name]!())(program, io, (code) => (exitCode = code));
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // `clinsafe --help`/`help`/`--version`: 0; no command at all (help printed to stderr) and usage errors: 1.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : e.exitCode;
    }
    if (e instanceof UsageError) {
      io.err(`clinsafe: ${e.message}`);
      return e.exitCode;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && err.path) {
      io.err(`clinsafe: cannot access ${err.path}: ${err.code}`);
      return 1;
    }
    io.err(`clinsafe: internal error: ${err?.message ?? String(e)} — please report this with the command you ran`);
    return 1;
  }
}
