import type { ReplayedEvent } from '../actors/ports.ts';
import type { RawEventRow } from './event-row.ts';
import type { ChainFollower } from './hash-chain.ts';
import { hashedData } from './secret-fields.ts';

/**
 * Checks a page of rows (in seq order, hash as hex) against the chain and
 * decodes them for a start-up fold. A break throws ChainBreakError before
 * any event of the page is handed out. Both backends page their replay
 * through this, so they verify alike.
 */
export function replayPage(chain: ChainFollower, rows: readonly RawEventRow[]): ReplayedEvent[] {
  const page: ReplayedEvent[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [seq, stream, version, type, data, meta, ts, hash] = rows[i]!;
    chain.next({ seq, stream, version, type, data: hashedData(data), meta, ts, hash });
    page[i] = { seq, stream, version, event: { type, ...(JSON.parse(data) as object) } };
  }
  return page;
}
