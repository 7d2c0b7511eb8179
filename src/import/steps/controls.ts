/**
 * Step 4d: each row's control and action. The control gets its id (from a Control ID cell, its
 * number, or a made-up one), type, owner (the manufacturer, or another organisation by name) and
 * status; the row's action is linked to it. A repeated row merges into the control it repeats.
 */
import { CONTROL_TYPE_ALIASES } from '../../core/nhs-layout.js';
import { CONTROL_STATUSES, ID_PATTERN } from '../../core/schema.js';
import type { ImportedAction, ImportedControl, ImportedControlStatus, ImportedControlType } from '../types.js';
import { causesOfRow } from './causes.js';
import type { HazardBuild, ImportContext } from './context.js';
import type { NumberedRow } from './numbering.js';
import { clean, fold, lines } from './text.js';

const DONE = ['closed', 'done', 'complete', 'completed'];
const OPEN = ['open', 'outstanding', 'in progress', 'not started', 'ongoing'];

/** What one row says about its action's status. */
interface RowActionStatus {
  raw: string | undefined;
  status?: 'open' | 'done';
  /** Status text that is neither open nor done, kept in the action's summary. */
  note?: string;
}

/** Everything read from one row before its control is built. */
interface RowFacts {
  p: NumberedRow;
  causes: string[];
  owner: string | undefined;
  action: RowActionStatus;
  release: string | undefined;
  /** The Control ID cell (clinsafe's own column), trimmed. */
  idCell: string | undefined;
}

/** The control owner: `manufacturer`, or another organisation as first spelled in the sheet. */
function rowOwner(ctx: ImportContext, p: NumberedRow): string | undefined {
  const ownerRaw = p.record.get('controlOwner');
  let owner = ownerRaw?.trim() ? clean(ownerRaw) : undefined;
  if (!owner) return undefined;
  const f = fold(owner);
  if (ctx.manufacturerNames.includes(f)) return 'manufacturer';
  const spelled = ctx.ownerSpelling.get(f);
  if (spelled && spelled !== owner) {
    ctx.findings.add(
      'normalised',
      'owner-spelling',
      `owner "${owner}" written as "${spelled}", as first spelled in the sheet`,
      p.record.ref('controlOwner'),
    );
    owner = spelled;
  } else if (!spelled) ctx.ownerSpelling.set(f, owner);
  if (ownerRaw !== owner && !spelled)
    ctx.findings.add('normalised', 'trimmed', `owner "${ownerRaw}" trimmed`, p.record.ref('controlOwner'));
  return owner;
}

function rowActionStatus(ctx: ImportContext, p: NumberedRow): RowActionStatus {
  const raw = p.record.get('actionStatus');
  const out: RowActionStatus = { raw };
  if (!raw?.trim()) return out;
  const ref = p.record.ref('actionStatus');
  const mapped = ctx.opts.values?.actionStatus?.[clean(raw)];
  const f = fold(mapped ?? raw);
  if (DONE.includes(f)) out.status = 'done';
  else if (OPEN.includes(f)) out.status = 'open';
  else {
    out.status = 'open';
    out.note = clean(raw);
    ctx.findings.add(
      'ambiguity',
      'action-status-text',
      `action status "${out.note.slice(0, 60)}" is neither Open nor Closed: the action is treated as open and the text is kept in its summary`,
      ref,
    );
  }
  if (!out.note && raw !== clean(raw)) ctx.findings.add('normalised', 'trimmed', `action status "${raw}" trimmed`, ref);
  else if (!out.note && (f === 'closed' || f === 'open') && clean(raw) !== (f === 'closed' ? 'Closed' : 'Open')) {
    ctx.findings.add('normalised', 'case-folded', `action status "${raw}" read as ${f === 'closed' ? 'Closed' : 'Open'}`, ref);
  }
  return out;
}

function controlType(ctx: ImportContext, p: NumberedRow): ImportedControlType | undefined {
  const typeRaw = p.record.get('controlType');
  const ref = p.record.ref('controlType');
  if (!typeRaw?.trim()) {
    ctx.findings.add('ambiguity', 'control-type', 'control has no type; written as design — correct it', ref);
    return undefined;
  }
  const mapped = ctx.opts.values?.controlType?.[clean(typeRaw)];
  const type =
    CONTROL_TYPE_ALIASES[fold(mapped ?? typeRaw)] ?? (/^business process/i.test(clean(typeRaw)) ? 'business-process' : undefined);
  if (!type)
    ctx.findings.add(
      'ambiguity',
      'control-type',
      `control type "${clean(typeRaw)}" is not Design, Test, Training or Business process; written as design — correct it`,
      ref,
    );
  else if (fold(typeRaw) !== type && !(type === 'business-process' && fold(typeRaw) === 'business process change')) {
    ctx.findings.add('normalised', 'control-type', `control type "${clean(typeRaw)}" mapped to ${type}`, ref);
  }
  return type;
}

