/**
 * V8's young generation held at the size it has while a cold load runs (issue 13, cold validate,
 * eighth pass; docs/performance.md). A load that parses the whole safety folder keeps nearly all it
 * allocates (texts, parsed values, results), so each young-generation collection finds most of it
 * alive and V8 doubles the young generation after it (semi-spaces of 1 MB up to 16 MB): each
 * doubling is fresh memory the kernel faults in and zeroes, ~3,000 page faults of a cold
 * 1,000-hazard `validate`. Held at its size, collections are more frequent (~38 instead of ~9) but
 * copy no more in all (what survives is copied out once either way) and reuse the same memory:
 * paired, ~7 ms less CPU (system time −10 ms, user +3 ms), no slower by wall, peak memory 83 → 72 MB.
 * Not for a warm load (results from the parse cache, little parsed): measured 9 ms slower there.
 *
 * Only `--semi-space-growth-factor` changes, a number V8 reads when it grows the young generation
 * and nowhere else, and it is set back to V8's default (2) when the load ends, so the code cache
 * the single-file CLI may write at exit is made under the flags it is used with. V8 versions that
 * clamp the factor to at least 2 ignore this. Left alone when the factor is given on Node's command line.
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = '--semi-space-growth-factor';

/** Run `load` with the young generation held at its size; restored however `load` ends. */
export async function withYoungGenerationHeld<T>(load: () => Promise<T>): Promise<T> {
  if (process.execArgv.some((a) => a.startsWith(FLAG) || a.startsWith('--semi_space_growth_factor'))) return load();
  setFlagsFromString(`${FLAG}=1`);
  try {
    return await load();
  } finally {
    setFlagsFromString(`${FLAG}=2`);
  }
}
