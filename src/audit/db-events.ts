import Database from 'better-sqlite3';
import type { StoredEvent } from '../events/envelope.ts';
import { rawRowToStoredEvent, type RawEventRow } from '../store/event-row.ts';
import { withoutSecrets } from '../store/secret-fields.ts';

/**
 * The event log read straight from a one.db file, for an auditor holding a
 * copy of the database or one that oned refuses to start on (its start-up
 * check stops at a broken chain). Opened read-only; events come out as
 * one.event.poll serves them, secrets as digests, so every oneaudit command
 * works the same on a file as through the API.
 */
export function* dbEvents(file: string, after: number, page: number): Generator<StoredEvent[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const read = db.prepare('SELECT seq, stream, version, type, data, meta, ts, lower(hex(hash)) FROM events WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    for (let last = after; ; ) {
      const rows = read.all(last, page) as RawEventRow[];
      if (rows.length === 0) return;
      yield rows.map((row) => withoutSecrets(readable(row)));
      last = rows[rows.length - 1]![0];
    }
  } finally {
    db.close();
  }
}

/** A row whose data or meta is no longer JSON (a changed byte) still shows, and its hash then fails. */
function readable(row: RawEventRow): StoredEvent {
  try {
    return rawRowToStoredEvent(row);
  } catch {
    const [seq, stream, version, type, data, meta, ts, hash] = row;
    return { seq, stream, version, event: { type, unreadable: data } as never, ts, meta: { unreadable: meta } as never, hash };
  }
}
