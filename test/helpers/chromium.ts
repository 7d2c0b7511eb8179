/**
 * Debian's Chromium, headless, started as a tracked process group (test/helpers/processes.ts) with
 * a fresh profile, and driven over the DevTools protocol by playwright-core (no browser download).
 * `close()` ends the whole group (browser, renderers, zygote) and removes the profile.
 */
import { rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startProcess, stopProcess, type Tracked } from './processes.js';
import { tempDir } from './repo.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RunningChromium {
  browser: Browser;
  process: Tracked;
  close(): Promise<void>;
}

export async function startChromium(): Promise<RunningChromium> {
  const profile = tempDir('clinsafe-chromium-');
  const proc = startProcess(CHROMIUM_PATH, [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    'about:blank',
  ]);
  const close = async () => {
    await stopProcess(proc);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const ws = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`Chromium did not open DevTools within 30 s:\n${proc.output()}`)), 30_000);
      const look = () => {
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(proc.output());
        if (m) {
          clearTimeout(deadline);
          resolve(m[1]!);
        }
      };
      proc.child.stderr?.on('data', look);
      proc.child.on('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${proc.output()}`)));
      look();
    });
    const browser = await chromium.connectOverCDP(ws);
    return {
      browser,
      process: proc,
      async close() {
        await browser.close().catch(() => undefined);
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
