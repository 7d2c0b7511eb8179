/**
 * Output formats shared by the commands: checking `--format`, the default inside GitHub Actions,
 * GitHub workflow-command annotations, and a format chosen from a file name's extension.
 */
import { extname } from 'node:path';
import { Option } from 'commander';
import type { Diagnostic } from '../core/diagnostics.js';
import { type CliIO, UsageError } from './io.js';

/**
 * A `--format` option that refuses anything but `formats` (commander's "Allowed choices" error, exit 1).
 * Without `--format`, the result is `github` when running inside GitHub Actions and `github` is allowed.
 */
export function formatOption(formats: readonly string[], description: string): Option {
  return new Option('--format <format>', description).choices([...formats]);
}

export function chosenFormat(io: CliIO, given: string | undefined, formats: readonly string[]): string {
  if (given) return given;
  return io.env?.GITHUB_ACTIONS === 'true' && formats.includes('github') ? 'github' : formats[0]!;
}

/** Workflow-command data: `%`, CR and LF escaped (https://github.com/actions/toolkit, command.ts). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property values: also `:` and `,`, which would end the property. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** `::error file=…,line=…,col=…,title=…::message` */
export function annotation(
  level: AnnotationLevel,
  message: string,
  at: { file?: string; line?: number; col?: number; title?: string } = {},
): string {
  const props: string[] = [];
  if (at.file) props.push(`file=${escapeProperty(at.file)}`);
  if (at.line) props.push(`line=${at.line}`);
  if (at.col) props.push(`col=${at.col}`);
  if (at.title) props.push(`title=${escapeProperty(at.title)}`);
  return `::${level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

/** A validation problem as an annotation on its file's line (shown in the pull request's Files tab). */
export function diagnosticAnnotation(d: Diagnostic): string {
  return annotation(d.severity === 'warning' ? 'warning' : 'error', d.message, {
    file: d.file,
    line: d.line,
    col: d.col,
    title: `clinsafe ${d.code}`,
  });
}

/**
 * The format a file name's extension names, among `allowed` (e.g. `export --out log.csv`), or
 * undefined when the extension names none of them.
 */
export function formatFromExtension(path: string, allowed: readonly string[]): string | undefined {
  const ext = extname(path).slice(1).toLowerCase();
  return allowed.includes(ext) ? ext : undefined;
}

/**
 * `--format` when given (it must be one of `allowed`), else the `--out` file's extension; a file
 * whose extension is none of them is an error, never a file of another format under that name.
 */
export function formatForOutput(given: string | undefined, out: string, allowed: readonly string[]): string {
  if (given !== undefined) {
    const f = given.toLowerCase();
    if (!allowed.includes(f)) throw new UsageError(`--format must be ${allowed.join(' or ')}, not "${given}"`);
    return f;
  }
  const f = formatFromExtension(out, allowed);
  if (!f)
    throw new UsageError(
      `cannot tell the format from "${out}": name the file .${allowed.join(' or .')}, or pass --format ${allowed.join('|')}`,
    );
  return f;
}
