import Database from 'better-sqlite3';
import pg from 'pg';
import { ChainFollower, GENESIS } from './hash-chain.ts';
import type { RawEventRow } from './event-row.ts';
import { hashedData } from './secret-fields.ts';
import { insertBatch } from './chain-batch.ts';
import { POSTGRES_DDL, pgConfig, type PgConnection } from './postgres-schema.ts';

export interface CopyResult {
  readonly events: number;
  readonly snapshots: number;
  /** The last event's seq and hash (hex), '' for an empty log. */
  readonly tip: { readonly seq: number; readonly hash: string };
}

const PAGE = 5000;

/**
 * Copies an SQLite log (events with their hashes, byte for byte, and the
 * snapshots with their checkpoint) into an empty PostgreSQL database, in
 * one transaction: the target has all of it or nothing. The chain is
 * checked while the rows are read, so a broken source is refused rather
 * than copied. The source is read inside one read transaction, so a copy
 * taken while oned runs is still one consistent instant of the log.
 */
export async function copySqliteToPostgres(sqlitePath: string, target: PgConnection): Promise<CopyResult> {
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const client = new pg.Client(pgConfig(target));
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(5172013)');
    await client.query(POSTGRES_DDL);
    const existing = await client.query<{ n: number }>('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM snapshots) AS n');
    if (Number(existing.rows[0]!.n) > 0) throw new Error(`the target database ${target.database} already holds a log: copy only into an empty one`);

    source.exec('BEGIN');
    const read = source.prepare('SELECT seq, stream, version, type, data, meta, ts, lower(hex(hash)) FROM events WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    const chain = new ChainFollower(GENESIS);
    let tip = { seq: 0, hash: '' };
    let events = 0;
    for (let after = 0; ; ) {
      const rows = read.all(after, PAGE) as RawEventRow[];
      if (rows.length === 0) break;
      for (const [seq, stream, version, type, data, meta, ts, hash] of rows) chain.next({ seq, stream, version, type, data: hashedData(data), meta, ts, hash });
      const last = rows[rows.length - 1]!;
      // Rows as stored, hashes included; the head follows the last one.
      await insertBatch(client, {
        rows: rows.map(([seq, stream, version, type, data, meta, ts, hash]) => ({ seq, stream, version, type, data, meta, ts, hash })),
        seq: last[0],
        hash: Buffer.from(last[7], 'hex'),
      });
      tip = { seq: last[0], hash: last[7] };
      events += rows.length;
      after = last[0];
    }
    const snapshots = source.prepare('SELECT stream, version, state FROM snapshots').raw().all() as [string, number, string][];
    source.exec('COMMIT');
    if (snapshots.length > 0) {
      await client.query('INSERT INTO snapshots (stream, version, state) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])', [0, 1, 2].map((i) => snapshots.map((s) => s[i])));
    }
    await client.query('COMMIT');
    return { events, snapshots: snapshots.length, tip };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    source.close();
    await client.end().catch(() => {});
  }
}
