import type { VnetCreated, VnetTypeValue } from '../../events/vnet-events.ts';
import { LeaseBook, type LeaseBookJson } from './lease-book.ts';

/** A network as folded from its stream. `null` is the stream before `VnetCreated`. */
export interface VnetState {
  readonly id: number;
  readonly uid: number;
  readonly name: string;
  readonly type: VnetTypeValue;
  readonly bridge: string;
  readonly public: boolean;
  readonly template: unknown;
  readonly macPrefix: number;
  readonly range?: { readonly base: number; readonly size: number };
  /** Owned by the state: evolve updates it in place (see lease-book.ts). */
  readonly leases: LeaseBook;
  readonly deleted: boolean;
}

export type VnetStreamState = VnetState | null;

/** The JSON a snapshot holds: a VnetState whose lease book went through toJSON. */
export type VnetStateJson = Omit<VnetState, 'leases'> & { readonly leases: LeaseBookJson };

export function vnetFromCreated(e: VnetCreated): VnetState {
  const leases =
    e.netType === 0
      ? new LeaseBook({ kind: 'ranged', base: e.range!.base, size: e.range!.size, macPrefix: e.macPrefix })
      : new LeaseBook({ kind: 'fixed', leases: e.fixedLeases ?? [] });
  return {
    id: e.nid,
    uid: e.uid,
    name: e.name,
    type: e.netType,
    bridge: e.bridge,
    public: e.public,
    template: e.template,
    macPrefix: e.macPrefix,
    ...(e.range ? { range: { base: e.range.base, size: e.range.size } } : {}),
    leases,
    deleted: false,
  };
}

/**
 * Revived books by the snapshot JSON they came from. Until its next event an
 * actor keeps the raw JSON as its state, and every read would otherwise
 * rebuild the book (a few ms for a full /16). Weak, so it never outlives the JSON.
 */
const revived = new WeakMap<object, VnetState>();

/**
 * A state restored from a snapshot arrives as plain JSON; give it a live
 * lease book again. A live state is returned as is.
 */
export function reviveVnetState(state: VnetState | VnetStateJson | null | undefined): VnetStreamState {
  if (state === null || state === undefined) return null;
  if (state.leases instanceof LeaseBook) return state as VnetState;
  const known = revived.get(state);
  if (known) return known;
  const live: VnetState = { ...state, leases: LeaseBook.fromJSON(state.leases as LeaseBookJson) };
  revived.set(state, live);
  return live;
}

/** Snapshot form; `JSON.stringify(state)` gives the same thanks to LeaseBook.toJSON. */
export function vnetStateToJson(state: VnetState): VnetStateJson {
  return { ...state, leases: state.leases.toJSON() };
}