/** The control's id; undefined when the row repeats or clashes with another control (then the row is done). */
function controlId(b: HazardBuild, ctx: ImportContext, row: RowFacts): string | undefined {
  const { p, idCell } = row;
  const { findings } = ctx;
  const hid = b.hazard.id;
  if (idCell) {
    if (!b.controlIds.has(idCell)) return idCell;
    findings.add(
      'unplaced',
      'duplicate-id',
      `${hid}: control id ${idCell} is given to two controls; give each its own id`,
      p.record.ref('controlId'),
    );
    return undefined;
  }
  if (p.controlNumber) {
    const same = b.controlByKey.get(`n:${p.controlNumber}:${fold(p.controlText ?? '')}`);
    if (same) {
      for (const c of row.causes) if (!same.causes.includes(c)) same.causes.push(c);
      findings.add(
        'normalised',
        'control-merged',
        `control ${p.controlNumber} repeats an earlier row with the same text: one control, linked to each row's cause`,
        p.record.ref('control'),
      );
      return undefined;
    }
    let id = `${hid}-${p.controlNumber}`;
    let n = 1;
    while (b.controlIds.has(id)) id = `${hid}-${p.controlNumber}-${++n}`;
    if (n > 1)
      findings.add(
        'ambiguity',
        'control-number-reused',
        `${hid}: control number ${p.controlNumber} is already used by a different control; this one is kept as ${id}`,
        p.record.ref('control'),
      );
    return id;
  }
  b.unnumberedControls += 1;
  const id = `${hid}-X${String(b.unnumberedControls).padStart(2, '0')}`;
  findings.add('normalised', 'control-unnumbered', `control has no number; given the id ${id}`, p.record.ref('control'));
  return id;
}

/**
 * Planned, unless the sheet's Control status column says otherwise, or a manufacturer control's
 * action is closed and a kept copy of the workbook can be cited (then implemented, citing the cell).
 */
function controlStatus(ctx: ImportContext, row: RowFacts, owner: string): { status: ImportedControlStatus; evidence: string[] } {
  const { p } = row;
  const statusCol = p.record.get('controlStatus')?.trim().toLowerCase();
  let status: ImportedControlStatus = 'planned';
  const evidence = lines(p.record.get('evidence'));
  if (statusCol) {
    if ((CONTROL_STATUSES as readonly string[]).includes(statusCol)) status = statusCol as ImportedControlStatus;
    else
      ctx.findings.add(
        'ambiguity',
        'control-status',
        `control status "${statusCol}" is not planned, implemented or verified; written as planned`,
        p.record.ref('controlStatus'),
      );
  } else if (owner === 'manufacturer' && row.action.status === 'done') {
    if (ctx.opts.evidenceSource) {
      status = 'implemented';
      evidence.push(`${ctx.opts.evidenceSource}#${p.record.ref('actionStatus')}`);
    } else {
      ctx.findings.add(
        'ambiguity',
        'no-evidence',
        'the action is closed but no copy of the workbook is kept to cite as evidence; the control is written as planned',
        p.record.ref('actionStatus'),
      );
    }
  }
  return { status, evidence };
}

