/**
 * Load and validate a safety folder from a snapshot of its files. Pure: the snapshot is built
 * by an adapter (file system, git, GitHub API); this module only decides.
 */
import { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.js';
import { linkFile, testLinkProblem } from './evidence.js';
import { globProblem } from './glob-check.js';
import { recordOnlyEvidenceWarnings } from './imported-evidence.js';
import { describeRisk, NHS_DCB0129, riskOf, schemeProblems, type RiskScheme } from './risk.js';
import type { Config, HazardFile } from './schema.js';
import { PROVENANCE_FILE, toRiskScheme } from './schema-values.js';
import { schemaEngines } from './engines.js';
import { isManufacturerOwner } from './owners.js';
import { clinicalDiagnostics } from './clinical-diagnostics.js';
import { positionOf, splitFrontMatter, type ParseCache, type ParsedYaml, type Segment } from './yaml-core.js';
import { CONFIG_FILE, folderTexts, relativeTo } from './folder-texts.js';
import { checkedReader } from './checked-read.js';
import { compareIds } from './id-order.js';
import type { CheckedFileStore } from './ports/checked-files.js';

export { DEFAULT_SAFETY_DIR } from './folder-types.js';
export { CONFIG_FILE, isSafetyFile } from './folder-texts.js';

export type { Assessment, Hazard, Incident, LoadResult, SafetyFolder, Snapshot, SnapshotFile, Workshop } from './folder-types.js';
import type { Hazard, Incident, LoadResult, Snapshot, Workshop } from './folder-types.js';
import type { Provenance } from './provenance.js';

const YAML_EXT = /\.ya?ml$/i;

export function isUrl(s: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(s);
}

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
  const top = { line: 1, col: 1 };

  // Read every file as text first: size, binary, encoding, symlinks.
  const { texts, bytesOf, shas, hazardPaths, incidentPaths, documentPaths } = folderTexts(snapshot, dir, opts.store, diagnostics);
  const read = checkedReader(opts.store, opts.parseCache, shas);

  // clinsafe.yml
  const configText = texts.get(configPath);
  let config: Config | undefined;
  let configParsed: ParsedYaml | undefined;
  if (configText === undefined) {
    if (!snapshot.files.some((f) => f.path === configPath)) {
      err(
        configPath,
        top,
        'config-missing',
        `the safety folder has no ${CONFIG_FILE}; create one with \`clinsafe init\` or point --dir at the folder that holds it`,
      );
    }
  } else {
    const {
      parsed,
      data,
      diagnostics: d,
    } = read('config', 'config', () => schemaEngines().schema.configSchema, configPath, configText, 0, bytesOf.get(configPath));
    diagnostics.push(...d);
    if (parsed) {
      configParsed = parsed;
      config = data;
    }
  }

  let scheme: RiskScheme = NHS_DCB0129;
  let schemeOk = true;
  if (config && configParsed) {
    const declared = config.riskScheme;
    if (declared !== 'nhs-dcb0129') {
      const problems = schemeProblems(declared);
      for (const p of problems)
        err(configPath, positionOf(configParsed, ['riskScheme', ...p.path]), 'risk-scheme', `riskScheme: ${p.message}`);
      schemeOk = problems.length === 0;
    }
    if (schemeOk) scheme = toRiskScheme(declared);
    checkConfig(config, configParsed, err);
  }
  // The hazard and incident schemas depend on the scheme's severities and likelihoods.
  const schemeName = JSON.stringify([scheme.severities, scheme.likelihoods]);

  // Hazards
  const hazards: Hazard[] = [];
  const hazardSources = new Map<string, ParsedYaml>();
  const hazardIds = new Map<string, string>();
  for (const path of hazardPaths) {
    if (!YAML_EXT.test(path)) {
      if (!/\/(\.gitkeep|README\.md)$/i.test(path))
        err(
          path,
          top,
          'stray-file',
          'is not a hazard file: hazards/ holds one .yml file per hazard; move other files elsewhere',
          'warning',
        );
      continue;
    }
    const content = texts.get(path);
    if (content === undefined) continue;
    const {
      parsed,
      data: h,
      diagnostics: d,
    } = read('hazard', schemeName, () => schemaEngines().schema.hazardSchema(scheme), path, content, 0, bytesOf.get(path));
    diagnostics.push(...d);
    if (!parsed || !h) continue;
    const base = path.slice(path.lastIndexOf('/') + 1).replace(YAML_EXT, '');
    if (base !== h.id && !base.startsWith(`${h.id}-`)) {
      err(
        path,
        positionOf(parsed, ['id']),
        'id-filename',
        `id "${h.id}" does not match the file name "${base}"; name the file ${h.id}-<short-title>.yml or correct the id`,
      );
    }
    const previous = hazardIds.get(h.id);
    if (previous) {
      err(
        path,
        positionOf(parsed, ['id']),
        'duplicate-id',
        `hazard id "${h.id}" is already used by ${previous}; every hazard needs its own id`,
      );
    } else hazardIds.set(h.id, path);
    const hazard = checkHazard(config, h, path, parsed, scheme, schemeOk, snapshot, err);
    hazards.push(hazard);
    hazardSources.set(path, parsed);
  }

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
  const incidents: Incident[] = [];
  const incidentSources = new Map<string, ParsedYaml>();
  const incidentRefs = new Map<string, string>();
  for (const path of incidentPaths) {
    if (!YAML_EXT.test(path)) continue;
    const {
      parsed,
      data: inc,
      diagnostics: d,
    } = read('incident', schemeName, () => schemaEngines().schema.incidentSchema(scheme), path, texts.get(path)!, 0, bytesOf.get(path));
    diagnostics.push(...d);
    if (!parsed || !inc) continue;
    const base = path.slice(path.lastIndexOf('/') + 1).replace(YAML_EXT, '');
    if (base !== inc.reference && !base.startsWith(`${inc.reference}-`)) {
      err(
        path,
        positionOf(parsed, ['reference']),
        'id-filename',
        `reference "${inc.reference}" does not match the file name "${base}"; name the file ${inc.reference}.yml`,
      );
    }
    if (incidentRefs.has(inc.reference)) {
      err(
        path,
        positionOf(parsed, ['reference']),
        'duplicate-id',
        `incident reference "${inc.reference}" is already used by ${incidentRefs.get(inc.reference)}`,
      );
    } else incidentRefs.set(inc.reference, path);
    inc.hazards.forEach((hid, i) => {
      if (!hazardIds.has(hid))
        err(
          path,
          positionOf(parsed, ['hazards', i]),
          'unknown-hazard',
          `hazard "${hid}" does not exist; link an existing hazard id (${[...hazardIds.keys()].slice(0, 8).join(', ')}${hazardIds.size > 8 ? ', …' : ''})`,
        );
    });
    checkRiskStated(parsed, ['clinicalRiskAssessment'], inc.clinicalRiskAssessment, scheme, schemeOk, err);
    if (inc.closedOn && inc.closedOn < inc.reportedOn)
      err(path, positionOf(parsed, ['closedOn']), 'date-order', `closedOn ${inc.closedOn} is before reportedOn ${inc.reportedOn}`);
    if (inc.madeSafeOn && inc.madeSafeOn < inc.reportedOn)
      err(path, positionOf(parsed, ['madeSafeOn']), 'date-order', `madeSafeOn ${inc.madeSafeOn} is before reportedOn ${inc.reportedOn}`);
    incidents.push({ ...inc, file: path });
    incidentSources.set(path, parsed);
  }

  // Workshops and templates
  const workshops: Workshop[] = [];
  const templates: Record<string, string> = {};
  for (const path of documentPaths) {
    const rel = relativeTo(dir, path)!;
    const source = texts.get(path)!;
    const content = typeof source === 'string' ? source : source.text;
    if (rel.startsWith('templates/')) {
      templates[rel.slice('templates/'.length)] = content;
      continue;
    }
    const fm = splitFrontMatter(content);
    if (!fm) {
      err(path, top, 'front-matter', 'workshop minutes need YAML front matter between --- lines (date, method, attendees, hazardsRaised)');
      continue;
    }
    const {
      parsed,
      data: workshop,
      diagnostics: d,
    } = read('workshop', 'workshop', () => schemaEngines().schema.workshopSchema, path, fm.yaml, fm.lineOffset);
    diagnostics.push(...d);
    if (!parsed || !workshop) continue;
    workshop.hazardsRaised.forEach((hid, i) => {
      if (!hazardIds.has(hid))
        err(
          path,
          positionOf(parsed, ['hazardsRaised', i]),
          'unknown-hazard',
          `hazard "${hid}" does not exist; list ids of hazards in hazards/`,
        );
    });
    workshops.push({ ...workshop, file: path, body: fm.body });
  }

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

/** What a control's evidence entry is: a URL or a path that exists (ok), or why not. */
type EvidenceVerdict = 'ok' | 'not-a-path' | 'outside' | 'missing';
/** Verdicts by snapshot and entry: a large log cites the same few evidence files thousands of times. */
const evidenceVerdicts = new WeakMap<Snapshot, Map<string, EvidenceVerdict>>();

function evidenceVerdict(snapshot: Snapshot, e: string): EvidenceVerdict {
  let seen = evidenceVerdicts.get(snapshot);
  if (!seen) evidenceVerdicts.set(snapshot, (seen = new Map()));
  let verdict = seen.get(e);
  if (verdict === undefined) {
    verdict = judgeEvidence(snapshot, e);
    seen.set(e, verdict);
  }
  return verdict;
}

function judgeEvidence(snapshot: Snapshot, e: string): EvidenceVerdict {
  if (isUrl(e)) return 'ok';
  if (/^[a-z][a-z0-9+.-]*:/i.test(e)) return 'not-a-path';
  const repoPath = e.replace(/#.*$/, '').replace(/^\.\//, '');
  if (repoPath.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(repoPath)) return 'outside';
  return snapshot.exists(repoPath) ? 'ok' : 'missing';
}

type Report = (file: string, pos: { line: number; col: number }, code: string, message: string, severity?: 'error' | 'warning') => void;

function checkConfig(config: Config, parsed: ParsedYaml, err: Report): void {
  if (config.cso.length === 0) {
    err(
      parsed.file,
      positionOf(parsed, ['cso'], 'key'),
      'no-cso',
      'no Clinical Safety Officer is named: the PR gate will hold every safety-impacting pull request until a CSO (github, name, profession, registration) is added',
      'warning',
    );
  }
  const placeholders = (value: unknown, path: Segment[]): void => {
    if (typeof value === 'string' && /^TODO\b/.test(value)) {
      err(
        parsed.file,
        positionOf(parsed, path),
        'placeholder',
        `${path.join('.')} is still a placeholder ("${value.slice(0, 40)}…"); write the real text`,
        'warning',
      );
    } else if (Array.isArray(value)) value.forEach((v, i) => placeholders(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) placeholders(v, [...path, k]);
  };
  placeholders(parsed.value, []);
  const seen = new Map<string, number>();
  config.cso.forEach((c, i) => {
    const login = c.github.toLowerCase();
    if (seen.has(login))
      err(
        parsed.file,
        positionOf(parsed, ['cso', i, 'github']),
        'duplicate-cso',
        `CSO "${c.github}" is listed twice (entries ${seen.get(login)! + 1} and ${i + 1}); list each person once`,
      );
    else seen.set(login, i);
  });
  config.gate.alwaysImpacted.forEach((g, i) => {
    const problem = globProblem(g);
    if (problem) err(parsed.file, positionOf(parsed, ['gate', 'alwaysImpacted', i]), 'bad-glob', `glob "${g}" ${problem}`);
  });
}

function checkRiskStated(
  parsed: ParsedYaml,
  at: Segment[],
  a: { severity: string; likelihood: string; risk?: number | undefined } | undefined,
  scheme: RiskScheme,
  schemeOk: boolean,
  err: Report,
): number | undefined {
  if (!a || !schemeOk) return undefined;
  const derived = riskOf(scheme, a.severity, a.likelihood);
  if (derived === undefined) return undefined;
  if (a.risk !== undefined && a.risk !== derived) {
    err(
      parsed.file,
      positionOf(parsed, [...at, 'risk']),
      'risk-mismatch',
      `${at.join('.')}.risk is ${a.risk}, but the risk matrix gives ${describeRisk(scheme, derived)} for ${a.severity} severity and ${a.likelihood} likelihood; correct the rating or the severity/likelihood (risk is looked up, not typed)`,
    );
  }
  return derived;
}

function checkHazard(
  config: Config | undefined,
  h: HazardFile,
  path: string,
  parsed: ParsedYaml,
  scheme: RiskScheme,
  schemeOk: boolean,
  snapshot: Snapshot,
  err: Report,
): Hazard {
  const at = (p: Segment[], prefer: 'key' | 'value' = 'value') => positionOf(parsed, p, prefer);
  const initialRisk = checkRiskStated(parsed, ['initial'], h.initial, scheme, schemeOk, err) ?? 0;
  const residualRisk = checkRiskStated(parsed, ['residual'], h.residual, scheme, schemeOk, err) ?? 0;
  if (schemeOk && residualRisk > initialRisk) {
    err(
      path,
      at(['residual']),
      'residual-above-initial',
      `residual risk ${describeRisk(scheme, residualRisk)} is above initial risk ${describeRisk(scheme, initialRisk)}; controls cannot increase risk — re-assess the residual or the initial rating`,
    );
  }
  const deliveredRisk = checkRiskStated(parsed, ['deliveredResidual'], h.deliveredResidual, scheme, schemeOk, err) ?? 0;
  if (schemeOk && h.deliveredResidual && (deliveredRisk < residualRisk || deliveredRisk > initialRisk)) {
    err(
      path,
      at(['deliveredResidual']),
      'delivered-residual-range',
      `deliveredResidual ${describeRisk(scheme, deliveredRisk)} must lie between the residual (${residualRisk}) and the initial risk (${initialRisk}): it is the residual without the planned controls`,
    );
  }
  const unique = (list: { id: string }[], key: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id))
        err(path, at([key, i, 'id']), 'duplicate-id', `${what} id "${item.id}" is used twice in this hazard; give each ${what} its own id`);
      seen.add(item.id);
    });
  };
  unique(h.causes, 'causes', 'cause');
  unique(h.controls, 'controls', 'control');
  const causeIds = new Set(h.causes.map((c) => c.id));
  const isManufacturer = (owner: string) => (config ? isManufacturerOwner(config, owner) : owner.trim().toLowerCase() === 'manufacturer');

  h.controls.forEach((c, i) => {
    c.causes.forEach((cid, j) => {
      if (!causeIds.has(cid))
        err(
          path,
          at(['controls', i, 'causes', j]),
          'unknown-cause',
          `control ${c.id} names cause "${cid}", which is not one of this hazard's causes (${[...causeIds].join(', ') || 'none listed'})`,
        );
    });
    if (c.status !== 'planned' && c.evidence.length === 0 && !c.tests?.length) {
      err(
        path,
        at(['controls', i, 'status']),
        'evidence-required',
        `control ${c.id} is ${c.status} but cites no evidence; add the test, document or URL that verifies it under evidence, or set status: planned`,
      );
    }
    (c.tests ?? []).forEach((t, j) => {
      const problem = testLinkProblem(t);
      const file = linkFile(t);
      if (problem) err(path, at(['controls', i, 'tests', j]), 'test-link-invalid', `control ${c.id}: test link ${problem}`);
      else if (file !== undefined && !snapshot.exists(file))
        err(
          path,
          at(['controls', i, 'tests', j]),
          'evidence-missing',
          `control ${c.id}: test file "${file}" does not exist in the repository; fix the path (relative to the repository root) or remove the link`,
        );
    });
    c.evidence.forEach((e, j) => {
      const verdict = evidenceVerdict(snapshot, e);
      if (verdict === 'ok') return;
      if (verdict === 'not-a-path') {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-invalid',
          `evidence "${e}" is neither a repository path nor an http(s) URL`,
        );
        return;
      }
      if (verdict === 'outside') {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-invalid',
          `evidence "${e}" must be a path relative to the repository root, inside the repository`,
        );
      } else {
        err(
          path,
          at(['controls', i, 'evidence', j]),
          'evidence-missing',
          `evidence "${e}" does not exist in the repository; fix the path (relative to the repository root) or remove it`,
        );
      }
    });
  });

  switch (h.status) {
    case 'transferred':
      if (h.transferredTo && isManufacturer(h.transferredTo))
        err(
          path,
          at(['transferredTo']),
          'transfer-incomplete',
          `transferredTo names the manufacturer (${h.transferredTo}); a hazard is transferred to another organisation, otherwise its status is open or closed`,
        );
      h.controls.forEach((c, i) => {
        if (isManufacturer(c.owner) && c.status === 'planned')
          err(
            path,
            at(['controls', i, 'status']),
            'transfer-incomplete',
            `hazard is transferred but manufacturer control ${c.id} is still planned; "transferred" means the manufacturer's actions are done — set the status to open until ${c.id} is implemented`,
          );
      });
      h.actions.forEach((a, i) => {
        if (isManufacturer(a.owner) && a.status === 'open')
          err(
            path,
            at(['actions', i, 'status']),
            'transfer-incomplete',
            `hazard is transferred but the manufacturer's action "${a.summary.slice(0, 60)}" is still open; set the status to open until it is done`,
          );
      });
      if (!h.transferredTo)
        err(
          path,
          at(['status']),
          'transfer-incomplete',
          'a transferred hazard must name the organisation it is transferred to: add transferredTo (e.g. Deploying organisation)',
        );
      if (!h.controls.some((c) => !isManufacturer(c.owner))) {
        err(
          path,
          at(['status']),
          'transfer-incomplete',
          'a transferred hazard needs at least one control owned by another organisation (owner: the organisation that holds it); otherwise its status is open or closed',
        );
      }
      break;
    case 'closed': {
      h.controls.forEach((c, i) => {
        if (isManufacturer(c.owner) && c.status === 'planned') {
          err(
            path,
            at(['controls', i, 'status']),
            'closed-outstanding',
            `hazard is closed but manufacturer control ${c.id} is still planned; implement and verify it, or set the hazard status to open`,
          );
        }
      });
      h.controls.forEach((c, i) => {
        if (!isManufacturer(c.owner) && c.status === 'planned') {
          err(
            path,
            at(['controls', i, 'status']),
            'closed-outstanding',
            `hazard is closed but control ${c.id}, held by ${c.owner}, is still planned; if that organisation must still act, the status is transferred`,
            'warning',
          );
        }
      });
      h.actions.forEach((a, i) => {
        if (a.status === 'open') {
          err(
            path,
            at(['actions', i, 'status']),
            'closed-outstanding',
            `hazard is closed but an action owned by ${a.owner} is still open; a closed hazard has every action complete — set it to done, or set the hazard status to ${isManufacturer(a.owner) ? 'open' : 'transferred'}`,
          );
        }
      });
      break;
    }
    case 'retired':
      if (!h.retiredReason)
        err(
          path,
          at(['status']),
          'retired-reason',
          'a retired hazard must say why: add retiredReason (hazards are retired with a reason, never deleted)',
        );
      break;
    default:
      break;
  }
  if (h.status !== 'transferred' && h.transferredTo) {
    err(
      path,
      at(['transferredTo'], 'key'),
      'transfer-incomplete',
      `transferredTo is set but status is ${h.status}; set status: transferred or remove transferredTo`,
    );
  }
  if (h.status !== 'retired' && h.retiredReason) {
    err(
      path,
      at(['retiredReason'], 'key'),
      'retired-reason',
      `retiredReason is set but status is ${h.status}; set status: retired or remove retiredReason`,
    );
  }

  h.triggers.paths.forEach((g, i) => {
    const problem = globProblem(g);
    if (problem) err(path, at(['triggers', 'paths', i]), 'bad-glob', `trigger glob "${g}" ${problem}`);
  });

  if (h.draft)
    err(
      path,
      at(['draft'], 'key'),
      'draft',
      'hazard is still a draft: the CSO has not assessed it yet (remove draft: true once assessed)',
      'warning',
    );

  const initial = { severity: h.initial.severity, likelihood: h.initial.likelihood, risk: initialRisk };
  const residual = { severity: h.residual.severity, likelihood: h.residual.likelihood, risk: residualRisk };
  // Most hazards state no deliveredResidual: a plain copy (object rest is a slow runtime call), same keys in the same order.
  if (!Object.prototype.hasOwnProperty.call(h, 'deliveredResidual'))
    return { ...(h as Omit<HazardFile, 'deliveredResidual'>), file: path, initial, residual };
  const { deliveredResidual, ...rest } = h;
  return {
    ...rest,
    file: path,
    initial,
    residual,
    ...(deliveredResidual
      ? { deliveredResidual: { severity: deliveredResidual.severity, likelihood: deliveredResidual.likelihood, risk: deliveredRisk } }
      : {}),
  };
}
