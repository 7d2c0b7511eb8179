/**
 * `clinsafe evidence --junit 'reports/**\/*.xml' [--commit SHA] [--out FILE] [--format text|json|markdown]`
 * (issue 15): match JUnit results to the tests each control links, at one commit.
 * Exit 0 when every linked test passed, 2 when something needs a CSO (failing, missing or skipped
 * tests, or a verification claim the results do not support), 1 on bad input.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { gitTopLevel } from '../../adapters/fs.js';
import { GitError, resolveRef } from '../../adapters/git.js';
import { needsAttention, type EvidenceRecord } from '../../core/evidence.js';
import { evidenceMarkdown, evidenceText } from '../../core/evidence-summary.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder.js';
import { collectEvidence, EvidenceInputError, evidenceJson } from '../../usecases/record-evidence.js';
import { type CliIO, UsageError } from '../io.js';

interface EvidenceOptions {
  junit: string[];
  commit?: string;
  out?: string;
  format: string;
  dir: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('evidence')
    .description(
      'match JUnit test results to the tests each control links, at one commit (exit 0 all linked tests passed, 2 something needs a CSO, 1 error)',
    )
    .requiredOption(
      '--junit <glob>',
      "JUnit XML reports, a glob relative to the current folder, e.g. 'reports/**/*.xml' (repeatable)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--commit <sha>', 'the commit the tests ran at (default: HEAD); the safety folder is read there')
    .option('--out <file>', 'write the JSON evidence record to this file')
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--dir <dir>', 'the safety folder, relative to the repository root', DEFAULT_SAFETY_DIR)
    .action(async (opts: EvidenceOptions) => {
      if (!['text', 'markdown', 'json'].includes(opts.format))
        throw new UsageError(`--format must be text, json or markdown, not "${opts.format}"`);
      const root = gitTopLevel(io.cwd);
      if (!root)
        throw new UsageError(`${io.cwd} is not inside a git repository; run clinsafe evidence in a checkout of the product repository`);
      const dir = relative(root, resolve(io.cwd, opts.dir)).split('\\').join('/') || DEFAULT_SAFETY_DIR;
      if (dir.startsWith('..')) throw new UsageError(`--dir ${opts.dir} is outside the repository ${root}`);
      if (opts.commit?.startsWith('-')) throw new UsageError(`--commit "${opts.commit}" is not a commit; give a SHA, tag or branch`);
      let record: EvidenceRecord | undefined;
      try {
        const commit = resolveRef(root, opts.commit ?? 'HEAD');
        record = await collectEvidence({ junit: opts.junit, cwd: io.cwd, root, commit, dir, env: process.env, report: io.err });
      } catch (e) {
        if (e instanceof GitError || e instanceof EvidenceInputError) throw new UsageError(e.message);
        throw e;
      }
      if (!record) return setExit(1);
      const json = `${JSON.stringify(evidenceJson(record), null, 2)}\n`;
      if (opts.out) {
        const file = resolve(io.cwd, opts.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, json);
      }
      if (opts.format === 'json') io.out(json);
      else if (opts.format === 'markdown') io.out(evidenceMarkdown(record));
      else for (const l of evidenceText(record)) io.out(l);
      if (opts.out && opts.format !== 'json') io.out(`wrote ${opts.out}`);
      setExit(needsAttention(record) ? 2 : 0);
    });
}
