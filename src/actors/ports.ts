import type { Observable } from 'rxjs';
import type { DomainEvent, EventMeta, StoredEvent } from '../events/envelope.ts';

/** Everything outside the pure core is reached through these ports. */

export interface AppendRequest {
  readonly stream: string;
  /** Version the caller last saw: 0 for a new stream. Mismatch → ConcurrencyError. */
  readonly expectedVersion: number;
  readonly events: readonly DomainEvent[];
}

export { ConcurrencyError } from '../events/concurrency-error.ts';

/** What a start-up fold needs of a stored event. */
export interface ReplayedEvent {
  readonly seq: number;
  readonly stream: string;
  readonly version: number;
  readonly event: DomainEvent;
}

export interface Snapshot<S = unknown> {
  readonly stream: string;
  readonly version: number;
  readonly state: S;
}

/** A point in the log: an event's seq and its chain hash (hex; '' for seq 0, the empty log). */
export interface LogPosition {
  readonly seq: number;
  readonly hash: string;
}

/** A verification's outcome; a break names its seq and, when the row exists, its stream. */
export type ChainVerdict = { ok: true; events: number } | { ok: false; seq: number; stream?: string; reason: string };

/**
 * The event log. Reads that may need the database are asynchronous (a
 * PostgreSQL log answers over the network); the SQLite log resolves them at
 * once. `lastSeq` and `tip` are synchronous: each log keeps its tip in
 * memory, updated at every commit it makes or follows.
 */
export interface EventLog {
  /**
   * Appends to one or more streams atomically (all or nothing). Appends made
   * in the same tick share one durable transaction (group commit). Resolves
   * once committed; rejects with ConcurrencyError on a version mismatch, in
   * which case nothing of this request was written.
   */
  append(requests: readonly AppendRequest[], meta?: EventMeta): Promise<readonly StoredEvent[]>;
  readStream(stream: string, afterVersion?: number): Promise<StoredEvent[]>;
  /** Events with seq > afterSeq, in order, at most `limit`. */
  readAll(afterSeq: number, limit?: number): Promise<StoredEvent[]>;
  /** Catch-up subscription: everything after `afterSeq`, then live commits. */
  follow(afterSeq: number): Observable<StoredEvent>;
  lastSeq(): number;
  /** The last committed event's position. */
  tip(): LogPosition;
  /** The stream and chain hash of the event at `seq`, if there is one. */
  eventAt(seq: number): Promise<{ stream: string; hash: string } | undefined>;
  /** Each stream's version as it stood at `seq` (streams with no event up to `seq` are absent). */
  streamVersionsAt(seq: number): Promise<Map<string, number>>;
  streamVersion(stream: string): Promise<number>;
  /** Several snapshots in one transaction (a checkpoint): all or nothing. */
  saveSnapshots(snapshots: readonly Snapshot[]): Promise<void>;
  loadSnapshot<S>(stream: string): Promise<Snapshot<S> | undefined>;
  /** Every stored snapshot, for a fast start-up. */
  listSnapshots(): Promise<Snapshot[]>;
  /**
   * Streams every event after `from` for a start-up fold, page by page,
   * verifying the hash chain from `from` on as it goes; a break throws
   * ChainBreakError.
   */
  replay(from: LogPosition): AsyncIterable<readonly ReplayedEvent[]>;
  /** Walks the hash chain after `from` (the whole chain by default); the first break, if any. */
  verify(from?: LogPosition): Promise<ChainVerdict>;
  /** Drops every snapshot and checkpoint (`oned --rebuild`). */
  deleteSnapshots(): Promise<void>;
  /** Commits what is queued, then closes. */
  close(): Promise<void>;
}

/** Wall clock, injected so that tests can drive time. Epoch seconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

export type LogLevel = 'E' | 'W' | 'I' | 'D';

export interface Logger {
  log(module: string, level: LogLevel, message: string): void;
  /** The per-VM log, `var/<vid>/vm.log`. */
  vmLog(vid: number, module: string, level: LogLevel, message: string): void;
}

/** A driver's answer to one request (spec §4.3: `VERB RESULT ID INFO…`). */
export interface DriverReply {
  readonly verb: string;
  readonly success: boolean;
  readonly id: number;
  readonly info: string;
}

/**
 * How the runtime reaches driver processes. Every request resolves — with the
 * driver's reply, or with a FAILURE reply on timeout or driver loss — so no
 * entity waits for ever.
 */
export interface DriverGateway {
  /** Is a driver with this MAD name configured and loaded? */
  has(mad: string): boolean;
  request(mad: string, verb: string, id: number, args: readonly string[]): Promise<DriverReply>;
  /** Fire-and-forget lines such as `DRIVER_CANCEL <id>`. */
  notify(mad: string, verb: string, args: readonly string[]): void;
}
