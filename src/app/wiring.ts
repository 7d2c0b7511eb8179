/** The app as deployed: the handlers bound to the shared gate and document builder. */
import type { ApplicationFunction } from 'probot';
import { buildDocuments, folderContentHash, writeDocuments } from '../docs/build.js';
import { enableCompareCache } from '../github/api/compare-files.js';
import { enableFolderCache, readFolderViaApi } from '../github/folder.js';
import { gatePorts } from './gate-port.js';
import { clinsafeApp, type AppDeps } from './index.js';
import { gateMode } from './pulls.js';

export function createApp(overrides: Partial<AppDeps> = {}): ApplicationFunction {
  // A server reads the same commits again and again (every push, review and label of a PR).
  enableFolderCache(Number(process.env.CLINSAFE_FOLDER_CACHE ?? 64));
  // The files between two commits never change either (a synchronize, review or label event re-reads the same pair).
  enableCompareCache(Number(process.env.CLINSAFE_FOLDER_CACHE ?? 64));
  return clinsafeApp({
    readFolder: readFolderViaApi,
    now: () => new Date(),
    safetyDir: process.env.CLINSAFE_SAFETY_DIR || undefined,
    gate: gatePorts,
    docs: { build: buildDocuments, write: writeDocuments, folderHash: folderContentHash },
    gateMode: gateMode(process.env.CLINSAFE_APP_GATE),
    ...overrides,
  });
}
