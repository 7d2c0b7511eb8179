/** The app as deployed: the handlers bound to the shared gate and document builder. */
import type { ApplicationFunction } from 'probot';
import { clinsafeTemplate } from '../adapters/templates.js';
import { enableCompareCache } from '../github/api/compare-files.js';
import { useGraphQLTransport } from '../github/api/graphql.js';
import { enableLeanTransport, leanRequestOptions } from '../github/api/lean-transport.js';
import { enableFolderCache, readFolderViaApi } from '../github/folder.js';
import { gatePorts } from './gate-port.js';
import { clinsafeApp, type AppDeps } from './index.js';
import { gateMode } from './pulls.js';
import { documentBuilder } from '../usecases/build-release.js';

export function createApp(overrides: Partial<AppDeps> = {}): ApplicationFunction {
  // A server reads the same commits again and again (every push, review and label of a PR).
  enableFolderCache(Number(process.env.CLINSAFE_FOLDER_CACHE ?? 64));
  // The files between two commits never change either (a synchronize, review or label event re-reads the same pair).
  enableCompareCache(Number(process.env.CLINSAFE_FOLDER_CACHE ?? 64));
  // The gate's GraphQL reads on node:http with the answer parsed once (no proxy or custom dispatcher set up).
  useGraphQLTransport(enableLeanTransport() ? leanRequestOptions : undefined);
  return clinsafeApp({
    readFolder: readFolderViaApi,
    now: () => new Date(),
    safetyDir: process.env.CLINSAFE_SAFETY_DIR || undefined,
    gate: gatePorts,
    // clinsafe's own templates are read here, at the front door: the document builder reads no files.
    docs: documentBuilder(clinsafeTemplate),
    gateMode: gateMode(process.env.CLINSAFE_APP_GATE),
    ...overrides,
  });
}
