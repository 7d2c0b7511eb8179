import { Option, type Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NHS_DCB0129 } from '../../core/risk.js';
import { jsonSchemas } from '../../core/schema.js';
import type { CliIO } from '../io.js';
import { loadFromDisk, locateSafetyDir } from '../load.js';

/** Write the JSON Schemas into `outDir`; returns the files written. */
export function writeSchemas(outDir: string, schemas: Record<string, object>): string[] {
  mkdirSync(outDir, { recursive: true });
  return Object.entries(schemas).map(([name, schema]) => {
    const file = join(outDir, `${name}.schema.json`);
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    return file;
  });
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('schema')
    .description("write JSON Schemas (generated from clinsafe's own definitions) for editor completion and checking")
    .option(
      '--dir <dir>',
      'the safety folder; its risk scheme sets the allowed severity and likelihood labels (default: clinical-safety at the repository root)',
    )
    .option('--out <dir>', 'where to write the schemas (default: <dir>/schema)')
    .addOption(
      new Option('--print <name>', 'print one schema to stdout instead of writing files').choices([
        'clinsafe',
        'hazard',
        'incident',
        'workshop',
      ]),
    )
    .action((opts: { dir?: string; out?: string; print?: string }) => {
      let scheme = NHS_DCB0129;
      const { dirAbs } = locateSafetyDir(io.cwd, opts.dir);
      if (existsSync(join(dirAbs, 'clinsafe.yml'))) {
        const loaded = loadFromDisk(io, { dir: opts.dir });
        if (loaded.folder) scheme = loaded.folder.scheme;
      }
      const schemas = jsonSchemas(scheme);
      if (opts.print) {
        io.out(JSON.stringify(schemas[opts.print], null, 2));
      } else {
        const outDir = opts.out ? resolve(io.cwd, opts.out) : join(dirAbs, 'schema');
        for (const f of writeSchemas(outDir, schemas)) io.out(`wrote ${relative(io.cwd, f) || f}`);
      }
      setExit(0);
    });
}
