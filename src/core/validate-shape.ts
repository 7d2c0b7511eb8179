/**
 * Shape validation of one parsed YAML value against a zod schema, with every problem turned
 * into a diagnostic at the right line and column that says what would be right.
 */
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { FAIL } from './schema-fast.js';
import { fastAccept } from './schema-fast-describe.js';
import { positionOf, type ParsedYaml, type Segment } from './yaml-core.js';

type AnySchema = z.ZodType;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  valueType?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object schemas that can sit at a path (several when a union is involved). */
function objectShapesAt(schema: AnySchema, path: readonly Segment[]): Record<string, AnySchema>[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return objectShapesAt(def.innerType!, path);
    case 'pipe':
      return objectShapesAt(def.in!, path);
    case 'union':
      return (def.options ?? []).flatMap((o) => objectShapesAt(o, path));
    case 'array':
      return path.length > 0 ? objectShapesAt(def.element!, path.slice(1)) : [];
    case 'record':
      return path.length > 0 ? objectShapesAt(def.valueType!, path.slice(1)) : [];
    case 'object': {
      if (path.length === 0) return [def.shape!];
      const next = def.shape![String(path[0])];
      return next ? objectShapesAt(next, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** Longest key or value "did you mean" compares: suggestions are for typos in short names, never for a megabyte of text. */
export const MAX_SUGGEST_CHARS = 64;
/** How much of any user text a message quotes. */
export const MAX_QUOTE_CHARS = 40;

/** User text quoted in a message: at most a short prefix, with what was left out said. */
export function quote(value: string, max = MAX_QUOTE_CHARS): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
}

/** Edit distance (Levenshtein). Callers keep both strings short (see MAX_SUGGEST_CHARS). */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  if (value.length > MAX_SUGGEST_CHARS) return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const exact = candidates.find((c) => norm(c) === norm(value));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.length > MAX_SUGGEST_CHARS) continue;
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

export function fieldName(path: readonly Segment[]): string {
  let out = '';
  for (const raw of path) {
    // A key can be user text (a custom scheme's names, an unknown key): only a short prefix is shown.
    const seg = typeof raw === 'string' && raw.length > MAX_QUOTE_CHARS ? `${raw.slice(0, MAX_QUOTE_CHARS)}…` : raw;
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || 'the file';
}

function show(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ${show(value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of fields',
  record: 'a mapping',
};

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  errors?: Issue[][];
}

/** Where a finding goes: the path in the value, whether the key or the value is pointed at, and the message. */
type Push = (path: readonly Segment[], prefer: 'key' | 'value', message: string) => void;

/** Validate `parsed.value` against `schema`; returns the parsed output (when valid) and diagnostics. */
export function validateShape<S extends AnySchema>(
  parsed: ParsedYaml,
  schema: S,
  basePath: readonly Segment[] = [],
): { data?: z.output<S>; diagnostics: Diagnostic[] } {
  // A value that plainly passes is accepted without zod (schema-fast.ts gives zod's own output); anything else goes to zod.
  const fast = fastAccept(schema)?.(parsed.value) ?? FAIL;
  if (fast !== FAIL) return { data: fast as z.output<S>, diagnostics: [] };
  const result = schema.safeParse(parsed.value, { reportInput: true });
  if (result.success) return { data: result.data as z.output<S>, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const push: Push = (path, prefer, message) => {
    const fullPath = [...basePath, ...path];
    const pos = positionOf(parsed, fullPath, prefer);
    const key = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push({ file: parsed.file, ...pos, severity: 'error', code: 'schema', message });
  };
  for (const issue of result.error.issues as unknown as Issue[]) handleIssue(issue, schema, push);
  return { diagnostics };
}

/** One zod issue as diagnostics (a union's issues through the branch that was meant): what is wrong and what would be right. */
function handleIssue(issue: Issue, schema: AnySchema, push: Push): void {
  const path = issue.path.filter((p): p is Segment => typeof p === 'string' || typeof p === 'number');
  const name = fieldName(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = [...new Set(objectShapesAt(schema, path).flatMap((s) => Object.keys(s)))];
      for (const key of issue.keys ?? []) {
        const guess = didYouMean(key, allowed);
        push(
          [...path, key],
          'key',
          `unknown field ${quote(key)}${path.length ? ` in ${name}` : ''}${guess ? ` — did you mean "${guess}"?` : ''}; allowed fields: ${allowed.join(', ')}`,
        );
      }
      return;
    }
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected ?? ''] ?? issue.expected ?? 'a value';
      if (issue.input === undefined) {
        push(
          path.slice(0, -1),
          'key',
          `missing required field "${String(path[path.length - 1] ?? name)}"${path.length > 1 ? ` in ${fieldName(path.slice(0, -1))}` : ''}: add it (${expected})`,
        );
      } else if (issue.message.startsWith('must')) {
        push(path, 'value', `${name} ${issue.message}; found ${kindOf(issue.input)}`);
      } else {
        push(path, 'value', `${name} must be ${expected}, found ${kindOf(issue.input)}`);
      }
      return;
    }
    case 'invalid_value': {
      if (issue.input === undefined) {
        push(
          path.slice(0, -1),
          'key',
          `missing required field "${String(path[path.length - 1] ?? name)}"${path.length > 1 ? ` in ${fieldName(path.slice(0, -1))}` : ''}: add it (one of: ${(issue.values ?? []).map(String).join(', ')})`,
        );
        return;
      }
      const values = (issue.values ?? []).map(String);
      const guess = typeof issue.input === 'string' ? didYouMean(issue.input, values) : undefined;
      push(
        path,
        'value',
        `${name} ${show(issue.input)} is not allowed${guess ? ` — did you mean "${guess}"?` : ''}; use one of: ${values.join(', ')}`,
      );
      return;
    }
    case 'invalid_union': {
      // The risk scheme: either the default name or a full custom table.
      const branches = issue.errors ?? [];
      if (typeof issue.input === 'string') {
        push(
          path,
          'value',
          `${name} ${show(issue.input)} is not a known scheme; write nhs-dcb0129 (the default) or declare a full custom scheme (name, severities, likelihoods, ratings, matrix)`,
        );
        return;
      }
      const objectBranch = branches.find((b) =>
        b.every((i) => i.code !== 'invalid_value' && !(i.code === 'invalid_type' && i.path.length === 0)),
      );
      if (objectBranch) {
        for (const sub of objectBranch) handleIssue({ ...sub, path: [...issue.path, ...sub.path] }, schema, push);
        return;
      }
      push(path, 'value', `${name} is not valid: ${issue.message}`);
      return;
    }
    case 'too_small': {
      if (issue.origin === 'array') {
        push(
          path,
          issue.input === undefined ? 'key' : 'value',
          `${name} ${issue.message.startsWith('must') || issue.message.startsWith('list') || issue.message.startsWith('needs') || issue.message.startsWith('name') ? issue.message : `needs at least ${String(issue.minimum)} item(s)`}`,
        );
      } else if (issue.origin === 'string') {
        push(path, 'value', `${name} must not be empty; write the text or remove the field`);
      } else {
        push(path, 'value', `${name} ${show(issue.input)} is too small; the minimum is ${String(issue.minimum)}`);
      }
      return;
    }
    case 'too_big': {
      const custom = issue.message.startsWith('is ') || issue.message.startsWith('lists ');
      if (issue.origin === 'string' && typeof issue.input === 'string')
        push(
          path,
          'value',
          `${name} ${custom ? issue.message : `is too long: at most ${String(issue.maximum)} characters`} (it has ${issue.input.length})`,
        );
      else if (issue.origin === 'array' && Array.isArray(issue.input))
        push(
          path,
          'value',
          `${name} ${custom ? issue.message : `lists too many items: at most ${String(issue.maximum)}`} (it has ${issue.input.length})`,
        );
      else push(path, 'value', `${name} ${show(issue.input)} is too large; the maximum is ${String(issue.maximum)}`);
      return;
    }
    default:
      push(path, 'value', `${name}${issue.input !== undefined ? ` ${show(issue.input)}` : ''} ${issue.message}`);
  }
}
