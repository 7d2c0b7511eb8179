import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { summaryLine } from '../../core/summary.js';
import { exampleProductDir } from '../../paths.js';
import type { CliIO } from '../io.js';
import { loadFromDisk } from '../load.js';
import { hazardTable } from './validate.js';

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run clinsafe on the bundled example product (MedRec): validate its safety folder and print its hazard summary')
    .action(() => {
      const root = exampleProductDir();
      const dir = join(root, 'clinical-safety');
      io.out(`Example product: ${relative(io.cwd, root) || root}`);
      const result = loadFromDisk(io, { dir, root });
      for (const d of result.diagnostics) io.out(formatDiagnostic(d));
      if (!result.folder || !result.valid) {
        io.err('✗ the example safety folder is not valid');
        setExit(1);
        return;
      }
      io.out('');
      io.out(hazardTable(result.folder));
      io.out('');
      io.out(`✓ ${summaryLine(result.folder)} — valid`);
      setExit(0);
    });
}
