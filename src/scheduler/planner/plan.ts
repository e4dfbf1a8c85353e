/**
 * The match-and-rank planner of mm_sched: one pass from (hosts, pending VMs,
 * limits, default policy) to a placement plan. Pure: no I/O, no clock, no
 * randomness; the same input always gives the same plan.
 *
 * Rules:
 * - Hosts that are DISABLED or in ERROR are never chosen.
 * - Expressions read a host's TEMPLATE, then HOST_SHARE, then HOST (2.0), so
 *   RUNNING_VMS, FREE_CPU, NAME and ID work. A VM without RANK gets the
 *   default policy's rank (packing, striping, load-aware or a custom text).
 * - A host can take a VM (cpu = CPU×100, mem = MEMORY×1024 KB, see demandOf)
 *   when the share test holds, MAX_CPU − CPU_USAGE ≥ cpu and
 *   (MAX_MEM − HYPERVISOR_MEM reserve) − MEM_USAGE ≥ mem, and so does the
 *   free-resource test, FREE_CPU ≥ cpu and FREE_MEM ≥ mem. FREE_CPU is taken
 *   as monitored: 1.4 rounded it up to the next 100 (a bug; the rounding was
 *   meant only above 90 % of MAX_CPU). We do not round at all, so a VM never
 *   lands on a host whose monitored free CPU is short of it. The disk demand
 *   is always 0 in 1.4, so there is no disk test.
 * - A placement counts against its host at once (usage, USED_* and
 *   RUNNING_VMS go up, FREE_* go down), so a burst never overcommits, and
 *   expressions that read those fields are run again for that host. A host
 *   that stops passing REQUIREMENTS leaves the class; one that starts to pass
 *   because of this pass's placements waits for the next pass.
 * - The chosen host has the highest RANK, ties going to the lowest host id.
 *   1.4 normalised ranks before sorting, which never changes the order; the
 *   plan keeps the raw integer rank.
 * - VMs are considered in ascending (failedPasses, id) order: a VM that keeps
 *   failing goes behind the others, so it cannot eat MAX_VM, MAX_DISPATCH or
 *   a host's MAX_HOST slot every pass (OpenNebula #7382), and hosts that
 *   refused its deploy (refusedBy) are skipped for it. The caller keeps
 *   failedPasses; a rotation follows from it when many VMs keep failing.
 * - The first MAX_VM VMs in that order are considered; after MAX_DISPATCH
 *   placements the rest are deferred; a host takes at most MAX_HOST VMs.
 * - A VM left out gets a one-line reason. `unplaceable` (a syntax error, or
 *   no host can take it) should become its SCHED_MESSAGE; `deferred` (MAX_VM,
 *   MAX_DISPATCH, or some host only held back by MAX_HOST) leaves the
 *   message alone, since a later pass will place it. The counts describe
 *   the hosts at the end of the pass, each host in its first category
 *   (reasons.ts); they add up to all the hosts given, disabled ones included.
 *
 * Cost: VMs with the same (REQUIREMENTS, RANK) share compiled expressions,
 * one REQUIREMENTS run per host, and a heap per frequent demand
 * (match-class.ts). A placement re-runs only the expressions of the one host
 * it changed. So a pass costs about classes × hosts evaluations plus a few
 * heap operations per placement, not VMs × hosts; time and memory grow with
 * the number of distinct (REQUIREMENTS, RANK) texts among the MAX_VM VMs.
 */
import { HostTable } from './host-table.ts';
import { demandKey, groupedDemands, MatchClass } from './match-class.ts';
import { rankOfPolicy } from './policy.ts';
import { describeTally, HostTallies } from './reasons.ts';
import type { LeftOut, PendingVm, Placement, Plan, PlannerInput } from './types.ts';

/** The capacity a VM asks (1.4 `get_requirements`): all zero unless CPU is set and MEMORY is above 0. */
export function demandOf(cpu: number | undefined, memory: number | undefined): { cpu: number; mem: number } {
  if (cpu === undefined || !Number.isFinite(cpu) || memory === undefined || !Number.isFinite(memory) || memory <= 0) {
    return { cpu: 0, mem: 0 };
  }
  // A negative CPU would give room back to the host; it asks for nothing instead.
  return { cpu: Math.max(0, Math.trunc(cpu * 100)), mem: Math.trunc(memory) * 1024 };
}

const isBlank = (text: string | undefined): boolean => text === undefined || text.trim() === '';

/** A VM as the pass sees it: its class key, texts and demand. */
interface Entry {
  readonly vm: PendingVm;
  readonly classKey: string;
  readonly requirements: string;
  readonly rank: string;
  readonly ownRank: boolean;
  readonly cpu: number;
  readonly mem: number;
}

