/**
 * The XState charts as a live check on the hand-written deciders. The fold
 * (evolve) stays the fast path for replay and rebuild; for a live decision
 * the events `decide` returns must also be transitions the chart allows from
 * the entity's current state, and the chart must end where the fold ends.
 * Pure: a disagreement comes back as data, the runtime decides what to log.
 *
 * Cheap by design: the chart's snapshot is resolved from the fold's current
 * state (memoised per state value, the charts have no context), then moved
 * with XState's pure `transition()`; no history is replayed.
 */
import { transition } from 'xstate';
import type { AnyStateMachine, EventObject, SnapshotFrom, StateValue } from 'xstate';
import { hostMachine, hostStateValue } from './host/host-machine.ts';
import type { HostMachineState } from './host/host-types.ts';
import { vmMachine, vmStateValue } from './vm/vm-machine.ts';
import type { VmState } from './vm/vm-types.ts';

/** What the chart models of a fold state, and which chart models it. */
export interface ChartModel<S> {
  /** 'VM' or 'host': names the entity in messages. */
  readonly entity: string;
  readonly machine: AnyStateMachine;
  /** The chart state value the fold state stands for. */
  valueOf(state: S): StateValue;
  /** The entity's id, -1 before allocation. */
  idOf(state: S): number;
}

/** Why a live decision was refused, with both states named as chart paths (`ACTIVE.PROLOG`). */
export interface ChartDisagreement {
  readonly entity: string;
  readonly id: number;
  /** The event the two definitions disagree on. */
  readonly event: string;
  /** Where the chart stands: the state it refuses the event from, or the state the event took it to. */
  readonly chart: string;
  /** Where the fold stands after the event. */
  readonly fold: string;
  /** false: the chart has no such transition; true: it has one, to another state than the fold's. */
  readonly allowed: boolean;
}

/** `{ ACTIVE: 'PROLOG' }` → `ACTIVE.PROLOG`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value).map(([k, v]) => (v === undefined ? k : `${k}.${statePath(v)}`)).join(',');
}

const resolved = new WeakMap<AnyStateMachine, Map<string, SnapshotFrom<AnyStateMachine> | null>>();

/** The chart snapshot at a state value; null when the chart has no such state. */
function snapshotAt(machine: AnyStateMachine, value: StateValue): SnapshotFrom<AnyStateMachine> | null {
  let cache = resolved.get(machine);
  if (!cache) resolved.set(machine, (cache = new Map()));
  const key = statePath(value);
  let snapshot = cache.get(key);
  if (snapshot === undefined) {
    try {
      snapshot = machine.resolveState({ value, context: undefined });
    } catch {
      snapshot = null; // the fold holds a state the chart does not declare
    }
    cache.set(key, snapshot);
  }
  return snapshot;
}

/**
 * Checks the events of one decision, event by event, against the chart:
 * undefined when the chart allows each one and ends in the fold's state.
 */
export function checkAgainstChart<S, E extends EventObject>(
  model: ChartModel<S>,
  evolve: (state: S, event: E) => S,
  state: S,
  events: readonly E[],
): ChartDisagreement | undefined {
  let fold = state;
  let chart = snapshotAt(model.machine, model.valueOf(state));
  for (const event of events) {
    const from = chart ? statePath(chart.value) : `(no chart state ${statePath(model.valueOf(fold))})`;
    fold = evolve(fold, event);
    const foldPath = statePath(model.valueOf(fold));
    const disagree = (chartPath: string, allowed: boolean): ChartDisagreement =>
      ({ entity: model.entity, id: model.idOf(fold), event: event.type, chart: chartPath, fold: foldPath, allowed });
    if (!chart || !chart.can(event)) return disagree(from, false);
    chart = transition(model.machine, chart, event)[0];
    const to = statePath(chart.value);
    if (to !== foldPath) return disagree(to, true);
  }
  return undefined;
}

/** One line that names both states, for oned.log and the caller's error. */
export function describeDisagreement(d: ChartDisagreement): string {
  const who = d.id >= 0 ? `${d.entity} ${d.id}` : `new ${d.entity}`;
  const chart = d.allowed ? `the chart goes to ${d.chart}` : `the chart allows no ${d.event} from ${d.chart}`;
  return `${who}: life-cycle chart and fold disagree on ${d.event}: ${chart}, the fold goes to ${d.fold}`;
}

/** The VM chart models the DM state with the LCM state nested in ACTIVE. */
export const vmChart: ChartModel<VmState> = {
  entity: 'VM',
  machine: vmMachine,
  valueOf: (vm) => vmStateValue(vm.state, vm.lcm),
  idOf: (vm) => vm.id,
};

/** The host chart models the host state, plus NEW before allocation and DELETED after. */
export const hostChart: ChartModel<HostMachineState> = {
  entity: 'host',
  machine: hostMachine,
  valueOf: hostStateValue,
  idOf: (host) => host.id,
};
