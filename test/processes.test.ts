/** The test-process registry: a stopped process takes its children with it, and a leftover is found and killed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { groupAlive, reapLeftovers, startProcess, stopProcess } from './helpers/processes.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A parent that starts a grandchild and prints its pid, like npm starting node. */
const PARENT = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log(c.pid); setInterval(() => {}, 1000);`;

it('stopProcess ends the whole group: the grandchild too, not only the process it spawned', async () => {
  const t = startProcess(process.execPath, ['-e', PARENT]);
  for (let i = 0; i < 100 && !/\d+\n/.test(t.output()); i++) await new Promise((r) => setTimeout(r, 50));
  const grandchild = Number(t.output().trim());
  expect(alive(grandchild)).toBe(true);
  await stopProcess(t);
  expect(groupAlive(t.child.pid!)).toBe(false);
  expect(alive(grandchild)).toBe(false);
});

it('the end-of-run check finds a group still running, names it and kills it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clinsafe-registry-'));
  try {
    const t = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    writeFileSync(join(dir, String(t.child.pid)), 'node -e forgotten\n');
    writeFileSync(join(dir, '999999'), 'long gone\n');
    const left = reapLeftovers(dir);
    expect(left).toEqual([`${t.child.pid}: node -e forgotten`]);
    for (let i = 0; i < 40 && groupAlive(t.child.pid!); i++) await new Promise((r) => setTimeout(r, 50));
    expect(groupAlive(t.child.pid!)).toBe(false);
    await stopProcess(t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
