/**
 * Long-lived child processes for tests (servers, `npm start`, redis-server…). Every one is started
 * in its own process group (detached) and recorded in a registry directory on disk; `stopProcess`
 * ends the whole group (npm → sh → node), and the global teardown (test/global-setup.ts) fails
 * the run if any recorded group is still alive at the end.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The registry directory: set by the global setup; a per-process fallback when a file runs alone. */
export function registryDir(): string {
  const dir = process.env.CLINSAFE_TEST_PROCESSES ?? join(tmpdir(), `clinsafe-test-processes-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Whether any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Tracked {
  child: ChildProcess;
  /** What the process printed on stdout and stderr so far (when piped). */
  output(): string;
}

/** Processes started by this test file (the module is loaded once per file). */
const started = new Set<Tracked>();

/** Start a long-lived process in its own process group and record it. */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): Tracked {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  if (child.pid === undefined) throw new Error(`${command} could not be started`);
  writeFileSync(join(registryDir(), String(child.pid)), `${command} ${args.join(' ')}\n`);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const t: Tracked = { child, output: () => out };
  started.add(t);
  return t;
}

/**
 * Called after each test file (test/setup-processes.ts): stops what the file left running and
 * returns a description of each, so the file fails.
 */
export async function stopLeftovers(): Promise<string[]> {
  const left: string[] = [];
  for (const t of started) {
    if (!stopped.has(t) && groupAlive(t.child.pid!)) left.push(`${t.child.pid}: ${t.child.spawnargs.join(' ')}`);
    await stopProcess(t);
  }
  started.clear();
  return left;
}

/** End the process's whole group: SIGTERM, then SIGKILL after `graceMs`; resolves when no member is left. */
const stopped = new WeakSet<Tracked>();

export async function stopProcess(t: Tracked | undefined, graceMs = 5_000): Promise<void> {
  const pgid = t?.child.pid;
  if (!t || pgid === undefined || stopped.has(t)) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // the group is already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) signal('SIGKILL');
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) throw new Error(`process group ${pgid} (${t!.child.spawnargs.join(' ')}) survived SIGKILL`);
  rmSync(join(registryDir(), String(pgid)), { force: true });
  stopped.add(t);
}

/** Groups recorded in `dir` that still have a live member: killed here, and returned so the caller can fail. */
export function reapLeftovers(dir: string): string[] {
  const left: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return left;
  }
  for (const name of entries) {
    const pgid = Number(name);
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (groupAlive(pgid)) {
      left.push(`${pgid}: ${readFileSync(join(dir, name), 'utf8').trim()}`);
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
  return left;
}
