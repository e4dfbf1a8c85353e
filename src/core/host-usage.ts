import type { ActorSystem } from '../actors/actor-system.ts';
import type { EventLog } from '../actors/ports.ts';
import type { HostUsage } from '../machines/vm/vm-capacity.ts';
import type { VmState } from '../machines/vm/vm-types.ts';

const NONE: HostUsage = { cpu: 0, mem: 0, disk: 0, runningVms: 0 };

/**
 * What the VMs hold on each host (CPU_USAGE, MEM_USAGE, DISK_USAGE,
 * RUNNING_VMS), kept as running sums: at each new log position only the VMs
 * that committed events name are taken out with what they held and put back
 * with what they hold now. Summing every VM again instead cost one.vm.deploy
 * and one.host.info a walk over 100,000 VMs each, which made deploys the
 * bottleneck at that size. The sums stay exact: holdings are integers.
 *
 * A host's usage object is replaced, never changed in place, so whoever
 * kept the previous one can tell that it changed.
 */
export class HostUsageIndex {
  private readonly counted = new Map<number, VmState>();
  private readonly usage = new Map<number, HostUsage>();
  /** VMs with events since the last update, and the seq of the last event seen. */
  private readonly dirty = new Set<number>();
  private followed: number;
  private seq = -1;

  constructor(
    private readonly system: ActorSystem,
    private readonly log: Pick<EventLog, 'follow' | 'lastSeq'>,
  ) {
    this.followed = log.lastSeq();
    log.follow(this.followed).subscribe((e) => {
      if (e.stream.startsWith('vm/')) this.dirty.add(Number(e.stream.slice(3)));
      this.followed = e.seq;
    });
  }

  /**
   * Usage by host id. Reads never run between a commit and its apply (both
   * happen in one turn of the event loop), so the sums are brought up to
   * date once per log position: from the VMs the committed events name when
   * every event up to the tip has been seen, else (the feed catching up) by
   * checking every VM.
   */
  byHost(): ReadonlyMap<number, HostUsage> {
    const seq = this.log.lastSeq();
    if (seq === this.seq) return this.usage;
    if (seq === this.followed && this.seq >= 0) {
      for (const vid of this.dirty) this.recount(vid, this.system.get('vm', vid)?.state as VmState | undefined);
    } else {
      // VM ids run from 0 to the last one handed out; an identity check per VM, no sort.
      const end = this.system.nextId('vm');
      for (let vid = 0; vid < end; vid++) this.recount(vid, this.system.get('vm', vid)?.state as VmState | undefined);
      for (const vid of this.counted.keys()) if (vid >= end) this.recount(vid, undefined);
    }
    this.dirty.clear();
    this.seq = seq;
    return this.usage;
  }

  private recount(vid: number, now: VmState | undefined): void {
    const before = this.counted.get(vid);
    if (now === before) return;
    if (before) this.add(before, -1);
    if (now) {
      this.add(now, 1);
      this.counted.set(vid, now);
    } else {
      this.counted.delete(vid);
    }
  }

  private add(vm: VmState, sign: 1 | -1): void {
    for (const h of vm.heldCapacity) {
      const u = this.usage.get(h.hid) ?? NONE;
      this.usage.set(h.hid, {
        cpu: u.cpu + sign * h.cpu,
        mem: u.mem + sign * h.mem,
        disk: u.disk + sign * h.disk,
        runningVms: u.runningVms + sign,
      });
    }
  }
}
