/** The clinsafe command line: one program, commands registered from ./commands. */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerEvidence } from './commands/evidence.js';
import { register as registerInit } from './commands/init.js';
import { register as registerImport, registerExport } from './commands/import.js';
import { register as registerReport } from './commands/report.js';
import { register as registerSchema } from './commands/schema.js';
import { register as registerValidate } from './commands/validate.js';
import { type CliIO, UsageError } from './io.js';

const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;
const COMMANDS: Register[] = [
  registerInit,
  registerValidate,
  registerSchema,
  registerDemo,
  registerImport,
  registerExport,
  registerCheck,
  registerReport,
  registerEvidence,
];

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
  for (const register of COMMANDS) register(program, io, (code) => (exitCode = code));
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 1;
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
