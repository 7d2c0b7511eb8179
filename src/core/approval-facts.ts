/**
 * Facts about a pull request that nobody can edit after the fact, turned into what the approval
 * rules need (pure): who contributed to its commits (author, committer, `Co-authored-by:`
 * trailers), which trigger labels still count (a label removed by someone who is not a CSO still
 * counts), and when each label was last added (an approval covers only the hazards impacted when
 * it was given). The facts come from GitHub's own records: the commits of the pull request and its
 * issue events (`labeled`, `unlabeled`, `review_dismissed`, each with its actor and time).
 */

/** One commit of the pull request as GitHub lists it. */
export interface CommitFact {
  sha: string;
  /** The GitHub account GitHub attributes the author e-mail to (it matches e-mails, it does not check them). */
  authorLogin?: string | undefined;
  authorEmail?: string | undefined;
  authorName?: string | undefined;
  committerLogin?: string | undefined;
  committerEmail?: string | undefined;
  message: string;
}

/** One issue event of the pull request (GitHub's records: not editable by anyone). */
export interface PullEvent {
  event: 'labeled' | 'unlabeled' | 'review_dismissed' | string;
  /** Who did it. */
  actor: string;
  createdAt: string;
  /** `labeled` / `unlabeled`: the label's name. */
  label?: string | undefined;
  /** `review_dismissed`: the review and the state it had before it was dismissed. */
  reviewId?: number | undefined;
  dismissedState?: string | undefined;
}

/** Someone's part in a commit, as the commit itself records it. */
export interface Contribution {
  commit: string;
  role: 'author' | 'committer' | 'co-author';
  login?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
}

/** Longest commit message read for trailers (a message is a few lines; a megabyte one is not read whole). */
const MAX_MESSAGE_CHARS = 64 * 1024;
/** Most trailers read from one commit. */
const MAX_TRAILERS = 50;

/** `Co-authored-by: Name <e-mail>` trailers of a commit message (anywhere in it, case-insensitive, as GitHub reads them). */
export function coAuthors(message: string): { name: string; email: string }[] {
  const out: { name: string; email: string }[] = [];
  for (const line of message.slice(0, MAX_MESSAGE_CHARS).split('\n')) {
    const m = /^[ \t]*co-authored-by[ \t]*:[ \t]*([^<\n]*?)[ \t]*<([^>\n]*)>/i.exec(line);
    if (!m) continue;
    out.push({ name: m[1]!.trim(), email: m[2]!.trim() });
    if (out.length >= MAX_TRAILERS) break;
  }
  return out;
}

/** Every contribution to the commits: authors, committers (not GitHub's web-flow) and co-authors. */
export function contributionsOf(commits: readonly CommitFact[]): Contribution[] {
  const out: Contribution[] = [];
  for (const c of commits) {
    out.push({ commit: c.sha, role: 'author', login: c.authorLogin, email: c.authorEmail, name: c.authorName });
    if (c.committerLogin !== 'web-flow' && (c.committerLogin || c.committerEmail))
      out.push({ commit: c.sha, role: 'committer', login: c.committerLogin, email: c.committerEmail });
    for (const a of coAuthors(c.message)) out.push({ commit: c.sha, role: 'co-author', email: a.email, name: a.name });
  }
  return out;
}

const lower = (s: string | undefined) => (s ?? '').trim().toLowerCase();

/** The login in a GitHub no-reply address (`login@users.noreply.github.com`, `123+login@…`). */
export function noreplyLogin(email: string | undefined): string | undefined {
  const m = /^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$/i.exec((email ?? '').trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/**
 * The contribution that makes `cso` an author of the change, if any: GitHub attributed a commit's
 * author or committer to them; or a `Co-authored-by:` trailer names them by login, by their
 * no-reply address, by an e-mail GitHub attributes to them in these commits, or by their name on
 * the roster.
 */
export function csoContribution(
  cso: string,
  csoName: string | undefined,
  contributions: readonly Contribution[],
): Contribution | undefined {
  const login = lower(cso);
  const name = lower(csoName);
  const emails = new Set(contributions.filter((c) => lower(c.login) === login && c.email).map((c) => lower(c.email)));
  return contributions.find((c) => {
    if (lower(c.login) === login) return true;
    if (c.role !== 'co-author') return false;
    return (
      noreplyLogin(c.email) === login ||
      (c.email !== undefined && emails.has(lower(c.email))) ||
      lower(c.name) === login ||
      (name !== '' && lower(c.name).replace(/\s+/g, ' ') === name.replace(/\s+/g, ' '))
    );
  });
}

const time = (s: string | undefined) => (s ? Date.parse(s) : NaN);

function ordered(events: readonly PullEvent[]): PullEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ta = time(a.e.createdAt);
      const tb = time(b.e.createdAt);
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
      return a.i - b.i;
    })
    .map(({ e }) => e);
}

export interface LabelStillCounting {
  label: string;
  removedBy: string;
  removedAt: string;
}

/**
 * Labels that still count although they are no longer on the pull request: the last time each
 * was removed, the person who removed it was not a roster CSO.
 */
export function labelsRemovedByNonCso(
  current: readonly string[],
  events: readonly PullEvent[],
  roster: readonly string[],
): LabelStillCounting[] {
  const csos = new Set(roster.map(lower));
  const on = new Set(current.map(lower));
  const last = new Map<string, PullEvent>();
  for (const e of ordered(events)) {
    if ((e.event === 'labeled' || e.event === 'unlabeled') && e.label) last.set(lower(e.label), e);
  }
  const out: LabelStillCounting[] = [];
  for (const [key, e] of last) {
    if (e.event !== 'unlabeled' || on.has(key) || csos.has(lower(e.actor))) continue;
    out.push({ label: e.label!, removedBy: e.actor, removedAt: e.createdAt });
  }
  return out;
}

/** When each label was last added (lower-cased name → ISO time), from the `labeled` events. */
export function labelAddedAt(events: readonly PullEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of ordered(events)) if (e.event === 'labeled' && e.label) out.set(lower(e.label), e.createdAt);
  return out;
}

/** The `review_dismissed` event of a review, if GitHub recorded one. */
export function dismissalOf(reviewId: number | undefined, events: readonly PullEvent[]): PullEvent | undefined {
  if (reviewId === undefined) return undefined;
  return events.find((e) => e.event === 'review_dismissed' && e.reviewId === reviewId);
}

/** Invisible, control and bidirectional-control code points (inclusive ranges): a path holding one does not read as it is. */
const SUSPICIOUS: readonly [number, number][] = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfffb],
  [0xe0000, 0xe0fff],
];

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

const isBidi = (cp: number) =>
  (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c;

/** Why a changed path cannot be trusted to read as it is, or undefined. */
export function suspiciousPath(path: string): string | undefined {
  // Printable ASCII holds none of them: most paths are decided by one scan.
  if (!NOT_PRINTABLE_ASCII.test(path)) return undefined;
  for (const ch of path) {
    const cp = ch.codePointAt(0)!;
    if (!SUSPICIOUS.some(([lo, hi]) => cp >= lo && cp <= hi)) continue;
    return `${isBidi(cp) ? 'a bidirectional-control' : 'an invisible or control'} character (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return undefined;
}
