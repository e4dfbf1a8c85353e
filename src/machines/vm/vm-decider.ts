/**
 * The VM decider (stream `vm/<id>`): decide per spec §2.3–2.5/§2.8, evolve
 * as a fast fold that agrees with the XState chart in vm-machine.ts, effects
 * run by the actor only after commit, reconcile after a restart.
 */
import type { Decider } from '../decider.ts';
import type { VmEvent } from '../../events/vm-events.ts';
import { decideVm } from './vm-decide.ts';
import { evolveVm, initialVmState } from './vm-evolve.ts';
import { reconcileVm, vmEffects } from './vm-effects.ts';
import type { VmCommand, VmEffect, VmState } from './vm-types.ts';

export const vmDecider: Decider<VmState, VmCommand, VmEvent, VmEffect> = {
  initialState: initialVmState,
  decide: decideVm,
  evolve: evolveVm,
  effects: vmEffects,
  reconcile: reconcileVm,
};

export { capacityByHost } from './vm-capacity.ts';
export type { HostUsage } from './vm-capacity.ts';
export { isTransient } from './vm-effects.ts';
export type { VmState, VmCommand, VmEffect, HistoryRecord, CapacityHolding, VmAction } from './vm-types.ts';
