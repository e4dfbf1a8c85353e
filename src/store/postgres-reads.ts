import type pg from 'pg';
import type { StoredEvent } from '../events/envelope.ts';
import { rawRowToStoredEvent, type RawEventRow } from './event-row.ts';
import { PG_READ_COLUMNS } from './postgres-schema.ts';

/** A pool or one of its clients (inside a transaction). */
type Queryable = pg.Pool | pg.PoolClient;

/** The reads of the PostgreSQL log; rows come back as arrays in `event-row.ts` order, hash as hex. */
async function rows(q: Queryable, where: string, values: unknown[]): Promise<RawEventRow[]> {
  const result = await q.query<RawEventRow>({ text: `SELECT ${PG_READ_COLUMNS} FROM events WHERE ${where}`, values, rowMode: 'array' });
  return result.rows;
}

/** Events with seq > afterSeq, in order, at most `limit` (null: all). */
export const pageAfter = (q: Queryable, afterSeq: number, limit: number | null): Promise<RawEventRow[]> =>
  rows(q, 'seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);

export async function eventsBetween(q: Queryable, after: number, through: number): Promise<StoredEvent[]> {
  return (await rows(q, 'seq > $1 AND seq <= $2 ORDER BY seq', [after, through])).map(rawRowToStoredEvent);
}

export async function streamEvents(q: Queryable, stream: string, afterVersion: number): Promise<StoredEvent[]> {
  return (await rows(q, 'stream = $1 AND version > $2 ORDER BY version', [stream, afterVersion])).map(rawRowToStoredEvent);
}

export async function eventAt(q: Queryable, seq: number): Promise<{ stream: string; hash: string } | undefined> {
  const result = await q.query<{ stream: string; hash: string }>("SELECT stream, encode(hash, 'hex') AS hash FROM events WHERE seq = $1", [seq]);
  return result.rows[0];
}

export async function streamVersionsAt(q: Queryable, seq: number): Promise<Map<string, number>> {
  const result = await q.query<[string, number]>({ text: 'SELECT stream, MAX(version) FROM events WHERE seq <= $1 GROUP BY stream', values: [seq], rowMode: 'array' });
  return new Map(result.rows);
}

/** Each stream's version, 0 for a stream with no event. */
export async function streamVersions(q: Queryable, streams: readonly string[]): Promise<Map<string, number>> {
  const result = await q.query<{ stream: string; v: number }>('SELECT stream, MAX(version) AS v FROM events WHERE stream = ANY($1) GROUP BY stream', [streams]);
  const versions = new Map(streams.map((s) => [s, 0]));
  for (const r of result.rows) versions.set(r.stream, r.v);
  return versions;
}
