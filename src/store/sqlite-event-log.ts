import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Subject, type Observable } from 'rxjs';
import type { EventMeta, StoredEvent } from '../events/envelope.ts';
import type { AppendRequest, ChainVerdict, Clock, EventLog, LogPosition, ReplayedEvent, Snapshot } from '../actors/ports.ts';
import { ConcurrencyError } from '../events/concurrency-error.ts';
import { LogWriteError } from '../events/log-write-error.ts';
import { EVENT_LOG_DDL, prepareEventLogStatements, type EventLogStatements } from './event-log-schema.ts';
import { encodeAppend, type EncodedAppend } from './encode-append.ts';
import { rawRowToStoredEvent, type EventRow, type RawEventRow } from './event-row.ts';
import { ChainFollower, GENESIS, GENESIS_HASH, chainHash, verifyChain } from './hash-chain.ts';
import { hashedData } from './secret-fields.ts';
import { followLog } from './follow-log.ts';
import { replayPage } from './replay-page.ts';

export interface EventLogOptions {
  /** Epoch-seconds clock; commit timestamps become `now() * 1000`. */
  readonly clock?: Clock;
  /** Millisecond clock for `ts`; wins over `clock`. Defaults to Date.now. */
  readonly nowMs?: () => number;
  /** Events per page while follow() catches up. */
  readonly followPageSize?: number;
  /** How long a commit waits for another connection's write lock. */
  readonly busyTimeoutMs?: number;
  /**
   * Told when writing starts failing (with the error) and when a commit
   * succeeds again (undefined): once per change, not once per append, so a
   * full disk is reported once however many calls it refuses.
   */
  readonly onWriteState?: (failure: LogWriteError | undefined) => void;
}

/** Counters that let tests and benches see how appends were batched. */
export interface EventLogStats {
  /** Durable transactions committed (one per group commit). */
  readonly commits: number;
  readonly requestsCommitted: number;
  readonly requestsRejected: number;
  readonly eventsCommitted: number;
  /** Group commits that failed to write (full disk, I/O error): every append in them was rejected. */
  readonly writeFailures: number;
}


interface PendingAppend {
  readonly append: EncodedAppend;
  readonly resolve: (events: readonly StoredEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Opens (creating dirs, file and tables as needed) the event log at `path`. */
export function openEventLog(path: string, options: EventLogOptions = {}): SqliteEventLog {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.exec(EVENT_LOG_DDL);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteEventLog(db, options);
}

/**
 * The event log on better-sqlite3. One process owns the file: the stream
 * version cache and the hash-chain tip live in memory, with the
 * UNIQUE(stream, version) constraint as the backstop.
 */
export class SqliteEventLog implements EventLog {
  private readonly st: EventLogStatements;
  private readonly committedSubject = new Subject<StoredEvent>();
  /** Every committed event, in seq order, emitted right after its COMMIT. */
  readonly committed$: Observable<StoredEvent> = this.committedSubject.asObservable();
  private readonly versions = new Map<string, number>();
  private readonly nowMs: () => number;
  private readonly followPageSize: number;
  private tipSeq = 0;
  private tipHash: Buffer = GENESIS_HASH;
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private closed = false;
  private counters = { commits: 0, requestsCommitted: 0, requestsRejected: 0, eventsCommitted: 0, writeFailures: 0 };
  /** Set while writes fail; cleared by the next commit that succeeds. */
  private failing: LogWriteError | undefined;
  private readonly onWriteState: (failure: LogWriteError | undefined) => void;

  constructor(private readonly db: Database.Database, options: EventLogOptions = {}) {
    this.st = prepareEventLogStatements(db);
    const clock = options.clock;
    this.nowMs = options.nowMs ?? (clock ? () => clock.now() * 1000 : Date.now);
    this.followPageSize = options.followPageSize ?? 1000;
    this.onWriteState = options.onWriteState ?? (() => {});
    this.loadTip();
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
      // setImmediate rather than a microtask: it also gathers appends made
      // after awaits and I/O callbacks of the same loop turn into the group.
      this.flushTimer ??= setImmediate(() => this.flush());
    });
  }

  /** Commits everything queued so far in one transaction. Normally run by the timer. */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (this.closed) {
      // Appended from a committed$ handler while close() was flushing.
      for (const pending of batch) pending.reject(new Error('event log is closed'));
      return;
    }

