/**
 * Reading one safety file: its YAML parse, then its schema check — from a checked-file store when
 * one holds the result for exactly this text and schema, else done here and given to the store.
 * A stored result gives the same data and diagnostics as doing the work (the store's key names the
 * text, the schema and, through the store's own digest, clinsafe's code); the file's value and
 * positions are read from its text only if something later needs them (a diagnostic's line:col).
 */
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import type { CheckedFileKey, CheckedFileKind, CheckedFileStore } from './ports/checked-files.js';
import { EnginesNotLoaded } from './engines.js';
import { FAIL } from './schema-fast.js';
import { builtAccept } from './schema-fast-built.js';
import { validateShape } from './validate-shape.js';
import type { TextSource } from './text-decode.js';
import { parsedFromText, parseYamlCached, type ParseCache, type ParsedYaml } from './yaml-core.js';

export interface CheckedRead<T> {
  /** Absent when the YAML could not be read (the diagnostics say why). */
  parsed?: ParsedYaml;
  /** The schema's output, when the file passed it. */
  data?: T;
  /** The parse's diagnostics, then the schema check's. */
  diagnostics: Diagnostic[];
}

/** Files whose parsed value is read again after the schema check (clinsafe.yml's placeholder warnings). */
const KEEPS_VALUE = new Set<CheckedFileKind>(['config']);

export type CheckedReader = <S extends z.ZodType>(
  kind: CheckedFileKind,
  schemaName: string,
  /** The schema, asked for only when the file is checked here (a stored result needs no zod). */
  schema: () => S,
  path: string,
  /** The text, or its source when it is decoded only on first use (text-decode.ts, lazyText). */
  text: string | TextSource,
  lineOffset?: number,
  /** The bytes `text` was decoded from, when it is the whole file. */
  bytes?: Uint8Array,
) => CheckedRead<z.output<S>>;

/**
 * A reader for one load: `store` keeps results between runs (optional), `parseCache` shares parses
 * within a run by blob SHA (`shas`: path → SHA, when the snapshot knows them).
 */
export function checkedReader(
  store: CheckedFileStore | undefined,
  parseCache: ParseCache | undefined,
  shas: ReadonlyMap<string, string>,
): CheckedReader {
  return (kind, schemaName, schema, path, text, lineOffset = 0, bytes) => {
    const key = store ? keyOf(kind, schemaName, lineOffset, text, bytes) : undefined;
    const hit = key && store!.get(key);
    if (hit) {
      return {
        ...(hit.parsed ? { parsed: parsedFromText(path, text, lineOffset, 'value' in hit ? { value: hit.value } : undefined) } : {}),
        ...(hit.data !== undefined ? { data: hit.data as z.output<ReturnType<typeof schema>> } : {}),
        // Content-addressed: the same text under another path gives the same findings, named by this path.
        diagnostics: hit.diagnostics.map((d) => (d.file === path ? d : { ...d, file: path })),
      };
    }
    const read = parseYamlCached(parseCache, shas.get(path), path, typeof text === 'string' ? text : text.text, lineOffset);
    const diagnostics = [...read.diagnostics];
    let data: z.output<ReturnType<typeof schema>> | undefined;
    if (read.parsed) {
      // The single-file CLI's built-in fast accept first: a file it takes needs no zod (schema-fast.ts).
      const built = builtAccept(kind, schemaName);
      const fast = built ? built(read.parsed.value) : FAIL;
      if (fast !== FAIL) data = fast as typeof data;
      else {
        const shape = validateShape(read.parsed, schemaOf(schema, built !== undefined && kind !== 'config'));
        diagnostics.push(...shape.diagnostics);
        data = shape.data;
      }
    }
    if (key)
      store!.put(key, {
        parsed: read.parsed !== undefined,
        ...(data !== undefined ? { data } : {}),
        ...(read.parsed && KEEPS_VALUE.has(kind) ? { value: read.parsed.value } : {}),
        diagnostics,
      });
    // The same keys in the same order as spreading the optional parts, without the temporary objects.
    if (!read.parsed) return data !== undefined ? { data, diagnostics } : { diagnostics };
    return data !== undefined ? { parsed: read.parsed, data, diagnostics } : { parsed: read.parsed, diagnostics };
  };
}

/**
 * The schema; when it is not loaded and the built-in fast accept declined the file (`declined`),
 * the YAML libraries are asked for with it: the file almost surely has findings, whose positions
 * need them, and one restart of the load is cheaper than two. Not for clinsafe.yml, read first (a
 * restart there costs little) and declined for a custom risk scheme, which needs zod only.
 */
function schemaOf<S>(schema: () => S, declined: boolean): S {
  try {
    return schema();
  } catch (e) {
    if (declined && e instanceof EnginesNotLoaded) throw new EnginesNotLoaded(true);
    throw e;
  }
}

/** A store's key; the text of a source read only if the store asks for it (it need not: the bytes name it). */
function keyOf(kind: CheckedFileKind, schema: string, lineOffset: number, text: string | TextSource, bytes?: Uint8Array): CheckedFileKey {
  if (typeof text !== 'string') return new KeyOfSource(kind, schema, lineOffset, text, bytes);
  return bytes ? { kind, schema, lineOffset, text, bytes } : { kind, schema, lineOffset, text };
}

/** A class, not an object literal with a getter: V8 makes those one by one, ~1,000 a load. */
class KeyOfSource implements CheckedFileKey {
  constructor(
    readonly kind: CheckedFileKind,
    readonly schema: string,
    readonly lineOffset: number,
    private readonly source: TextSource,
    readonly bytes?: Uint8Array,
  ) {}
  get text(): string {
    return this.source.text;
  }
}
