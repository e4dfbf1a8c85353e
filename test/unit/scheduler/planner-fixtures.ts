import type { HostShareInput, PendingVm, PlannerHost, PlannerInput, PlannerLimits } from '../../../src/scheduler/planner/index.ts';

/** A monitored 4-core host with 8 GB and nothing on it. */
export function host(id: number, options: { share?: Partial<HostShareInput>; template?: Record<string, string>; state?: number; name?: string } = {}): PlannerHost {
  const share: HostShareInput = {
    maxCpu: 400, maxMem: 8_388_608, maxDisk: 0,
    freeCpu: 400, freeMem: 8_388_608, freeDisk: 0,
    usedCpu: 0, usedMem: 0, usedDisk: 0,
    cpuUsage: 0, memUsage: 0, diskUsage: 0, runningVms: 0,
    ...options.share,
  };
  return { id, name: options.name ?? `node${id}`, state: options.state ?? 2, share, template: options.template ?? {} };
}

/** A VM asking for one tenth of a core and 64 MB unless told otherwise. */
export const vm = (id: number, options: Omit<PendingVm, 'id'> = {}): PendingVm => ({ id, cpu: 0.1, memory: 64, ...options });

export const noLimits: PlannerLimits = { maxVm: Infinity, maxDispatch: Infinity, maxHost: Infinity, hypervisorMem: 0 };

export function input(hosts: PlannerHost[], vms: PendingVm[], overrides: { limits?: Partial<PlannerLimits>; defaultPolicy?: PlannerInput['defaultPolicy'] } = {}): PlannerInput {
  return {
    hosts,
    vms,
    limits: { ...noLimits, ...overrides.limits },
    defaultPolicy: overrides.defaultPolicy ?? 'striping',
  };
}

/** vmId → hostId of a plan's placements. */
export const placedOn = (plan: { placements: readonly { vmId: number; hostId: number }[] }): Record<number, number> =>
  Object.fromEntries(plan.placements.map((p) => [p.vmId, p.hostId]));
