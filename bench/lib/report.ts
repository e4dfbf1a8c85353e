import { availableParallelism } from 'node:os';

/** The single JSON line every bench ends with (see BENCHMARKS.md). */
export interface BenchReport {
  readonly bench: string;
  readonly workload: Record<string, unknown>;
  readonly figures: Record<string, number>;
  readonly machine: { readonly cores: number; readonly node: string };
}

export function buildReport(
  bench: string,
  workload: Record<string, unknown>,
  figures: Record<string, number>,
): BenchReport {
  return { bench, workload, figures, machine: { cores: availableParallelism(), node: process.version } };
}

/** Prints the report as the last stdout line. Call it last. */
export function printReport(bench: string, workload: Record<string, unknown>, figures: Record<string, number>): void {
  process.stdout.write(`${JSON.stringify(buildReport(bench, workload, figures))}\n`);
}

/** Resident set size in MB, rounded to one decimal. */
export function rssMb(): number {
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
}

/** Events (or calls) per second, rounded to a whole number. */
export function perSecond(count: number, elapsedMs: number): number {
  return Math.round(count / (elapsedMs / 1000));
}

export const isSmallRun = (argv: readonly string[] = process.argv): boolean => argv.includes('--small');

/** The p-th percentile (0–100) of `values`, nearest rank; p = 50 is the median. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
