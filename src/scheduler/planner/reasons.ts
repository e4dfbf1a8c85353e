import type { HostTable } from './host-table.ts';
import type { MatchClass } from './match-class.ts';
import type { HostTally } from './types.ts';

type Counts = { -readonly [K in keyof HostTally]: HostTally[K] };
type Category = Exclude<keyof HostTally, 'total'>;

/** Message order and wording of the categories. */
const WORDING: readonly (readonly [Category, string])[] = [
  ['disabled', 'disabled'],
  ['error', 'in ERROR'],
  ['requirements', 'failed REQUIREMENTS'],
  ['refused', 'refused its deploy'],
  ['cpu', 'lacked CPU'],
  ['memory', 'lacked MEMORY'],
  ['maxHost', 'reached MAX_HOST'],
];

/** `0/2500 hosts: 2100 failed REQUIREMENTS, 400 lacked MEMORY` */
export function describeTally(t: HostTally): string {
  const parts = WORDING.filter(([key]) => t[key] > 0).map(([key, words]) => `${t[key]} ${words}`);
  return `${t.fit}/${t.total} hosts${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * Tallies the hosts for VMs left out of the pass, against the hosts as they
 * stand at the end of it. That is sound because a pass only ever takes room
 * away: a host that could not take a VM when it was tried cannot take it at
 * the end either. One scan per (class, demand), however many VMs share it.
 */
export class HostTallies {
  private readonly cache = new Map<string, Counts>();
  private readonly stateCounts: { eligible: number; disabled: number; error: number };

  constructor(
    private readonly hosts: HostTable,
    private readonly slotOf: (cls: MatchClass, host: number) => number,
  ) {
    let eligible = 0;
    let error = 0;
    for (let h = 0; h < hosts.count; h++) {
      if (hosts.eligible[h]) eligible++;
      else if (hosts.isError(h)) error++;
    }
    this.stateCounts = { eligible, error, disabled: hosts.count - eligible - error };
  }

  /** The tally for one VM: its (class, demand) tally, with the hosts that refused it moved to `refused`. */
  tally(cls: MatchClass, classKey: string, cpu: number, mem: number, refusedBy: readonly number[] | undefined): HostTally {
    const base = this.base(cls, `${classKey}\u0000${cpu}/${mem}`, cpu, mem);
    if (!refusedBy || refusedBy.length === 0) return base;
    const counts = { ...base };
    for (const id of new Set(refusedBy)) {
      const h = this.hosts.indexOf(id);
      if (h < 0 || !this.hosts.eligible[h]) continue;
      const slot = this.slotOf(cls, h);
      if (slot < 0 || !cls.alive[slot]) continue;
      counts[this.category(h, cpu, mem)]--;
      counts.refused++;
    }
    return counts;
  }

  private base(cls: MatchClass, key: string, cpu: number, mem: number): Counts {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { eligible, disabled, error } = this.stateCounts;
    const counts: Counts = { total: this.hosts.count, fit: 0, disabled, error, requirements: eligible, refused: 0, cpu: 0, memory: 0, maxHost: 0 };
    for (let slot = 0; slot < cls.hostOf.length; slot++) {
      if (!cls.alive[slot]) continue;
      counts.requirements--;
      counts[this.category(cls.hostOf[slot], cpu, mem)]++;
    }
    this.cache.set(key, counts);
    return counts;
  }

  /** The first reason a host that passes REQUIREMENTS cannot take the demand. */
  private category(h: number, cpu: number, mem: number): 'cpu' | 'memory' | 'maxHost' | 'fit' {
    if (!this.hosts.hasCpu(h, cpu)) return 'cpu';
    if (!this.hosts.hasMemory(h, mem)) return 'memory';
    return this.hosts.atMaxHost(h) ? 'maxHost' : 'fit';
  }
}
