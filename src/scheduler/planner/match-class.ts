import { compileRank, compileRequirements, type CompiledRank, type CompiledRequirements } from '../../template/expressions/compile.ts';
import type { AttributeLookup } from '../../template/expressions/requirements.ts';
import { PLACEMENT_FIELDS, type HostTable } from './host-table.ts';
import { RankHeap } from './rank-heap.ts';

/**
 * VMs with the same REQUIREMENTS and RANK text form one class: the texts are
 * compiled once, REQUIREMENTS is run once per host, and RANK once per
 * matching host, whatever the number of VMs. The hosts that pass are the
 * class's candidates, kept in "slots" (only the matches take memory, so a
 * class pinned to one host costs one slot, not one per host).
 *
 * Within a class, VMs asking the same capacity (cpu, mem) share a demand
 * group: a heap of the candidates that can still hold that demand. Capacity
 * only shrinks during a pass, so a host that cannot hold a group's demand
 * leaves that heap for good, and each pop either places a VM or retires a
 * host: the pass never rescans hosts per VM. Every group must hear of every
 * rank change, so a class keeps at most MAX_GROUPS of them, for its most
 * asked demands (at least 2 VMs each); a rarer demand is served by a scan of
 * the candidates, which costs what building its heap would.
 */
export const MAX_GROUPS = 32;

/** The demand key of a group. */
export const demandKey = (cpu: number, mem: number): string => `${cpu}/${mem}`;

/**
 * The demands that get a heap: the MAX_GROUPS most frequent among `demands`
 * (the class's VMs of this pass), ties to the smaller key, at least 2 VMs.
 */
export function groupedDemands(demands: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const d of demands) counts.set(d, (counts.get(d) ?? 0) + 1);
  const frequent = [...counts].filter(([, n]) => n >= 2).sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0));
  return new Set(frequent.slice(0, MAX_GROUPS).map(([d]) => d));
}

export class DemandGroup {
  readonly heap = new RankHeap();
  constructor(
    readonly cpu: number,
    readonly mem: number,
  ) {}
}

export class MatchClass {
  /** Whether REQUIREMENTS or the rank has a syntax error: every VM of the class is left out (errorFor). */
  readonly broken: boolean;
  private readonly requirementsError: string | undefined;
  private readonly rankError: string | undefined;
  /** Whether the texts read a share field that placements change (then a placement re-runs them). */
  readonly requirementsFollowPlacements: boolean;
  readonly rankFollowsPlacements: boolean;
  /** Per slot: host index, still passing REQUIREMENTS, current rank, version of its heap entries. */
  hostOf = new Int32Array(0);
  alive = new Uint8Array(0);
  ranks = new Float64Array(0);
  versions = new Uint32Array(0);
  private readonly groupList: DemandGroup[] = [];
  private readonly groups = new Map<string, DemandGroup>();
  private readonly requirements: CompiledRequirements;
  private readonly rank: CompiledRank;

  constructor(
    requirementsText: string,
    rankText: string,
    /** Demand keys that get a heap (see groupedDemands). */
    private readonly grouped: ReadonlySet<string>,
  ) {
    const requirements = compileRequirements(requirementsText);
    const rank = compileRank(rankText);
    this.requirements = requirements.ok ? requirements.value : () => false;
    this.rank = rank.ok ? rank.value : () => 0;
    this.requirementsError = requirements.ok ? undefined : requirements.error.message;
    this.rankError = rank.ok ? undefined : rank.error.message;
    this.broken = !requirements.ok || !rank.ok;
    this.requirementsFollowPlacements = readsPlacementFields(requirementsText);
    this.rankFollowsPlacements = readsPlacementFields(rankText);
  }

  /**
   * The reason a VM of a broken class is left out. The rank's source is the
   * VM's own: one class serves an explicit RANK and the DEFAULT_SCHED rank
   * when their texts are the same.
   */
  errorFor(rankSource: 'RANK' | 'DEFAULT_SCHED rank'): string | undefined {
    if (this.requirementsError !== undefined) return `REQUIREMENTS syntax error: ${this.requirementsError}`;
    return this.rankError === undefined ? undefined : `${rankSource} syntax error: ${this.rankError}`;
  }

  /** Runs REQUIREMENTS and RANK over every eligible host; `register` learns each candidate's slot. */
  evaluate(hosts: HostTable, register: (host: number, slot: number) => void): void {
    const matched: number[] = [];
    for (let h = 0; h < hosts.count; h++) {
      if (hosts.eligible[h] && this.passes(hosts.lookups[h])) matched.push(h);
    }
    this.hostOf = Int32Array.from(matched);
    this.alive = new Uint8Array(matched.length).fill(1);
    this.ranks = Float64Array.from(matched, (h) => this.rankOf(hosts.lookups[h]));
    this.versions = new Uint32Array(matched.length);
    matched.forEach((h, slot) => register(h, slot));
  }

