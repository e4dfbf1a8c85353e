import type { DomainEvent, EventMeta, StoredEvent } from '../events/envelope.ts';

/** One `events` row as better-sqlite3 returns it. */
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

const NO_META: EventMeta = Object.freeze({});

/** Rebuilds the domain event `{type, ...data}` exactly as it was appended. */
export function rowToStoredEvent(row: EventRow): StoredEvent {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const event = { type: row.type, ...data } as DomainEvent;
  return {
    seq: row.seq,
    stream: row.stream,
    version: row.version,
    event,
    ts: row.ts,
    meta: row.meta === null ? NO_META : (JSON.parse(row.meta) as EventMeta),
    hash: row.hash.toString('hex'),
  };
}
