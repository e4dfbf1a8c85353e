import type { HistoryRecord, VmState } from '../machines/vm/vm-types.ts';

/** The period to account, in epoch seconds; `to` is also the end of records still open. */
export interface Period {
  readonly from: number;
  readonly to: number;
}

/** One history record's running time inside the period (OpenNebula's oneacct shows one row per record). */
export interface UsageRow {
  readonly uid: number;
  readonly vid: number;
  readonly name: string;
  readonly seq: number;
  readonly hid: number;
  readonly hostname: string;
  readonly reason: number;
  /** Running interval inside the period, epoch seconds; `end` ≥ `start`. */
  readonly start: number;
  readonly end: number;
  /** From the VM's template: CPU and MEMORY (MB). */
  readonly cpu: number;
  readonly memoryMb: number;
  readonly hours: number;
  readonly cpuHours: number;
  readonly memoryMbHours: number;
}

export interface UsageTotals {
  hours: number;
  cpuHours: number;
  memoryMbHours: number;
  /** Running hours per host name. */
  readonly hostHours: Record<string, number>;
}

/**
 * When a record's VM was running there: from RSTIME to RETIME. A record still
 * open (RETIME 0) runs until it ended otherwise (ETIME) or, for a VM running
 * now, until the end of the period. A record that never reached RUNNING
 * (RSTIME 0: a failed prolog, a migration cancelled) counts nothing.
 */
export function runningInterval(h: HistoryRecord, period: Period): { start: number; end: number } | undefined {
  if (h.rstime <= 0) return undefined;
  const end = h.retime > 0 ? h.retime : h.etime > 0 ? h.etime : period.to;
  const start = Math.max(h.rstime, period.from);
  const stop = Math.min(end, period.to);
  return stop > start ? { start, end: stop } : undefined;
}

/** One row per history record that ran inside the period, by VM id then record. */
export function usageRows(vms: Iterable<VmState>, period: Period): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const vm of vms) {
    if (vm.id < 0) continue;
    // requirement holds CPU × 100 and MEMORY in KB, as the host shares count them.
    const cpu = vm.requirement.cpu / 100;
    const memoryMb = vm.requirement.mem / 1024;
    for (const h of vm.history) {
      const run = runningInterval(h, period);
      if (!run) continue;
      const hours = (run.end - run.start) / 3600;
      rows.push({
        uid: vm.uid, vid: vm.id, name: vm.name, seq: h.seq, hid: h.hid, hostname: h.hostname, reason: h.reason,
        start: run.start, end: run.end, cpu, memoryMb, hours, cpuHours: cpu * hours, memoryMbHours: memoryMb * hours,
      });
    }
  }
  return rows.sort((a, b) => a.vid - b.vid || a.seq - b.seq);
}

export function emptyTotals(): UsageTotals {
  return { hours: 0, cpuHours: 0, memoryMbHours: 0, hostHours: {} };
}

export function addRow(t: UsageTotals, r: UsageRow): void {
  t.hours += r.hours;
  t.cpuHours += r.cpuHours;
  t.memoryMbHours += r.memoryMbHours;
  t.hostHours[r.hostname] = (t.hostHours[r.hostname] ?? 0) + r.hours;
}

/** Totals of a set of rows grouped by `key` (uid, vid), in key order. */
export function totalsBy(rows: readonly UsageRow[], key: (r: UsageRow) => number): Map<number, UsageTotals> {
  const out = new Map<number, UsageTotals>();
  for (const r of [...rows].sort((a, b) => key(a) - key(b))) {
    const t = out.get(key(r)) ?? emptyTotals();
    addRow(t, r);
    out.set(key(r), t);
  }
  return out;
}
