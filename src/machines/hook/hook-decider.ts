import type { HookEvent, HookRun } from '../../events/hook-events.ts';
import { domainError, ErrorCode } from '../../events/domain-error.ts';
import { accept, reject, type Decider } from '../decider.ts';

/** Runs not finished yet; finished ones only count (the log keeps the details). */
export interface HookState {
  readonly vid: number;
  readonly nextRun: number;
  readonly queued: readonly HookRun[];
  readonly started: readonly HookRun[];
  readonly finished: number;
}

export type HookCommand =
  | { readonly type: 'Queue'; readonly vid: number; readonly runs: readonly Omit<HookRun, 'run'>[] }
  | { readonly type: 'Start'; readonly run: number }
  | { readonly type: 'Finish'; readonly run: number; readonly success: boolean; readonly info: string }
  | { readonly type: 'Interrupt'; readonly run: number };

export type HookEffect = { readonly kind: 'run_hook'; readonly vid: number; readonly hook: HookRun };

const initialState: HookState = { vid: -1, nextRun: 0, queued: [], started: [], finished: 0 };

function decide(state: HookState, command: HookCommand) {
  switch (command.type) {
    case 'Queue':
      if (command.runs.length === 0) return accept<HookEvent>();
      return accept<HookEvent>({
        type: 'HookQueued',
        vid: command.vid,
        runs: command.runs.map((r, i) => ({ ...r, run: state.nextRun + i })),
      });
    case 'Start':
      return state.queued.some((r) => r.run === command.run)
        ? accept<HookEvent>({ type: 'HookStarted', run: command.run })
        : reject<HookEvent>(domainError(ErrorCode.ACTION, `Hook run ${command.run} is not queued`));
    case 'Finish':
      return state.started.some((r) => r.run === command.run)
        ? accept<HookEvent>({ type: 'HookFinished', run: command.run, success: command.success, info: command.info })
        : accept<HookEvent>(); // a late or repeated answer: nothing to record
    case 'Interrupt':
      return state.started.some((r) => r.run === command.run)
        ? accept<HookEvent>({ type: 'HookInterrupted', run: command.run })
        : accept<HookEvent>();
  }
}

function evolve(state: HookState, event: HookEvent): HookState {
  switch (event.type) {
    case 'HookQueued':
      return { ...state, vid: event.vid, nextRun: state.nextRun + event.runs.length, queued: [...state.queued, ...event.runs] };
    case 'HookStarted': {
      const run = state.queued.find((r) => r.run === event.run);
      if (!run) return state;
      return { ...state, queued: state.queued.filter((r) => r !== run), started: [...state.started, run] };
    }
    case 'HookFinished':
    case 'HookInterrupted':
      return { ...state, started: state.started.filter((r) => r.run !== event.run), finished: state.finished + 1 };
  }
}

/**
 * The hook runs of one VM. Queued runs are handed to the hook driver after
 * commit; after a restart, queued runs are run and started ones are left
 * alone (the driver may or may not have run them; running them again could
 * repeat a side effect, so they are reported as interrupted instead).
 */
export const hookDecider: Decider<HookState, HookCommand, HookEvent, HookEffect> = {
  initialState,
  decide,
  evolve,
  effects: (_before, event, after) =>
    event.type === 'HookQueued' ? event.runs.map((hook) => ({ kind: 'run_hook', vid: after.vid, hook })) : [],
  reconcile: (state) => state.queued.map((hook) => ({ kind: 'run_hook', vid: state.vid, hook })),
};

/** Started runs a restart must close as interrupted. */
export const interruptedRuns = (state: HookState): number[] => state.started.map((r) => r.run);
