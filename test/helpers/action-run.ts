/**
 * The bundled Action run as a runner runs it: a child `node <bundle>` with GITHUB_EVENT_PATH /
 * GITHUB_EVENT_NAME / INPUT_* / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY, talking to a loopback GitHub.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './repo.js';

const run = promisify(execFile);

/** Bundle the Action from the current source with the real bundle script (package.json's build:action) into `outfile`. */
export function bundleAction(outfile: string): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle.mjs'), 'action', '--outfile', outfile], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
}

export interface ActionRunOptions {
  /** The bundled index.js to run. */
  bundle: string;
  /** The runner's temp folder: the event, output and summary files go here (RUNNER_TEMP, and the default cwd). */
  work: string;
  cwd?: string;
  timeoutMs: number;
  /** The loopback GitHub's base URL (GITHUB_API_URL; GITHUB_GRAPHQL_URL is its /graphql). */
  apiUrl: string;
  botLogin: string;
  eventName: string;
  payload: object;
  /** The rest of the runner's GITHUB_* variables for this run (GITHUB_REPOSITORY, GITHUB_RUN_ID, …). */
  env: Record<string, string>;
  /** The step's `with:` inputs (github-token, safety-dir and bot-login are set already). */
  inputs: Record<string, string>;
}

export interface ActionRun {
  /** The process's exit code. */
  code: number;
  stdout: string;
  /** What the step wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export async function runBundledAction(o: ActionRunOptions): Promise<ActionRun> {
  const eventPath = join(o.work, 'event.json');
  const outputPath = join(o.work, 'output');
  const summaryPath = join(o.work, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(o.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? o.work,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${o.apiUrl}/graphql`,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: o.work,
    NO_PROXY: '127.0.0.1,localhost',
    ...o.env,
    'INPUT_GITHUB-TOKEN': 'ghs_test',
    'INPUT_SAFETY-DIR': 'clinical-safety',
    'INPUT_BOT-LOGIN': o.botLogin,
    ...Object.fromEntries(Object.entries(o.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await run(process.execPath, [o.bundle], { env, cwd: o.cwd ?? o.work, timeout: o.timeoutMs }));
  } catch (e) {
    ({ code, stdout } = e as { code: number; stdout: string });
  }
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(outputPath, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code, stdout, outputs, summary: readFileSync(summaryPath, 'utf8') };
}
