/**
 * The `--map` file: how a trust's own column names and values map onto the NHS layout.
 *
 *   columns:                     # header as written in the sheet → column (key or NHS header), or ignore
 *     Risk Ref: hazardId
 *     Mitigation: Additional controls
 *     Internal notes: ignore
 *   values:
 *     severity: { Moderate: Considerable }
 *     likelihood: { Rare: Very low }
 *     controlType: { Technical: Design }
 *     actionStatus: { Done: Closed }
 *   manufacturer: [NHSD, NHS Digital]   # control owners that mean the manufacturer
 */
import { z } from 'zod';
import type { Diagnostic } from '../core/diagnostics.js';
import { COLUMN_KEYS, HAZARD_LOG_COLUMNS, normaliseHeader, type ColumnKey } from '../core/nhs-layout.js';
import { validateShape } from '../core/validate-shape.js';
import { parseYaml, positionOf } from '../core/yaml.js';
import type { ImportOptions } from './types.js';

const valueMap = z.record(z.string(), z.string().min(1));

export const mapSchema = z.strictObject({
  columns: z.record(z.string(), z.string().min(1)).default({}),
  values: z
    .strictObject({
      severity: valueMap.optional(),
      likelihood: valueMap.optional(),
      controlType: valueMap.optional(),
      actionStatus: valueMap.optional(),
    })
    .default({}),
  manufacturer: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  sheet: z.string().min(1).optional(),
});

export type MapOptions = Pick<ImportOptions, 'columns' | 'values' | 'manufacturer' | 'sheet'>;

/** Resolve a target written as a key (`hazardId`) or an NHS header (`Num`). */
export function columnTarget(value: string): ColumnKey | 'ignore' | undefined {
  if (value.trim().toLowerCase() === 'ignore') return 'ignore';
  if ((COLUMN_KEYS as readonly string[]).includes(value)) return value as ColumnKey;
  return HAZARD_LOG_COLUMNS.find((c) => normaliseHeader(c.header) === normaliseHeader(value))?.key;
}

export function parseMap(file: string, text: string): { options?: MapOptions; diagnostics: Diagnostic[] } {
  const { parsed, diagnostics } = parseYaml(file, text);
  if (!parsed) return { diagnostics };
  const shape = validateShape(parsed, mapSchema);
  if (!shape.data) return { diagnostics: shape.diagnostics };
  const data = shape.data as z.output<typeof mapSchema>;
  const columns: Record<string, ColumnKey | 'ignore'> = {};
  const out: Diagnostic[] = [...shape.diagnostics];
  for (const [header, target] of Object.entries(data.columns)) {
    const key = columnTarget(target);
    if (!key) {
      out.push({
        file,
        ...positionOf(parsed, ['columns', header]),
        severity: 'error',
        code: 'map-column',
        message: `"${target}" is not a hazard-log column; use one of ${HAZARD_LOG_COLUMNS.map((c) => c.header).join(', ')} (or its key, e.g. hazardId), or ignore`,
      });
    } else columns[header] = key;
  }
  if (out.some((d) => d.severity === 'error')) return { diagnostics: out };
  const options: MapOptions = { columns, values: data.values };
  if (data.manufacturer) options.manufacturer = Array.isArray(data.manufacturer) ? data.manufacturer : [data.manufacturer];
  if (data.sheet) options.sheet = data.sheet;
  return { options, diagnostics: out };
}
