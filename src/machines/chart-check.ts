/**
 * The XState charts as a live check on the hand-written deciders. The fold
 * (evolve) stays the fast path for replay and rebuild; for a live decision
 * the events `decide` returns must also be transitions the chart allows from
 * the entity's current state, and the chart must end where the fold ends.
 * Pure: a disagreement comes back as data, the runtime decides what to log.
 *
 * Cheap by design: the chart's snapshot is resolved from the fold's current
 * state (memoised per state value, the charts have no context), then moved
 * by the machine's own `transition` (XState's macrostep); no history is
 * replayed. XState's exported `transition()` builds a throw-away actor on
 * every call (~35 µs); the charts have no actions, children or context, so
 * one inert scope per chart serves every check. XState selects the
 * transitions for every check (guards included); since the charts have no
 * context or actions, the state that a selection leads to depends only on
 * the source state and the transitions selected, so that part of XState's
 * macrostep is computed once per pair and reused.
 */
import { createActor } from 'xstate';
import type { AnyActorScope, AnyStateMachine, EventObject, SnapshotFrom, StateValue } from 'xstate';
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

/** What `transition()` builds per call (xstate's createInertActorScope), built once per chart. */
const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();
function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const nothing = () => {};
    scope = { self, system: self.system, id: '', sessionId: '', defer: nothing, logger: nothing, stopChild: nothing, emit: nothing, actionExecutor: nothing };
    scopes.set(machine, scope);
  }
  return scope;
}

/** A chart snapshot with its path, so that a check compares strings and builds no objects. */
interface Position {
  readonly snapshot: SnapshotFrom<AnyStateMachine>;
  readonly path: string;
}

/** Per chart: resolved states by path (null: not a state of the chart), and where a selection of transitions leads. */
const memos = new WeakMap<AnyStateMachine, { at: Map<string, Position | null>; steps: Map<string, Position> }>();
function memoOf(machine: AnyStateMachine) {
  let memo = memos.get(machine);
  if (!memo) memos.set(machine, (memo = { at: new Map(), steps: new Map() }));
  return memo;
}

/** The chart position at a state path; null when the chart does not declare that state. */
function positionAt(machine: AnyStateMachine, value: StateValue, path: string): Position | null {
  const { at } = memoOf(machine);
  let position = at.get(path);
  if (position === undefined) {
    try {
      position = { snapshot: machine.resolveState({ value, context: undefined }), path };
    } catch {
      position = null; // the fold holds a state the chart does not declare
    }
    at.set(path, position);
  }
  return position;
}

/** Stable small ids for XState's transition definitions (created once per chart), for memo keys. */
const transitionIds = new WeakMap<object, number>();
let lastTransitionId = 0;
const idOf = (transition: object): number => {
  let id = transitionIds.get(transition);
  if (id === undefined) transitionIds.set(transition, (id = ++lastTransitionId));
  return id;
};

/** The chart's position after `event`, or null when the chart allows no such transition. */
function chartStep(machine: AnyStateMachine, from: Position, event: EventObject): Position | null {
  // What snapshot.can() asks: a selected transition that goes somewhere.
  const selected = machine.getTransitionData(from.snapshot, event);
  if (!selected.some((t) => t.target !== undefined || t.actions.length > 0)) return null;
  const { steps } = memoOf(machine);
  const key = `${from.path} ${selected.map(idOf).join('+')}`;
  let next = steps.get(key);
  if (!next) {
    const snapshot = machine.transition(from.snapshot, event, inertScope(machine));
    next = { snapshot, path: statePath(snapshot.value) };
    steps.set(key, next);
  }
  return next;
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
  const value = model.valueOf(state);
  let chart = positionAt(model.machine, value, statePath(value));
  for (const event of events) {
    const before = fold;
    fold = evolve(fold, event);
    const foldPath = statePath(model.valueOf(fold));
    const next = chart && chartStep(model.machine, chart, event);
    if (!next || next.path !== foldPath) {
      const from = chart ? chart.path : `(no chart state ${statePath(model.valueOf(before))})`;
      return { entity: model.entity, id: model.idOf(fold), event: event.type, chart: next ? next.path : from, fold: foldPath, allowed: next !== null };
    }
    chart = next;
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
