/**
 * Step 4c: the causes a row names. A clinsafe export gives cause ids beside the text; an NHS
 * sheet numbers the cause inside its cell (`0101 Messaging failure`); otherwise the text itself
 * identifies the cause. Returns the row's cause ids, comma-joined.
 */
import type { HazardBuild, ImportContext } from './context.js';
import type { NumberedRow } from './numbering.js';
import { clean, fold } from './text.js';

/** A clinsafe export: ids in the Cause IDs cell, descriptions in the cause cell in the same order. */
function causesFromIds(b: HazardBuild, idsCell: string, cellText: string | undefined): string {
  const ids = idsCell.split(/[,\s]+/).filter(Boolean);
  const labelOf = (id: string) => /^C(\d{3,})$/.exec(id)?.[1] ?? id;
  let rest = clean(cellText ?? '');
  ids.forEach((id, i) => {
    const label = labelOf(id);
    if (rest === label) rest = '';
    else if (rest.startsWith(`${label} `) || rest.startsWith(`${label}\n`)) rest = rest.slice(label.length + 1);
    const next = ids[i + 1];
    const cut = next ? rest.indexOf(`\n${labelOf(next)} `) : -1;
    const desc = clean(cut >= 0 ? rest.slice(0, cut) : rest);
    rest = cut >= 0 ? rest.slice(cut + 1) : '';
    if (!b.causeKeys.has(`id:${id}`)) {
      b.causeKeys.set(`id:${id}`, id);
      b.hazard.causes.push({ id, description: desc || `Cause ${id}` });
    }
  });
  return ids.join(',');
}

/** A numbered cause: one cause per number and text; a number reused for other text gets a suffix. */
function numberedCause(b: HazardBuild, ctx: ImportContext, p: NumberedRow, causeNo: string, desc: string): string | undefined {
  const { findings } = ctx;
  const id0 = b.hazard.id;
  const known = b.causeNumbers.get(causeNo) ?? [];
  const same = (t: string) => fold(t).replace(/[\s.;,:]+$/, '');
  const idx = known.findIndex((k) => same(k) === same(desc));
  if (idx >= 0) {
    if (known[idx] !== fold(desc))
      findings.add(
        'normalised',
        'cause-punctuation',
        `${id0}: cause ${causeNo} is written with different final punctuation on different rows; one cause, with the text first written`,
        p.record.ref('cause'),
      );
    return b.causeKeys.get(`n:${causeNo}:${idx}`);
  }
  const id = known.length === 0 ? `C${causeNo}` : `C${causeNo}-${known.length + 1}`;
  if (known.length > 0)
    findings.add(
      'ambiguity',
      'cause-number-reused',
      `${id0}: cause number ${causeNo} is used for a different cause ("${desc.slice(0, 60)}${desc.length > 60 ? '…' : ''}"); it is kept as a separate cause, ${id}`,
      p.record.ref('cause'),
    );
  known.push(fold(desc));
  b.causeNumbers.set(causeNo, known);
  b.causeKeys.set(`n:${causeNo}:${known.length - 1}`, id);
  b.hazard.causes.push({ id, description: desc || `Cause ${causeNo}` });
  if (!desc) findings.add('ambiguity', 'missing-text', `cause ${causeNo} has a number but no text`, p.record.ref('cause'));
  return id;
}

/** The cause ids of a row (comma-joined), adding causes to the hazard as they are first named. */
export function causesOfRow(b: HazardBuild, ctx: ImportContext, p: NumberedRow): string | undefined {
  const idsCell = p.record.get('causeIds');
  if (idsCell && idsCell.trim()) return causesFromIds(b, idsCell, p.record.get('cause'));
  if (!p.causeText && !p.causeNumber) return undefined;
  const desc = p.causeText ?? '';
  if (p.causeNumber) return numberedCause(b, ctx, p, p.causeNumber, desc);
  const key = `t:${fold(desc)}`;
  const existing = b.causeKeys.get(key);
  if (existing) return existing;
  b.unnumberedCauses += 1;
  const id = `C-${b.unnumberedCauses}`;
  ctx.findings.add('normalised', 'cause-unnumbered', `${b.hazard.id}: cause has no number; given the id ${id}`, p.record.ref('cause'));
  b.causeKeys.set(key, id);
  b.hazard.causes.push({ id, description: desc });
  return id;
}
