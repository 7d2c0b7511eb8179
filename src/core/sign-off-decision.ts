/**
 * The release decision, re-derived from the CSOs' own command comments every time (pure). Nothing
 * the bot wrote is read back: an edited bot comment or issue body changes nothing.
 *
 * A comment counts only if it was written by a person (not a bot), was never edited (`updated_at`
 * equals `created_at`), was created at or after `notBefore` (when the release was linked to this
 * issue), and its visible prose holds a `/clinsafe` command. Comments are taken in the order GitHub
 * created them (created_at, then id), so every instance derives the same decision:
 * - a sign-off by a roster CSO (roster at the release's commit) approves, unless clinical blockers
 *   remain; an approval is final — later commands are refused and told so;
 * - a rejection by a roster CSO rejects (a later sign-off by a CSO may still approve);
 * - everything else is refused with its reason. Every command gets an outcome, so every author
 *   gets a reply and no decision disappears.
 * A CSO's comment edited after it was written cannot be read as first written (it may have been a
 * command, and anyone with write access can edit it), so it fails closed: the release is held (not
 * approved) until a CSO writes a new command after the edit.
 */
import type { Config } from './schema.js';
import { defaultStatement, maySignOff, parseCommand } from './sign-off-command.js';
import type { SignOff } from './release.js';

export interface CommandComment {
  id: number;
  login: string;
  userType: string;
  body: string;
  createdAt: string;
  updatedAt?: string;
}

export type Outcome =
  | { kind: 'approved'; signOff: Extract<SignOff, { state: 'approved' }> }
  | { kind: 'rejected'; signOff: Extract<SignOff, { state: 'rejected' }> }
  | { kind: 'refused'; reason: string }
  | { kind: 'ignored'; reason: string };

export interface DecisionInputs {
  comments: readonly CommandComment[];
  /** The CSO roster at the release's commit. */
  roster: Config['cso'];
  product: string;
  tag: string;
  /** Commands created before this instant do not count (they were not about this release). */
  notBefore: string;
  /**
   * Clinical blockers: while any remains a sign-off is refused. A function of the signing CSO's
   * statement, which may itself accept a residual resting on planned controls.
   */
  blockers: readonly string[] | ((statement: string | undefined) => readonly string[]);
  /**
   * Blockers a sign-off statement can lift by accepting them explicitly (e.g. outstanding test
   * issues, issue 15): given the command's statement, those that still stand.
   */
  blockersFor?: (statement: string | undefined) => readonly string[];
}

export interface Decision {
  /** The decision in force, with the comment that made it. */
  current?: { signOff: SignOff; commentId: number };
  /** What became of each command comment, in the order they were taken. */
  outcomes: { comment: CommandComment; outcome: Outcome }[];
}

const time = (s: string) => Date.parse(s);

export function deriveDecision(i: DecisionInputs): Decision {
  const ordered = [...i.comments].sort((a, b) => time(a.createdAt) - time(b.createdAt) || a.id - b.id);
  const outcomes: Decision['outcomes'] = [];
  let current: Decision['current'];
  const edits: CommandComment[] = [];
  /** When roster CSOs wrote valid, unedited commands about this release (a later one lifts an edit's hold). */
  const csoCommands: number[] = [];
  for (const c of ordered) {
    if (c.userType === 'Bot' || c.login.endsWith('[bot]')) continue;
    const edited = Boolean(c.updatedAt && c.updatedAt !== c.createdAt);
    if (edited && time(c.createdAt) >= time(i.notBefore) && maySignOff(c.login, c.userType, i.roster).allowed) edits.push(c);
    const command = parseCommand(c.body);
    if (!command) continue;
    const push = (outcome: Outcome) => outcomes.push({ comment: c, outcome });
    if (edited) {
      push({
        kind: 'ignored',
        reason: 'the comment was edited after it was written; a command counts only as first written — write a new comment',
      });
      continue;
    }
    if (time(c.createdAt) < time(i.notBefore)) {
      push({
        kind: 'ignored',
        reason: 'the comment was written before this issue was linked to the release, so it is not about this release',
      });
      continue;
    }
    if (command.kind === 'invalid') {
      push({ kind: 'refused', reason: command.problem });
      continue;
    }
    const may = maySignOff(c.login, c.userType, i.roster);
    if (!may.allowed) {
      push({ kind: 'refused', reason: may.reason });
      continue;
    }
    csoCommands.push(time(c.createdAt));
    if (current?.signOff.state === 'approved') {
      push({
        kind: 'refused',
        reason: `this release was already signed off by ${current.signOff.cso.name} on ${current.signOff.signedAt} (an earlier comment), and a sign-off is final`,
      });
      continue;
    }
    if (command.kind === 'sign-off') {
      const blockers = [
        ...(typeof i.blockers === 'function' ? i.blockers(command.statement) : i.blockers),
        ...(i.blockersFor?.(command.statement) ?? []),
      ];
      if (blockers.length) {
        push({ kind: 'refused', reason: `the safety case has clinical blockers: ${blockers.join('; ')}` });
        continue;
      }
      const signOff: Extract<SignOff, { state: 'approved' }> = {
        state: 'approved',
        cso: may.cso,
        statement: command.statement ?? defaultStatement(i.product, i.tag),
        signedAt: c.createdAt,
      };
      current = { signOff, commentId: c.id };
      push({ kind: 'approved', signOff });
    } else {
      const signOff: Extract<SignOff, { state: 'rejected' }> = {
        state: 'rejected',
        by: `${may.cso.name} (${may.cso.github})`,
        reason: command.reason,
        at: c.createdAt,
      };
      current = { signOff, commentId: c.id };
      push({ kind: 'rejected', signOff });
    }
  }
  // An edited CSO comment holds the release until a CSO writes a valid command after the edit.
  for (const comment of edits) {
    const edited = time(comment.updatedAt ?? comment.createdAt);
    if (csoCommands.some((t) => t > edited)) continue;
    if (current?.signOff.state === 'rejected' && current.commentId !== comment.id) continue; // already not approved
    current = {
      commentId: comment.id,
      signOff: {
        state: 'rejected',
        by: 'clinsafe',
        reason: `a comment by ${comment.login} on the sign-off issue was edited after it was written, so what the CSO decided cannot be trusted as given; a Clinical Safety Officer must confirm the decision in a new comment`,
        at: comment.updatedAt ?? comment.createdAt,
      },
    };
  }
  return { ...(current ? { current } : {}), outcomes };
}

/** Two decisions are the same when the same comment made them. */
export function sameDecision(a: Decision['current'], b: Decision['current']): boolean {
  return a?.commentId === b?.commentId;
}
