/** Imported hazards as safety-folder files (pure: returns text; the CLI writes it). */
import { Document, isMap, isSeq, stringify, visit } from 'yaml';
import type { WorkbookProvenance } from '../core/provenance.js';
import type { ImportedHazard } from './types.js';

/** A file-name slug from a hazard title: lower case, words joined by `-`, at most 50 characters. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = s.length > 50 ? s.slice(0, 50).replace(/-[^-]*$/, '') : s;
  return cut || 'hazard';
}

export function hazardFileName(h: ImportedHazard): string {
  return `${h.id}-${slug(h.title)}.yml`;
}

const HEADER =
  '# yaml-language-server: $schema=../schema/hazard.schema.json\n# Imported by `clinsafe import` (see docs/import.md). Review with the CSO, then edit freely.\n';

/**
 * The hazard file through yaml's document model: fields in the documented order, empty optional
 * fields left out, short id lists inline. The reference for hazardYaml, and its fallback.
 */
export function hazardYamlDocument(h: ImportedHazard): string {
  const o: Record<string, unknown> = {
    id: h.id,
    title: h.title,
    description: h.description,
    clinicalImpact: h.clinicalImpact,
  };
  if (h.causes.length) o.causes = h.causes.map((c) => ({ id: c.id, description: c.description }));
  if (h.existingControls.length) o.existingControls = h.existingControls;
  o.initial = { severity: h.initial.severity, likelihood: h.initial.likelihood };
  if (h.controls.length) {
    o.controls = h.controls.map((c) => {
      const out: Record<string, unknown> = { id: c.id, description: c.description, type: c.type, owner: c.owner, status: c.status };
      if (c.causes.length) out.causes = c.causes;
      if (c.evidence.length) out.evidence = c.evidence;
      if (c.tests?.length) out.tests = c.tests.map((t) => (typeof t === 'string' ? t : { ...t }));
      if (c.introducedIn !== undefined) out.introducedIn = c.introducedIn;
      return out;
    });
  }
  o.residual = { severity: h.residual.severity, likelihood: h.residual.likelihood };
  if (h.deliveredResidual) o.deliveredResidual = { severity: h.deliveredResidual.severity, likelihood: h.deliveredResidual.likelihood };
  if (h.severityReductionReason) o.severityReductionReason = h.severityReductionReason;
  if (h.acceptedPlannedResidual) o.acceptedPlannedResidual = { ...h.acceptedPlannedResidual };
  o.status = h.status;
  if (h.transferredTo) o.transferredTo = h.transferredTo;
  if (h.retiredReason) o.retiredReason = h.retiredReason;
  if (h.justification) o.justification = h.justification;
  if (h.operationalConstraints.length) o.operationalConstraints = h.operationalConstraints;
  if (h.actions.length) {
    o.actions = h.actions.map((a) => {
      const out: Record<string, unknown> = { summary: a.summary, owner: a.owner, status: a.status };
      if (a.due) out.due = a.due;
      if (a.control) out.control = a.control;
      return out;
    });
  }
  if (h.owner) o.owner = h.owner;
  if (h.assumptions.length) o.assumptions = h.assumptions;
  if (h.comments) o.comments = h.comments;
  if (h.introducedIn !== undefined) o.introducedIn = h.introducedIn;
  if (h.draft) o.draft = true;
  if (h.triggers.paths.length || h.triggers.labels.length) o.triggers = { paths: h.triggers.paths, labels: h.triggers.labels };
  const doc = new Document(o);
  // Short id lists read best inline: causes: [C0101, C0102].
  visit(doc, {
    Pair(_, pair) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if ((key === 'causes' || key === 'labels') && isSeq(pair.value) && pair.value.items.every((i) => !isMap(i))) pair.value.flow = true;
    },
  });
  return HEADER + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * A text scalar as yaml writes it for a block mapping value or sequence item whose key sits at
 * `indent`. Plain text that yaml would leave plain is written directly; anything else is written by
 * yaml itself (quoted, or a `|-` block re-indented to this depth), so the bytes are yaml's.
 */
