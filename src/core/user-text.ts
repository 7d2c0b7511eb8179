/**
 * The one escaping function for user text (file names, PR and hazard titles, branch and tag
 * names, comment bodies, logins) in everything the bot writes on GitHub.
 *
 * The bot finds what it wrote again by hidden markers (`<!-- clinsafe:… -->`,
 * `<!-- clinsafe-data:… -->`) read from the RAW Markdown of a body. Markdown escaping does not
 * help there: a text node `<!-- clinsafe:x -->` serialises as `\<!-- clinsafe:x -->` and inline
 * code as `` `<!-- clinsafe:x -->` `` — both still contain the marker as a substring. So user text
 * is neutralised at the character level: every `<` (or a look-alike that Unicode compatibility
 * normalisation turns into `<`) that could open an HTML comment — followed by `!` or a look-alike,
 * or at the very end of the piece (the `!` may come from the next node) — gets an invisible
 * U+2060 WORD JOINER after it. The text reads the same; its raw form can never contain `<!--`.
 * `@` gets the same joiner in prose so a title cannot ping a person or a team.
 *
 * Idempotent: escaping twice gives the same string (serialisation applies it again to every node).
 */

/** U+2060 WORD JOINER: invisible, survives NFC/NFKC normalisation. */
export const JOINER = '\u2060';

/** `<`, FULLWIDTH LESS-THAN SIGN and SMALL LESS-THAN SIGN (both NFKC-normalise to `<`). */
const OPENER = /[<\uFF1C\uFE64](?=[!\uFF01\uFE57]|$)/g;

export type UserTextContext = 'prose' | 'code';

/**
 * User text made safe to place in a body the bot writes. `prose` (text nodes, link text, table
 * cells) also defuses mentions; `code` (inline code and code blocks) keeps `@` as typed so a path
 * such as `node_modules/@types` still copies right.
 */
export function escapeUserText(value: string, context: UserTextContext = 'prose'): string {
  let out = value.replace(OPENER, (c) => `${c}${JOINER}`);
  if (context === 'prose') out = out.replace(/@(?!\u2060)/g, `@${JOINER}`);
  return out;
}

/** True when `raw` (a serialised body) contains the opening of an HTML comment, after NFKC normalisation. */
export function containsCommentOpener(raw: string): boolean {
  return raw.normalize('NFKC').includes('<!--');
}
