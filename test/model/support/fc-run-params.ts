/**
 * fast-check parameters shared by the model-based suites. A failure prints
 * `seed` and `path`; re-run exactly that case with
 *   FC_SEED=<seed> FC_PATH=<path> node --import tsx --test test/model/<suite>.test.ts
 * (FC_RUNS overrides the number of runs, e.g. FC_RUNS=2000 for a long soak).
 */
import type { Parameters } from 'fast-check';

export function fcRunParams<T>(defaultRuns: number): Parameters<T> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  const runs = process.env.FC_RUNS;
  return {
    // Put the assertion message (with the step trace) into the report, not only in `cause`.
    includeErrorInReport: true,
    numRuns: runs ? Number(runs) : defaultRuns,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path, endOnFailure: true } : {}),
  };
}
