/**
 * Driver requests that VM events ask for (spec §2.3–2.5), and the requests
 * that bring a VM found in a transient state after a restart back in step.
 * Built from the state AFTER the event, whose last history record is the
 * current placement.
 */
import type { VmEvent } from '../../events/vm-events.ts';
import { LcmState, VmState } from '../state-codes.ts';
import type { TmAction, VmEffect, VmmAction, VmState as Vm } from './vm-types.ts';

function tm(vm: Vm, action: TmAction, withPrevious = false): VmEffect {
  const cur = vm.history[vm.history.length - 1];
  const prev = vm.history[vm.history.length - 2];
  return {
    kind: 'tm', action, vid: vm.id, seq: cur?.seq ?? 0, hostname: cur?.hostname ?? '',
    ...(withPrevious && prev ? { prevHostname: prev.hostname } : {}),
    vmDir: cur?.vmDir ?? '', tmMad: cur?.tmMad ?? '',
  };
}

function vmm(vm: Vm, action: VmmAction, withPrevious = false): VmEffect {
  const cur = vm.history[vm.history.length - 1];
  const prev = vm.history[vm.history.length - 2];
  return {
    kind: 'vmm', action, vid: vm.id, seq: cur?.seq ?? 0, hostname: cur?.hostname ?? '',
    ...(withPrevious && prev ? { prevHostname: prev.hostname } : {}),
    deployId: vm.deployId, vmDir: cur?.vmDir ?? '', vmMad: cur?.vmMad ?? '',
  };
}

function driverCancel(vm: Vm, driver: 'vmm' | 'tm'): VmEffect {
  const cur = vm.history[vm.history.length - 1];
  return { kind: 'driver_cancel', driver, vid: vm.id, mad: (driver === 'vmm' ? cur?.vmMad : cur?.tmMad) ?? '' };
}

/** Cleanup requests of LifeCycleManager::delete_action, by the LCM state left. */
function cleanUpEffects(was: number, vm: Vm): VmEffect[] {
  switch (was) {
    case LcmState.PROLOG:
    case LcmState.PROLOG_RESUME:
    case LcmState.EPILOG:
    case LcmState.EPILOG_STOP:
      return [driverCancel(vm, 'tm'), tm(vm, 'EPILOG_DELETE')];
    case LcmState.PROLOG_MIGRATE:
      return [driverCancel(vm, 'tm'), tm(vm, 'EPILOG_DELETE'), tm(vm, 'EPILOG_DELETE_PREVIOUS', true)];
    case LcmState.MIGRATE:
      return [driverCancel(vm, 'vmm'), vmm(vm, 'CANCEL'), vmm(vm, 'CANCEL_PREVIOUS', true), tm(vm, 'EPILOG_DELETE')];
    case LcmState.SAVE_MIGRATE:
      return [driverCancel(vm, 'vmm'), vmm(vm, 'CANCEL_PREVIOUS', true), tm(vm, 'EPILOG_DELETE_PREVIOUS', true)];
    default: // BOOT, RUNNING, UNKNOWN, SHUTDOWN, CANCEL, SAVE_STOP, SAVE_SUSPEND
      return [driverCancel(vm, 'vmm'), vmm(vm, 'CANCEL'), tm(vm, 'EPILOG_DELETE')];
  }
}

function requests(before: Vm, event: VmEvent, after: Vm): VmEffect[] {
  switch (event.type) {
    case 'VmDeployed': return [tm(after, event.resume ? 'PROLOG_RESUME' : 'PROLOG')];
    case 'VmMigrationStarted': return [vmm(after, event.live ? 'MIGRATE' : 'SAVE', true)];
    case 'VmShutdownRequested': return [vmm(after, 'SHUTDOWN')];
    case 'VmCancelRequested': return [vmm(after, 'CANCEL')];
    case 'VmStopRequested':
    case 'VmSuspendRequested':
      return [vmm(after, 'SAVE')];
    case 'VmRestoreStarted': return [vmm(after, 'RESTORE')];
    case 'VmRestarted': return [vmm(after, 'DEPLOY')];
    case 'VmFinalized': return before.state === VmState.SUSPENDED ? [tm(after, 'EPILOG_DELETE')] : [];
    case 'VmCleanedUp': return cleanUpEffects(before.lcm, after);
    case 'VmPrologSucceeded': return [vmm(after, before.lcm === LcmState.PROLOG ? 'DEPLOY' : 'RESTORE')];
    case 'VmShutdownSucceeded': return [tm(after, 'EPILOG')];
    case 'VmSavedForMigration': return [tm(after, 'PROLOG_MIGR', true)];
    case 'VmSavedForStop': return [tm(after, 'EPILOG_STOP')];
    case 'VmMigrationAborted':
    case 'VmShutdownFailed':
    case 'VmCancelFailed':
    case 'VmSaveFailed':
      return [vmm(after, 'POLL')];
    // Deviation: 1.4 left a cancelled VM's files on the host.
    case 'VmCancelled': return [tm(after, 'EPILOG_DELETE')];
    case 'VmFailed': return [tm(after, 'EPILOG_DELETE')];
    default: return [];
  }
}

export function vmEffects(before: Vm, event: VmEvent, after: Vm): readonly VmEffect[] {
  const out = requests(before, event, after);
  if (before.state !== after.state || before.lcm !== after.lcm) {
    out.push({ kind: 'state_changed', vid: after.id, state: after.state, lcm: after.lcm });
  }
  return out;
}

/** ACTIVE in an LCM state that waits on a driver (or was mid-way when oned stopped). */
export function isTransient(vm: Vm): boolean {
  return vm.state === VmState.ACTIVE && vm.lcm !== LcmState.RUNNING && vm.lcm !== LcmState.UNKNOWN;
}

/** Re-issues the outstanding driver request of a VM rebuilt after a restart. */
export function reconcileVm(vm: Vm): readonly VmEffect[] {
  if (vm.state !== VmState.ACTIVE) return [];
  switch (vm.lcm) {
    case LcmState.PROLOG: return [tm(vm, 'PROLOG')];
    case LcmState.PROLOG_RESUME: return [tm(vm, 'PROLOG_RESUME')];
    case LcmState.PROLOG_MIGRATE: return [tm(vm, 'PROLOG_MIGR', true)];
    case LcmState.BOOT: return [vmm(vm, vm.bootVerb === 'RESTORE' ? 'RESTORE' : 'DEPLOY')];
    case LcmState.RUNNING:
    case LcmState.UNKNOWN:
      return [vmm(vm, 'POLL')];
    case LcmState.MIGRATE: return [vmm(vm, 'MIGRATE', true)];
    case LcmState.SAVE_MIGRATE: return [vmm(vm, 'SAVE', true)];
    case LcmState.SAVE_STOP:
    case LcmState.SAVE_SUSPEND:
      return [vmm(vm, 'SAVE')];
    case LcmState.EPILOG: return [tm(vm, 'EPILOG')];
    case LcmState.EPILOG_STOP: return [tm(vm, 'EPILOG_STOP')];
    case LcmState.SHUTDOWN: return [vmm(vm, 'SHUTDOWN')];
    case LcmState.CANCEL: return [vmm(vm, 'CANCEL')];
    default: return []; // LCM_INIT, FAILURE, DELETE never outlive one append
  }
}
