import type { Command } from 'commander';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { hazardRows, summarize, summaryLine } from '../../core/summary.js';
import { hazardsWithoutTriggers, noTriggersSummary } from '../../core/acceptability.js';
import type { SafetyFolder } from '../../core/folder.js';
import type { CliIO } from '../io.js';
import { enginesLoaded } from '../../core/engines.js';
import { globsLoaded } from '../../core/glob-check.js';
import { loadFromDiskCached, type DiskLoad } from '../load-cached.js';
import { chosenFormat, diagnosticAnnotation, formatOption } from '../output-format.js';

export function hazardTable(folder: SafetyFolder): string {
  const rows = hazardRows(folder);
  const header = ['ID', 'Hazard', 'Initial risk', 'Residual risk', 'Status'];
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const body = rows.map((r) => [r.id, clip(r.title, 60), r.initial, r.residual, r.status]);
  const limit = (i: number) => (i === 1 ? 60 : 40);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => clip(b[i]!, limit(i)).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => clip(c, limit(i)).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** One line for CLINSAFE_CACHE_DEBUG=1: what the parse cache did (tests and benchmarks read it). */
function cacheReport(c: DiskLoad['cache']): string {
  if (!c) return 'clinsafe cache: off';
  const parsers = enginesLoaded() ? 'parsers loaded' : 'parsers not loaded';
  const globs = globsLoaded() ? 'globs loaded' : 'globs not loaded';
  return `clinsafe cache: ${c.hits} hits, ${c.misses} misses, file ${c.found}, ${c.written ? 'written' : 'not written'}, ${globs}, ${parsers} (${c.file})`;
}

export const VALIDATE_FORMATS = ['text', 'json', 'github'] as const;

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check the safety folder against the format and the DCB0129 rules; report every problem as file:line:col')
    .option('--dir <dir>', 'the safety folder (default: clinical-safety at the repository root)')
    .option('--root <dir>', 'the repository root evidence paths are relative to (default: the git work tree)')
    .option('--summary', 'also print the hazard summary table')
    .option('--no-cache', 'neither read nor write the parse cache (also CLINSAFE_NO_CACHE=1); see README, The parse cache')
    .addOption(
      formatOption(
        VALIDATE_FORMATS,
        'text, json, or github (workflow-command annotations on each file and line; the default inside GitHub Actions)',
      ),
    )
    .action(async (opts: { dir?: string; root?: string; summary?: boolean; format?: string; cache: boolean }) => {
      const format = chosenFormat(io, opts.format, VALIDATE_FORMATS);
      const result = await loadFromDiskCached(io, opts);
      if (io.env?.CLINSAFE_CACHE_DEBUG) io.err(cacheReport(result.cache));
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
      if (format === 'json') {
        io.out(
          JSON.stringify(
            {
              valid: result.valid,
              diagnostics: result.diagnostics,
              summary: result.folder ? summarize(result.folder) : null,
              liveHazardsWithoutTriggers: result.folder ? hazardsWithoutTriggers(result.folder).map((h) => h.id) : null,
            },
            null,
            2,
          ),
        );
      } else {
        // Annotations go to stdout, where the Actions runner reads workflow commands.
        if (format === 'github') for (const d of result.diagnostics) io.out(diagnosticAnnotation(d));
        else for (const d of result.diagnostics) io.err(formatDiagnostic(d));
        // The count, after the per-hazard warnings: an imported log often has many such hazards.
        const untriggered = result.folder ? noTriggersSummary(result.folder) : '';
        if (untriggered) io.err(`warning: ${untriggered}`);
        if (result.folder && opts.summary) io.out(hazardTable(result.folder));
        const counts = `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
        if (result.valid && result.folder) io.out(`✓ ${summaryLine(result.folder)} — valid (${counts})`);
        else io.err(`✗ ${result.shown}: not valid — ${counts}`);
      }
      setExit(result.valid ? 0 : 1);
    });
}
