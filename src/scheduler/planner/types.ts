/**
 * What the match-and-rank planner takes and gives back. Plain data: the
 * scheduler process builds it from `one.hostpool.info` / `one.vmpool.info`,
 * so the planner never touches the API, the log or a clock.
 */

/** HOST_SHARE figures: CPU in % of a core (100 per core), memory and disk in KB. */
export interface HostShareInput {
  readonly maxCpu: number;
  readonly maxMem: number;
  readonly maxDisk: number;
  /** Monitored free resources (FREEcpu/FREEMEMORY of the last monitoring). */
  readonly freeCpu: number;
  readonly freeMem: number;
  readonly freeDisk: number;
  readonly usedCpu: number;
  readonly usedMem: number;
  readonly usedDisk: number;
  /** Allocated to the VMs oned counts on the host (sum of their requirements). */
  readonly cpuUsage: number;
  readonly memUsage: number;
  readonly diskUsage: number;
  readonly runningVms: number;
}

export interface PlannerHost {
  readonly id: number;
  readonly name: string;
  /** Host state code: 0 INIT, 1 MONITORING, 2 MONITORED, 3 ERROR, 4 DISABLED. */
  readonly state: number;
  readonly share: HostShareInput;
  /** Single attributes of the host TEMPLATE (monitoring), names upper-case. */
  readonly template: Readonly<Record<string, string>>;
  /** Other /HOST/ leaves expressions may read (IM_MAD, VM_MAD, TM_MAD, LAST_MON_TIME); ID, NAME and STATE come from the fields above. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface PendingVm {
  readonly id: number;
  /** CPU of the VM template (cores, may be fractional); undefined when absent. */
  readonly cpu?: number;
  /** MEMORY of the VM template in MB; undefined or 0 when absent. */
  readonly memory?: number;
  /** REQUIREMENTS text; undefined or blank means every host. */
  readonly requirements?: string;
  /** RANK text; undefined or blank means the default policy's rank. */
  readonly rank?: string;
  /**
   * Passes in a row this VM was left out as unplaceable or had its deploy
   * refused (0 or absent for a VM not seen failing). VMs are considered in
   * ascending (failedPasses, id) order, so failing VMs go behind the others.
   */
  readonly failedPasses?: number;
  /** Hosts that refused this VM's deploy lately: never chosen for it in this pass. */
  readonly refusedBy?: readonly number[];
}

export interface PlannerLimits {
  /** MAX_VM: VMs considered per pass, the rest are deferred. Infinity for no limit. */
  readonly maxVm: number;
  /** MAX_DISPATCH: placements per pass. */
  readonly maxDispatch: number;
  /** MAX_HOST: placements on one host per pass. */
  readonly maxHost: number;
  /** HYPERVISOR_MEM: fraction (0–1) of each host's MAX_MEM kept for the hypervisor. */
  readonly hypervisorMem: number;
}

/** DEFAULT_SCHED: the rank of VMs without RANK (3.x policies 0, 1, 2 and 3). */
export type DefaultPolicy = 'packing' | 'striping' | 'load-aware' | { readonly custom: string };

export interface PlannerInput {
  readonly hosts: readonly PlannerHost[];
  readonly vms: readonly PendingVm[];
  readonly limits: PlannerLimits;
  readonly defaultPolicy: DefaultPolicy;
}

export interface Placement {
  readonly vmId: number;
  readonly hostId: number;
  /** The raw integer RANK of the host for this VM when it was chosen. */
  readonly rank: number;
}

/**
 * Where every host stood for a VM left out (at the end of the pass): each
 * host is counted once, in the first category that applies, in this order.
 * The fields add up to `total`.
 */
export interface HostTally {
  readonly total: number;
  /** Hosts that could still take the VM (0 for a VM left out, apart from refusals). */
  readonly fit: number;
  readonly disabled: number;
  readonly error: number;
  readonly requirements: number;
  readonly refused: number;
  readonly cpu: number;
  readonly memory: number;
  readonly maxHost: number;
}

export interface LeftOut {
  readonly vmId: number;
  /**
   * `unplaceable`: no host can take the VM now, its SCHED_MESSAGE should say
   * why. `deferred`: a per-pass limit (MAX_VM, MAX_DISPATCH, MAX_HOST) held
   * it back; a later pass will place it, so its SCHED_MESSAGE stays as it is.
   */
  readonly outcome: 'unplaceable' | 'deferred';
  /** One line, e.g. `0/2500 hosts: 2100 failed REQUIREMENTS, 400 lacked MEMORY`. */
  readonly reason: string;
  /** The counts behind the reason; absent for syntax errors and MAX_VM / MAX_DISPATCH. */
  readonly tally?: HostTally;
}

export interface Plan {
  /** In dispatch order. */
  readonly placements: readonly Placement[];
  /** In the order the VMs were considered. */
  readonly leftOut: readonly LeftOut[];
}