const PLAIN = /^[A-Za-z][A-Za-z0-9 _.,;()/'&+=?%!#-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n)$/i;
function scalar(v: string, indent: number): string {
  if (PLAIN.test(v) && !v.endsWith(' ') && !v.includes(' #') && !RESERVED.test(v)) return v;
  const body = stringify({ k: v }, { lineWidth: 0 }).slice(3, -1);
  return indent > 0 && body.includes('\n') ? body.replace(/\n(?=[^\n])/g, `\n${' '.repeat(indent)}`) : body;
}

/** Items of an inline list (`[C0101, C0102]`) that need no quoting in flow context. */
const FLOW_PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const flowSafe = (items: readonly string[]) => items.every((i) => FLOW_PLAIN.test(i) && !RESERVED.test(i));

/** Writes the fixed shape of a hazard file line by line. */
class HazardWriter {
  private out = '';
  /** Set while the first line of a list item is due: it starts with `- ` at this indent. */
  private dashAt: number | undefined;
  private line(indent: number, content: string): void {
    if (this.dashAt === undefined) this.out += `${' '.repeat(indent)}${content}\n`;
    else {
      this.out += `${' '.repeat(this.dashAt)}- ${content}\n`;
      this.dashAt = undefined;
    }
  }
  field(indent: number, key: string, value: string): void {
    this.line(indent, `${key}: ${scalar(value, indent)}`);
  }
  list(indent: number, key: string, items: readonly string[]): void {
    if (items.length === 0) return this.line(indent, `${key}: []`);
    this.line(indent, `${key}:`);
    for (const i of items) this.line(indent + 2, `- ${scalar(i, indent + 2)}`);
  }
  inline(indent: number, key: string, items: readonly string[]): void {
    this.line(indent, `${key}: [${items.join(', ')}]`);
  }
  /** Test links: a string as a list item, an object as a mapping item (file, name, tag in that order). */
  links(indent: number, key: string, items: readonly (string | { file?: string; name?: string; tag?: string })[]): void {
    this.key(indent, key);
    for (const i of items) {
      if (typeof i === 'string') {
        this.line(indent + 2, `- ${scalar(i, indent + 2)}`);
        continue;
      }
      this.dashAt = indent + 2;
      for (const k of ['file', 'name', 'tag'] as const) if (i[k] !== undefined) this.field(indent + 4, k, i[k]);
    }
  }
  key(indent: number, key: string): void {
    this.line(indent, `${key}:`);
  }
  raw(indent: number, content: string): void {
    this.line(indent, content);
  }
  /** A list of mappings: `fields` writes each item's fields at `at`, the first after `- `. */
  items<T>(indent: number, key: string, items: readonly T[], fields: (item: T, w: HazardWriter, at: number) => void): void {
    this.key(indent, key);
    for (const item of items) {
      this.dashAt = indent + 2;
      fields(item, this, indent + 4);
    }
  }
  text(): string {
    return this.out;
  }
}

function writeControl(c: ImportedHazard['controls'][number], w: HazardWriter, at: number): void {
  w.field(at, 'id', c.id);
  w.field(at, 'description', c.description);
  w.field(at, 'type', c.type);
  w.field(at, 'owner', c.owner);
  w.field(at, 'status', c.status);
  if (c.causes.length) w.inline(at, 'causes', c.causes);
  if (c.evidence.length) w.list(at, 'evidence', c.evidence);
  if (c.tests?.length) w.links(at, 'tests', c.tests);
  if (c.introducedIn !== undefined) w.field(at, 'introducedIn', c.introducedIn);
}

function writeAction(a: ImportedHazard['actions'][number], w: HazardWriter, at: number): void {
  w.field(at, 'summary', a.summary);
  w.field(at, 'owner', a.owner);
  w.field(at, 'status', a.status);
  if (a.due) w.field(at, 'due', a.due);
  if (a.control) w.field(at, 'control', a.control);
}

/**
 * The hazard file: fields in the documented order; empty optional fields left out. Written
 * directly, without a document model (the shape is fixed); the bytes are those of
 * hazardYamlDocument, which it falls back to when an inline list would need quoting.
 */
export function hazardYaml(h: ImportedHazard): string {
  if (!h.controls.every((c) => flowSafe(c.causes)) || !flowSafe(h.triggers.labels)) return hazardYamlDocument(h);
  const w = new HazardWriter();
  w.field(0, 'id', h.id);
  w.field(0, 'title', h.title);
  w.field(0, 'description', h.description);
  w.field(0, 'clinicalImpact', h.clinicalImpact);
  if (h.causes.length)
    w.items(0, 'causes', h.causes, (c, x, at) => {
      x.field(at, 'id', c.id);
      x.field(at, 'description', c.description);
    });
  if (h.existingControls.length) w.list(0, 'existingControls', h.existingControls);
  w.key(0, 'initial');
  w.field(2, 'severity', h.initial.severity);
  w.field(2, 'likelihood', h.initial.likelihood);
  if (h.controls.length) w.items(0, 'controls', h.controls, writeControl);
  w.key(0, 'residual');
  w.field(2, 'severity', h.residual.severity);
  w.field(2, 'likelihood', h.residual.likelihood);
  if (h.deliveredResidual) {
    w.key(0, 'deliveredResidual');
    w.field(2, 'severity', h.deliveredResidual.severity);
    w.field(2, 'likelihood', h.deliveredResidual.likelihood);
  }
  if (h.severityReductionReason) w.field(0, 'severityReductionReason', h.severityReductionReason);
  if (h.acceptedPlannedResidual) {
    w.key(0, 'acceptedPlannedResidual');
    w.field(2, 'by', h.acceptedPlannedResidual.by);
    w.field(2, 'on', h.acceptedPlannedResidual.on);
    w.field(2, 'reason', h.acceptedPlannedResidual.reason);
  }
  w.field(0, 'status', h.status);
  if (h.transferredTo) w.field(0, 'transferredTo', h.transferredTo);
  if (h.retiredReason) w.field(0, 'retiredReason', h.retiredReason);
  if (h.justification) w.field(0, 'justification', h.justification);
  if (h.operationalConstraints.length) w.list(0, 'operationalConstraints', h.operationalConstraints);
  if (h.actions.length) w.items(0, 'actions', h.actions, writeAction);
  if (h.owner) w.field(0, 'owner', h.owner);
  if (h.assumptions.length) w.list(0, 'assumptions', h.assumptions);
  if (h.comments) w.field(0, 'comments', h.comments);
  if (h.introducedIn !== undefined) w.field(0, 'introducedIn', h.introducedIn);
  if (h.draft) w.raw(0, 'draft: true');
  if (h.triggers.paths.length || h.triggers.labels.length) {
    w.key(0, 'triggers');
    w.list(2, 'paths', h.triggers.paths);
    w.inline(2, 'labels', h.triggers.labels);
  }
  return HEADER + w.text();
}

const PROVENANCE_HEADER =
  '# Written by `clinsafe import` (see docs/import.md): the cover page and version history of each imported\n# hazard log, as the workbook states them, with the cell each came from. The CRMP and CSCR print it\n# under document control as the history before clinsafe. Correct it only to match the workbook.\n';

/** provenance.yml for the safety folder, from the workbooks' cover pages and version histories. */
export function provenanceYaml(sources: readonly WorkbookProvenance[]): string {
  return PROVENANCE_HEADER + new Document({ sources }).toString({ lineWidth: 0 });
}
