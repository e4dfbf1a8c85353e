import type pg from 'pg';
import type { StoredEvent } from '../events/envelope.ts';
import { ConcurrencyError } from '../events/concurrency-error.ts';
import type { EncodedAppend } from './encode-append.ts';
import { chainHash, type HashedFields } from './hash-chain.ts';
import { hashedData } from './secret-fields.ts';
import { NOTIFY_CHANNEL } from './postgres-schema.ts';

/** One row as the group commit inserts it: the hashed fields and the hash as hex. */
export type RowToInsert = HashedFields & { readonly hash: string };

/** A group ready to commit: each request's events or its ConcurrencyError, the rows, and the tip and versions after it. */
export interface ChainedBatch {
  readonly outcomes: (StoredEvent[] | Error)[];
  readonly rows: RowToInsert[];
  readonly seq: number;
  readonly hash: Buffer;
  readonly written: Map<string, number>;
}

/**
 * Checks versions and chains hashes for a whole group in memory, from the
 * tip: a conflicting request becomes a ConcurrencyError and writes nothing,
 * the others go on from the tip it left untouched. `versions` is each
 * stream's version before the group (0 when absent).
 */
export function chainBatch(
  appends: readonly EncodedAppend[],
  tip: { readonly seq: number; readonly hash: Buffer },
  versions: ReadonlyMap<string, number>,
  ts: number,
): ChainedBatch {
  const written = new Map<string, number>();
  let seq = tip.seq;
  let hash = tip.hash;
  const rows: RowToInsert[] = [];
  const outcomes = appends.map((append): StoredEvent[] | Error => {
    const mine = new Map<string, number>();
    for (const r of append.requests) {
      const actual = mine.get(r.stream) ?? written.get(r.stream) ?? versions.get(r.stream) ?? 0;
      if (actual !== r.expectedVersion) return new ConcurrencyError(r.stream, r.expectedVersion, actual);
      mine.set(r.stream, actual + r.events.length);
    }
    const out: StoredEvent[] = [];
    for (const r of append.requests) {
      let version = r.expectedVersion;
      for (const encoded of r.events) {
        const fields = { seq: ++seq, stream: r.stream, version: ++version, type: encoded.type, data: encoded.data, meta: append.meta, ts };
        // The hash covers the hashed form (secrets as digests); the row keeps the secret.
        const hashed = hashedData(fields.data);
        hash = chainHash(hash, hashed === fields.data ? fields : { ...fields, data: hashed });
        const hex = hash.toString('hex');
        rows.push({ ...fields, hash: hex });
        out.push({ seq, stream: r.stream, version, event: encoded.event, ts, meta: append.metaObject, hash: hex });
      }
    }
    for (const [s, v] of mine) written.set(s, v);
    return out;
  });
  return { outcomes, rows, seq, hash, written };
}

/** One INSERT for the group (arrays unnested server-side), the head moved, and followers told (NOTIFY is sent at COMMIT). */
export async function insertBatch(client: pg.ClientBase, batch: Pick<ChainedBatch, 'rows' | 'seq' | 'hash'>): Promise<void> {
  const rows = batch.rows;
  if (rows.length === 0) return;
  await client.query(
    'INSERT INTO events (seq, stream, version, type, data, meta, ts, hash) ' +
      "SELECT s, st, v, t, d, m, ts, decode(h, 'hex') FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[]) AS x(s, st, v, t, d, m, ts, h)",
    [
      rows.map((e) => e.seq),
      rows.map((e) => e.stream),
      rows.map((e) => e.version),
      rows.map((e) => e.type),
      rows.map((e) => e.data),
      rows.map((e) => e.meta),
      rows.map((e) => e.ts),
      rows.map((e) => e.hash),
    ],
  );
  await client.query('UPDATE log_head SET seq = $1, hash = $2 WHERE id = 1', [batch.seq, batch.hash]);
  await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, String(batch.seq)]);
}
