/** The app as deployed: the handlers with their real dependencies. */
import type { ApplicationFunction } from 'probot';
import { readFolderViaApi } from '../github/folder.js';
import { clinsafeApp, type AppDeps } from './index.js';

export function createApp(overrides: Partial<AppDeps> = {}): ApplicationFunction {
  return clinsafeApp({
    readFolder: readFolderViaApi,
    now: () => new Date(),
    safetyDir: process.env.CLINSAFE_SAFETY_DIR || undefined,
    ...overrides,
  });
}
