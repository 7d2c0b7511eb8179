/**
 * Release sign-off commands: which comment is a `/clinsafe` command, and who may sign off (pure).
 */
import type { PhrasingContent, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Config } from './schema.js';

export type SignOffCommand =
  { kind: 'sign-off'; statement?: string } | { kind: 'reject'; reason: string } | { kind: 'invalid'; problem: string };

/**
 * Longest comment read for a command. A sign-off is a short comment; Markdown parsing of hostile
 * text grows faster than its length (and very deep nesting exhausts the stack), so a longer
 * comment is not parsed: it gets a plain answer instead.
 */
export const MAX_COMMAND_COMMENT_CHARS = 4_000;
/** Most quote and list markers one line may open; past this the parser's cost grows with the square of the depth. */
const MAX_LINE_NESTING = 32;

/** True when some line opens more than MAX_LINE_NESTING quotes or list items (`> > - 1. …`). */
function tooDeep(body: string): boolean {
  const container = /[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/y;
  for (const line of body.split('\n')) {
    container.lastIndex = 0;
    let depth = 0;
    while (container.test(line)) if (++depth > MAX_LINE_NESTING) return true;
  }
  return false;
}
/** Stands for something that is not visible prose (HTML, an image) so no command can start there. */
const HIDDEN = '\uFFFC';

/** The visible text of a paragraph's phrasing content; inline code stays in backticks so it never starts a command. */
function visibleText(nodes: readonly PhrasingContent[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        out += n.value;
        break;
      case 'break':
        out += '\n';
        break;
      case 'inlineCode':
        out += `\`${n.value}\``;
        break;
      case 'emphasis':
      case 'strong':
      case 'delete':
      case 'link':
      case 'linkReference':
        out += visibleText(n.children);
        break;
      default:
        // html (comments, tags), images, footnote references: not prose a reader sees as a command.
        out += HIDDEN;
    }
  }
  return out;
}

/**
 * The paragraphs of a comment a reader sees as its own prose, in order: not in code (indented
 * or fenced), not in block quotes, not in HTML blocks or HTML comments, not inside a collapsed
 * `<details>` section.
 */
function visibleParagraphs(tree: Root): string[] {
  const out: string[] = [];
  const walk = (children: readonly RootContent[]) => {
    let hiddenDepth = 0;
    for (const n of children) {
      if (n.type === 'html') {
        hiddenDepth += (n.value.match(/<details\b/gi) ?? []).length;
        hiddenDepth = Math.max(0, hiddenDepth - (n.value.match(/<\/details\s*>/gi) ?? []).length);
        continue;
      }
      if (hiddenDepth > 0) continue;
      if (n.type === 'paragraph') out.push(visibleText(n.children));
      else if (n.type === 'list') for (const item of n.children) walk(item.children);
      // blockquote, code, table, heading, definitions: never a command.
    }
  };
  walk(tree.children);
  return out;
}

/**
 * A `/clinsafe …` command at the start of a line of a comment's visible prose, or undefined
 * when the comment has none. The comment is parsed as Markdown (GitHub-flavoured), so a command
 * in a quote (`> /clinsafe sign-off`), in inline code, an indented or fenced code block, an
 * HTML comment or HTML block, or a collapsed section never acts.
 */
export function parseCommand(body: string): SignOffCommand | undefined {
  if (!body.includes('/clinsafe')) return undefined;
  const tooComplex = {
    kind: 'invalid',
    problem: `the comment is too long or too deeply nested to read as a command (the limit is ${MAX_COMMAND_COMMENT_CHARS} characters); post the command on its own in a short new comment`,
  } as const;
  if (body.length > MAX_COMMAND_COMMENT_CHARS || tooDeep(body)) return tooComplex;
  let paragraphs: string[];
  try {
    paragraphs = visibleParagraphs(unified().use(remarkParse).use(remarkGfm).parse(body));
  } catch {
    // RangeError (deep nesting) and anything else the parser cannot take: never a command.
    return tooComplex;
  }
  for (const paragraph of paragraphs) {
    for (const raw of paragraph.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line.startsWith('/clinsafe')) continue;
      const m = /^\/clinsafe[ \t]+(sign-off|signoff|approve|reject)(?:[ \t]+(.*))?$/i.exec(line);
      if (!m)
        return {
          kind: 'invalid',
          problem: 'unknown command; use `/clinsafe sign-off` to approve the release or `/clinsafe reject <reason>` to refuse it',
        };
      const verb = m[1]!.toLowerCase();
      const rest = (m[2] ?? '').split(HIDDEN).join('').trim();
      if (verb === 'reject') {
        return rest
          ? { kind: 'reject', reason: rest }
          : { kind: 'invalid', problem: 'a rejection needs a reason: `/clinsafe reject <reason>`' };
      }
      return rest ? { kind: 'sign-off', statement: rest } : { kind: 'sign-off' };
    }
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
