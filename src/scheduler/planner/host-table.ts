import type { AttributeLookup } from '../../template/expressions/requirements.ts';
import type { PlannerHost } from './types.ts';

/** Host state codes the planner never chooses (1.4 `HostState`). */
const HOST_ERROR = 3;
const HOST_DISABLED = 4;

/**
 * Share fields a placement changes. An expression that names one of them
 * must be evaluated again for a host that just received a VM.
 */
export const PLACEMENT_FIELDS: ReadonlySet<string> = new Set([
  'CPU_USAGE', 'MEM_USAGE', 'RUNNING_VMS', 'FREE_CPU', 'FREE_MEM', 'USED_CPU', 'USED_MEM',
]);

/**
 * The hosts of one pass, sorted by id, as columns of numbers: the share
 * figures that placements change live here, so that capacity checks and
 * expression lookups always see the VMs placed earlier in the same pass.
 * Host index order is id order, which the tie rule relies on.
 */
export class HostTable {
  readonly count: number;
  readonly ids: Int32Array;
  readonly states: Int32Array;
  /** 1 when the host may be chosen at all (not DISABLED, not ERROR). */
  readonly eligible: Uint8Array;
  readonly lookups: AttributeLookup[];
  private readonly maxCpu: Float64Array;
  /** MAX_MEM less the HYPERVISOR_MEM reserve. */
  private readonly usableMem: Float64Array;
  private readonly cpuUsage: Float64Array;
  private readonly memUsage: Float64Array;
  private readonly freeCpu: Float64Array;
  private readonly freeMem: Float64Array;
  private readonly usedCpu: Float64Array;
  private readonly usedMem: Float64Array;
  private readonly runningVms: Float64Array;
  /** Placements made on each host in this pass (MAX_HOST). */
  private readonly placed: Int32Array;

  constructor(
    hosts: readonly PlannerHost[],
    hypervisorMem: number,
    private readonly maxHost: number,
  ) {
    const sorted = [...hosts].sort((a, b) => a.id - b.id);
    const n = (this.count = sorted.length);
    const reserve = Math.min(Math.max(finite(hypervisorMem), 0), 1);
    this.ids = new Int32Array(n);
    this.states = new Int32Array(n);
    this.eligible = new Uint8Array(n);
    this.maxCpu = new Float64Array(n);
    this.usableMem = new Float64Array(n);
    this.cpuUsage = new Float64Array(n);
    this.memUsage = new Float64Array(n);
    this.freeCpu = new Float64Array(n);
    this.freeMem = new Float64Array(n);
    this.usedCpu = new Float64Array(n);
    this.usedMem = new Float64Array(n);
    this.runningVms = new Float64Array(n);
    this.placed = new Int32Array(n);
    // Plain loops: typed-array `from` with a mapper is several times slower, and this runs every pass.
    for (let i = 0; i < n; i++) {
      const h = sorted[i];
      const s = h.share;
      this.ids[i] = h.id;
      this.states[i] = h.state;
      this.eligible[i] = h.state === HOST_ERROR || h.state === HOST_DISABLED ? 0 : 1;
      this.maxCpu[i] = finite(s.maxCpu);
      // The reserve is rounded up to whole KB, so it never gives away memory.
      this.usableMem[i] = finite(s.maxMem) - Math.ceil(finite(s.maxMem) * reserve);
      this.cpuUsage[i] = finite(s.cpuUsage);
      this.memUsage[i] = finite(s.memUsage);
      this.freeCpu[i] = finite(s.freeCpu);
      this.freeMem[i] = finite(s.freeMem);
      this.usedCpu[i] = finite(s.usedCpu);
      this.usedMem[i] = finite(s.usedMem);
      this.runningVms[i] = finite(s.runningVms);
    }
    this.lookups = sorted.map((h, i) => this.lookupFor(h, i));
  }

  /** The index of a host id, -1 when absent (ids are sorted). */
  indexOf(id: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] === id) return mid;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  isError(i: number): boolean {
    return this.states[i] === HOST_ERROR;
  }

  /** Share test and free-resource test for CPU (no rounding, see plan.ts). */
  hasCpu(i: number, cpu: number): boolean {
    return this.maxCpu[i] - this.cpuUsage[i] >= cpu && this.freeCpu[i] >= cpu;
  }

  hasMemory(i: number, mem: number): boolean {
    return this.usableMem[i] - this.memUsage[i] >= mem && this.freeMem[i] >= mem;
  }

  fits(i: number, cpu: number, mem: number): boolean {
    return this.hasCpu(i, cpu) && this.hasMemory(i, mem);
  }

  atMaxHost(i: number): boolean {
    return this.placed[i] >= this.maxHost;
  }

  /** Counts a placement against the host: allocation and use go up, free goes down. */
  place(i: number, cpu: number, mem: number): void {
    this.cpuUsage[i] += cpu;
    this.memUsage[i] += mem;
    this.usedCpu[i] += cpu;
    this.usedMem[i] += mem;
    this.freeCpu[i] -= cpu;
    this.freeMem[i] -= mem;
    this.runningVms[i] += 1;
    this.placed[i] += 1;
  }

  /** 2.0's lookup order: the host TEMPLATE, then HOST_SHARE (live), then HOST. Reads the caller's objects, copies nothing. */
  private lookupFor(h: PlannerHost, i: number): AttributeLookup {
    const { template, attributes, share } = h;
    return (name) => {
      if (Object.hasOwn(template, name)) return template[name];
      const shared = this.shareField(i, name, share);
      if (shared !== undefined) return shared;
      switch (name) {
        case 'ID': return String(h.id);
        case 'NAME': return h.name;
        case 'STATE': return String(h.state);
        default: return attributes !== undefined && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
      }
    };
  }

  private shareField(i: number, name: string, s: PlannerHost['share']): string | undefined {
    switch (name) {
      case 'HID': return String(this.ids[i]);
      case 'MAX_CPU': return String(this.maxCpu[i]);
      case 'MAX_MEM': return String(s.maxMem);
      case 'MAX_DISK': return String(s.maxDisk);
      case 'FREE_CPU': return String(this.freeCpu[i]);
      case 'FREE_MEM': return String(this.freeMem[i]);
      case 'FREE_DISK': return String(s.freeDisk);
      case 'USED_CPU': return String(this.usedCpu[i]);
      case 'USED_MEM': return String(this.usedMem[i]);
      case 'USED_DISK': return String(s.usedDisk);
      case 'CPU_USAGE': return String(this.cpuUsage[i]);
      case 'MEM_USAGE': return String(this.memUsage[i]);
      case 'DISK_USAGE': return String(s.diskUsage);
      case 'RUNNING_VMS': return String(this.runningVms[i]);
      default: return undefined;
    }
  }
}

/** A share figure that is not a number (a corrupt or absent leaf) counts as 0. */
function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
