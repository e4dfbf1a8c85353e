import type { DomainError } from '../events/domain-error.ts';
import type { DomainEvent, EventMeta, StoredEvent, StreamKind } from '../events/envelope.ts';
import { parseStream, streams } from '../events/envelope.ts';
import type { Decider } from '../machines/decider.ts';
import { EntityActor } from './entity-actor.ts';
import { runExclusive } from './mailbox.ts';
import type { AppendRequest, EventLog, LogPosition, ReplayedEvent, Snapshot } from './ports.ts';
import { checkCheckpoint, verifiedReplay } from './startup-integrity.ts';

// The runtime treats every decider alike; the concrete types live with each kind.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDecider = Decider<any, any, DomainEvent, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActor = EntityActor<any, any, DomainEvent, any>;

export type Outcome<T = readonly StoredEvent[]> = { ok: true; value: T } | { ok: false; error: DomainError };

/** What a multi-entity transaction decides: events per stream, or a rejection. */
export type Plan = { ok: true; events: ReadonlyMap<string, readonly DomainEvent[]> } | { ok: false; error: DomainError };

/** Called after commit with the effects each touched entity asked for. */
export type EffectSink = (stream: string, effects: readonly unknown[], actor: AnyActor) => void;

const CHECKPOINT_STREAM = '$checkpoint';
/** checkpoint()'s answer when a commit is still on its way to its actors: try again a tick later. */
export const CHECKPOINT_PUT_OFF = -1;
/** checkpoint()'s answer when the snapshots could not be written (reported to the listener). */
export const CHECKPOINT_FAILED = -2;

/** Who hears of checkpoints: the position each one covers (oned records it in var/one.head), and failures. */
export interface CheckpointListener {
  written(position: LogPosition): void;
  failed(error: unknown): void;
}

/**
 * All entity actors of one oned, keyed by stream. It owns the only path from a
 * decision to the log: lock the entities' mailboxes, decide, append (one
 * atomic, group-committed request), evolve, then hand the effects out.
 */
export class ActorSystem {
  private readonly actors = new Map<string, AnyActor>();
  private readonly byKind = new Map<StreamKind, Map<number, AnyActor>>();
  private readonly lastIds = new Map<StreamKind, number>();
  /** The highest id of each kind in the log (deleted entities included). */
  private readonly committedIds = new Map<StreamKind, number>();
  /** Ids held by allocations still running, per kind. */
  private readonly reservedIds = new Map<StreamKind, Set<number>>();
  /** Forgotten (deleted) entities whose stored snapshot still predates the deletion. */
  private readonly retired = new Set<AnyActor>();
  /**
   * How far the log is applied to the actors: the tip at start-up plus every
   * event applied since. Equal to the log's tip except in the instant
   * between a commit and its application, when no checkpoint may be taken.
   */
  private appliedThrough: number;

  /** Set on a standby front-end: every write is refused with this error (naming the leader). */
  private writeGate: (() => DomainError) | undefined;
  private checkpointScheduled = false;
  /** The checkpoint being written, if any: one at a time. */
  private checkpointing: Promise<number> | undefined;
  private closed = false;

  /**
   * `snapshotEvery`: once an entity has taken this many events since its last
   * snapshot, a checkpoint is written at the end of the tick (SNAPSHOT_INTERVAL).
   * `checkpoints` hears of every checkpoint written, and of failed ones.
   */
  constructor(
    private readonly log: EventLog,
    private readonly deciders: Readonly<Record<StreamKind, AnyDecider>>,
    private readonly sink: EffectSink = () => {},
    private readonly snapshotEvery = Infinity,
    private readonly checkpoints: CheckpointListener = { written: () => {}, failed: () => {} },
  ) {
    for (const kind of Object.keys(deciders) as StreamKind[]) this.byKind.set(kind, new Map());
    this.appliedThrough = log.lastSeq();
  }

  // ---- reads -------------------------------------------------------------

  get(kind: StreamKind, id: number): AnyActor | undefined {
    return this.byKind.get(kind)?.get(id);
  }

  /** Every actor of a kind, in id order. */
  all(kind: StreamKind): AnyActor[] {
    return [...this.byKind.get(kind)!.entries()].sort((a, b) => a[0] - b[0]).map(([, a]) => a);
  }

  count(kind: StreamKind): number {
    return this.byKind.get(kind)!.size;
  }

