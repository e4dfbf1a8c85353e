import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type MonitoredKind = 'host' | 'vm';

export interface MonitoringSample<T = Record<string, unknown>> {
  /** Sample time as given to record(), epoch seconds by convention. */
  readonly time: number;
  readonly sample: T;
}

export interface MonitoringStoreOptions {
  /** Ring size: samples kept per host or VM. */
  readonly maxPerEntity?: number;
  /** Also drop samples older than the newest recorded time minus this. */
  readonly ttlSeconds?: number;
  /** Samples held in memory while the file cannot be written; the oldest go first. */
  readonly maxQueued?: number;
  /** How soon a failed write is tried again, in ms. */
  readonly retryMs?: number;
  /** Told when writing starts failing (with the error) and when it works again (undefined), once each. */
  readonly onWriteState?: (failure: Error | undefined) => void;
}

const DDL = `
CREATE TABLE IF NOT EXISTS monitoring (
  n      INTEGER PRIMARY KEY,
  kind   TEXT    NOT NULL,
  id     INTEGER NOT NULL,
  time   INTEGER NOT NULL,
  sample TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS monitoring_entity ON monitoring (kind, id, n);
CREATE INDEX IF NOT EXISTS monitoring_time ON monitoring (time);
`;

/**
 * Opens the monitoring-sample store. It is its own file (var/monitoring.db)
 * rather than a table in one.db: SQLite allows one writer per file, so a
 * burst of samples would otherwise hold the lock the event log's group
 * commit needs, and samples can be thrown away (synchronous=NORMAL, delete
 * the file) without ever touching the truth.
 */
export function openMonitoringStore(path: string, options: MonitoringStoreOptions = {}): MonitoringStore {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(DDL);
    return new MonitoringStore(db, options);
  } catch (err) {
    db.close();
    throw err;
  }
}

interface QueuedSample {
  readonly kind: MonitoredKind;
  readonly id: number;
  readonly time: number;
  readonly sample: string;
}

/**
 * Bounded store for bulky, expiring monitoring samples (not events). Writes
 * made in one tick go in one transaction; each touched entity is then
 * trimmed back to its last `maxPerEntity` samples, so the table is a ring.
 * A write that fails (a full disk) is never fatal: the samples stay queued
 * (at most `maxQueued`) and are written by a retry once there is room.
 */
export class MonitoringStore {
  private readonly maxPerEntity: number;
  private readonly ttlSeconds: number | undefined;
  private readonly st;
  private queue: QueuedSample[] = [];
  private timer: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private counters = { batches: 0, samples: 0 };
  private readonly maxQueued: number;
  private readonly retryMs: number;
  private readonly onWriteState: (failure: Error | undefined) => void;
  private failing = false;

  constructor(private readonly db: Database.Database, options: MonitoringStoreOptions = {}) {
    this.maxPerEntity = options.maxPerEntity ?? 100;
    if (!Number.isSafeInteger(this.maxPerEntity) || this.maxPerEntity < 1) {
      throw new RangeError('maxPerEntity must be a positive integer');
    }
    this.ttlSeconds = options.ttlSeconds;
    this.maxQueued = options.maxQueued ?? 100_000;
    this.retryMs = options.retryMs ?? 1000;
    this.onWriteState = options.onWriteState ?? (() => {});
    this.st = {
      insert: db.prepare('INSERT INTO monitoring (kind, id, time, sample) VALUES (?, ?, ?, ?)'),
      trim: db.prepare(
        'DELETE FROM monitoring WHERE kind = ? AND id = ? AND n <= ' +
          '(SELECT n FROM monitoring WHERE kind = ? AND id = ? ORDER BY n DESC LIMIT 1 OFFSET ?)',
      ),
      expire: db.prepare('DELETE FROM monitoring WHERE time < ?'),
      latest: db.prepare('SELECT time, sample FROM monitoring WHERE kind = ? AND id = ? ORDER BY n DESC LIMIT 1'),
      latestOfEach: db.prepare(
        'SELECT m.id, m.time, m.sample FROM monitoring m ' +
          'JOIN (SELECT MAX(n) AS n FROM monitoring WHERE kind = ? GROUP BY id) newest ON m.n = newest.n',
      ),
      history: db.prepare('SELECT time, sample FROM monitoring WHERE kind = ? AND id = ? AND time >= ? ORDER BY n'),
      count: db.prepare('SELECT COUNT(*) FROM monitoring WHERE kind = ? AND id = ?').pluck(),
      countAll: db.prepare('SELECT COUNT(*) FROM monitoring').pluck(),
    };
    this.writeBatch = db.transaction((batch: QueuedSample[]) => this.write(batch));
  }

