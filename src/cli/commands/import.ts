import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import type { Finding, ImportResult } from '../../import/types.js';
import { provenanceSummary } from '../../import/report.js';
import { ImportInputError, runImport, type RunImportOutcome } from '../../usecases/import-hazard-log.js';
import { type CliIO, UsageError } from '../io.js';
import { DEFAULT_SAFETY_DIR } from '../../core/folder.js';

const KIND_TITLES: Record<Finding['kind'], string> = {
  unplaced: 'Could not be placed (import refused)',
  'risk-disagreement': 'Risk ratings that disagree with the declared scheme (kept for the CSO, not corrected)',
  ambiguity: 'Ambiguities (placed as described; check them with the CSO)',
  normalised: 'Normalised',
};

/** `'Hazard Log'!B2, 'Hazard Log'!B3, 'Hazard Log'!B4` → `Hazard Log B2:B4`: runs down a column become ranges. */
export function compactCells(cells: readonly string[]): string {
  const bySheet = new Map<string, { col: string; row: number }[]>();
  const other: string[] = [];
  for (const c of cells) {
    const m = /^(?:'((?:[^']|'')*)'|([A-Za-z0-9_]+))!([A-Z]+)(\d+)$/.exec(c);
    if (!m) {
      other.push(c);
      continue;
    }
    const sheet = (m[1] ?? m[2]!).replace(/''/g, "'");
    const list = bySheet.get(sheet) ?? [];
    list.push({ col: m[3]!, row: Number(m[4]) });
    bySheet.set(sheet, list);
  }
  const parts: string[] = [];
  for (const [sheet, list] of bySheet) {
    const refs: string[] = [];
    let i = 0;
    while (i < list.length) {
      let j = i;
      while (j + 1 < list.length && list[j + 1]!.col === list[i]!.col && list[j + 1]!.row === list[j]!.row + 1) j++;
      refs.push(j > i ? `${list[i]!.col}${list[i]!.row}:${list[j]!.col}${list[j]!.row}` : `${list[i]!.col}${list[i]!.row}`);
      i = j + 1;
    }
    parts.push(`${sheet} ${refs.join(', ')}`);
  }
  return [...parts, ...other].join('; ');
}

/** The end-of-import summary as plain text lines. */
export function summaryText(
  result: ImportResult,
  outcome: Pick<RunImportOutcome, 'written' | 'refused' | 'configCreated' | 'provenanceKept'>,
  rel: (p: string) => string,
): string[] {
  const out: string[] = [];
  out.push(`Sheet "${result.sheet}", header row ${result.headerRow}; manufacturer: ${result.manufacturer}`);
  out.push('');
  out.push(`            read  written`);
  const line = (label: string, a: number, b: number) =>
    `${label.padEnd(10)}${String(a).padStart(6)}${String(b).padStart(9)}${a === b ? '' : '   ✗ differs'}`;
  out.push(line('hazards', result.read.hazards, result.written.hazards));
  out.push(line('causes', result.read.causes, result.written.causes));
  out.push(line('controls', result.read.controls, result.written.controls));
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.push(`(${plural(result.read.rows, 'data row')} read, ${plural(result.read.blankRows, 'blank row')} skipped)`);
  const m = result.workbookMatrix;
  if (m)
    out.push(
      `The workbook's own risk matrix (${m.sheet} ${m.range}, ${m.compared} ratings) ${m.agrees ? 'matches the declared scheme' : 'differs from the declared scheme: see below'}.`,
    );
  if (result.provenance) out.push(provenanceSummary(result.provenance));
  for (const kind of ['unplaced', 'risk-disagreement', 'ambiguity', 'normalised'] as const) {
    const fs = result.findings.filter((f) => f.kind === kind);
    if (fs.length === 0) continue;
    const n = fs.reduce((s, f) => s + Math.max(1, f.cells.length), 0);
    out.push('');
    out.push(`${KIND_TITLES[kind]} — ${n}:`);
    for (const f of fs) out.push(`  - ${f.message} [${compactCells(f.cells) || 'whole sheet'}]`);
  }
  out.push('');
  if (outcome.refused) out.push(`✗ ${outcome.refused}`);
  else if (outcome.written.length === 0) out.push('(dry run: nothing written)');
  else {
    for (const p of outcome.written) out.push(`wrote ${rel(p)}`);
    if (outcome.provenanceKept)
      out.push(
        `kept ${rel(outcome.provenanceKept)} as it was: this workbook's cover page and version history are in the import report only`,
      );
    out.push(
      `✓ imported ${result.written.hazards} hazards, ${result.written.causes} causes, ${result.written.controls} controls${outcome.configCreated ? ' (clinsafe.yml is a skeleton: fill in its TODOs)' : ''}`,
    );
    out.push('');
    out.push("Next, with your CSO: review the ambiguities above; decide each hazard marked draft; point each hazard's");
    out.push('triggers at the code it concerns (the PR gate needs them); then run clinsafe validate.');
  }
  return out;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('import')
    .description(
      'import an NHS-style hazard log spreadsheet (.xlsx, one row per control) into the safety folder, reporting every normalisation and ambiguity by cell',
    )
    .argument('<file>', 'the hazard log workbook (.xlsx)')
    .option('--sheet <name>', 'the sheet that holds the hazard log (default: found by name or by its header row)')
    .option('--out <dir>', 'the safety folder to write', DEFAULT_SAFETY_DIR)
    .option('--map <file>', 'YAML mapping of your column names and values onto the NHS layout (see docs/import.md)')
    .option(
      '--manufacturer <names...>',
      'control owner name(s) that mean the manufacturer (default: clinsafe.yml, else the most frequent owner)',
    )
    .option('--root <dir>', 'the repository root evidence paths are relative to (default: the git work tree)')
    .option('--dry-run', 'read and report, write nothing')
    .option('--format <format>', 'text or json', 'text')
    .action(
      async (
        file: string,
        opts: { sheet?: string; out: string; map?: string; manufacturer?: string[]; root?: string; dryRun?: boolean; format: string },
      ) => {
        if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not "${opts.format}"`);
        let outcome: RunImportOutcome;
        try {
          outcome = await runImport({
            file: resolve(io.cwd, file),
            out: resolve(io.cwd, opts.out),
            ...(opts.sheet ? { sheet: opts.sheet } : {}),
            ...(opts.map ? { map: resolve(io.cwd, opts.map) } : {}),
            ...(opts.manufacturer ? { manufacturer: opts.manufacturer } : {}),
            ...(opts.root ? { root: resolve(io.cwd, opts.root) } : {}),
            dryRun: Boolean(opts.dryRun),
          });
        } catch (e) {
          if (e instanceof ImportInputError) throw new UsageError(e.message);
          throw e;
        }
        const rel = (p: string) => relative(io.cwd, p) || '.';
        const failed = Boolean(outcome.refused) || outcome.result.incomplete;
        if (opts.format === 'json') {
          const { result } = outcome;
          io.out(
            JSON.stringify(
              {
                ok: !failed,
                sheet: result.sheet,
                headerRow: result.headerRow,
                columns: result.columns,
                manufacturer: result.manufacturer,
                workbookMatrix: result.workbookMatrix ?? null,
                provenance: result.provenance ?? null,
                read: result.read,
                written: result.written,
                findings: result.findings,
                files: outcome.written.map(rel),
                refused: outcome.refused ?? null,
              },
              null,
              2,
            ),
          );
        } else {
          const lines = summaryText(outcome.result, outcome, rel);
          (failed ? io.err : io.out)(lines.join('\n'));
        }
        setExit(failed ? 1 : 0);
      },
    );
}