/** The row's control, or `skip` when the row must not be read further (a repeat or a bad id). */
function readControl(b: HazardBuild, ctx: ImportContext, row: RowFacts): ImportedControl | 'skip' {
  const { p } = row;
  const { findings } = ctx;
  const type = controlType(ctx, p);
  let owner = row.owner;
  if (!owner) {
    findings.add(
      'ambiguity',
      'control-owner',
      'control has no owner; written as held by the manufacturer — correct it if another organisation holds it',
      p.record.ref('controlOwner'),
    );
    owner = 'manufacturer';
  }
  const id = controlId(b, ctx, row);
  if (id === undefined) return 'skip';
  if (!ID_PATTERN.test(id)) {
    findings.add(
      'unplaced',
      'bad-id',
      `control id "${id}" is not an identifier (letters and digits joined by - _ or .)`,
      p.record.ref('controlId'),
    );
    return 'skip';
  }
  if (p.causeNumber && p.controlNumber && !p.controlNumber.startsWith(p.causeNumber) && !row.idCell) {
    findings.add(
      'ambiguity',
      'control-cause-number',
      `control number ${p.controlNumber} does not start with its row's cause number ${p.causeNumber}; linked to that cause as the row says`,
      p.record.ref('control'),
    );
  }
  if (row.causes.length === 0)
    findings.add(
      'ambiguity',
      'control-without-cause',
      `${b.hazard.id}: control ${id} has no cause on its row; it is imported without a cause link`,
      p.record.ref('cause'),
    );
  b.controlIds.add(id);
  const { status, evidence } = controlStatus(ctx, row, owner);
  const desc = p.controlText;
  const control: ImportedControl = {
    id,
    description: desc || `Control ${p.controlNumber ?? id}`,
    type: type ?? 'design',
    owner,
    status,
    causes: row.causes,
    evidence,
  };
  if (!desc)
    findings.add('ambiguity', 'missing-text', `control ${p.controlNumber ?? id} has a number but no text`, p.record.ref('control'));
  if (row.release && row.release !== b.hazard.introducedIn) control.introducedIn = row.release;
  if (p.controlNumber) b.controlByKey.set(`n:${p.controlNumber}:${fold(desc ?? '')}`, control);
  b.hazard.controls.push(control);
  return control;
}

/** The row's action, when it has one, linked to the row's control (or the control its Control ID names). */
function readAction(b: HazardBuild, ctx: ImportContext, row: RowFacts, control: ImportedControl | undefined): void {
  const { p, action } = row;
  const actionText = p.record.get('action')?.trim() ? clean(p.record.get('action')!) : undefined;
  if (actionText === undefined && !action.raw?.trim()) return;
  const summary = actionText
    ? action.note
      ? `${actionText} — ${action.note}`
      : actionText
    : (action.note ?? `Action recorded as ${clean(action.raw ?? '')} without a description`);
  if (!actionText)
    ctx.findings.add(
      'ambiguity',
      'action-without-text',
      'action status given without an action; a summary was written from the status',
      p.record.ref('action'),
    );
  const ownerCol = p.record.get('actionOwner')?.trim();
  const owner = ownerCol
    ? ctx.manufacturerNames.includes(fold(ownerCol))
      ? 'manufacturer'
      : clean(ownerCol)
    : (row.owner ?? 'manufacturer');
  const a: ImportedAction = { summary, owner, status: action.status ?? 'open' };
  if (!action.raw?.trim())
    ctx.findings.add('ambiguity', 'action-status-missing', 'action has no status; treated as open', p.record.ref('actionStatus'));
  const due = ctx.values.date(p.record.cell('actionDue'), p.record.ref('actionDue'));
  if (due) a.due = due;
  const linked = control?.id ?? (row.idCell && b.controlIds.has(row.idCell) ? row.idCell : undefined);
  if (linked) a.control = linked;
  b.hazard.actions.push(a);
}

export function readControlsAndActions(b: HazardBuild, ctx: ImportContext): void {
  const { values } = ctx;
  const hazardRelease =
    b.first((p) => values.version(p.record.cell('hazardReleased'), p.record.ref('hazardReleased')))?.[0] ??
    b.first((p) => values.version(p.record.cell('release'), p.record.ref('release')))?.[0];
  if (hazardRelease) b.hazard.introducedIn = hazardRelease;

  for (const p of b.rows) {
    const causes = causesOfRow(b, ctx, p)?.split(',').filter(Boolean) ?? [];
    const owner = rowOwner(ctx, p);
    const action = rowActionStatus(ctx, p);
    const release = values.version(p.record.cell('release'), p.record.ref('release'));
    const row: RowFacts = { p, causes, owner, action, release, idCell: p.record.get('controlId')?.trim() };
    let control: ImportedControl | undefined;
    if (p.controlText !== undefined || p.controlNumber) {
      const read = readControl(b, ctx, row);
      if (read === 'skip') continue;
      control = read;
    } else if (row.idCell && !b.controlIds.has(row.idCell)) {
      ctx.findings.add(
        'unplaced',
        'unknown-control',
        `action row names control ${row.idCell}, which no row defines`,
        p.record.ref('controlId'),
      );
    }
    readAction(b, ctx, row, control);
  }
}