function entryOf(vm: PendingVm, defaultRank: string): Entry {
  const requirements = isBlank(vm.requirements) ? '' : vm.requirements!;
  const ownRank = !isBlank(vm.rank);
  const rank = ownRank ? vm.rank! : defaultRank;
  const { cpu, mem } = demandOf(vm.cpu, vm.memory);
  // The class is the texts that run, whoever wrote the rank: a VM whose RANK reads as the
  // DEFAULT_SCHED rank is matched exactly like one that relies on it.
  return { vm, classKey: `${requirements}\u0000${rank}`, requirements, rank, ownRank, cpu, mem };
}

export function planPass(input: PlannerInput): Plan {
  const { limits } = input;
  const hosts = new HostTable(input.hosts, limits.hypervisorMem, limits.maxHost);
  const defaultRank = rankOfPolicy(input.defaultPolicy);
  const order = [...input.vms].sort((a, b) => (a.failedPasses ?? 0) - (b.failedPasses ?? 0) || a.id - b.id);
  const consideredCount = Math.max(0, Math.min(order.length, limits.maxVm));
  const entries = order.slice(0, consideredCount).map((vm) => entryOf(vm, defaultRank));
  const demandsByClass = new Map<string, string[]>();
  for (const e of entries) {
    const list = demandsByClass.get(e.classKey);
    if (list) list.push(demandKey(e.cpu, e.mem));
    else demandsByClass.set(e.classKey, [demandKey(e.cpu, e.mem)]);
  }

  const classes = new Map<string, MatchClass>();
  // For each host, the classes it is a candidate of and its slot there.
  const hostClasses: MatchClass[][] = Array.from({ length: hosts.count }, () => []);
  const hostSlots: number[][] = Array.from({ length: hosts.count }, () => []);
  const classOf = (e: Entry): MatchClass => {
    const known = classes.get(e.classKey);
    if (known) return known;
    const cls = new MatchClass(e.requirements, e.rank, groupedDemands(demandsByClass.get(e.classKey)!));
    if (!cls.broken) {
      cls.evaluate(hosts, (h, slot) => {
        hostClasses[h].push(cls);
        hostSlots[h].push(slot);
      });
    }
    classes.set(e.classKey, cls);
    return cls;
  };

  const placements: Placement[] = [];
  const leftOut: (LeftOut | undefined)[] = [];
  const failures: { at: number; entry: Entry; cls: MatchClass }[] = [];
  for (const e of entries) {
    const { vm, cpu, mem } = e;
    if (placements.length >= limits.maxDispatch) {
      leftOut.push({ vmId: vm.id, outcome: 'deferred', reason: `MAX_DISPATCH (${limits.maxDispatch}) reached in this pass` });
      continue;
    }
    const cls = classOf(e);
    if (cls.broken) {
      leftOut.push({ vmId: vm.id, outcome: 'unplaceable', reason: cls.errorFor(e.ownRank ? 'RANK' : 'DEFAULT_SCHED rank')! });
      continue;
    }
    const refused = vm.refusedBy && vm.refusedBy.length > 0 ? new Set(vm.refusedBy) : undefined;
    const slot = cls.best(hosts, cpu, mem, refused);
    if (slot < 0) {
      failures.push({ at: leftOut.length, entry: e, cls });
      leftOut.push(undefined);
      continue;
    }
    const h = cls.hostOf[slot];
    placements.push({ vmId: vm.id, hostId: hosts.ids[h], rank: cls.ranks[slot] });
    hosts.place(h, cpu, mem);
    const touched = hostClasses[h];
    for (let i = 0; i < touched.length; i++) touched[i].followPlacement(hosts, hostSlots[h][i]);
  }
  for (const vm of order.slice(consideredCount)) {
    leftOut.push({ vmId: vm.id, outcome: 'deferred', reason: `MAX_VM (${limits.maxVm}) VMs already considered in this pass` });
  }

  const slotOf = (cls: MatchClass, h: number): number => {
    const i = hostClasses[h].indexOf(cls);
    return i < 0 ? -1 : hostSlots[h][i];
  };
  const tallies = new HostTallies(hosts, slotOf);
  for (const { at, entry, cls } of failures) {
    const tally = tallies.tally(cls, entry.classKey, entry.cpu, entry.mem, entry.vm.refusedBy);
    const outcome = tally.maxHost > 0 ? 'deferred' : 'unplaceable';
    leftOut[at] = { vmId: entry.vm.id, outcome, reason: describeTally(tally), tally };
  }
  return { placements, leftOut: leftOut as LeftOut[] };
}
