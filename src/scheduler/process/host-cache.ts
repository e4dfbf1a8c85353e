import { OnedRefusal, type FeedEvent, type HostRecord, type OnedGateway } from './oned-gateway.ts';

/**
 * The hosts as the scheduler last read them, kept fresh by the event feed
 * instead of re-reading the whole pool on every pass: `one.hostpool.info`
 * of 2,500 hosts is 2 MB of XML, far too much to fetch for each new VM.
 *
 * A host is read again (`one.host.info`) when an event names it or the
 * scheduler has just deployed to it. Any VM event that may free or move
 * capacity, and that is not known to leave every host alone, makes the next
 * read a full one, and so do a resync and each safety-net sweep. Monitoring
 * figures (FREE_CPU, FREE_MEM) of a settled host change without an event,
 * so they are at most one sweep old; the share test on CPU_USAGE and
 * MEM_USAGE, which is what prevents overcommitment, is always current.
 */

/** VM events that change no host's CPU_USAGE, MEM_USAGE or RUNNING_VMS. */
const LEAVES_HOSTS_ALONE = new Set([
  'VmAllocated', 'VmSchedMessageSet', 'VmPrologSucceeded', 'VmBooted', 'VmHeld', 'VmReleased',
  'VmShutdownRequested', 'VmCancelRequested', 'VmStopRequested', 'VmSuspendRequested',
]);

/** How many `one.host.info` calls one read may send at once. */
const PARALLEL_READS = 4;

export class HostCache {
  private readonly hosts = new Map<number, HostRecord>();
  private fullReadDue = true;
  private readonly dirty = new Set<number>();

  constructor(private readonly oned: OnedGateway) {}

  /** The next read fetches the whole pool. */
  invalidateAll(): void {
    this.fullReadDue = true;
  }

  markDirty(hostId: number): void {
    this.dirty.add(hostId);
  }

  note(events: readonly FeedEvent[]): void {
    for (const e of events) {
      const [kind, id] = e.stream.split('/');
      if (kind === 'host') this.markDirty(Number(id));
      else if (kind !== 'vm' || LEAVES_HOSTS_ALONE.has(e.event.type)) continue;
      else if (e.event.type === 'VmDeployed' && typeof e.event.hid === 'number') this.markDirty(e.event.hid);
      else this.invalidateAll();
    }
  }

  /** Every host, by ascending id, read afresh where needed. */
  async read(): Promise<HostRecord[]> {
    if (this.fullReadDue) {
      this.fullReadDue = false;
      this.dirty.clear();
      const all = await this.oned.hosts().catch((error: unknown) => {
        this.fullReadDue = true;
        throw error;
      });
      this.hosts.clear();
      for (const h of all) this.hosts.set(h.id, h);
    } else if (this.dirty.size > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      await this.refresh(ids);
    }
    return [...this.hosts.values()].sort((a, b) => a.id - b.id);
  }

  private async refresh(ids: readonly number[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        try {
          this.hosts.set(id, await this.oned.host(id));
        } catch (error) {
          if (!(error instanceof OnedRefusal)) {
            this.invalidateAll();
            throw error;
          }
          this.hosts.delete(id); // deleted meanwhile
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, ids.length) }, worker));
  }
}
