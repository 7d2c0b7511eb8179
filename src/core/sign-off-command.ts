/**
 * Release sign-off commands: which comment is a `/clinsafe` command, and who may sign off (pure).
 */
import type { Config } from './schema.js';

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