  /**
   * Runs an allocation under the next id of a kind (last id + 1, as 1.4
   * does). The id is reserved at once, so concurrent allocations differ, and
   * handed back when the allocation fails (rejected, or thrown because the
   * log could not be written), so a failed allocation burns no id and the
   * live ids stay those a replay of the log would give. Concurrent
   * allocations that fail together (a full disk) hand all of theirs back.
   */
  async withNextId<T extends { readonly ok: boolean }>(kind: StreamKind, allocate: (id: number) => Promise<T>): Promise<T> {
    const id = this.nextId(kind);
    this.lastIds.set(kind, id);
    const reserved = this.reservedIds.get(kind) ?? new Set<number>();
    this.reservedIds.set(kind, reserved.add(id));
    let result: T | undefined;
    try {
      result = await allocate(id);
      return result;
    } finally {
      reserved.delete(id);
      if (!result?.ok) this.lastIds.set(kind, Math.max(this.committedIds.get(kind) ?? -1, ...reserved));
    }
  }

  /** The id the next allocation of a kind would get. */
  nextId(kind: StreamKind): number {
    return (this.lastIds.get(kind) ?? -1) + 1;
  }

  /** The decider of a kind, applied to a state (the initial one when undefined). For multi-entity plans. */
  decide(kind: StreamKind, state: unknown, command: unknown) {
    const decider = this.deciders[kind];
    return decider.decide(state ?? decider.initialState, command);
  }

  /** Folds events onto a state without committing anything: "what would this lead to?" */
  fold(kind: StreamKind, state: unknown, events: readonly DomainEvent[]): unknown {
    return events.reduce((s, e) => this.deciders[kind].evolve(s, e), state);
  }

  // ---- writes ------------------------------------------------------------

  /** Runs one command against one entity (which may not exist yet, for allocations). */
  execute(kind: StreamKind, id: number, command: unknown, meta: EventMeta = {}): Promise<Outcome> {
    const stream = streams[kind](id);
    return this.transact([stream], (states) => {
      const decision = this.deciders[kind].decide(states.get(stream), command);
      return decision.ok ? { ok: true, events: new Map([[stream, decision.events]]) } : decision;
    }, meta);
  }

  /**
   * Decides and commits across several entities atomically. `plan` sees the
   * current state of every named stream (the decider's initial state for a
   * stream that does not exist yet) while all of their mailboxes are held.
   */
  transact(
    streamNames: readonly string[],
    plan: (states: ReadonlyMap<string, unknown>) => Plan,
    meta: EventMeta = {},
  ): Promise<Outcome> {
    if (this.writeGate) return Promise.resolve({ ok: false, error: this.writeGate() });
    const involved = streamNames.map((s) => this.actorFor(s));
    return runExclusive(
      involved.map((a) => ({ key: a.stream, mailbox: a.mailbox })),
      async (): Promise<Outcome> => {
        try {
          return await this.decideAndCommit(involved, plan, meta);
        } finally {
          // A new entity whose first command was rejected is forgotten again.
          for (const a of involved) if (a.version === 0 && a.mailbox.depth <= 1) this.actors.delete(a.stream);
        }
      },
    );
  }

  private async decideAndCommit(
    involved: readonly AnyActor[],
    plan: (states: ReadonlyMap<string, unknown>) => Plan,
    meta: EventMeta,
  ): Promise<Outcome> {
    const decided = plan(new Map(involved.map((a) => [a.stream, a.state])));
    if (!decided.ok) return decided;
    const requests: AppendRequest[] = [];
    for (const [stream, events] of decided.events) {
      if (events.length === 0) continue;
      const actor = involved.find((a) => a.stream === stream);
      if (!actor) throw new Error(`plan wrote to ${stream}, which it did not lock`);
      requests.push({ stream, expectedVersion: actor.version, events });
    }
    if (requests.length === 0) return { ok: true, value: [] };
    const stored = await this.log.append(requests, meta);
    this.appliedThrough += stored.length;
    for (const request of requests) this.commit(involved.find((a) => a.stream === request.stream)!, request.events);
    return { ok: true, value: stored };
  }

  private commit(actor: AnyActor, events: readonly DomainEvent[]): void {
    this.register(actor);
    const effects = actor.applyCommitted(events);
    if (actor.sinceSnapshot >= this.snapshotEvery) this.scheduleCheckpoint();
    if (effects.length > 0) this.sink(actor.stream, effects, actor);
  }

