/**
 * The App's deployment files, linted: where no Docker engine runs (this project's machines and CI
 * have only the client) the Dockerfile and compose file are checked for the properties a deployer
 * relies on; where one runs, the image is built and its health check answered.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';

const root = packageRoot();
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string; stage: number }[] {
  const out: { op: string; args: string; stage: number }[] = [];
  let stage = -1;
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read the line "${line}"`);
    if (m[1] === 'FROM') stage++;
    out.push({ op: m[1]!, args: m[2]!, stage });
  }
  return out;
}

describe('Dockerfile', () => {
  const ins = instructions(read('Dockerfile'));
  const last = Math.max(...ins.map((i) => i.stage));
  const final = ins.filter((i) => i.stage === last);

  it('is multi-stage: the image that runs is not the one that compiled', () => {
    expect(last).toBeGreaterThanOrEqual(1);
    expect(ins.filter((i) => i.stage < last).some((i) => i.op === 'RUN' && /tsc/.test(i.args))).toBe(true);
    expect(final.some((i) => i.op === 'COPY' && /--from=build/.test(i.args))).toBe(true);
  });

  it('installs production dependencies only in the final image', () => {
    const installs = final.filter((i) => i.op === 'RUN' && /npm (ci|install)/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i.args).toMatch(/--omit=dev/);
  });

  it('runs as a non-root user, listens on every interface, and has a health check on /ping', () => {
    const users = final.filter((i) => i.op === 'USER').map((i) => i.args.trim());
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users.at(-1));
    expect(final.some((i) => i.op === 'ENV' && /HOST=0\.0\.0\.0/.test(i.args))).toBe(true);
    const health = final.find((i) => i.op === 'HEALTHCHECK');
    expect(health?.args).toMatch(/\/ping/);
  });

  it('starts the App entry the build produces, from a source file that exists', () => {
    const cmd = final.find((i) => i.op === 'CMD');
    expect(cmd?.args).toContain('dist/src/app/main.js');
    expect(existsSync(join(root, 'src/app/main.ts'))).toBe(true);
  });

  it('copies only files that exist in the repository', () => {
    for (const i of ins.filter((x) => x.op === 'COPY' && !/--from=/.test(x.args))) {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) expect(existsSync(join(root, src)), `${src} in COPY ${i.args}`).toBe(true);
    }
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as { services: Record<string, any> };

  it('runs at least two App instances that share one Redis', () => {
    const app = compose.services.app;
    expect(app.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(app.environment.REDIS_URL).toMatch(/^redis:\/\/redis:/);
    expect(compose.services.redis).toBeDefined();
    expect(app.environment.HOST).toBe('0.0.0.0');
  });

  it('spreads deliveries over the instances through a proxy whose configuration exists', () => {
    const volumes: string[] = compose.services.proxy.volumes;
    const conf = volumes[0]!.split(':')[0]!;
    expect(read(conf)).toMatch(/proxy_pass http:\/\/clinsafe_app/);
  });
});

describe('.env.example', () => {
  const env = read('.env.example');

  it('names every setting the App reads, and the development and organisation settings', () => {
    const src = ['src/app/wiring.ts', 'src/app/main.ts'].map(read).join('\n');
    const used = new Set([...src.matchAll(/process\.env\.([A-Z_]+)/g)].map((m) => m[1]!));
    for (const name of [...used, 'APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'WEBHOOK_PROXY_URL', 'GH_ORG', 'REDIS_URL', 'HOST', 'PORT']) {
      expect(env, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    }
  });

  it('points at README sections that exist', () => {
    const readme = read('README.md');
    const first = env.split('\n')[0]!;
    const named = [...first.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const section of named) expect(readme).toMatch(new RegExp(`^#+ ${section}$`, 'm'));
  });
});

const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
const engine = !docker.error && docker.status === 0;
if (!engine) console.warn('[skipped] docker build: no Docker engine here (docker info failed); the files are linted above');
describe.skipIf(!engine)('the image, where a Docker engine runs', () => {
  it('builds', () => {
    const r = spawnSync('docker', ['build', '-q', '-t', 'clinsafe-app-test', root], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
  }, 600_000);
});
