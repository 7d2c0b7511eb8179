/**
 * Load and validate a safety folder from a snapshot of its files. Pure: the snapshot is built
 * by an adapter (file system, git, GitHub API); this module only decides.
 */
import { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.js';
import { recordOnlyEvidenceWarnings } from './imported-evidence.js';
import { PROVENANCE_FILE, schemaNameOf } from './schema-values.js';
import { schemaEngines } from './engines.js';
import { clinicalDiagnostics } from './clinical-diagnostics.js';
import type { ParseCache, ParsedYaml } from './yaml-core.js';
import { CONFIG_FILE, folderTexts } from './folder-texts.js';
import { checkedReader } from './checked-read.js';
import { compareIds } from './id-order.js';
import type { CheckedFileStore } from './ports/checked-files.js';
import { loadConfig } from './folder-config.js';
import { loadHazards, loadIncidents, loadWorkshops, type FolderReadContext } from './folder-kinds.js';

export { DEFAULT_SAFETY_DIR } from './folder-types.js';
export { CONFIG_FILE, isSafetyFile } from './folder-texts.js';
export { isUrl } from './evidence-verdict.js';

export type { Assessment, Hazard, Incident, LoadResult, SafetyFolder, Snapshot, SnapshotFile, Workshop } from './folder-types.js';
import type { LoadResult, Snapshot } from './folder-types.js';
import type { Provenance } from './provenance.js';

export interface LoadOptions {
  /** Parse results shared with other loads of the same run (base and head, the commits of a change record). */
  parseCache?: ParseCache;
  /**
   * Per-file parse and schema results kept between runs (the CLI's cache). Only per-file work is
   * taken from it; every check across files or against the repository runs on the whole set.
   */
  store?: CheckedFileStore;
}

export function loadFolder(snapshot: Snapshot, opts: LoadOptions = {}): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const dir = snapshot.dir.replace(/\/+$/, '');
  const configPath = dir ? `${dir}/${CONFIG_FILE}` : CONFIG_FILE;
  const err = (file: string, pos: { line: number; col: number }, code: string, message: string, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push({ file, ...pos, severity, code, message });

  // Read every file as text first: size, binary, encoding, symlinks.
  const { texts, bytesOf, shas, hazardPaths, incidentPaths, documentPaths } = folderTexts(snapshot, dir, opts.store, diagnostics);
  const read = checkedReader(opts.store, opts.parseCache, shas);
  const ctx: FolderReadContext = { snapshot, dir, texts, bytesOf, read, diagnostics, err };

  // clinsafe.yml
  const { config, scheme, schemeOk } = loadConfig(ctx, configPath);
  // The hazard and incident schemas depend on the scheme's severities and likelihoods.
  const schemeName = schemaNameOf(scheme);
  const records = { ...ctx, config, scheme, schemeOk, schemeName };

  // Hazards
  const { hazards, hazardSources, hazardIds } = loadHazards(records, hazardPaths);

  diagnostics.push(...recordOnlyEvidenceWarnings(hazards, hazardSources));
  // provenance.yml, when the folder has one (an imported hazard log).
  const provenancePath = dir ? `${dir}/${PROVENANCE_FILE}` : PROVENANCE_FILE;
  const provenanceText = texts.get(provenancePath);
  let provenance: Provenance | undefined;
  if (provenanceText !== undefined) {
    const r = read(
      'provenance',
      'provenance',
      () => schemaEngines().provenanceSchema,
      provenancePath,
      provenanceText,
      0,
      bytesOf.get(provenancePath),
    );
    diagnostics.push(...r.diagnostics);
    provenance = r.data;
  }

  // Incidents
  const { incidents, incidentSources } = loadIncidents(records, incidentPaths, hazardIds);

  // Workshops and templates
  const { workshops, templates } = loadWorkshops(ctx, documentPaths, hazardIds);

  hazards.sort((a, b) => compareIds(a.id, b.id));
  const folder = config
    ? { dir, config, scheme, hazards, incidents, workshops, templates, ...(provenance ? { provenance } : {}) }
    : undefined;
  if (folder && schemeOk) {
    const sources = new Map<string, ParsedYaml>([...incidentSources, ...hazardSources]);
    diagnostics.push(...clinicalDiagnostics(folder, sources));
  }
  sortDiagnostics(diagnostics);
  return { folder, diagnostics, valid: !hasErrors(diagnostics) };
}

export { compareIds } from './id-order.js';