  /**
   * A checkpoint at the end of the tick, when the appends' promise chains
   * (microtasks) have applied what was committed; tried again a tick later
   * should a commit still be on its way to its actors.
   */
  private scheduleCheckpoint(attempt = 0): void {
    if (this.checkpointScheduled) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      void this.checkpoint().then((written) => {
        this.checkpointScheduled = false;
        if (written !== CHECKPOINT_PUT_OFF) return;
        // A commit reaches its actors within microtasks; one that never does is a bug, not a reason to spin.
        if (attempt < 100) this.scheduleCheckpoint(attempt + 1);
        else this.checkpoints.failed(new Error(`the log's tip (seq ${this.log.lastSeq()}) is not the applied position (${this.appliedThrough})`));
      });
    });
  }

  /** The actor of a stream, or a fresh unregistered one for a new entity. */
  private actorFor(stream: string): AnyActor {
    const existing = this.actors.get(stream);
    if (existing) return existing;
    const parsed = parseStream(stream);
    if (!parsed) throw new Error(`bad stream name ${stream}`);
    // Shared by concurrent callers through `actors`, but listed (byKind) only
    // once its first events commit: a rejected allocation leaves no trace.
    const fresh = new EntityActor(stream, this.deciders[parsed.kind], this.deciders[parsed.kind].initialState, 0);
    this.actors.set(stream, fresh);
    return fresh;
  }

  private register(actor: AnyActor): void {
    const { kind, id } = parseStream(actor.stream)!;
    if (this.byKind.get(kind)!.get(id) === actor) return;
    this.actors.set(actor.stream, actor);
    this.byKind.get(kind)!.set(id, actor);
    if (id > (this.lastIds.get(kind) ?? -1)) this.lastIds.set(kind, id);
    if (id > (this.committedIds.get(kind) ?? -1)) this.committedIds.set(kind, id);
  }

  // ---- standby ----------------------------------------------------------------

  /** The last seq folded into the actors (start-up, commits, followed events). */
  applied(): number {
    return this.appliedThrough;
  }

  /** A standby refuses every write with `refusal()`; `undefined` makes this system writable again (a takeover). */
  refuseWrites(refusal: (() => DomainError) | undefined): void {
    this.writeGate = refusal;
  }

  /**
   * Applies an event another front-end committed (a standby following the
   * leader's log): folded as a replay would, with no effects. Following is
   * idempotent: only an actor's next version is applied.
   */
  applyFollowed(stored: StoredEvent): void {
    this.appliedThrough = Math.max(this.appliedThrough, stored.seq);
    const parsed = parseStream(stored.stream);
    if (!parsed) return;
    const known = this.actors.get(stored.stream);
    // Only the next version applies: an event the actor holds already is skipped, and so is
    // one of a forgotten (deleted) entity, whose history a fresh actor would lack.
    if (stored.version !== (known?.version ?? 0) + 1) return;
    const actor = known ?? this.adopt(stored.stream)!;
    actor.replayOne(stored.event);
    if ((actor.state as { deleted?: boolean } | undefined)?.deleted) this.forget(parsed.kind, parsed.id);
  }

  /** Drops an entity from memory (a deleted host, network or user). Its events stay in the log. */
  forget(kind: StreamKind, id: number): void {
    const actor = this.get(kind, id);
    if (!actor) return;
    if (actor.version !== actor.snapshotVersion) this.retired.add(actor);
    this.actors.delete(actor.stream);
    this.byKind.get(kind)!.delete(id);
  }

  // ---- start-up and snapshots -----------------------------------------------

  /**
   * Rebuilds every actor: from the last checkpoint's snapshots plus the tail
   * of the log when there is one, else by folding the whole log. The
   * checkpoint is checked against the log first, and the hash chain after it
   * is verified as it is folded; any mismatch throws IntegrityError. `rebuild` discards the
   * snapshots and folds (and verifies) the whole log.
   */
  async rehydrate(options: { useSnapshots?: boolean; rebuild?: boolean } = {}): Promise<{ events: number; actors: number }> {
    const { useSnapshots = true, rebuild = false } = options;
    if (rebuild) await this.log.deleteSnapshots();
    const checkpoint = useSnapshots && !rebuild ? await this.loadCheckpoint() : undefined;
    let from: LogPosition = { seq: 0, hash: '' };
    if (checkpoint) {
      const snapshots = (await this.log.listSnapshots()).filter((snap) => parseStream(snap.stream));
      await checkCheckpoint(this.log, checkpoint, new Map(snapshots.map((snap) => [snap.stream, snap.version])));
      for (const snap of snapshots) {
        const kind = parseStream(snap.stream)!.kind;
        const actor = new EntityActor(snap.stream, this.deciders[kind], snap.state, snap.version);
        actor.snapshotVersion = snap.version;
        this.register(actor);
      }
      from = checkpoint;
    }
    let folded = 0;
    let lastFolded = from.seq;
    for await (const page of verifiedReplay(this.log, from)) {
      lastFolded = page.length > 0 ? page[page.length - 1]!.seq : lastFolded;
      for (const stored of page) {
        const actor = this.actors.get(stored.stream) ?? this.adopt(stored.stream);
        if (!actor) continue;
        actor.replayOne(stored.event);
        folded++;
      }
    }
    this.dropDeleted();
    // Past the log's tip when another front-end appended while this one folded (a shared PostgreSQL log).
    this.appliedThrough = Math.max(this.log.lastSeq(), lastFolded);
    return { events: folded, actors: this.actors.size };
  }

  /** The checkpoint record, if a trustworthy one exists (older ones carried no hash and are ignored). */
  private async loadCheckpoint(): Promise<LogPosition | undefined> {
    const record = (await this.log.loadSnapshot<Partial<LogPosition>>(CHECKPOINT_STREAM))?.state;
    return typeof record?.seq === 'number' && typeof record.hash === 'string' ? { seq: record.seq, hash: record.hash } : undefined;
  }

  private adopt(stream: string): AnyActor | undefined {
    if (!parseStream(stream)) return undefined; // not an entity stream
    const actor = this.actorFor(stream);
    this.register(actor);
    return actor;
  }

  /** Entities whose state says they were deleted are not kept in memory (their ids stay used). */
  private dropDeleted(): void {
    for (const actor of [...this.actors.values()]) {
      if ((actor.state as { deleted?: boolean } | undefined)?.deleted) {
        const { kind, id } = parseStream(actor.stream)!;
        this.forget(kind, id);
      }
    }
  }

  /** Takes a last checkpoint; nothing is written after this (the log is about to close). */
  async close(): Promise<void> {
    await this.checkpoint();
    this.closed = true;
  }

  /**
   * Writes a snapshot of every entity whose stored one is behind it, then
   * the checkpoint: the log position those snapshots cover, with its hash.
   * Returns how many snapshots were written. Put off (CHECKPOINT_PUT_OFF)
   * while an append is committed but not yet applied to its actors, since
   * the tip would then claim events that no snapshot holds. A write that
   * fails (a full disk) is reported to the listener and never thrown: the
   * snapshots stay behind and the next checkpoint writes them. One
   * checkpoint runs at a time; a call during one waits for it, then takes
   * its own.
   */
  async checkpoint(): Promise<number> {
    while (this.checkpointing) await this.checkpointing.catch(() => {});
    if (this.closed) return 0;
    this.checkpointing = this.writeCheckpoint();
    try {
      return await this.checkpointing;
    } finally {
      this.checkpointing = undefined;
    }
  }

  private async writeCheckpoint(): Promise<number> {
    const tip = this.log.tip();
    if (tip.seq !== this.appliedThrough) return CHECKPOINT_PUT_OFF;
    const retired = [...this.retired];
    const stale = [...this.actors.values(), ...retired].filter((a) => a.version !== a.snapshotVersion);
    if (stale.length === 0) return 0;
    // Taken now, in this turn: commits that land while the batch is written
    // leave their actors ahead of the snapshot, for the next checkpoint.
    const batch: Snapshot[] = stale.map((a) => ({ stream: a.stream, version: a.version, state: a.state }));
    batch.push({ stream: CHECKPOINT_STREAM, version: 0, state: tip });
    try {
      await this.log.saveSnapshots(batch);
    } catch (error) {
      this.checkpoints.failed(error);
      return CHECKPOINT_FAILED;
    }
    stale.forEach((actor, i) => (actor.snapshotVersion = batch[i]!.version));
    for (const actor of retired) this.retired.delete(actor);
    this.checkpoints.written(tip);
    return stale.length;
  }
}
