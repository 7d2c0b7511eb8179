/**
 * The records of a safety folder (folder-load.ts), kind by kind: hazards, incidents, workshop
 * minutes and templates. Each file is read through the checked reader, then checked against its
 * file name, the ids already seen and the hazards it names. Pure.
 */
import type { Diagnostic } from './diagnostics.js';
import type { CheckedReader } from './checked-read.js';
import { schemaEngines } from './engines.js';
import type { Hazard, Incident, Snapshot, Workshop } from './folder-types.js';
import { relativeTo, type FolderTexts } from './folder-texts.js';
import { checkHazard, checkRiskStated, type Report } from './hazard-check.js';
import type { RiskScheme } from './risk.js';
import type { Config } from './schema.js';
import { positionOf, splitFrontMatter, type ParsedYaml } from './yaml-core.js';

const YAML_EXT = /\.ya?ml$/i;
const top = { line: 1, col: 1 };

/** What every kind is read with: the folder's texts, the checked reader, and where findings go. */
export interface FolderReadContext {
  snapshot: Snapshot;
  dir: string;
  texts: FolderTexts['texts'];
  bytesOf: FolderTexts['bytesOf'];
  read: CheckedReader;
  diagnostics: Diagnostic[];
  err: Report;
}

/** Hazards and incidents are also checked against the configuration and its risk scheme. */
export interface RecordContext extends FolderReadContext {
  config: Config | undefined;
  scheme: RiskScheme;
  schemeOk: boolean;
  /** The hazard and incident schemas depend on the scheme's severities and likelihoods. */
  schemeName: string;
}

/** How a record kind names itself: the field holding its id, and what is said when the id is wrong. */
interface IdRule {
  field: 'id' | 'reference';
  /** The id does not match the file name (without .yml). */
  fileName: (id: string, base: string) => string;
  /** The id is already used by the file `previous`. */
  duplicate: (id: string, previous: string) => string;
}

const HAZARD_ID: IdRule = {
  field: 'id',
  fileName: (id, base) => `id "${id}" does not match the file name "${base}"; name the file ${id}-<short-title>.yml or correct the id`,
  duplicate: (id, previous) => `hazard id "${id}" is already used by ${previous}; every hazard needs its own id`,
};

const INCIDENT_REFERENCE: IdRule = {
  field: 'reference',
  fileName: (id, base) => `reference "${id}" does not match the file name "${base}"; name the file ${id}.yml`,
  duplicate: (id, previous) => `incident reference "${id}" is already used by ${previous}`,
};

/**
 * A hazard's id or an incident's reference against its file name (the id, alone or followed by
 * `-` and a title) and against the ids already seen (`seen`: id → file), which a new id joins.
 */
function checkRecordId(rule: IdRule, id: string, path: string, parsed: ParsedYaml, seen: Map<string, string>, err: Report): void {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(YAML_EXT, '');
  if (base !== id && !base.startsWith(`${id}-`)) err(path, positionOf(parsed, [rule.field]), 'id-filename', rule.fileName(id, base));
  const previous = seen.get(id);
  if (previous) err(path, positionOf(parsed, [rule.field]), 'duplicate-id', rule.duplicate(id, previous));
  else seen.set(id, path);
}

/** What to do about a link to no hazard: an incident is pointed at some existing ids, a workshop at hazards/. */
const linkAnExistingId = (hazardIds: ReadonlyMap<string, string>) =>
  `link an existing hazard id (${[...hazardIds.keys()].slice(0, 8).join(', ')}${hazardIds.size > 8 ? ', …' : ''})`;
const listIdsInHazards = () => 'list ids of hazards in hazards/';

/** The hazard ids a record links to (an incident's hazards, a workshop's hazardsRaised), each of which must name a hazard. */
function checkHazardLinks(
  ids: readonly string[],
  field: 'hazards' | 'hazardsRaised',
  path: string,
  parsed: ParsedYaml,
  hazardIds: ReadonlyMap<string, string>,
  err: Report,
  advice: (hazardIds: ReadonlyMap<string, string>) => string,
): void {
  ids.forEach((hid, i) => {
    if (!hazardIds.has(hid))
      err(path, positionOf(parsed, [field, i]), 'unknown-hazard', `hazard "${hid}" does not exist; ${advice(hazardIds)}`);
  });
}

export function loadHazards(
  ctx: RecordContext,
  hazardPaths: readonly string[],
): { hazards: Hazard[]; hazardSources: Map<string, ParsedYaml>; hazardIds: Map<string, string> } {
  const { snapshot, texts, bytesOf, read, diagnostics, err, config, scheme, schemeOk, schemeName } = ctx;
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
    checkRecordId(HAZARD_ID, h.id, path, parsed, hazardIds, err);
    const hazard = checkHazard(config, h, path, parsed, scheme, schemeOk, snapshot, err);
    hazards.push(hazard);
    hazardSources.set(path, parsed);
  }
  return { hazards, hazardSources, hazardIds };
}

export function loadIncidents(
  ctx: RecordContext,
  incidentPaths: readonly string[],
  hazardIds: ReadonlyMap<string, string>,
): { incidents: Incident[]; incidentSources: Map<string, ParsedYaml> } {
  const { texts, bytesOf, read, diagnostics, err, scheme, schemeOk, schemeName } = ctx;
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
    checkRecordId(INCIDENT_REFERENCE, inc.reference, path, parsed, incidentRefs, err);
    checkHazardLinks(inc.hazards, 'hazards', path, parsed, hazardIds, err, linkAnExistingId);
    checkRiskStated(parsed, ['clinicalRiskAssessment'], inc.clinicalRiskAssessment, scheme, schemeOk, err);
    if (inc.closedOn && inc.closedOn < inc.reportedOn)
      err(path, positionOf(parsed, ['closedOn']), 'date-order', `closedOn ${inc.closedOn} is before reportedOn ${inc.reportedOn}`);
    if (inc.madeSafeOn && inc.madeSafeOn < inc.reportedOn)
      err(path, positionOf(parsed, ['madeSafeOn']), 'date-order', `madeSafeOn ${inc.madeSafeOn} is before reportedOn ${inc.reportedOn}`);
    incidents.push({ ...inc, file: path });
    incidentSources.set(path, parsed);
  }
  return { incidents, incidentSources };
}

export function loadWorkshops(
  ctx: FolderReadContext,
  documentPaths: readonly string[],
  hazardIds: ReadonlyMap<string, string>,
): { workshops: Workshop[]; templates: Record<string, string> } {
  const { dir, texts, read, diagnostics, err } = ctx;
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
    checkHazardLinks(workshop.hazardsRaised, 'hazardsRaised', path, parsed, hazardIds, err, listIdsInHazards);
    workshops.push({ ...workshop, file: path, body: fm.body });
  }
  return { workshops, templates };
}
