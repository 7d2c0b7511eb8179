/**
 * `clinsafe import` end to end: read the workbook (bounded), import the hazard log, write one
 * hazard file per hazard and a clinsafe.yml skeleton. File-system work lives here; every decision
 * is in ./nhs.ts.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { resolveRoot } from '../adapters/fs.js';
import { DEFAULT_LIMITS, readWorkbook, WorkbookError, type WorkbookLimits } from '../adapters/xlsx.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { CONFIG_FILE } from '../core/folder.js';
import { NHS_DCB0129, schemeProblems, type RiskScheme } from '../core/risk.js';
import { configSchema, jsonSchemas, toRiskScheme } from '../core/schema.js';
import { validateShape } from '../core/validate-shape.js';
import { parseYaml } from '../core/yaml.js';
import { templatesDir } from '../paths.js';
import { parseMap, type MapOptions } from './map.js';
import { ImportError, importHazardLog, type ImportResult } from './nhs.js';
import { importReportMarkdown } from './report.js';
import { hazardFileName, hazardYaml } from './write.js';

export interface RunImportOptions {
  /** The workbook, absolute. */
  file: string;
  /** The safety folder to write, absolute. */
  out: string;
  sheet?: string;
  /** The --map file, absolute. */
  map?: string;
  manufacturer?: string[];
  /** Repository root (default: the git work tree holding `out`). */
  root?: string;
  dryRun?: boolean;
  limits?: WorkbookLimits;
}

export interface RunImportOutcome {
  result: ImportResult;
  /** Files written (absolute); empty on a dry run or when nothing could be written. */
  written: string[];
  /** Why nothing was written, when so. */
  refused?: string;
  configCreated: boolean;
  sourceCopy?: string;
}

/** A problem with the user's input: printed as a message, never a stack trace. */
export class ImportInputError extends Error {}

const toPosix = (p: string) => p.split(sep).join('/');

function existingConfig(out: string): { scheme: RiskScheme; manufacturer?: string } | undefined {
  const path = join(out, CONFIG_FILE);
  if (!existsSync(path)) return undefined;
  const { parsed, diagnostics } = parseYaml(path, readFileSync(path, 'utf8'));
  const shape = parsed ? validateShape(parsed, configSchema) : undefined;
  const errors = [...diagnostics, ...(shape?.diagnostics ?? [])].filter((d) => d.severity === 'error');
  if (!shape?.data || errors.length > 0) {
    throw new ImportInputError(
      `${path} exists but is not valid, so its risk scheme cannot be used:\n${errors.slice(0, 5).map(formatDiagnostic).join('\n')}\nfix it (clinsafe validate) and import again`,
    );
  }
  const declared = shape.data.riskScheme;
  if (declared !== 'nhs-dcb0129' && schemeProblems(declared).length > 0)
    throw new ImportInputError(`${path}: its riskScheme is not valid; fix it (clinsafe validate) and import again`);
  return {
    scheme: toRiskScheme(declared),
    manufacturer: /^TODO\b/.test(shape.data.product.manufacturer) ? undefined : shape.data.product.manufacturer,
  };
}

function configSkeleton(manufacturer: string): string {
  const doc = parseDocument(readFileSync(join(templatesDir(), 'init', 'clinsafe.yml'), 'utf8'));
  doc.setIn(['product', 'manufacturer'], manufacturer);
  return doc.toString({ lineWidth: 0 });
}

