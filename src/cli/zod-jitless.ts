/**
 * zod's eval-compiled fast path off for CLI runs (`jitless`, zod's documented setting). Imported for
 * its effect before the schemas are built (zod decides per schema when it is constructed): by
 * load.ts ahead of the folder code, and by load-cached.ts ahead of `loadEngines`. A CLI run checks
 * each schema a few times to a few thousand times, and compiling the fast path (`new Function` per
 * object schema) cost more than it saved: 4–18% of a cold `validate` of the example product, no
 * faster at 1,000 hazards (issue 13, start-up, fourth pass). The App, a long-running server, keeps
 * zod's default.
 */
import { config } from 'zod';

config({ jitless: true });
