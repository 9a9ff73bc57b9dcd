/**
 * Every property test runs from one pinned seed, so a failure replays exactly (jest `setupFiles` loads
 * this before each test file). A failing property prints its seed and path; `FC_SEED=<n> npx jest …`
 * explores other inputs.
 */
import fc from 'fast-check';

export const FAST_CHECK_SEED = process.env.FC_SEED !== undefined && /^-?\d+$/.test(process.env.FC_SEED) ? Number(process.env.FC_SEED) : 20_261_202;

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: FAST_CHECK_SEED });
