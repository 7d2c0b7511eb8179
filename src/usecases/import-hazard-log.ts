/**
 * `clinsafe import` end to end: read the workbook (bounded), import the hazard log, write one
 * hazard file per hazard and a clinsafe.yml skeleton. File-system work lives here; every decision
 * is in ./nhs.ts.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { resolveRoot } from '../adapters/fs.js';
import { DEFAULT_LIMITS, readWorkbook, WorkbookError, type WorkbookLimits } from '../adapters/xlsx.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { CONFIG_FILE } from '../core/folder.js';
import { PROVENANCE_FILE } from '../core/provenance.js';
import { NHS_DCB0129, schemeProblems, type RiskScheme } from '../core/risk.js';
import { configSchema, jsonSchemas, toRiskScheme } from '../core/schema.js';
import { validateShape } from '../core/validate-shape.js';
import { parseYaml } from '../core/yaml.js';
import { templatesDir } from '../paths.js';
import { parseMap, type MapOptions } from '../import/map.js';
import { ImportError, importHazardLog, type ImportResult } from '../import/nhs.js';
import { importReportMarkdown } from '../import/report.js';
import { hazardFileName, hazardYaml, provenanceYaml } from '../import/write.js';

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
  /** An existing provenance.yml left as it was (the workbook's provenance is then in the report only). */
  provenanceKept?: string;
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

/**
 * `clinsafe init`'s clinsafe.yml with the manufacturer the sheet names. What a hazard log does not
 * state is not asserted: the hazard-identification method and the lifecycle phases are left as
 * TODO values (which clinsafe validate warns about), and no product version is invented.
 */
function configSkeleton(manufacturer: string): string {
  const doc = parseDocument(readFileSync(join(templatesDir(), 'init', 'clinsafe.yml'), 'utf8'));
  doc.setIn(['product', 'manufacturer'], manufacturer);
  doc.deleteIn(['product', 'version']);
  doc.setIn(['lifecycle'], [{ phase: 'TODO the lifecycle phase(s) at which a CSCR is issued; the imported hazard log does not say' }]);
  doc.setIn(
    ['method'],
    'TODO how hazards are identified (e.g. workshops: who takes part, when); the imported hazard log does not say, so clinsafe does not assume one',
  );
  return doc.toString({ lineWidth: 0 });
}

function checkFileSize(file: string, limits: WorkbookLimits): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new ImportInputError(`${file} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ImportInputError) throw e;
    throw new ImportInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > limits.maxFileBytes)
    throw new ImportInputError(
      `${basename(file)}: the file is ${(size / 1048576).toFixed(1)} MB, larger than the ${(limits.maxFileBytes / 1048576).toFixed(0)} MB a hazard log needs; remove embedded images or other sheets and try again`,
    );
}

function readMapFile(path: string | undefined): MapOptions {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ImportInputError(`cannot read the --map file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { options, diagnostics } = parseMap(path, text);
  if (!options) throw new ImportInputError(diagnostics.map(formatDiagnostic).join('\n'));
  return options;
}

/** Why nothing may be written: something unplaced, or a hazard the folder already holds. */
function refusal(out: string, result: ImportResult): string | undefined {
  if (result.incomplete)
    return 'something in the sheet could not be placed (see above); nothing was written — fix the sheet or map its columns with --map, then import again';
  const hazardsDir = join(out, 'hazards');
  const existing = existsSync(hazardsDir) ? readdirSync(hazardsDir).filter((f) => /\.ya?ml$/i.test(f)) : [];
  const clashes = result.hazards.filter((h) => existing.some((f) => f === `${h.id}.yml` || f.startsWith(`${h.id}-`)));
  if (clashes.length === 0) return undefined;
  return `${toPosix(relative(process.cwd(), hazardsDir)) || hazardsDir} already holds ${clashes.map((h) => h.id).join(', ')}; clinsafe import never overwrites a hazard — import into an empty folder (--out) and merge with the CSO`;
}

interface WriteTarget {
  file: string;
  out: string;
  config: ReturnType<typeof existingConfig>;
  scheme: RiskScheme;
  evidenceSource: string;
  sourceCopy: string;
}

/** clinsafe.yml (when none exists) and the editor JSON Schemas, as `clinsafe init` writes them. */
function writeConfig(t: WriteTarget, result: ImportResult, outcome: RunImportOutcome): void {
  const path = join(t.out, CONFIG_FILE);
  writeFileSync(path, configSkeleton(result.manufacturer), { flag: 'wx' });
  outcome.written.push(path);
  outcome.configCreated = true;
  mkdirSync(join(t.out, 'schema'), { recursive: true });
  for (const [name, schema] of Object.entries(jsonSchemas(t.scheme))) {
    const sp = join(t.out, 'schema', `${name}.schema.json`);
    if (existsSync(sp)) continue;
    writeFileSync(sp, `${JSON.stringify(schema, null, 2)}\n`, { flag: 'wx' });
    outcome.written.push(sp);
  }
}

async function writeFolder(t: WriteTarget, result: ImportResult, outcome: RunImportOutcome): Promise<void> {
  const hazardsDir = join(t.out, 'hazards');
  mkdirSync(hazardsDir, { recursive: true });
  // One file per hazard, written concurrently (a large log has hundreds; each open is a syscall).
  const paths = result.hazards.map((h) => join(hazardsDir, hazardFileName(h)));
  await Promise.all(result.hazards.map((h, i) => writeFile(paths[i]!, hazardYaml(h), { flag: 'wx' })));
  outcome.written.push(...paths);
  const cites = result.hazards.some((h) => h.controls.some((c) => c.evidence.some((e) => e.startsWith(`${t.evidenceSource}#`))));
  if (cites) {
    mkdirSync(join(t.out, 'sources'), { recursive: true });
    if (resolve(t.file) !== resolve(t.sourceCopy)) copyFileSync(t.file, t.sourceCopy);
    outcome.sourceCopy = t.sourceCopy;
    outcome.written.push(t.sourceCopy);
  }
  if (!t.config) writeConfig(t, result, outcome);
  if (result.provenance) {
    const path = join(t.out, PROVENANCE_FILE);
    if (existsSync(path)) outcome.provenanceKept = path;
    else {
      writeFileSync(path, provenanceYaml([result.provenance]), { flag: 'wx' });
      outcome.written.push(path);
    }
  }
  // The report itself is a record for the clinical risk management file.
  mkdirSync(join(t.out, 'sources'), { recursive: true });
  const reportPath = join(t.out, 'sources', `${basename(t.file)}.import-report.md`);
  outcome.written.push(reportPath);
  const files = outcome.written.map((p) => toPosix(relative(t.out, p)));
  writeFileSync(reportPath, importReportMarkdown(result, basename(t.file), files));
}

export async function runImport(o: RunImportOptions): Promise<RunImportOutcome> {
  const limits = o.limits ?? DEFAULT_LIMITS;
  checkFileSize(o.file, limits);
  const mapOptions = readMapFile(o.map);
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
  const refused = refusal(o.out, result);
  if (refused) outcome.refused = refused;
  if (refused || o.dryRun) return outcome;
  await writeFolder({ file: o.file, out: o.out, config, scheme, evidenceSource, sourceCopy }, result, outcome);
  return outcome;
}