  /**
   * The best candidate slot for a VM of this demand, or -1: highest rank,
   * then lowest host id, among hosts that still pass, have room and are
   * below MAX_HOST. Hosts in `refused` are skipped for this VM only.
   */
  best(hosts: HostTable, cpu: number, mem: number, refused: ReadonlySet<number> | undefined): number {
    const key = demandKey(cpu, mem);
    if (!this.grouped.has(key)) return this.scan(hosts, cpu, mem, refused);
    const heap = this.group(hosts, key, cpu, mem).heap;
    const aside: [number, number, number, number][] = [];
    let chosen = -1;
    while (heap.size > 0) {
      const slot = heap.topSlot();
      const h = heap.topHost();
      if (!this.alive[slot] || this.versions[slot] !== heap.topVersion() || hosts.atMaxHost(h) || !hosts.fits(h, cpu, mem)) {
        heap.pop(); // stale, or out of this demand's reach for the rest of the pass
      } else if (refused?.has(hosts.ids[h])) {
        aside.push([heap.topRank(), h, slot, heap.topVersion()]);
        heap.pop();
      } else {
        chosen = slot;
        break;
      }
    }
    for (const entry of aside) heap.push(...entry);
    return chosen;
  }

  /** The same choice by a walk over the candidates; slots are in host id order, so the first best wins ties. */
  private scan(hosts: HostTable, cpu: number, mem: number, refused: ReadonlySet<number> | undefined): number {
    let best = -1;
    for (let slot = 0; slot < this.hostOf.length; slot++) {
      const h = this.hostOf[slot];
      if (!this.alive[slot] || hosts.atMaxHost(h) || !hosts.fits(h, cpu, mem) || refused?.has(hosts.ids[h])) continue;
      if (best < 0 || this.ranks[slot] > this.ranks[best]) best = slot;
    }
    return best;
  }

  /** The demand group for (cpu, mem), built from the current candidates on first use. */
  private group(hosts: HostTable, key: string, cpu: number, mem: number): DemandGroup {
    let group = this.groups.get(key);
    if (group) return group;
    group = new DemandGroup(cpu, mem);
    for (let slot = 0; slot < this.hostOf.length; slot++) {
      const h = this.hostOf[slot];
      if (this.alive[slot] && !hosts.atMaxHost(h) && hosts.fits(h, cpu, mem)) {
        group.heap.append(this.ranks[slot], h, slot, this.versions[slot]);
      }
    }
    group.heap.heapify();
    this.groups.set(key, group);
    this.groupList.push(group);
    return group;
  }

  /** After a placement on the host in `slot`: re-run what depends on the share, re-queue if the rank moved. */
  followPlacement(hosts: HostTable, slot: number): void {
    if (!this.alive[slot]) return;
    const h = this.hostOf[slot];
    const lookup = hosts.lookups[h];
    if (this.requirementsFollowPlacements && !this.passes(lookup)) {
      this.alive[slot] = 0;
      this.versions[slot]++;
      return;
    }
    if (!this.rankFollowsPlacements) return;
    const rank = this.rankOf(lookup);
    if (rank === this.ranks[slot]) return;
    this.ranks[slot] = rank;
    const version = ++this.versions[slot];
    if (hosts.atMaxHost(h)) return;
    for (const group of this.groupList) {
      if (hosts.fits(h, group.cpu, group.mem)) group.heap.push(rank, h, slot, version);
    }
  }

  /** An expression that throws while evaluated counts as "no match" (1.4: an evaluation error is no match). */
  private passes(lookup: AttributeLookup): boolean {
    try {
      return this.requirements(lookup) === true;
    } catch {
      return false;
    }
  }

  /** The raw integer rank; anything odd (not finite, a throw) ranks 0 as in 1.4. */
  private rankOf(lookup: AttributeLookup): number {
    try {
      const value = Math.trunc(this.rank(lookup));
      return Number.isFinite(value) ? value || 0 : 0;
    } catch {
      return 0;
    }
  }
}

/**
 * Whether the text names a share field that placements change. Every word is
 * taken as a possible name (quoted patterns too): a false alarm only costs a
 * re-evaluation, a miss would let a burst break a REQUIREMENTS.
 */
function readsPlacementFields(text: string): boolean {
  for (const word of text.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []) {
    if (PLACEMENT_FIELDS.has(word.toUpperCase())) return true;
  }
  return false;
}
