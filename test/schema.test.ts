import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitFrontMatter } from '../src/core/yaml.js';
import { jsonSchemas } from '../src/core/schema.js';
import { EXAMPLE_PRODUCT } from './helpers/repo.js';
import { HAZARD } from './helpers/folder.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const SAFETY = join(EXAMPLE_PRODUCT, 'clinical-safety');

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  const schemas = jsonSchemas();
  return {
    clinsafe: ajv.compile(schemas.clinsafe!),
    hazard: ajv.compile(schemas.hazard!),
    incident: ajv.compile(schemas.incident!),
    workshop: ajv.compile(schemas.workshop!),
  };
}

describe('generated JSON Schema, checked by ajv (an independent validator)', () => {
  const v = validator();

  it('accepts clinsafe.yml of the example product', () => {
    const ok = v.clinsafe(parse(readFileSync(join(SAFETY, 'clinsafe.yml'), 'utf8')));
    expect(v.clinsafe.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('accepts every hazard of the example product', () => {
    const files = readdirSync(join(SAFETY, 'hazards'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const ok = v.hazard(parse(readFileSync(join(SAFETY, 'hazards', f), 'utf8')));
      expect({ f, errors: v.hazard.errors ?? [] }).toEqual({ f, errors: [] });
      expect(ok).toBe(true);
    }
  });

  it('accepts incidents and workshop front matter', () => {
    for (const f of readdirSync(join(SAFETY, 'incidents'))) {
      expect(v.incident(parse(readFileSync(join(SAFETY, 'incidents', f), 'utf8')))).toBe(true);
    }
    for (const f of readdirSync(join(SAFETY, 'workshops'))) {
      const fm = splitFrontMatter(readFileSync(join(SAFETY, 'workshops', f), 'utf8'))!;
      expect(v.workshop(parse(fm.yaml))).toBe(true);
    }
  });

  it('rejects a broken hazard: unknown key, bad enum, missing field', () => {
    const broken = parse(
      HAZARD.replace('type: design', 'type: software').replace(
        '  severity: Major\n  likelihood: Medium',
        '  severty: Major\n  likelihood: Medium',
      ),
    );
    delete broken.title;
    expect(v.hazard(broken)).toBe(false);
    const messages = (v.hazard.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    expect(messages.some((m) => m.includes('severty'))).toBe(true);
    expect(messages.some((m) => m.startsWith('/controls/0/type'))).toBe(true);
    expect(messages.some((m) => m.includes('"missingProperty":"title"'))).toBe(true);
  });

  it('rejects a date that is not ISO', () => {
    const cfg = parse(readFileSync(join(SAFETY, 'clinsafe.yml'), 'utf8'));
    cfg.review.lastReviewed = '01/03/2026';
    expect(v.clinsafe(cfg)).toBe(false);
  });
});
