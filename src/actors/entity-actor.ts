import type { DomainEvent } from '../events/envelope.ts';
import type { Decider } from '../machines/decider.ts';
import { Mailbox } from './mailbox.ts';

/**
 * One entity (a VM, a host, a network, a user) living in memory: its folded
 * state, the stream version that state reflects, and the mailbox that
 * serialises everything done to it. The actor never writes to the log itself;
 * the runtime appends and then calls `applyCommitted`, which keeps the rule
 * "evolve only what is committed" in one place.
 */
export class EntityActor<S, C, E extends DomainEvent, F> {
  readonly mailbox = new Mailbox();
  /**
   * The stream version that the stored snapshot of this entity holds (0: no
   * snapshot). An actor whose version differs must be written at the next
   * checkpoint, however it got its events: live commits and start-up folds
   * alike. Deriving this instead of keeping a "dirty" flag is what keeps a
   * checkpoint from claiming a log position it does not cover.
   */
  snapshotVersion = 0;

  constructor(
    readonly stream: string,
    readonly decider: Decider<S, C, E, F>,
    public state: S,
    public version: number,
  ) {}

  /** Folds committed events into the state and returns the effects they ask for. */
  applyCommitted(events: readonly E[]): F[] {
    const effects: F[] = [];
    for (const event of events) {
      const before = this.state;
      this.state = this.decider.evolve(before, event);
      effects.push(...this.decider.effects(before, event, this.state));
    }
    this.version += events.length;
    return effects;
  }

  /** Events this actor holds that its stored snapshot lacks. */
  get sinceSnapshot(): number {
    return this.version - this.snapshotVersion;
  }

  /** Folds one stored event during rehydration: no effects, nothing to run. */
  replayOne(event: E): void {
    this.state = this.decider.evolve(this.state, event);
    this.version++;
  }
}