export async function runImport(o: RunImportOptions): Promise<RunImportOutcome> {
  const limits = o.limits ?? DEFAULT_LIMITS;
  let size: number;
  try {
    const st = statSync(o.file);
    if (!st.isFile()) throw new ImportInputError(`${o.file} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ImportInputError) throw e;
    throw new ImportInputError(`cannot read ${o.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > limits.maxFileBytes)
    throw new ImportInputError(
      `${basename(o.file)}: the file is ${(size / 1048576).toFixed(1)} MB, larger than the ${(limits.maxFileBytes / 1048576).toFixed(0)} MB a hazard log needs; remove embedded images or other sheets and try again`,
    );

  let mapOptions: MapOptions = {};
  if (o.map) {
    let text: string;
    try {
      text = readFileSync(o.map, 'utf8');
    } catch (e) {
      throw new ImportInputError(`cannot read the --map file ${o.map}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const { options, diagnostics } = parseMap(o.map, text);
    if (!options) throw new ImportInputError(diagnostics.map(formatDiagnostic).join('\n'));
    mapOptions = options;
  }

  const config = existingConfig(o.out);
  const scheme = config?.scheme ?? NHS_DCB0129;
  const manufacturer = o.manufacturer?.length
    ? o.manufacturer
    : mapOptions.manufacturer?.length
      ? mapOptions.manufacturer
      : config?.manufacturer
        ? [config.manufacturer]
        : undefined;

  if (!o.dryRun) mkdirSync(o.out, { recursive: true });
  const root = existsSync(o.out) ? resolveRoot(o.out, o.root) : resolve(o.root ?? resolve(o.out, '..'));
  const sourceCopy = join(o.out, 'sources', basename(o.file));
  const evidenceSource = toPosix(relative(root, sourceCopy));

  let result: ImportResult;
  try {
    const wb = await readWorkbook(readFileSync(o.file), basename(o.file), limits);
    const sheet = o.sheet ?? mapOptions.sheet;
    result = importHazardLog(wb, {
      scheme,
      ...(sheet ? { sheet } : {}),
      ...(mapOptions.columns ? { columns: mapOptions.columns } : {}),
      ...(mapOptions.values ? { values: mapOptions.values } : {}),
      ...(manufacturer ? { manufacturer } : {}),
      evidenceSource,
      sourceName: basename(o.file),
    });
  } catch (e) {
    if (e instanceof WorkbookError || e instanceof ImportError) throw new ImportInputError(e.message);
    throw e;
  }

  const outcome: RunImportOutcome = { result, written: [], configCreated: false };
  if (result.incomplete) {
    outcome.refused =
      'something in the sheet could not be placed (see above); nothing was written — fix the sheet or map its columns with --map, then import again';
    return outcome;
  }
  const hazardsDir = join(o.out, 'hazards');
  const existing = existsSync(hazardsDir) ? readdirSync(hazardsDir).filter((f) => /\.ya?ml$/i.test(f)) : [];
  const clashes = result.hazards.filter((h) => existing.some((f) => f === `${h.id}.yml` || f.startsWith(`${h.id}-`)));
  if (clashes.length > 0) {
    outcome.refused = `${toPosix(relative(process.cwd(), hazardsDir)) || hazardsDir} already holds ${clashes.map((h) => h.id).join(', ')}; clinsafe import never overwrites a hazard — import into an empty folder (--out) and merge with the CSO`;
    return outcome;
  }
  if (o.dryRun) return outcome;

  mkdirSync(hazardsDir, { recursive: true });
  for (const h of result.hazards) {
    const path = join(hazardsDir, hazardFileName(h));
    writeFileSync(path, hazardYaml(h), { flag: 'wx' });
    outcome.written.push(path);
  }
  const cites = result.hazards.some((h) => h.controls.some((c) => c.evidence.some((e) => e.startsWith(`${evidenceSource}#`))));
  if (cites) {
    mkdirSync(join(o.out, 'sources'), { recursive: true });
    if (resolve(o.file) !== resolve(sourceCopy)) copyFileSync(o.file, sourceCopy);
    outcome.sourceCopy = sourceCopy;
    outcome.written.push(sourceCopy);
  }
  if (!config) {
    const path = join(o.out, CONFIG_FILE);
    writeFileSync(path, configSkeleton(result.manufacturer), { flag: 'wx' });
    outcome.written.push(path);
    outcome.configCreated = true;
    // JSON Schemas for editors, as `clinsafe init` writes them (the hazard files point at them).
    mkdirSync(join(o.out, 'schema'), { recursive: true });
    for (const [name, schema] of Object.entries(jsonSchemas(scheme))) {
      const sp = join(o.out, 'schema', `${name}.schema.json`);
      if (existsSync(sp)) continue;
      writeFileSync(sp, `${JSON.stringify(schema, null, 2)}\n`, { flag: 'wx' });
      outcome.written.push(sp);
    }
  }
  // The report itself is a record for the clinical risk management file.
  mkdirSync(join(o.out, 'sources'), { recursive: true });
  const reportPath = join(o.out, 'sources', `${basename(o.file)}.import-report.md`);
  outcome.written.push(reportPath);
  writeFileSync(
    reportPath,
    importReportMarkdown(
      result,
      basename(o.file),
      outcome.written.map((p) => toPosix(relative(o.out, p))),
    ),
  );
  return outcome;
}
