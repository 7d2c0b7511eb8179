/**
 * Read JUnit XML test reports (issue 15) into plain test-case results for core/evidence.ts.
 *
 * Dialects: vitest (`--reporter=junit`), jest (jest-junit), pytest (`--junitxml`, xunit1 and
 * xunit2), Maven Surefire / Gradle, gotestsum (`--junitfile`); anything with
 * testsuites/testsuite/testcase and failure/error/skipped children reads the same way.
 *
 * Hostile input is bounded: file size, nesting depth and test-case count are capped, and entity
 * declarations are refused (no DOCTYPE entity expansion); only the five predefined XML entities and
 * character references are decoded.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TestCaseResult, TestOutcome } from '../core/evidence.js';

export const JUNIT_LIMITS = {
  /** Bytes per report file. */
  maxFileBytes: 50 * 1024 * 1024,
  /** Report files per run. */
  maxFiles: 2000,
  /** Element nesting depth. */
  maxDepth: 64,
  /** Test cases across all reports. */
  maxCases: 500_000,
};

/** A report that cannot be read: `file:line:col: what is wrong`, never a stack trace. */
export class JUnitError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
  }
}

export interface JUnitReport {
  file: string;
  cases: TestCaseResult[];
  /** The earliest testsuite timestamp, when the report gives one. */
  timestamp?: string;
  hostname?: string;
}

type Node = Record<string, unknown>;
const ARRAY_TAGS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped', 'testsuites']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: JUNIT_LIMITS.maxDepth,
  isArray: (tag) => ARRAY_TAGS.has(tag),
});

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decode the predefined XML entities and character references; anything else stays literal. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

function lineColAt(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, col: index - last };
}

const attr = (n: Node, name: string): string | undefined => {
  const v = n[`@_${name}`];
  return typeof v === 'string' ? decodeXmlText(v) : undefined;
};
const children = (n: Node, tag: string): Node[] => {
  const v = n[tag];
  return Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as Node[]) : [];
};
const hasChild = (n: Node, tag: string): boolean => Array.isArray(n[tag]) && (n[tag] as unknown[]).length > 0;

function firstMessage(n: Node, tags: string[]): string | undefined {
  for (const tag of tags) {
    const v = n[tag];
    if (!Array.isArray(v) || v.length === 0) continue;
    const el: unknown = v[0];
    let msg: string | undefined;
    if (typeof el === 'string') msg = el;
    else if (el && typeof el === 'object') {
      const o = el as Node;
      msg = attr(o, 'message') ?? (typeof o['#text'] === 'string' ? o['#text'] : undefined) ?? attr(o, 'type');
    }
    const line = decodeXmlText(msg ?? '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l);
    return line ? (line.length > 300 ? `${line.slice(0, 299)}…` : line) : undefined;
  }
  return undefined;
}

const PATH_LIKE = /^[^\s:]*\/[^\s]*\.[A-Za-z0-9]+$|^[^\s/:]+\.(?:[cm]?[jt]sx?|py|go|rb|java|kt|cs|rs|php)$/;

/** Parse one report's text. `file` names it in errors and in the results. */
export function parseJUnit(file: string, text: string, budget = { cases: JUNIT_LIMITS.maxCases }): JUnitReport {
  if (text.length > JUNIT_LIMITS.maxFileBytes)
    throw new JUnitError(file, 1, 1, `is larger than the ${JUNIT_LIMITS.maxFileBytes / 1024 / 1024} MB clinsafe reads; split the report`);
  const entity = /<!ENTITY/i.exec(text);
  if (entity) {
    const p = lineColAt(text, entity.index);
    throw new JUnitError(file, p.line, p.col, 'declares an XML entity; JUnit reports never need one and clinsafe does not expand them');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new JUnitError(file, valid.err.line, valid.err.col, `is not well-formed XML: ${valid.err.msg}`);
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (e) {
    throw new JUnitError(file, 1, 1, `cannot be read as XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const groups = children(doc, 'testsuites');
  const suites = children(doc, 'testsuite');
  if (groups.length === 0 && suites.length === 0)
    throw new JUnitError(file, 1, 1, 'is not a JUnit report: the root element must be <testsuites> or <testsuite>');
  const cases: TestCaseResult[] = [];
  const stamps: string[] = [];
  let hostname: string | undefined;
  const visit = (suite: Node, inherited: { file?: string; name: string }) => {
    const suiteName = attr(suite, 'name') ?? inherited.name;
    const suiteFile =
      attr(suite, 'file') ?? attr(suite, 'filepath') ?? inherited.file ?? (PATH_LIKE.test(suiteName) ? suiteName : undefined);
    const stamp = attr(suite, 'timestamp');
    if (stamp) stamps.push(stamp);
    hostname ??= attr(suite, 'hostname');
    for (const tc of children(suite, 'testcase')) {
      if (--budget.cases < 0)
        throw new JUnitError(
          file,
          1,
          1,
          `holds more than ${JUNIT_LIMITS.maxCases} test cases across the reports read; clinsafe stops here`,
        );
      const classname = attr(tc, 'classname') ?? '';
      const name = attr(tc, 'name') ?? '';
      const outcome: TestOutcome =
        hasChild(tc, 'failure') || hasChild(tc, 'error') ? 'failed' : hasChild(tc, 'skipped') ? 'skipped' : 'passed';
      const caseFile = attr(tc, 'file') ?? suiteFile ?? (PATH_LIKE.test(classname) ? classname : undefined);
      const message = outcome === 'passed' ? undefined : firstMessage(tc, outcome === 'failed' ? ['failure', 'error'] : ['skipped']);
      cases.push({
        report: file,
        suite: suiteName,
        classname,
        name,
        ...(caseFile ? { file: caseFile } : {}),
        outcome,
        ...(message ? { message } : {}),
      });
    }
    for (const inner of children(suite, 'testsuite')) visit(inner, { file: suiteFile, name: suiteName });
  };
  for (const g of groups) for (const s of children(g, 'testsuite')) visit(s, { name: '' });
  for (const s of suites) visit(s, { name: '' });
  stamps.sort();
  return { file, cases, ...(stamps[0] ? { timestamp: stamps[0] } : {}), ...(hostname ? { hostname } : {}) };
}

/** Read report files from disk, size-checked before reading. Paths are absolute; `label` names them in results. */
export function readJUnitFiles(files: readonly { path: string; label: string }[]): JUnitReport[] {
  if (files.length > JUNIT_LIMITS.maxFiles)
    throw new JUnitError(
      files[JUNIT_LIMITS.maxFiles]!.label,
      1,
      1,
      `is one report too many: clinsafe reads at most ${JUNIT_LIMITS.maxFiles} JUnit files`,
    );
  const budget = { cases: JUNIT_LIMITS.maxCases };
  return files.map((f) => {
    const size = statSync(f.path).size;
    if (size > JUNIT_LIMITS.maxFileBytes)
      throw new JUnitError(
        f.label,
        1,
        1,
        `is ${Math.round(size / 1024 / 1024)} MB, larger than the ${JUNIT_LIMITS.maxFileBytes / 1024 / 1024} MB clinsafe reads; split the report`,
      );
    return parseJUnit(f.label, readFileSync(f.path, 'utf8'), budget);
  });
}

/** Report files matching the glob patterns under `cwd` (sorted, files only, no symlinked folders followed). */
export async function findJUnitFiles(cwd: string, patterns: readonly string[]): Promise<{ path: string; label: string }[]> {
  const found = await glob([...patterns], { cwd, absolute: false, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false });
  return [...new Set(found)].sort().map((label) => ({ path: resolve(cwd, label), label }));
}
