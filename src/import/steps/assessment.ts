/**
 * Step 4b: the initial and residual assessments. Each row may assess the hazard; the hazard keeps
 * the worst and a disagreement between rows is noted for the CSO. A rating the sheet states is
 * checked against the declared scheme and never corrected.
 */
import type { ColumnKey } from '../../core/nhs-layout.js';
import { describeRisk, riskOf, type RiskScheme } from '../../core/risk.js';
import type { HazardBuild, ImportContext } from './context.js';
import type { NumberedRow } from './numbering.js';
import { clean, filled, text } from './text.js';

type Phase = 'initial' | 'residual';

const PHASE_COLUMNS: Record<Phase, { severity: ColumnKey; likelihood: ColumnKey; risk: ColumnKey }> = {
  initial: { severity: 'initialSeverity', likelihood: 'initialLikelihood', risk: 'initialRisk' },
  residual: { severity: 'residualSeverity', likelihood: 'residualLikelihood', risk: 'residualRisk' },
};

interface Assessment {
  s: string;
  l: string;
}
interface RowAssessment {
  s?: string;
  l?: string;
}

/** Highest risk first, then highest severity, then highest likelihood. */
function worstOf(scheme: RiskScheme, options: readonly Assessment[]): Assessment {
  const rank = (o: Assessment) => [riskOf(scheme, o.s, o.l) ?? 0, scheme.severities.indexOf(o.s), scheme.likelihoods.indexOf(o.l)];
  return [...options].sort((a, c) => {
    const ra = rank(a);
    const rc = rank(c);
    return rc[0]! - ra[0]! || rc[1]! - ra[1]! || rc[2]! - ra[2]!;
  })[0]!;
}

/** A rating the row states, checked against the scheme for the row's severity and likelihood. */
function checkStatedRisk(b: HazardBuild, ctx: ImportContext, phase: Phase, p: NumberedRow, s: string, l: string): void {
  const { opts, findings } = ctx;
  const rk = PHASE_COLUMNS[phase].risk;
  const raw = text(p.record.cell(rk));
  if (!filled(raw)) return;
  const m = /^\s*(\d+)\b/.exec(raw);
  const derived = riskOf(opts.scheme, s, l);
  if (!m) {
    findings.add(
      'ambiguity',
      'risk-unreadable',
      `${phase} risk "${clean(raw)}" is not a rating number; ignored (risk is looked up from severity and likelihood)`,
      p.record.ref(rk),
    );
    return;
  }
  const value = Number(m[1]);
  if (derived === undefined || value === derived) return;
  const id = b.hazard.id;
  const msg = `${id}: the sheet states ${phase} risk ${value}, but the declared scheme gives ${describeRisk(opts.scheme, derived)} for ${s} severity and ${l} likelihood`;
  findings.add(
    'risk-disagreement',
    'risk-mismatch',
    `${msg}; kept for the CSO to decide (not corrected) — the hazard is marked draft and the sheet's figure is in its comments`,
    p.record.ref(rk),
  );
  const note = `Imported from ${ctx.source}: the sheet states ${phase} risk ${value} at ${p.record.ref(rk)}, but ${opts.scheme.name} gives ${derived} for ${s}/${l}. Not corrected: the CSO must decide whether the rating or the severity/likelihood is wrong.`;
  if (!b.notes.includes(note)) b.notes.push(note);
  b.hazard.draft = true;
}

function assessPhase(b: HazardBuild, ctx: ImportContext, phase: Phase): void {
  const { findings, values } = ctx;
  const h = b.hazard;
  const { severity: sk, likelihood: lk } = PHASE_COLUMNS[phase];
  const seen = new Map<string, Assessment & { rows: number[] }>();
  const perRow = new Map<NumberedRow, RowAssessment>();
  for (const p of b.rows) {
    const s = values.schemeTerm('severity', p.record.get(sk), p.record.ref(sk));
    const l = values.schemeTerm('likelihood', p.record.get(lk), p.record.ref(lk));
    perRow.set(p, { s, l });
    if (s && l) {
      const key = `${s}\u0000${l}`;
      const e = seen.get(key) ?? { s, l, rows: [] };
      e.rows.push(p.record.row);
      seen.set(key, e);
    }
  }
  const options = [...seen.values()];
  if (options.length === 0) {
    findings.add(
      'unplaced',
      'no-assessment',
      `${h.id} has no ${phase} severity and likelihood on any row; the hazard cannot be written until they are given`,
      b.firstRef(sk),
    );
    return;
  }
  const worst = worstOf(ctx.opts.scheme, options);
  h[phase] = { severity: worst.s, likelihood: worst.l };
  if (options.length > 1) {
    const list = options.map((o) => `${o.s}/${o.l} (row${o.rows.length > 1 ? 's' : ''} ${o.rows.join(', ')})`).join('; ');
    findings.add(
      'ambiguity',
      'assessment-varies',
      `${h.id}: the rows give different ${phase} assessments — ${list}; the hazard keeps the worst, ${worst.s}/${worst.l}, and is marked draft for the CSO to decide`,
      ...b.rows.map((p) => p.record.ref(sk)),
    );
    b.notes.push(
      `Imported from ${ctx.source}: the rows gave different ${phase} assessments — ${list}. The hazard keeps the worst (${worst.s}/${worst.l}); the CSO must confirm.`,
    );
    h.draft = true;
  }
  for (const p of b.rows) {
    const r = perRow.get(p)!;
    if (!r.s && !r.l && !filled(p.record.get(sk)) && !filled(p.record.get(lk))) {
      findings.add(
        'normalised',
        'filled-from-hazard',
        `blank ${phase} severity and likelihood: the hazard's ${worst.s}/${worst.l} applies to this row`,
        p.record.ref(sk),
      );
    }
    checkStatedRisk(b, ctx, phase, p, r.s ?? worst.s, r.l ?? worst.l);
  }
}

export function assessHazard(b: HazardBuild, ctx: ImportContext): void {
  assessPhase(b, ctx, 'initial');
  assessPhase(b, ctx, 'residual');
  const h = b.hazard;
  if (!h.initial.severity || !h.residual.severity) return;
  const ri = riskOf(ctx.opts.scheme, h.initial.severity, h.initial.likelihood) ?? 0;
  const rr = riskOf(ctx.opts.scheme, h.residual.severity, h.residual.likelihood) ?? 0;
  if (rr > ri) {
    ctx.findings.add(
      'risk-disagreement',
      'residual-above-initial',
      `${h.id}: residual risk ${rr} (${h.residual.severity}/${h.residual.likelihood}) is above initial risk ${ri} (${h.initial.severity}/${h.initial.likelihood}); kept as the sheet has it — clinsafe validate will flag it until the CSO corrects the assessment`,
      b.firstRef('residualSeverity'),
    );
  }
}
