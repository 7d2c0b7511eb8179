import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { jsonSchemas } from '../../core/schema.js';
import { templatesDir } from '../../paths.js';
import type { CliIO } from '../io.js';
import { locateSafetyDir } from '../load.js';

export interface InitOptions {
  dir?: string;
  product?: string;
  manufacturer?: string;
  bank: boolean;
}

export interface InitResult {
  created: string[];
  skipped: { path: string; why: string }[];
}

/** Scaffold a safety folder. Never overwrites an existing file. */
export function initFolder(dirAbs: string, opts: Omit<InitOptions, 'dir'>): InitResult {
  const result: InitResult = { created: [], skipped: [] };
  const write = (path: string, content: string) => {
    if (existsSync(path)) {
      result.skipped.push({ path, why: 'already exists' });
      return;
    }
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, content, { flag: 'wx' });
    result.created.push(path);
  };
  const init = join(templatesDir(), 'init');

  const doc = parseDocument(readFileSync(join(init, 'clinsafe.yml'), 'utf8'));
  if (opts.product) doc.setIn(['product', 'name'], opts.product);
  if (opts.manufacturer) doc.setIn(['product', 'manufacturer'], opts.manufacturer);
  write(join(dirAbs, 'clinsafe.yml'), doc.toString({ lineWidth: 0 }));

  const hazardsDir = join(dirAbs, 'hazards');
  const existing = existsSync(hazardsDir) ? readdirSync(hazardsDir).filter((f) => /\.ya?ml$/i.test(f)) : [];
  if (!opts.bank) {
    mkdirSync(hazardsDir, { recursive: true });
  } else if (existing.length > 0) {
    result.skipped.push({ path: hazardsDir, why: `already holds ${existing.length} hazard file(s); the starter bank was not added` });
  } else {
    for (const f of readdirSync(join(init, 'hazards'))
      .filter((n) => n.endsWith('.yml'))
      .sort()) {
      write(join(hazardsDir, f), readFileSync(join(init, 'hazards', f), 'utf8'));
    }
  }
  write(join(dirAbs, 'incidents', '.gitkeep'), '');
  write(join(dirAbs, 'workshops', '.gitkeep'), '');
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    write(join(dirAbs, 'schema', `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return result;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(
      'create a safety folder for a new product: clinsafe.yml to fill in and a starter bank of common health-IT hazards (drafts for the CSO)',
    )
    .option('--dir <dir>', 'where to create the safety folder (default: clinical-safety at the repository root)')
    .option('--product <name>', 'the product name')
    .option('--manufacturer <name>', 'the manufacturer')
    .option('--no-bank', 'do not add the starter hazard bank')
    .action((opts: InitOptions) => {
      const { dirAbs, shown } = locateSafetyDir(io.cwd, opts.dir);
      const result = initFolder(dirAbs, opts);
      const rel = (p: string) => relative(io.cwd, p) || '.';
      for (const f of result.created) io.out(`created ${rel(f)}`);
      for (const s of result.skipped) io.out(`kept    ${rel(s.path)} (${s.why})`);
      io.out('');
      io.out('Next steps:');
      io.out(`  1. Fill in ${rel(join(dirAbs, 'clinsafe.yml'))}: the product, and your Clinical Safety Officer(s) under cso.`);
      io.out(
        '  2. With your CSO, assess each draft hazard (each hazard file lists at its top what to fill in): adapt it, point its triggers at your code, remove draft: true — or retire it.',
      );
      io.out(`  3. Run: clinsafe validate${opts.dir === undefined ? '' : ` --dir ${shown}`}`);
      setExit(0);
    });
}
