import pg from 'pg';
import { Subject, type Observable } from 'rxjs';
import type { EventMeta, StoredEvent } from '../events/envelope.ts';
import type { AppendRequest, ChainVerdict, EventLog, LogPosition, ReplayedEvent, Snapshot } from '../actors/ports.ts';
import { LogWriteError } from '../events/log-write-error.ts';
import { encodeAppend, type EncodedAppend } from './encode-append.ts';
import { chainBatch, insertBatch, type ChainedBatch } from './chain-batch.ts';
import { deleteSnapshotRows, listSnapshotRows, loadSnapshotRow, saveSnapshotRows } from './postgres-snapshots.ts';
import { EpochLostError } from './epoch-lost-error.ts';
import { eventAt, eventsBetween, pageAfter, streamEvents, streamVersions, streamVersionsAt } from './postgres-reads.ts';
import { rawRowToStoredEvent } from './event-row.ts';
import { ChainFollower, GENESIS, GENESIS_HASH } from './hash-chain.ts';
import { followLog } from './follow-log.ts';
import { replayPage } from './replay-page.ts';
import { NOTIFY_CHANNEL, POSTGRES_DDL, openPool, pgConfig, type PgConnection } from './postgres-schema.ts';
import { ChainBreakError } from '../events/chain-break-error.ts';

export interface PostgresEventLogOptions {
  readonly nowMs?: () => number;
  readonly followPageSize?: number;
  /** Told when writing starts failing and when a commit succeeds again (as the SQLite log does). */
  readonly onWriteState?: (failure: LogWriteError | undefined) => void;
  /** Told when an append finds another leader's epoch in the database: this process must stop writing. */
  readonly onEpochLost?: (epoch: number) => void;
}

/** The leader as the database records it. */
export interface LeaderRecord {
  readonly epoch: number;
  /** Its XML-RPC endpoint, '' when no leader ever claimed the log. */
  readonly endpoint: string;
}

export { EpochLostError };

