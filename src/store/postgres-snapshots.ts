import type pg from 'pg';
import type { Snapshot } from '../actors/ports.ts';
import { LogWriteError } from '../events/log-write-error.ts';
import { EpochLostError } from './epoch-lost-error.ts';
import { LEADER_LOCK } from './postgres-schema.ts';

/**
 * Snapshots and checkpoints of the PostgreSQL log. A checkpoint is one
 * transaction, all or nothing, under the same epoch check as appends: an
 * old leader must not overwrite the new one's checkpoint. `epoch`
 * undefined: no check (no leadership in use).
 */
export async function saveSnapshotRows(pool: pg.Pool, snapshots: readonly Snapshot[], epoch: number | undefined): Promise<void> {
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
    await client.query('BEGIN');
    const head = await client.query<{ epoch: number }>('SELECT epoch FROM log_head WHERE id = 1 FOR SHARE');
    if (epoch !== undefined && head.rows[0]!.epoch !== epoch) throw new EpochLostError(epoch, head.rows[0]!.epoch);
    await client.query(
      'INSERT INTO snapshots (stream, version, state) SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ' +
        'ON CONFLICT (stream) DO UPDATE SET version = excluded.version, state = excluded.state',
      [snapshots.map((s) => s.stream), snapshots.map((s) => s.version), snapshots.map((s) => JSON.stringify(s.state))],
    );
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client?.query('ROLLBACK').catch(() => {});
    client?.release(true);
    throw LogWriteError.from(err);
  }
}

export async function loadSnapshotRow<S>(pool: pg.Pool, stream: string): Promise<Snapshot<S> | undefined> {
  const { rows } = await pool.query<{ stream: string; version: number; state: string }>('SELECT stream, version, state FROM snapshots WHERE stream = $1', [stream]);
  const row = rows[0];
  return row && { stream: row.stream, version: row.version, state: JSON.parse(row.state) as S };
}

export async function listSnapshotRows(pool: pg.Pool): Promise<Snapshot[]> {
  const { rows } = await pool.query<{ stream: string; version: number; state: string }>('SELECT stream, version, state FROM snapshots');
  return rows.map((r) => ({ stream: r.stream, version: r.version, state: JSON.parse(r.state) }));
}

/**
 * Drops every snapshot (`oned --rebuild`), but not under a running leader:
 * its next checkpoint would then claim snapshots that are gone.
 */
export async function deleteSnapshotRows(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS free', [LEADER_LOCK]);
    if (!rows[0]!.free) throw new Error('another front-end leads this log: stop it, or run --rebuild on it');
    await client.query('DELETE FROM snapshots');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
