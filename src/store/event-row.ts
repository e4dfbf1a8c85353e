import type { DomainEvent, EventMeta, StoredEvent } from '../events/envelope.ts';

/** One `events` row as an object (used where speed does not matter, e.g. verify). */
export interface EventRow {
  readonly seq: number;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly meta: string | null;
  readonly ts: number;
  readonly hash: Buffer;
}

/** A replay row in raw (array) mode, in `READ_COLUMNS` order, hash as hex: cheaper to fetch. */
export type RawEventRow = [number, string, number, string, string, string | null, number, string];

const NO_META: EventMeta = Object.freeze({});

/** Rebuilds the domain event `{type, ...data}` exactly as it was appended. */
export function rawRowToStoredEvent(row: RawEventRow): StoredEvent {
  const [seq, stream, version, type, data, meta, ts, hash] = row;
  const event = { type, ...(JSON.parse(data) as object) } as DomainEvent;
  return {
    seq,
    stream,
    version,
    event,
    ts,
    meta: meta === null ? NO_META : (JSON.parse(meta) as EventMeta),
    hash,
  };
}
