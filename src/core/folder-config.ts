/**
 * A safety folder's clinsafe.yml (folder-load.ts): read and checked, and the risk scheme it
 * declares. Pure.
 */
import { NHS_DCB0129, schemeProblems, type RiskScheme } from './risk.js';
import type { Config } from './schema.js';
import { toRiskScheme } from './schema-values.js';
import { schemaEngines } from './engines.js';
import { globProblem } from './glob-check.js';
import type { FolderReadContext } from './folder-kinds.js';
import { CONFIG_FILE } from './folder-texts.js';
import type { Report } from './hazard-check.js';
import { positionOf, type ParsedYaml, type Segment } from './yaml-core.js';

/** The configuration (undefined when missing or unreadable) and the risk scheme in force. */
export function loadConfig(
  ctx: FolderReadContext,
  configPath: string,
): { config: Config | undefined; scheme: RiskScheme; schemeOk: boolean } {
  const { snapshot, texts, bytesOf, read, diagnostics, err } = ctx;
  const top = { line: 1, col: 1 };
  const configText = texts.get(configPath);
  let config: Config | undefined;
  let configParsed: ParsedYaml | undefined;
  if (configText === undefined) {
    if (!snapshot.files.some((f) => f.path === configPath)) {
      err(
        configPath,
        top,
        'config-missing',
        `the safety folder has no ${CONFIG_FILE}; create one with \`clinsafe init\` or point --dir at the folder that holds it`,
      );
    }
  } else {
    const {
      parsed,
      data,
      diagnostics: d,
    } = read('config', 'config', () => schemaEngines().schema.configSchema, configPath, configText, 0, bytesOf.get(configPath));
    diagnostics.push(...d);
    if (parsed) {
      configParsed = parsed;
      config = data;
    }
  }

  let scheme: RiskScheme = NHS_DCB0129;
  let schemeOk = true;
  if (config && configParsed) {
    const declared = config.riskScheme;
    if (declared !== 'nhs-dcb0129') {
      const problems = schemeProblems(declared);
      for (const p of problems)
        err(configPath, positionOf(configParsed, ['riskScheme', ...p.path]), 'risk-scheme', `riskScheme: ${p.message}`);
      schemeOk = problems.length === 0;
    }
    if (schemeOk) scheme = toRiskScheme(declared);
    checkConfig(config, configParsed, err);
  }
  return { config, scheme, schemeOk };
}

function checkConfig(config: Config, parsed: ParsedYaml, err: Report): void {
  if (config.cso.length === 0) {
    err(
      parsed.file,
      positionOf(parsed, ['cso'], 'key'),
      'no-cso',
      'no Clinical Safety Officer is named: the PR gate will hold every safety-impacting pull request until a CSO (github, name, profession, registration) is added',
      'warning',
    );
  }
  const placeholders = (value: unknown, path: Segment[]): void => {
    if (typeof value === 'string' && /^TODO\b/.test(value)) {
      err(
        parsed.file,
        positionOf(parsed, path),
        'placeholder',
        `${path.join('.')} is still a placeholder ("${value.slice(0, 40)}…"); write the real text`,
        'warning',
      );
    } else if (Array.isArray(value)) value.forEach((v, i) => placeholders(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) placeholders(v, [...path, k]);
  };
  placeholders(parsed.value, []);
  const seen = new Map<string, number>();
  config.cso.forEach((c, i) => {
    const login = c.github.toLowerCase();
    if (seen.has(login))
      err(
        parsed.file,
        positionOf(parsed, ['cso', i, 'github']),
        'duplicate-cso',
        `CSO "${c.github}" is listed twice (entries ${seen.get(login)! + 1} and ${i + 1}); list each person once`,
      );
    else seen.set(login, i);
  });
  config.gate.alwaysImpacted.forEach((g, i) => {
    const problem = globProblem(g);
    if (problem) err(parsed.file, positionOf(parsed, ['gate', 'alwaysImpacted', i]), 'bad-glob', `glob "${g}" ${problem}`);
  });
}
