/**
 * Pure decisions of the clinsafe GitHub App: when a periodic review is due, which comment is a
 * sign-off command, who may sign off, and the hidden markers that make every write idempotent.
 */
import type { Config } from './schema.js';

/** Hidden marker embedded in everything the app writes, so a redelivery finds it instead of writing again. */
export function marker(kind: MarkerKind, key: string): string {
  return `<!-- clinsafe:${kind}:${key.replace(/-->/g, '')} -->`;
}

export type MarkerKind =
  | 'review-after-merge'
  | 'release-signoff'
  | 'periodic-review'
  | 'incident-guidance'
  | 'incident-review'
  | 'signoff-result'
  | 'refusal'
  | 'gate-comment';

/** Structured data the app keeps in what it writes (base64 JSON in a hidden comment), so no state lives in the server. */
export function dataMarker(data: unknown): string {
  return `<!-- clinsafe-data:${Buffer.from(JSON.stringify(data), 'utf8').toString('base64')} -->`;
}

export function readDataMarker<T>(body: string | null | undefined): T | undefined {
  const m = body ? /<!-- clinsafe-data:([A-Za-z0-9+/=]+) -->/.exec(body) : null;
  if (!m) return undefined;
  try {
    return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function hasMarker(body: string | null | undefined, kind: MarkerKind, key: string): boolean {
  return Boolean(body && body.includes(marker(kind, key)));
}

/** The key of a marker of `kind` in a body, if any. */
export function markerKey(body: string | null | undefined, kind: MarkerKind): string | undefined {
  if (!body) return undefined;
  const m = new RegExp(`<!-- clinsafe:${kind}:(.+?) -->`).exec(body);
  return m?.[1];
}

export interface ReviewDue {
  due: boolean;
  /** ISO date the review falls (or fell) due; undefined when never reviewed. */
  dueOn?: string;
  lastReviewed?: string;
  cadenceMonths: number;
  /** Stable key for the marker: one issue per due date. */
  key: string;
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whether the periodic review of the hazard log is due on `today` (ISO date). */
export function periodicReviewDue(config: Pick<Config, 'review'>, today: string): ReviewDue {
  const { cadenceMonths, lastReviewed } = config.review;
  if (!lastReviewed) return { due: true, cadenceMonths, key: 'never-reviewed' };
  const dueOn = addMonths(lastReviewed, cadenceMonths);
  return { due: today >= dueOn, dueOn, lastReviewed, cadenceMonths, key: dueOn };
}

export type SignOffCommand =
  { kind: 'sign-off'; statement?: string } | { kind: 'reject'; reason: string } | { kind: 'invalid'; problem: string };

/**
 * A `/clinsafe …` command at the start of a line of a comment, or undefined when the comment has
 * none. Quoted lines (`> /clinsafe sign-off`) and code blocks are ignored so a quoted command never acts.
 */
export function parseCommand(body: string): SignOffCommand | undefined {
  let inFence = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || !line.startsWith('/clinsafe')) continue;
    const m = /^\/clinsafe\s+(sign-off|signoff|approve|reject)(?:\s+(.*))?$/i.exec(line);
    if (!m)
      return {
        kind: 'invalid',
        problem: 'unknown command; use `/clinsafe sign-off` to approve the release or `/clinsafe reject <reason>` to refuse it',
      };
    const verb = m[1]!.toLowerCase();
    const rest = (m[2] ?? '').trim();
    if (verb === 'reject') {
      return rest
        ? { kind: 'reject', reason: rest }
        : { kind: 'invalid', problem: 'a rejection needs a reason: `/clinsafe reject <reason>`' };
    }
    return rest ? { kind: 'sign-off', statement: rest } : { kind: 'sign-off' };
  }
  return undefined;
}

export type SignOffDecision = { allowed: true; cso: Config['cso'][number] } | { allowed: false; reason: string };

/**
 * May `login` sign off a release? Only a CSO on the roster as it is at the release's own commit;
 * bots never sign off.
 */
export function maySignOff(login: string, userType: string | undefined, rosterAtTag: Config['cso']): SignOffDecision {
  if (userType === 'Bot' || login.endsWith('[bot]')) return { allowed: false, reason: 'bots cannot sign off a release' };
  const cso = rosterAtTag.find((c) => c.github.toLowerCase() === login.toLowerCase());
  if (!cso) {
    return {
      allowed: false,
      reason: rosterAtTag.length
        ? `only a Clinical Safety Officer on the roster at this release's commit can sign it off (${rosterAtTag.map((c) => c.github).join(', ')})`
        : 'no Clinical Safety Officer is named in clinsafe.yml at this release, so nobody can sign it off yet',
    };
  }
  return { allowed: true, cso };
}

/** The default statement a CSO makes by signing off. */
export function defaultStatement(product: string, tag: string): string {
  return `I have reviewed the clinical safety case for ${product} ${tag}. In my professional judgement the residual clinical risk is acceptable for release in the intended use and setting described in the Clinical Safety Case Report.`;
}