  private readonly writeBatch: (batch: QueuedSample[]) => void;

  record(kind: MonitoredKind, id: number, time: number, sample: object): void {
    if (this.closed) throw new Error('monitoring store is closed');
    if (kind !== 'host' && kind !== 'vm') throw new TypeError(`unknown monitored kind: ${String(kind)}`);
    if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`bad ${kind} id: ${id}`);
    if (!Number.isFinite(time)) throw new TypeError(`bad sample time: ${time}`);
    if (sample === null || typeof sample !== 'object') throw new TypeError('a sample must be an object');
    this.queue.push({ kind, id, time, sample: JSON.stringify(sample) });
    if (this.failing && this.queue.length > this.maxQueued) this.queue.shift();
    // While failing, the retry timer writes; no need to try every tick.
    if (!this.failing) this.timer ??= setImmediate(() => this.flush());
  }

  /** Newest sample of one entity. Sees samples recorded earlier in this tick. */
  latest<T = Record<string, unknown>>(kind: MonitoredKind, id: number): MonitoringSample<T> | undefined {
    this.flush();
    const row = this.st.latest.get(kind, id) as { time: number; sample: string } | undefined;
    return row && { time: row.time, sample: JSON.parse(row.sample) as T };
  }

  /** Newest sample of every entity of one kind, in one query (start-up restores them all). */
  latestOfEach<T = Record<string, unknown>>(kind: MonitoredKind): Map<number, MonitoringSample<T>> {
    this.flush();
    const rows = this.st.latestOfEach.all(kind) as { id: number; time: number; sample: string }[];
    return new Map(rows.map((row) => [row.id, { time: row.time, sample: JSON.parse(row.sample) as T }]));
  }

  /** Samples with time >= sinceTime, oldest first. */
  history<T = Record<string, unknown>>(kind: MonitoredKind, id: number, sinceTime = 0): MonitoringSample<T>[] {
    this.flush();
    const rows = this.st.history.all(kind, id, sinceTime) as { time: number; sample: string }[];
    return rows.map((row) => ({ time: row.time, sample: JSON.parse(row.sample) as T }));
  }

  /** Rows held for one entity, or in total. */
  size(kind?: MonitoredKind, id?: number): number {
    this.flush();
    if (kind === undefined || id === undefined) return this.st.countAll.get() as number;
    return this.st.count.get(kind, id) as number;
  }

  /** Writes the queued samples; never throws (reads call it too). */
  flush(): void {
    if (this.timer) clearImmediate(this.timer);
    clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = undefined;
    if (this.closed || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.writeBatch(batch);
    } catch (error) {
      // Samples are not the truth: keep the newest for a retry, drop the rest.
      this.queue = [...batch, ...this.queue].slice(-this.maxQueued);
      if (!this.failing) this.onWriteState(error instanceof Error ? error : new Error(String(error)));
      this.failing = true;
      this.retryTimer = setTimeout(() => this.flush(), this.retryMs);
      this.retryTimer.unref();
      return;
    }
    if (this.failing) {
      this.failing = false;
      this.onWriteState(undefined);
    }
    this.counters.batches++;
    this.counters.samples += batch.length;
  }

  /** Transactions written and samples they carried, to see the batching. */
  stats(): { readonly batches: number; readonly samples: number } {
    return { ...this.counters };
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    clearTimeout(this.retryTimer);
    this.closed = true;
    this.db.close();
  }

  private write(batch: QueuedSample[]): void {
    const touched = new Map<string, QueuedSample>();
    let newest = -Infinity;
    for (const s of batch) {
      this.st.insert.run(s.kind, s.id, s.time, s.sample);
      touched.set(`${s.kind}/${s.id}`, s);
      if (s.time > newest) newest = s.time;
    }
    for (const s of touched.values()) this.st.trim.run(s.kind, s.id, s.kind, s.id, this.maxPerEntity);
    if (this.ttlSeconds !== undefined) this.st.expire.run(newest - this.ttlSeconds);
  }
}