    const ts = this.nowMs();
    const written = new Map<string, number>();
    const outcomes: (StoredEvent[] | Error)[] = [];
    const tip = { seq: this.tipSeq, hash: this.tipHash };
    try {
      this.st.begin.run();
      for (const pending of batch) outcomes.push(this.writeOne(pending.append, ts, written));
      this.st.commit.run();
    } catch (err) {
      // Not a domain conflict: the disk or the database failed (SQLITE_FULL
      // on a full disk, usually at COMMIT). Nothing of this batch is durable,
      // so every caller hears about it, and the log stays usable: the next
      // batch tries again, which is how writes resume once there is room.
      const failure = LogWriteError.from(err);
      this.abandon(tip);
      this.counters.writeFailures++;
      for (const pending of batch) pending.reject(failure);
      if (!this.failing) this.onWriteState(failure);
      this.failing = failure;
      return;
    }

    if (this.failing) {
      this.failing = undefined;
      this.onWriteState(undefined);
    }
    this.counters.commits++;
    for (const [stream, version] of written) this.versions.set(stream, version);
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      this.counters.requestsCommitted++;
      this.counters.eventsCommitted += outcome.length;
      for (const event of outcome) this.committedSubject.next(event);
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) {
        this.counters.requestsRejected++;
        pending.reject(outcome);
      } else pending.resolve(outcome);
    });
  }

  /**
   * Undoes a failed group commit without throwing (flush runs from a timer,
   * where a throw would take oned down). The tip goes back to what it was
   * before the batch, from memory: no read is needed, and lastSeq() never
   * claims an event that did not commit.
   */
  private abandon(tip: { seq: number; hash: Buffer }): void {
    try {
      if (this.db.inTransaction) this.st.rollback.run();
    } catch {
      // SQLite has already rolled back, or cannot: the next BEGIN tells.
    }
    this.tipSeq = tip.seq;
    this.tipHash = tip.hash;
    this.versions.clear();
  }

  /** The write error that the last group commit hit, while writes keep failing. */
  writeFailure(): LogWriteError | undefined {
    return this.failing;
  }

  /**
   * One append request inside the group transaction, all or nothing. Version
   * checks are in memory and run before any write, so a conflict costs no
   * SQL at all. A request writing one row needs no savepoint: SQLite undoes
   * a failed statement by itself. Several rows get a savepoint, so one
   * request's failure never touches the others in the group.
   */
  private writeOne(
    append: EncodedAppend,
    ts: number,
    written: Map<string, number>,
    retried = false,
  ): StoredEvent[] | Error {
    const mine = new Map<string, number>();
    let rows = 0;
    for (const request of append.requests) {
      const actual = mine.get(request.stream) ?? written.get(request.stream) ?? this.cachedVersion(request.stream);
      if (actual !== request.expectedVersion) {
        return new ConcurrencyError(request.stream, request.expectedVersion, actual);
      }
      mine.set(request.stream, actual + request.events.length);
      rows += request.events.length;
    }

    const tipSeq = this.tipSeq;
    const tipHash = this.tipHash;
    const guarded = rows > 1;
    if (guarded) this.st.savepoint.run();
    try {
      const out: StoredEvent[] = [];
      for (const request of append.requests) {
        // Checked above: expectedVersion is the stream's version at this point.
        let version = request.expectedVersion;
        for (const encoded of request.events) {
          version++;
          const fields = {
            seq: this.tipSeq + 1,
            stream: request.stream,
            version,
            type: encoded.type,
            data: encoded.data,
            meta: append.meta,
            ts,
          };
          // The hash covers the hashed form (secrets as digests); the row keeps the secret.
          const hashed = hashedData(fields.data);
          const hash = chainHash(this.tipHash, hashed === fields.data ? fields : { ...fields, data: hashed });
          this.st.insert.run(fields.seq, fields.stream, version, fields.type, fields.data, fields.meta, ts, hash);
          this.tipSeq = fields.seq;
          this.tipHash = hash;
          out.push({
            seq: fields.seq,
            stream: request.stream,
            version,
            event: encoded.event,
            ts,
            meta: append.metaObject,
            hash: hash.toString('hex'),
          });
        }
      }
      if (guarded) this.st.release.run();
      for (const [stream, version] of mine) written.set(stream, version);
      return out;
    } catch (err) {
      this.tipSeq = tipSeq;
      this.tipHash = tipHash;
      // Some errors (disk full, I/O) make SQLite abandon the whole
      // transaction; then the group as a whole has failed.
      if (!this.db.inTransaction) throw err;
      if (guarded) {
        this.st.rollbackTo.run();
        this.st.release.run();
      }
      if (isConstraintViolation(err) && !retried) {
        // Only a writer outside this process can collide on seq or
        // (stream, version): our tip and version cache are stale. Re-read
        // them inside this transaction and try once more, so the version
        // check decides and the hash chain continues from the real tip.
        this.loadTip();
        for (const request of append.requests) this.versions.delete(request.stream);
        return this.writeOne(append, ts, written, true);
      }
      return LogWriteError.from(err);
    }
  }

  async readStream(stream: string, afterVersion = 0): Promise<StoredEvent[]> {
    return (this.st.readStream.all(stream, afterVersion) as RawEventRow[]).map(rawRowToStoredEvent);
  }

  async readAll(afterSeq: number, limit?: number): Promise<StoredEvent[]> {
    return this.readAllNow(afterSeq, limit);
  }

  /** readAll without the promise, for follow() and benches that page through the file. */
  readAllNow(afterSeq: number, limit?: number): StoredEvent[] {
    return (this.st.readAll.all(afterSeq, limit ?? -1) as RawEventRow[]).map(rawRowToStoredEvent);
  }

  follow(afterSeq: number): Observable<StoredEvent> {
    return followLog(
      {
        readAll: async (after, limit) => this.readAllNow(after, limit),
        isClosed: () => this.closed,
        committed$: this.committed$,
      },
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

  async eventAt(seq: number): Promise<{ stream: string; hash: string } | undefined> {
    return this.st.eventAt.get(seq) as { stream: string; hash: string } | undefined;
  }

  async streamVersionsAt(seq: number): Promise<Map<string, number>> {
    return new Map(this.st.streamVersionsAt.all(seq) as [string, number][]);
  }

  async streamVersion(stream: string): Promise<number> {
    return this.cachedVersion(stream);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.saveSnapshots([snapshot]);
  }

  /**
   * A checkpoint: many snapshots in one transaction (one fsync instead of one
   * per entity). All or nothing; on a full disk it throws a LogWriteError and
   * the previous checkpoint stays as it was.
   */
  async saveSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    try {
      this.db.transaction(() => {
        for (const s of snapshots) this.st.saveSnapshot.run(s.stream, s.version, JSON.stringify(s.state));
      })();
    } catch (err) {
      throw LogWriteError.from(err);
    }
  }

  async listSnapshots(): Promise<Snapshot[]> {
    return (this.st.listSnapshots.all() as [string, number, string][]).map(([stream, version, state]) => ({ stream, version, state: JSON.parse(state) }));
  }

  /**
   * Streams the log after `from` for a start-up fold, verifying the hash
   * chain as it goes (one pass instead of a read for the fold and another
   * for the check). A break throws ChainBreakError before its page is
   * handed out. Pages are read by seq range, so no statement stays open
   * between them.
   */
  async *replay(from: LogPosition): AsyncIterable<readonly ReplayedEvent[]> {
    const chain = new ChainFollower(from.seq > 0 ? { seq: from.seq, hash: Buffer.from(from.hash, 'hex') } : GENESIS);
    for (let after = from.seq; ; ) {
      const rows = this.st.replay.all(after, REPLAY_PAGE) as RawEventRow[];
      if (rows.length === 0) return;
      yield replayPage(chain, rows);
      after = rows[rows.length - 1]![0];
    }
  }

  async loadSnapshot<S>(stream: string): Promise<Snapshot<S> | undefined> {
    const row = this.st.loadSnapshot.get(stream) as { stream: string; version: number; state: string } | undefined;
    if (!row) return undefined;
    return { stream: row.stream, version: row.version, state: JSON.parse(row.state) as S };
  }

  async verify(from?: LogPosition): Promise<ChainVerdict> {
    const start = from && from.seq > 0 ? { seq: from.seq, hash: Buffer.from(from.hash, 'hex') } : GENESIS;
    const rows = this.st.walk.iterate(start.seq) as IterableIterator<EventRow>;
    return verifyChain(withHashedData(rows), this.tipSeq, start);
  }

  async deleteSnapshots(): Promise<void> {
    this.st.deleteSnapshots.run();
  }

  stats(): EventLogStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  /** close() for callers that cannot wait (a process exit handler): SQLite closes synchronously. */
  closeNow(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.committedSubject.complete();
    this.db.close();
  }

  private cachedVersion(stream: string): number {
    let version = this.versions.get(stream);
    if (version === undefined) {
      version = this.dbVersion(stream);
      this.versions.set(stream, version);
    }
    return version;
  }

  private dbVersion(stream: string): number {
    return (this.st.streamVersion.get(stream) as number | null) ?? 0;
  }

  private loadTip(): void {
    const tip = this.st.last.get() as { seq: number; hash: Buffer } | undefined;
    this.tipSeq = tip?.seq ?? 0;
    this.tipHash = tip?.hash ?? GENESIS_HASH;
  }
}

function isConstraintViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Rows per replay page: big enough that the per-page await costs nothing. */
const REPLAY_PAGE = 2000;

function* withHashedData(rows: Iterable<EventRow>): Iterable<EventRow> {
  for (const r of rows) yield { ...r, data: hashedData(r.data) };
}
