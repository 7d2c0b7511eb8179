import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import type { CliIO } from '../src/cli/io.js';
import { emptyRepo } from './helpers/repo.js';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), cwd };
  return { cli, out, err };
}

describe('clinsafe init', () => {
  it('scaffolds a folder in an empty git repository that then validates', async () => {
    const repo = emptyRepo();
    const a = io(repo.dir);
    expect(await run(['init', '--product', 'Ward Board'], a.cli)).toBe(0);
    const hazards = readdirSync(join(repo.dir, 'clinical-safety', 'hazards'));
    expect(hazards.length).toBeGreaterThanOrEqual(12);
    const titles = hazards.join(' ');
    for (const topic of ['wrong-patient', 'unavailable', 'calculation', 'alert', 'access']) expect(titles).toContain(topic);
    const config = readFileSync(join(repo.dir, 'clinical-safety', 'clinsafe.yml'), 'utf8');
    expect(config.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/clinsafe.schema.json');
    expect(config).toContain('name: Ward Board');
    for (const h of hazards) {
      expect(readFileSync(join(repo.dir, 'clinical-safety', 'hazards', h), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../schema/hazard.schema.json',
      );
    }
    expect(readdirSync(join(repo.dir, 'clinical-safety', 'schema')).sort()).toEqual([
      'clinsafe.schema.json',
      'hazard.schema.json',
      'incident.schema.json',
      'workshop.schema.json',
    ]);

    const b = io(repo.dir);
    expect(await run(['validate'], b.cli)).toBe(0);
    expect(b.out.join('\n')).toMatch(/Ward Board: \d+ hazards .* — valid/);
    // The bank is a set of drafts for the CSO, and the roster is empty until someone is named.
    expect(b.err.join('\n')).toContain('hazard is still a draft');
    expect(b.err.join('\n')).toContain('no Clinical Safety Officer is named');
    repo.cleanup();
  });

  it('every starter hazard says what to fill in, at the top and beside each field to replace', async () => {
    const repo = emptyRepo();
    const a = io(repo.dir);
    expect(await run(['init'], a.cli)).toBe(0);
    expect(a.out.join('\n')).toContain('each hazard file lists at its top what to fill in');
    const dir = join(repo.dir, 'clinical-safety', 'hazards');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      const header = text.split('\nid: ')[0]!;
      for (const field of ['initial and residual', 'controls', 'owner', 'triggers', 'remove `draft: true`', 'retiredReason'])
        expect(header, `${f} header names ${field}`).toContain(field);
      expect(text).toMatch(/^owner: "To be assigned" # FILL IN: /m);
      expect(text).toMatch(/^draft: true # FILL IN: /m);
      expect(text).toMatch(
        /# FILL IN: the code this hazard lives in \(e\.g\. "[^"]+"[^)]*\) and the pull-request labels that\n# should trigger it; [^\n]*\ntriggers: \{ paths: \[\], labels: \[\] \}\n$/,
      );
      // A placeholder justification (residual 3 or more) is marked for the CSO too.
      if (/^justification:/m.test(text))
        expect(text).toMatch(/# FILL IN: the CSO confirms or rewrites this justification[^\n]*\njustification:/);
    }
    repo.cleanup();
  });

  it('never overwrites existing files', async () => {
    const repo = emptyRepo();
    repo.write('clinical-safety/clinsafe.yml', 'mine: true\n');
    repo.write('clinical-safety/hazards/H-001-own.yml', 'id: H-001\n');
    const a = io(repo.dir);
    expect(await run(['init'], a.cli)).toBe(0);
    expect(readFileSync(join(repo.dir, 'clinical-safety', 'clinsafe.yml'), 'utf8')).toBe('mine: true\n');
    expect(readdirSync(join(repo.dir, 'clinical-safety', 'hazards'))).toEqual(['H-001-own.yml']);
    expect(a.out.join('\n')).toMatch(/kept\s+clinical-safety\/clinsafe.yml \(already exists\)/);
    expect(a.out.join('\n')).toMatch(/starter bank was not added/);
    repo.cleanup();
  });

  it('schema writes JSON Schemas for the scheme in force', async () => {
    const repo = emptyRepo();
    await run(['init', '--no-bank'], io(repo.dir).cli);
    writeFileSync(join(repo.dir, 'clinical-safety', 'schema', 'hazard.schema.json'), '{}');
    const a = io(repo.dir);
    expect(await run(['schema'], a.cli)).toBe(0);
    const hazard = JSON.parse(readFileSync(join(repo.dir, 'clinical-safety', 'schema', 'hazard.schema.json'), 'utf8'));
    expect(hazard.properties.initial.properties.severity.enum).toEqual(['Minor', 'Significant', 'Considerable', 'Major', 'Catastrophic']);
    expect(hazard.additionalProperties).toBe(false);
    repo.cleanup();
  });
});
