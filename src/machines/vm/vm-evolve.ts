/**
 * The VM fold: a plain reducer, because rebuilding 100,000 VMs from the log
 * must be far faster than interpreting a statechart per event. Its (DM, LCM)
 * transitions are checked against the XState table in vm-machine.ts by
 * test/unit/machines/vm/vm-machine-agreement.test.ts.
 */
import type { VmEvent, VmPlacement } from '../../events/vm-events.ts';
import { HistoryReason, LcmState, VmState } from '../state-codes.ts';
import type { LcmStateCode } from '../state-codes.ts';
import type { HistoryRecord, VmState as Vm } from './vm-types.ts';

export const initialVmState: Vm = {
  id: -1,
  uid: -1,
  name: '',
  template: null,
  state: VmState.INIT,
  lcm: LcmState.LCM_INIT,
  stime: 0,
  etime: 0,
  deployId: '',
  history: [],
  heldCapacity: [],
  requirement: { cpu: 0, mem: 0, disk: 0 },
  bootVerb: '',
};

type RecordPatch = Partial<Omit<HistoryRecord, 'seq' | 'hid' | 'hostname' | 'vmDir' | 'vmMad' | 'tmMad'>>;

const newRecord = (p: VmPlacement, times: RecordPatch): HistoryRecord => ({
  seq: p.seq, hid: p.hid, hostname: p.hostname, vmDir: p.vmDir, vmMad: p.vmMad, tmMad: p.tmMad,
  stime: 0, etime: 0, pstime: 0, petime: 0, rstime: 0, retime: 0, estime: 0, eetime: 0,
  reason: HistoryReason.NONE,
  ...times,
});

/** Patches the record `back` places from the end (0 = current, 1 = previous). */
function patchRecord(history: readonly HistoryRecord[], back: number, patch: RecordPatch): readonly HistoryRecord[] {
  const i = history.length - 1 - back;
  if (i < 0) return history;
  const copy = history.slice();
  copy[i] = { ...history[i], ...patch };
  return copy;
}

const currentHid = (vm: Vm): number => vm.history[vm.history.length - 1]?.hid ?? -1;
const previousHid = (vm: Vm): number => vm.history[vm.history.length - 2]?.hid ?? -1;

/** HostShare.add on `hid`. */
function addCapacity(vm: Vm, hid: number): Vm {
  const { cpu, mem, disk } = vm.requirement;
  return { ...vm, heldCapacity: [...vm.heldCapacity, { hid, cpu, mem, disk }] };
}

/** HostShare.del on `hid`: drops one holding on that host (none held → no-op). */
function delCapacity(vm: Vm, hid: number): Vm {
  const i = vm.heldCapacity.findIndex((h) => h.hid === hid);
  if (i < 0) return vm;
  return { ...vm, heldCapacity: vm.heldCapacity.filter((_, j) => j !== i) };
}

const current = (vm: Vm, patch: RecordPatch): Vm => ({ ...vm, history: patchRecord(vm.history, 0, patch) });
const previous = (vm: Vm, patch: RecordPatch): Vm => ({ ...vm, history: patchRecord(vm.history, 1, patch) });
const lcm = (vm: Vm, to: LcmStateCode): Vm => ({ ...vm, lcm: to });

/** Per-state bookkeeping of LifeCycleManager::delete_action (spec §2.5). */
function cleanUp(vm: Vm, now: number): Vm {
  const was = vm.lcm;
  let next = delCapacity(current(vm, { etime: now, reason: HistoryReason.USER }), currentHid(vm));
  switch (was) {
    case LcmState.PROLOG:
    case LcmState.PROLOG_RESUME:
    case LcmState.PROLOG_MIGRATE:
      next = current(next, { petime: now });
      break;
    case LcmState.MIGRATE:
    case LcmState.SAVE_MIGRATE:
      next = current(next, { retime: now });
      next = previous(next, { etime: now, retime: now, reason: HistoryReason.USER });
      next = delCapacity(next, previousHid(vm));
      break;
    case LcmState.EPILOG:
    case LcmState.EPILOG_STOP:
      next = current(next, { eetime: now });
      break;
    default: // BOOT, RUNNING, UNKNOWN, SHUTDOWN, CANCEL, SAVE_STOP, SAVE_SUSPEND
      next = current(next, { retime: now });
  }
  return lcm(next, LcmState.DELETE);
}

/** Sets or ('' ) drops SCHED_MESSAGE; the key is absent when there is none. */
function withSchedMessage(vm: Vm, message: string): Vm {
  const { schedMessage: _dropped, ...rest } = vm;
  return message === '' ? rest : { ...rest, schedMessage: message };
}

/**
 * SCHED_MESSAGE says why a VM waits in PENDING, so the event that takes the
 * VM out of PENDING drops it: VmDeployed when the scheduler (or a user)
 * places it, and likewise VmHeld and VmFinalized. No event of its own is
 * needed, and a VM that comes back to PENDING starts without a stale reason.
 */
export function evolveVm(vm: Vm, event: VmEvent): Vm {
  const next = evolveStep(vm, event);
  return next.schedMessage !== undefined && next.state !== VmState.PENDING ? withSchedMessage(next, '') : next;
}

