import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { hazardLogCsv, hazardLogXlsx } from '../../export/hazard-log-table.js';
import { type CliIO, UsageError } from '../io.js';
import { loadFromDisk } from '../load.js';
import { formatForOutput } from '../output-format.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder.js';

/** `clinsafe export`: the hazard log as XLSX or CSV in the NHS layout (imports back unchanged). */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('export')
    .description(
      'write the hazard log as a spreadsheet in the NHS layout (xlsx or csv); `clinsafe import` reads it back into the same folder',
    )
    .requiredOption('--out <file>', 'the file to write')
    .option('--format <format>', 'xlsx or csv (default: from the --out extension)')
    .option('--dir <dir>', 'the safety folder', DEFAULT_SAFETY_DIR)
    .option('--root <dir>', 'the repository root evidence paths are relative to (default: the git work tree)')
    .action(async (opts: { out: string; format?: string; dir: string; root?: string }) => {
      // The format from --format, else from the file name: never an XLSX written under another extension.
      const format = formatForOutput(opts.format, opts.out, ['xlsx', 'csv']);
      const loaded = loadFromDisk(io, opts);
      if (!loaded.folder)
        throw new UsageError(`${opts.dir}: the safety folder could not be loaded; run clinsafe validate --dir ${opts.dir}`);
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      if (errors > 0)
        io.err(
          `warning: ${opts.dir} has ${errors} validation error(s); hazards that failed their schema are left out of the export — run clinsafe validate`,
        );
      const bytes = format === 'csv' ? hazardLogCsv(loaded.folder) : await hazardLogXlsx(loaded.folder);
      const path = resolve(io.cwd, opts.out);
      writeFileSync(path, bytes);
      io.out(`wrote ${relative(io.cwd, path)} (${loaded.folder.hazards.length} hazards, ${format})`);
      setExit(errors > 0 ? 1 : 0);
    });
}
