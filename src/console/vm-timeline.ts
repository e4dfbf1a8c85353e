import { formatTimelineEntry, stateLabel, timelineEntry, type TimelineEntry } from '../audit/timeline.ts';
import { WorldFold } from '../audit/world-fold.ts';
import type { CorePort } from '../rpc/core-port.ts';

export interface TimelineRow extends TimelineEntry {
  /** The line `oneaudit log vm N` prints for this event. */
  readonly line: string;
}

const PAGE = 10_000;

/** One VM's timeline so far: the fold it was built from and where it stopped. */
interface Built {
  readonly world: WorldFold;
  readonly rows: TimelineRow[];
  after: number;
  /** Set while a read is folding, so that concurrent requests share it. */
  busy?: Promise<void>;
}

/**
 * VM audit timelines, built as `oneaudit log vm N` builds them (the same
 * entries and line format, src/audit/timeline.ts), from the committed feed
 * that one.event.poll serves. Only the VM's stream and the user streams are
 * folded: a VM's state label and the names of who acted need nothing else.
 *
 * The page asks again after every event of the VM, so each timeline is kept
 * (the most recently viewed `max` of them) and later reads fold only the
 * events committed since.
 */
export class VmTimelines {
  private readonly built = new Map<number, Built>();

  constructor(
    private readonly core: Pick<CorePort, 'pollEvents'>,
    private readonly max = 100,
  ) {}

  async of(vid: number): Promise<readonly TimelineRow[]> {
    let b = this.built.get(vid);
    this.built.delete(vid); // re-inserted last: most recently viewed
    b ??= { world: new WorldFold(), rows: [], after: 0 };
    this.built.set(vid, b);
    if (this.built.size > this.max) this.built.delete(this.built.keys().next().value as number);
    while (b.busy) await b.busy;
    b.busy = this.catchUp(vid, b).finally(() => (b.busy = undefined));
    await b.busy;
    return [...b.rows];
  }

  private async catchUp(vid: number, b: Built): Promise<void> {
    const stream = `vm/${vid}`;
    for (;;) {
      const page = await this.core.pollEvents(b.after, PAGE, 0);
      if (page.length === 0) return;
      for (const e of page) {
        if (e.stream === stream) {
          const before = stateLabel(b.world, stream);
          b.world.apply(e);
          const entry = timelineEntry(e, before, stateLabel(b.world, stream), (uid) => b.world.userNameEver(uid));
          b.rows.push({ ...entry, line: formatTimelineEntry(entry) });
        } else if (e.stream.startsWith('user/')) {
          b.world.apply(e);
        }
      }
      b.after = page[page.length - 1]!.seq;
    }
  }
}