function evolveStep(vm: Vm, event: VmEvent): Vm {
  const now = event.now;
  switch (event.type) {
    case 'VmAllocated':
      return {
        ...initialVmState,
        id: event.vid, uid: event.uid, name: event.name, template: event.template,
        requirement: { ...event.requirement }, state: VmState.PENDING, stime: now,
      };
    case 'VmDeployed': {
      const placed = { ...vm, state: VmState.ACTIVE, lcm: event.resume ? LcmState.PROLOG_RESUME : LcmState.PROLOG,
        history: [...vm.history, newRecord(event, { stime: now, pstime: now })] };
      return addCapacity(placed, event.hid);
    }
    case 'VmMigrationStarted': {
      const placed = { ...vm, lcm: event.live ? LcmState.MIGRATE : LcmState.SAVE_MIGRATE,
        history: [...vm.history, newRecord(event, { stime: now })] };
      return addCapacity(placed, event.hid);
    }
    case 'VmShutdownRequested': return lcm(vm, LcmState.SHUTDOWN);
    case 'VmCancelRequested': return lcm(vm, LcmState.CANCEL);
    case 'VmStopRequested': return lcm(vm, LcmState.SAVE_STOP);
    case 'VmSuspendRequested': return lcm(vm, LcmState.SAVE_SUSPEND);
    case 'VmHeld': return { ...vm, state: VmState.HOLD };
    case 'VmSchedMessageSet': return withSchedMessage(vm, event.message);
    case 'VmReleased':
    case 'VmResumedToPending':
    case 'VmResubmitted':
      return { ...vm, state: VmState.PENDING, lcm: LcmState.LCM_INIT };
    case 'VmRestoreStarted': {
      const placed = { ...vm, state: VmState.ACTIVE, lcm: LcmState.BOOT, bootVerb: 'RESTORE' as const,
        history: [...vm.history, newRecord(event, { stime: now, rstime: now })] };
      return addCapacity(placed, event.hid);
    }
    case 'VmRestarted': return { ...vm, lcm: LcmState.BOOT, bootVerb: 'DEPLOY' };
    case 'VmFinalized':
      // 1.4 finalize keeps a FAILED VM's end time: failure_action already set it.
      return { ...vm, state: VmState.DONE, lcm: LcmState.LCM_INIT, etime: vm.state === VmState.FAILED ? vm.etime : now };
    case 'VmCleanedUp': return cleanUp(vm, now);
    case 'VmDone': return { ...vm, state: VmState.DONE, lcm: LcmState.LCM_INIT, etime: now };
    case 'VmPrologSucceeded':
      return { ...current(vm, { petime: now, rstime: now }), lcm: LcmState.BOOT,
        bootVerb: vm.lcm === LcmState.PROLOG ? 'DEPLOY' : 'RESTORE' };
    case 'VmPrologFailed': return lcm(current(vm, { petime: now }), LcmState.FAILURE);
    case 'VmBooted': return { ...vm, lcm: LcmState.RUNNING, deployId: event.deployId ?? vm.deployId };
    case 'VmBootFailed': return lcm(current(vm, { retime: now }), LcmState.FAILURE);
    case 'VmMigrated': {
      const moved = previous(current(vm, { rstime: now }), { etime: now, retime: now, reason: HistoryReason.USER });
      return { ...delCapacity(moved, previousHid(vm)), lcm: LcmState.RUNNING, deployId: event.deployId ?? vm.deployId };
    }
    case 'VmMigrationAborted': {
      let back = delCapacity(current(vm, { etime: now, reason: HistoryReason.ERROR }), currentHid(vm));
      back = previous(back, { etime: now, retime: now, reason: HistoryReason.USER });
      return { ...back, lcm: LcmState.RUNNING, history: [...back.history, newRecord(event, { stime: now, rstime: now })] };
    }
    case 'VmShutdownSucceeded': return lcm(current(vm, { estime: now, retime: now }), LcmState.EPILOG);
    case 'VmShutdownFailed':
    case 'VmCancelFailed':
    case 'VmSaveFailed':
    case 'VmFound':
      return lcm(vm, LcmState.RUNNING);
    case 'VmCancelled':
      // Deviation: RETIME is set (2.0 fix); 1.4 left it 0.
      return delCapacity(current(vm, { etime: now, retime: now, reason: HistoryReason.CANCEL }), currentHid(vm));
    case 'VmSavedForMigration': {
      const saved = previous(current(vm, { pstime: now }), { etime: now, retime: now, reason: HistoryReason.USER });
      return lcm(delCapacity(saved, previousHid(vm)), LcmState.PROLOG_MIGRATE);
    }
    case 'VmSavedForStop':
      return lcm(current(vm, { estime: now, retime: now, reason: HistoryReason.STOP_RESUME }), LcmState.EPILOG_STOP);
    case 'VmSuspended': {
      const saved = current(vm, { retime: now, etime: now, reason: HistoryReason.STOP_RESUME });
      return { ...delCapacity(saved, currentHid(vm)), state: VmState.SUSPENDED, lcm: LcmState.LCM_INIT };
    }
    case 'VmStopped': {
      const moved = current(vm, { eetime: now, etime: now });
      return { ...delCapacity(moved, currentHid(vm)), state: VmState.STOPPED, lcm: LcmState.LCM_INIT };
    }
    case 'VmEpilogSucceeded': return delCapacity(current(vm, { eetime: now, etime: now }), currentHid(vm));
    case 'VmEpilogFailed': return lcm(current(vm, { eetime: now }), LcmState.FAILURE);
    case 'VmCrashed': return lcm(current(vm, { retime: now }), LcmState.FAILURE);
    case 'VmLost': return lcm(vm, LcmState.UNKNOWN);
    case 'VmFailed': {
      const closed = current(vm, { etime: now, reason: HistoryReason.ERROR });
      return { ...delCapacity(closed, currentHid(vm)), state: VmState.FAILED, lcm: LcmState.LCM_INIT, etime: now };
    }
    default:
      // An event type this build does not know (a newer writer): keep the state rather than corrupt it.
      return vm;
  }
}
