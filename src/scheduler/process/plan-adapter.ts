import { planPass, type PendingVm, type Plan, type PlannerHost } from '../planner/index.ts';
import type { HostRecord, PendingVmRecord } from './oned-gateway.ts';
import type { SchedConf } from './sched-conf.ts';

/**
 * From the records oned serves to the planner's plain input, and the
 * planner bound to sched.conf's limits and default policy.
 */

/** What the scheduler remembers of a VM between passes (lost on restart, which only resets the order). */
export interface VmHistory {
  /** Passes in a row the VM found no host or had its deploy refused. */
  readonly failedPasses: number;
  /** Hosts that refused its deploy in the last pass. */
  readonly refusedBy: readonly number[];
}

export type BoundPlanner = (hosts: readonly HostRecord[], vms: readonly PendingVm[]) => Plan;

export function planWith(conf: SchedConf): BoundPlanner {
  const limits = { maxVm: conf.maxVm, maxDispatch: conf.maxDispatch, maxHost: conf.maxHost, hypervisorMem: conf.hypervisorMem };
  const defaultPolicy = { custom: conf.defaultRank };
  return (hosts, vms) => planPass({ hosts: hosts.map(plannerHost), vms, limits, defaultPolicy });
}

const num = (text: string | undefined): number => {
  const n = Number(text);
  return Number.isFinite(n) ? n : 0;
};

/** A number as the template gives it, or undefined when absent or not a number (the VM then asks for nothing). */
const optionalNum = (text: string | undefined): number | undefined => {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

export function plannerHost(h: HostRecord): PlannerHost {
  const s = h.share;
  return {
    id: h.id,
    name: h.name,
    state: h.state,
    share: {
      maxCpu: num(s.MAX_CPU), maxMem: num(s.MAX_MEM), maxDisk: num(s.MAX_DISK),
      freeCpu: num(s.FREE_CPU), freeMem: num(s.FREE_MEM), freeDisk: num(s.FREE_DISK),
      usedCpu: num(s.USED_CPU), usedMem: num(s.USED_MEM), usedDisk: num(s.USED_DISK),
      cpuUsage: num(s.CPU_USAGE), memUsage: num(s.MEM_USAGE), diskUsage: num(s.DISK_USAGE),
      runningVms: num(s.RUNNING_VMS),
    },
    template: h.template,
    attributes: h.top,
  };
}

export function pendingVm(vm: PendingVmRecord, history: VmHistory | undefined): PendingVm {
  const t = vm.template;
  return {
    id: vm.id,
    cpu: optionalNum(t.CPU),
    memory: optionalNum(t.MEMORY),
    requirements: t.REQUIREMENTS,
    rank: t.RANK,
    failedPasses: history?.failedPasses ?? 0,
    refusedBy: history?.refusedBy ?? [],
  };
}
