/**
 * The VM life-cycle as an XState v5 statechart: DM states at the top, LCM
 * states nested in ACTIVE, and the DOMAIN EVENTS as transitions. It is the
 * declared transition table; evolveVm is the fast fold that must agree with
 * it (checked in test/unit/machines/vm/vm-machine-agreement.test.ts), and
 * every live decision is checked against it (../chart-check.ts).
 * The chart carries no context: history, capacity and times live in the fold.
 */
import { setup } from 'xstate';
import type { SnapshotFrom, StateValue } from 'xstate';
import type { VmEvent } from '../../events/vm-events.ts';
import { LcmState, lcmStateName, VmState, vmStateName } from '../state-codes.ts';
import type { LcmStateCode, VmStateCode } from '../state-codes.ts';

const CLEAN_UP = { VmCleanedUp: 'DELETE' } as const;
const PROLOG_STATE = {
  on: { VmPrologSucceeded: 'BOOT', VmPrologFailed: 'FAILURE', ...CLEAN_UP },
} as const;
const SUSPENDED_TARGET = '#vm.SUSPENDED';

export const vmMachine = setup({
  types: { events: {} as VmEvent },
  guards: {
    isResume: ({ event }) => event.type === 'VmDeployed' && event.resume,
    isLive: ({ event }) => event.type === 'VmMigrationStarted' && event.live,
  },
}).createMachine({
  id: 'vm',
  initial: 'INIT',
  states: {
    INIT: { on: { VmAllocated: 'PENDING' } },
    PENDING: {
      on: {
        VmDeployed: [{ guard: 'isResume', target: 'ACTIVE.PROLOG_RESUME' }, { target: 'ACTIVE.PROLOG' }],
        VmHeld: 'HOLD',
        VmFinalized: 'DONE',
        // The scheduler's reason for not placing the VM: it stays PENDING.
        VmSchedMessageSet: { target: 'PENDING' },
      },
    },
    HOLD: { on: { VmReleased: 'PENDING', VmFinalized: 'DONE', VmResubmitted: 'PENDING' } },
    STOPPED: { on: { VmResumedToPending: 'PENDING', VmFinalized: 'DONE', VmResubmitted: 'PENDING' } },
    SUSPENDED: { on: { VmRestoreStarted: 'ACTIVE.BOOT', VmFinalized: 'DONE' } },
    FAILED: { on: { VmFinalized: 'DONE', VmResubmitted: 'PENDING' } },
    DONE: { type: 'final' },
    ACTIVE: {
      initial: 'PROLOG',
      states: {
        PROLOG: PROLOG_STATE,
        PROLOG_RESUME: PROLOG_STATE,
        PROLOG_MIGRATE: PROLOG_STATE,
        BOOT: {
          on: { VmBooted: 'RUNNING', VmBootFailed: 'FAILURE', VmRestarted: { target: 'BOOT', reenter: true }, ...CLEAN_UP },
        },
        RUNNING: {
          on: {
            VmMigrationStarted: [{ guard: 'isLive', target: 'MIGRATE' }, { target: 'SAVE_MIGRATE' }],
            VmShutdownRequested: 'SHUTDOWN',
            VmCancelRequested: 'CANCEL',
            VmStopRequested: 'SAVE_STOP',
            VmSuspendRequested: 'SAVE_SUSPEND',
            VmSuspended: SUSPENDED_TARGET,
            VmCrashed: 'FAILURE',
            VmLost: 'UNKNOWN',
            ...CLEAN_UP,
          },
        },
        UNKNOWN: {
          on: { VmFound: 'RUNNING', VmRestarted: 'BOOT', VmSuspended: SUSPENDED_TARGET, VmCrashed: 'FAILURE', ...CLEAN_UP },
        },
        MIGRATE: { on: { VmMigrated: 'RUNNING', VmMigrationAborted: 'RUNNING', ...CLEAN_UP } },
        SAVE_MIGRATE: { on: { VmSavedForMigration: 'PROLOG_MIGRATE', VmMigrationAborted: 'RUNNING', ...CLEAN_UP } },
        SAVE_STOP: { on: { VmSavedForStop: 'EPILOG_STOP', VmSaveFailed: 'RUNNING', ...CLEAN_UP } },
        SAVE_SUSPEND: { on: { VmSuspended: SUSPENDED_TARGET, VmSaveFailed: 'RUNNING', ...CLEAN_UP } },
        EPILOG_STOP: { on: { VmStopped: '#vm.STOPPED', VmEpilogFailed: 'FAILURE', ...CLEAN_UP } },
        // Success is recorded first; DM DONE follows as its own fact.
        EPILOG: { on: { VmEpilogSucceeded: { target: 'EPILOG' }, VmEpilogFailed: 'FAILURE', VmDone: '#vm.DONE', ...CLEAN_UP } },
        SHUTDOWN: { on: { VmShutdownSucceeded: 'EPILOG', VmShutdownFailed: 'RUNNING', ...CLEAN_UP } },
        CANCEL: { on: { VmCancelled: { target: 'CANCEL' }, VmCancelFailed: 'RUNNING', VmDone: '#vm.DONE', ...CLEAN_UP } },
        FAILURE: { on: { VmFailed: '#vm.FAILED' } },
        DELETE: { on: { VmDone: '#vm.DONE', VmResubmitted: '#vm.PENDING' } },
      },
    },
  },
});

export type VmMachineSnapshot = SnapshotFrom<typeof vmMachine>;

/** (DM, LCM) codes → statechart value, e.g. (3, 1) → `{ ACTIVE: 'PROLOG' }`. */
export function vmStateValue(state: VmStateCode, lcm: LcmStateCode): StateValue {
  const dm = vmStateName[state];
  return state === VmState.ACTIVE ? { [dm]: lcmStateName[lcm] } : dm;
}

/** Statechart value → (DM, LCM) codes. */
export function vmCodesOf(value: StateValue): { state: VmStateCode; lcm: LcmStateCode } {
  if (typeof value === 'string') return { state: VmState[value as keyof typeof VmState], lcm: LcmState.LCM_INIT };
  const [dm, child] = Object.entries(value)[0] as [string, string];
  return { state: VmState[dm as keyof typeof VmState], lcm: LcmState[child as keyof typeof LcmState] };
}
