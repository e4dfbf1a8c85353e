import { join } from 'node:path';
import Database from 'better-sqlite3';

/** One host monitoring recorded in oned's monitoring table (var/monitoring.db). */
export interface HostSampleRow {
  readonly id: number;
  readonly time: number;
  readonly failed: boolean;
}

/** Host samples recorded in [from, to) epoch seconds, by host, in order. */
export function hostSamplesIn(location: string, from: number, to: number): HostSampleRow[] {
  const db = new Database(join(location, 'var', 'monitoring.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT id, time, instr(sample, '\"failure\"') > 0 AS failed FROM monitoring WHERE kind = 'host' AND time >= ? AND time < ? ORDER BY id, n")
      .all(from, to) as { id: number; time: number; failed: number }[];
    return rows.map((r) => ({ id: r.id, time: r.time, failed: r.failed === 1 }));
  } finally {
    db.close();
  }
}

/**
 * How late each monitoring came, in whole seconds: the gap between two
 * samples of the same host minus the interval, sorted. Samples are in epoch
 * seconds, so a lag of 0 means "within the second it was due".
 */
export function monitoringLags(samples: readonly HostSampleRow[], interval: number): number[] {
  const lags: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const previous = samples[i - 1]!;
    const { id, time } = samples[i]!;
    if (previous.id === id) lags.push(time - previous.time - interval);
  }
  return lags.sort((a, b) => a - b);
}
