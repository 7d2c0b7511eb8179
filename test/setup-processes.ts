/** After every test file: a long-lived process the file started and did not stop fails the file (and is stopped). */
import { afterAll } from 'vitest';
import { stopLeftovers } from './helpers/processes.js';

afterAll(async () => {
  const left = await stopLeftovers();
  if (left.length) throw new Error(`this file left ${left.length} process group(s) running (now stopped): ${left.join('; ')}`);
});
