/**
 * The product and its clinical risk management process as clinsafe.yml declares them: system
 * definition and scope, people, method, workshops, change control, lifecycle, incident process and
 * review cadence, and where the CSCR answers DTAC C1.2.4. Every value from the repository enters as
 * a text node.
 */
import type { RootContent } from 'mdast';
import { heading, list, paragraph } from '../core/markdown.js';
import type { DocContext } from './doc-context.js';
import { grid, oneLine, paras, type Cell } from './mdast.js';

export function systemDefinition(ctx: DocContext): RootContent[] {
  const p = ctx.folder.config.product;
  const out: RootContent[] = [
    heading(3, 'Description'),
    ...paras(p.description),
    heading(3, 'Intended use'),
    ...paras(p.intendedUse),
    heading(3, 'Clinical scope'),
    ...paras(p.clinicalScope),
    heading(3, 'Intended users'),
    list(p.users.map(oneLine)),
    heading(3, 'Care settings'),
    list(p.careSettings.map(oneLine)),
    heading(3, 'Patient group'),
    paragraph(oneLine(p.patientGroup)),
    heading(3, 'Interfacing systems'),
  ];
  out.push(
    p.interfaces.length
      ? grid(
          ['System', 'Direction', 'Description'],
          p.interfaces.map((i) => [i.name, i.direction ?? 'not stated', i.description ?? '']),
        )
      : paragraph('No interfacing systems are declared.'),
  );
  out.push(heading(3, 'Exclusions (out of scope)'));
  out.push(p.exclusions.length ? list(p.exclusions.map(oneLine)) : paragraph('No exclusions are declared.'));
  out.push(heading(3, 'Deployment assumptions'));
  out.push(
    p.deploymentAssumptions.length ? list(p.deploymentAssumptions.map(oneLine)) : paragraph('No deployment assumptions are declared.'),
  );
  return out;
}

export function people(ctx: DocContext): RootContent[] {
  const c = ctx.folder.config;
  const rows: Cell[][] = [
    ...c.cso.map((cso): Cell[] => [
      'Clinical Safety Officer',
      cso.name,
      `${cso.profession}, ${cso.registration}`,
      'Approves safety-impacting changes, the hazard log and each CSCR',
    ]),
    ...c.roles.map((r): Cell[] => [r.role, r.name, '', r.responsibilities ?? '']),
  ];
  return rows.length
    ? [grid(['Role', 'Name', 'Profession and registration', 'Responsibilities'], rows)]
    : [paragraph('No people are named in clinsafe.yml.')];
}

export function method(ctx: DocContext): RootContent[] {
  const m = ctx.folder.config.method;
  return m ? paras(m) : [paragraph('No hazard-identification method is described in clinsafe.yml (key `method`).')];
}

export function workshops(ctx: DocContext): RootContent[] {
  const ws = [...ctx.folder.workshops].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if (ws.length === 0) return [paragraph('No hazard-identification workshops are recorded in the safety folder.')];
  return [
    grid(
      ['Date', 'Workshop', 'Method', 'Attendees', 'Hazards raised'],
      ws.map((w) => [
        w.date,
        w.title ?? '',
        w.method,
        w.attendees.map((a) => `${a.name} (${a.role})`).join('; '),
        w.hazardsRaised.join(', ') || 'none',
      ]),
    ),
  ];
}

export function changeControl(ctx: DocContext): RootContent[] {
  const g = ctx.folder.config.gate;
  return [
    paragraph(
      `Every pull request that touches a hazard's trigger paths or labels, the safety folder, or a path listed under gate.alwaysImpacted is held by the commit status ${g.statusContext} until ${g.requiredApprovals} Clinical Safety Officer${g.requiredApprovals === 1 ? '' : 's'} on the roster approve${g.requiredApprovals === 1 ? 's' : ''} it on its latest commit. A CSO cannot approve their own change.`,
    ),
  ];
}

/** DTAC form 2.0 question C1.2.4: what an assessor asks for, and where this CSCR answers it. */
export function dtacMap(): RootContent[] {
  const rows: [string, string][] = [
    [
      'Clinical Safety Officer named, with registration',
      'Document control; Clinical risk management system; Quality assurance and approval',
    ],
    ['Clinical Risk Management Plan', 'Clinical risk management system; the CRMP issued with this report (crmp)'],
    ['Hazard log', 'Hazard summary; Hazard details; the hazard log issued with this report (hazard-log.csv, hazard-log.xlsx)'],
    ['Declared risk scheme (acceptability criteria)', 'Risk scheme; Appendix A risk matrix'],
    ['Intended use, users, setting, interfaces and exclusions', 'System definition'],
    ['Third-party products and their assessment (DCB0129 2.5.2)', 'System definition: third-party products'],
    ['Release configuration (DCB0129 7.1.3)', 'System definition: release configuration; Document control'],
    ['Residual risks and operational constraints', 'Residual risks'],
    ['Hazards not reduced as far as reasonably practicable, with justification', 'Hazards with a high residual rating'],
    ['Controls for deploying organisations (DCB0160 hand-over)', 'Hand-over to deploying organisations'],
    ['Safety requirements and their verification (test summary)', 'Safety requirements; Outstanding test issues'],
    [
      'Change control and approvals since the last release',
      'Change record since the previous release; changes to the safety case since the previous release',
    ],
    ['Incident management', 'Incidents since the previous release'],
    ['Formal review before delivery (DCB0129 7.1.2)', 'Quality assurance and approval: formal review before delivery'],
    [
      'Safety case approved for the release',
      'Executive summary; Summary safety statement; Quality assurance and approval; CSO release memo (digests of every released document)',
    ],
  ];
  return [grid(['DTAC C1.2.4 evidence', 'Where in this report'], rows)];
}

export function reviewCadence(ctx: DocContext): RootContent[] {
  const r = ctx.folder.config.review;
  const next = r.lastReviewed ? addMonths(r.lastReviewed, r.cadenceMonths) : undefined;
  return [
    paragraph(
      `The hazard log and this plan are reviewed at least every ${r.cadenceMonths} month${r.cadenceMonths === 1 ? '' : 's'}, at every lifecycle issue point, after every safety incident, and on every change that impacts a hazard.`,
    ),
    paragraph(
      r.lastReviewed
        ? `Last periodic review: ${r.lastReviewed}. Next due: ${next}.`
        : 'No periodic review is recorded yet (review.lastReviewed).',
    ),
  ];
}

export function addMonths(isoDay: string, months: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(d, last));
  return t.toISOString().slice(0, 10);
}

export function lifecycle(ctx: DocContext): RootContent[] {
  return [
    grid(
      ['Phase (CSCR issue point)', 'Description'],
      ctx.folder.config.lifecycle.map((l) => [l.phase, l.description ?? '']),
    ),
  ];
}

export function incidentProcess(ctx: DocContext): RootContent[] {
  const p = ctx.folder.config.incidentProcess;
  return p ? paras(p) : [paragraph('No incident process is described in clinsafe.yml (key `incidentProcess`).')];
}

export function scope(ctx: DocContext): RootContent[] {
  const p = ctx.folder.config.product;
  return [
    paragraph(
      `This plan covers the clinical risk management of ${oneLine(p.name)}, manufactured by ${oneLine(p.manufacturer)}, across its lifecycle.`,
    ),
    ...paras(p.clinicalScope),
    heading(3, 'Intended use'),
    ...paras(p.intendedUse),
    heading(3, 'Out of scope'),
    p.exclusions.length ? list(p.exclusions.map(oneLine)) : paragraph('No exclusions are declared.'),
  ];
}
