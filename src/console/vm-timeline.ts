import { formatTimelineEntry, stateLabel, timelineEntry, type TimelineEntry } from '../audit/timeline.ts';
import { WorldFold } from '../audit/world-fold.ts';
import type { CorePort } from '../rpc/core-port.ts';

export interface TimelineRow extends TimelineEntry {
  /** The line `oneaudit log vm N` prints for this event. */
  readonly line: string;
}

const PAGE = 10_000;

/**
 * A VM's audit timeline, built as `oneaudit log vm N` builds it (the same
 * entries and line format, src/audit/timeline.ts), from the committed feed
 * that one.event.poll serves. Only the VM's stream and the user streams are
 * folded: a VM's state label and the names of who acted need nothing else.
 */
export async function vmTimeline(core: Pick<CorePort, 'pollEvents'>, vid: number): Promise<TimelineRow[]> {
  const stream = `vm/${vid}`;
  const world = new WorldFold();
  const rows: TimelineRow[] = [];
  for (let after = 0; ; ) {
    const page = await core.pollEvents(after, PAGE, 0);
    if (page.length === 0) return rows;
    for (const e of page) {
      if (e.stream === stream) {
        const before = stateLabel(world, stream);
        world.apply(e);
        const entry = timelineEntry(e, before, stateLabel(world, stream), (uid) => world.userNameEver(uid));
        rows.push({ ...entry, line: formatTimelineEntry(entry) });
      } else if (e.stream.startsWith('user/')) {
        world.apply(e);
      }
    }
    after = page[page.length - 1]!.seq;
  }
}
