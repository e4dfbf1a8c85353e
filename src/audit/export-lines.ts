import type { StoredEvent } from '../events/envelope.ts';
import { canonicalJson, canonicalJsonWithout } from '../store/canonical-json.ts';

/** The first line of an export: where it starts and the hash its first event links to. */
export interface ExportHeader {
  readonly export: 'one-ts event log';
  /** The seq of the first event line. */
  readonly from: number;
  /** Hex hash of event from-1 (64 zeros when from is 1). */
  readonly previous: string;
}

export const ZERO_HASH = '0'.repeat(64);

export function headerLine(from: number, previous: string): string {
  const header: ExportHeader = { export: 'one-ts event log', from, previous };
  return canonicalJson(header);
}

/**
 * One event as an export line: the fields the chain hash covers, flat
 * (`data` is the event without its `type`, secrets already digests; `meta`
 * null when there is none), plus `hash`, all in canonical JSON. Dropping
 * `hash` leaves exactly the object whose canonical JSON is hashed (README,
 * "The canonical form").
 */
export function eventLine(e: StoredEvent): string {
  const meta = Object.keys(e.meta).length === 0 ? 'null' : canonicalJson(e.meta);
  return (
    `{"data":${canonicalJsonWithout(e.event, 'type')},"hash":${JSON.stringify(e.hash)},"meta":${meta},` +
    `"seq":${e.seq},"stream":${JSON.stringify(e.stream)},"ts":${e.ts},"type":${JSON.stringify(e.event.type)},"version":${e.version}}`
  );
}