interface PendingAppend {
  readonly append: EncodedAppend;
  readonly resolve: (events: readonly StoredEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE = 5000;

/** Opens the log on a PostgreSQL database, creating its tables when they are missing. */
export async function openPostgresEventLog(c: PgConnection, options: PostgresEventLogOptions = {}): Promise<PostgresEventLog> {
  const pool = openPool(c);
  try {
    const client = await pool.connect();
    try {
      // Two front-ends starting at once must not race on CREATE TABLE.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(5172013)');
      await client.query(POSTGRES_DDL);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const log = new PostgresEventLog(pool, c, options);
    await log.start();
    return log;
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
}

/**
 * The event log on PostgreSQL, with the contract of the SQLite one. Appends
 * queue and commit in groups: one transaction per flush, and while one
 * commits the next group gathers. Each transaction locks the `log_head`
 * row, takes the tip from it (not from memory, so a second writer cannot
 * fork the chain), inserts the rows, moves the head and NOTIFYs followers.
 * A LISTEN connection brings in what other writers commit, so committed$
 * (and follow()) see the whole log, gap-free and in seq order.
 */
export class PostgresEventLog implements EventLog {
  private readonly committedSubject = new Subject<StoredEvent>();
  readonly committed$: Observable<StoredEvent> = this.committedSubject.asObservable();
  private readonly versions = new Map<string, number>();
  private readonly nowMs: () => number;
  private readonly followPageSize: number;
  private readonly onWriteState: (failure: LogWriteError | undefined) => void;
  private tipSeq = 0;
  private tipHash: Buffer = GENESIS_HASH;
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  /** The flush or catch-up in progress: they run one at a time. */
  private busy: Promise<void> = Promise.resolve();
  private flushing = false;
  private closed = false;
  private failing: LogWriteError | undefined;
  private listener: pg.Client | undefined;
  /** The leader epoch this log writes under; undefined: no check (one front-end, no leadership). */
  private epoch: number | undefined;
  private readonly onEpochLost: (epoch: number) => void;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connection: PgConnection,
    options: PostgresEventLogOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.followPageSize = options.followPageSize ?? 1000;
    this.onWriteState = options.onWriteState ?? (() => {});
    this.onEpochLost = options.onEpochLost ?? (() => {});
  }

  /**
   * Claims the log for this front-end (it must hold the leader lock): the
   * epoch goes up by one and records `endpoint`. From then on every commit
   * checks, under the head row's lock, that the epoch is still this one, so
   * an old leader that was paused or cut off cannot write after a takeover.
   */
  async claim(endpoint: string): Promise<number> {
    await this.syncTip();
    const { rows } = await this.pool.query<{ epoch: number }>('UPDATE log_head SET epoch = epoch + 1, leader = $1 WHERE id = 1 RETURNING epoch', [endpoint]);
    this.epoch = rows[0]!.epoch;
    return this.epoch;
  }

  /** A standby's log: every append and checkpoint is refused until claim(). */
  followOnly(): void {
    this.epoch = -1;
  }

  /** Keeps writing under `epoch` when the database still has it (the lock came back after a connection blip). */
  async resume(epoch: number): Promise<boolean> {
    const leader = await this.leader();
    return leader.epoch === epoch;
  }

  async leader(): Promise<LeaderRecord> {
    const { rows } = await this.pool.query<{ epoch: number; leader: string }>('SELECT epoch, leader FROM log_head WHERE id = 1');
    return { epoch: rows[0]!.epoch, endpoint: rows[0]!.leader };
  }

  /** Reads and emits everything other writers committed after this log's tip, now. */
  syncTip(): Promise<void> {
    return this.catchUp();
  }

  /** Reads the tip and starts listening for other writers' commits. */
  async start(): Promise<void> {
    const { rows } = await this.pool.query<{ seq: number; hash: Buffer }>('SELECT seq, hash FROM log_head WHERE id = 1');
    this.tipSeq = rows[0]!.seq;
    this.tipHash = rows[0]!.hash;
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(pgConfig(this.connection));
    client.on('error', () => {
      // The server went away: listen again once it is back (catch-up reads close any gap).
      if (this.listener === client) this.listener = undefined;
      if (!this.closed) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    });
    client.on('notification', (n) => {
      if (Number(n.payload) > this.tipSeq) void this.catchUp();
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    if (this.closed) return void (await client.end());
    this.listener = client;
    void this.catchUp();
  }

  append(requests: readonly AppendRequest[], meta?: EventMeta): Promise<readonly StoredEvent[]> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    let encoded: EncodedAppend;
    try {
      encoded = encodeAppend(requests, meta);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ append: encoded, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing || this.flushTimer) return;
    this.flushTimer = setImmediate(() => {
      this.flushTimer = undefined;
      void this.flush();
    });
  }

  /** Commits everything queued so far in one transaction; what queues meanwhile goes in the next. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.flushing) return this.busy;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.exclusive(() => this.commitBatch(batch));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Resolves once nothing is queued or committing (tests wait for a quiet log with it). */
  async whenIdle(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.flushTimer) {
      await this.flush();
      await this.busy;
    }
  }

  /** Runs flushes and catch-ups one at a time, in the order asked. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(work, work);
    this.busy = next.catch(() => {});
    return next;
  }

  private async commitBatch(batch: PendingAppend[], retried = false): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      return this.failBatch(batch, err);
    }
    const ts = this.nowMs();
    const before = { seq: this.tipSeq, hash: this.tipHash };
    let chained: ChainedBatch;
    let others: StoredEvent[];
    try {
      await client.query('BEGIN');
      const head = await client.query<{ seq: number; hash: Buffer; epoch: number }>('SELECT seq, hash, epoch FROM log_head WHERE id = 1 FOR UPDATE');
      if (this.epoch !== undefined && head.rows[0]!.epoch !== this.epoch) throw new EpochLostError(this.epoch, head.rows[0]!.epoch);
      // Another writer committed since our tip: read its events first, so committed$ stays gap-free.
      others = head.rows[0]!.seq > this.tipSeq ? await eventsBetween(client, this.tipSeq, head.rows[0]!.seq) : [];
      for (const e of others) this.versions.set(e.stream, e.version);
      this.tipSeq = head.rows[0]!.seq;
      this.tipHash = head.rows[0]!.hash;
      await this.loadVersions(client, batch);
      chained = chainBatch(batch.map((p) => p.append), { seq: this.tipSeq, hash: this.tipHash }, this.versions, ts);
      await insertBatch(client, chained);
      await client.query('COMMIT');
      // Memory moves only once COMMIT succeeded.
      this.tipSeq = chained.seq;
      this.tipHash = chained.hash;
      for (const [s, v] of chained.written) this.versions.set(s, v);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.release(true);
      // Back to what was emitted: the next transaction takes the tip from the database anyway.
      this.tipSeq = before.seq;
      this.tipHash = before.hash;
      this.versions.clear();
      // A UNIQUE (stream, version) violation means another writer moved a stream
      // our cache still had: forget those versions and decide again, once.
      if (err instanceof EpochLostError) this.onEpochLost(err.current);
      if (isUniqueViolation(err) && !retried) {
        for (const p of batch) for (const r of p.append.requests) this.versions.delete(r.stream);
        return this.commitBatch(batch, true);
      }
      return this.failBatch(batch, err);
    }
    client.release();
    if (this.failing) {
      this.failing = undefined;
      this.onWriteState(undefined);
    }
    for (const e of others) this.committedSubject.next(e);
    const outcomes = chained.outcomes;
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      for (const e of outcome) this.committedSubject.next(e);
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) pending.reject(outcome);
      else pending.resolve(outcome);
    });
  }

  private failBatch(batch: PendingAppend[], err: unknown): void {
    const failure = LogWriteError.from(err);
    this.versions.clear();
    for (const pending of batch) pending.reject(failure);
    if (!this.failing) this.onWriteState(failure);
    this.failing = failure;
  }

  /** Version cache misses, read in one query inside the transaction. */
  private async loadVersions(client: pg.PoolClient, batch: readonly PendingAppend[]): Promise<void> {
    const missing = [...new Set(batch.flatMap((p) => p.append.requests.map((r) => r.stream)))].filter((s) => !this.versions.has(s));
    if (missing.length === 0) return;
    for (const [stream, version] of await streamVersions(client, missing)) this.versions.set(stream, version);
  }

  /** Emits what other writers committed after our tip (on NOTIFY, and when listening starts). */
  private catchUp(): Promise<void> {
    return this.exclusive(async () => {
      if (this.closed) return;
      try {
        for (;;) {
          const events = await this.readAll(this.tipSeq, PAGE);
          if (events.length === 0) return;
          for (const e of events) {
            this.tipSeq = e.seq;
            this.tipHash = Buffer.from(e.hash, 'hex');
            this.versions.set(e.stream, e.version);
            this.committedSubject.next(e);
          }
        }
      } catch {
        // The database is away; the next NOTIFY or commit catches up.
      }
    });
  }

  readStream(stream: string, afterVersion = 0): Promise<StoredEvent[]> {
    return streamEvents(this.pool, stream, afterVersion);
  }

  async readAll(afterSeq: number, limit?: number): Promise<StoredEvent[]> {
    return (await pageAfter(this.pool, afterSeq, limit ?? null)).map(rawRowToStoredEvent);
  }

  follow(afterSeq: number): Observable<StoredEvent> {
    return followLog(
      { readAll: (after, limit) => this.readAll(after, limit), isClosed: () => this.closed, committed$: this.committed$ },
      afterSeq,
      this.followPageSize,
    );
  }

  lastSeq(): number {
    return this.tipSeq;
  }

  tip(): LogPosition {
    return { seq: this.tipSeq, hash: this.tipSeq === 0 ? '' : this.tipHash.toString('hex') };
  }

  eventAt(seq: number): Promise<{ stream: string; hash: string } | undefined> {
    return eventAt(this.pool, seq);
  }

  streamVersionsAt(seq: number): Promise<Map<string, number>> {
    return streamVersionsAt(this.pool, seq);
  }

  async streamVersion(stream: string): Promise<number> {
    return this.versions.get(stream) ?? (await streamVersions(this.pool, [stream])).get(stream)!;
  }

  /** A checkpoint: every snapshot in one transaction, all or nothing, under the epoch check. */
  saveSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    return saveSnapshotRows(this.pool, snapshots, this.epoch);
  }

  loadSnapshot<S>(stream: string): Promise<Snapshot<S> | undefined> {
    return loadSnapshotRow<S>(this.pool, stream);
  }

  listSnapshots(): Promise<Snapshot[]> {
    return listSnapshotRows(this.pool);
  }

  /** `oned --rebuild`; refused while another front-end leads (see deleteSnapshotRows). */
  deleteSnapshots(): Promise<void> {
    return deleteSnapshotRows(this.pool);
  }

  /** Pages of the log after `from`, the chain checked as they come (see replay-page.ts). */
  async *replay(from: LogPosition): AsyncIterable<readonly ReplayedEvent[]> {
    const chain = new ChainFollower(from.seq > 0 ? { seq: from.seq, hash: Buffer.from(from.hash, 'hex') } : GENESIS);
    for (let after = from.seq; ; ) {
      const rows = await pageAfter(this.pool, after, PAGE);
      if (rows.length === 0) return;
      yield replayPage(chain, rows);
      after = rows[rows.length - 1]![0];
    }
  }

  async verify(from?: LogPosition): Promise<ChainVerdict> {
    const start = from && from.seq > 0 ? from : { seq: 0, hash: '' };
    let checked = start.seq;
    try {
      for await (const page of this.replay(start)) checked = page[page.length - 1]!.seq;
    } catch (e) {
      if (!(e instanceof ChainBreakError)) throw e;
      return { ok: false, seq: e.seq, ...(e.stream ? { stream: e.stream } : {}), reason: e.reason };
    }
    if (checked < this.tipSeq) return { ok: false, seq: checked + 1, reason: `log ends at seq ${checked} but seq ${this.tipSeq} was committed` };
    return { ok: true, events: checked - start.seq };
  }

  /** Commits what is queued, then closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.whenIdle();
    this.closed = true;
    this.committedSubject.complete();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}
