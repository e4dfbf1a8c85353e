import type { DomainError } from '../events/domain-error.ts';
import type { DomainEvent } from '../events/envelope.ts';

/**
 * The decider contract every entity follows (Emmett-style). Pure: no I/O,
 * no clock. Time and ids arrive inside commands and events.
 *
 *   decide(state, command) -> events | rejection
 *   evolve(state, event)   -> state
 *   effects(before, event, after) -> what to do once the event is committed
 */
export type Decision<E extends DomainEvent> =
  | { readonly ok: true; readonly events: readonly E[] }
  | { readonly ok: false; readonly error: DomainError };

export interface Decider<State, Command, E extends DomainEvent, Effect> {
  /** State of a stream that has no events yet. */
  readonly initialState: State;
  decide(state: State, command: Command): Decision<E>;
  evolve(state: State, event: E): State;
  /** Side effects an event asks for, run by the actor only after commit. */
  effects(before: State, event: E, after: State): readonly Effect[];
  /**
   * Effects that bring an entity found in a transient state after a restart
   * back in step with the drivers (re-poll or re-issue). Empty when stable.
   */
  reconcile(state: State): readonly Effect[];
}

export const accept = <E extends DomainEvent>(...events: E[]): Decision<E> => ({ ok: true, events });
export const reject = <E extends DomainEvent>(error: DomainError): Decision<E> => ({ ok: false, error });
