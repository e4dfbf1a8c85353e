/**
 * Host accounting derived from VM states (spec §5.3): CPU_USAGE, MEM_USAGE,
 * DISK_USAGE and RUNNING_VMS of every host are the sums of the holdings the
 * VMs keep, so they are never stored separately and cannot drift.
 */
import type { VmState } from './vm-types.ts';

export interface HostUsage {
  cpu: number;
  mem: number;
  disk: number;
  runningVms: number;
}

export function capacityByHost(vms: Iterable<VmState>): Map<number, HostUsage> {
  const usage = new Map<number, HostUsage>();
  for (const vm of vms) {
    for (const h of vm.heldCapacity) {
      const u = usage.get(h.hid) ?? { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
      u.cpu += h.cpu;
      u.mem += h.mem;
      u.disk += h.disk;
      u.runningVms += 1;
      usage.set(h.hid, u);
    }
  }
  return usage;
}
