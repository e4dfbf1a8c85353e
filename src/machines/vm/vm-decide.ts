/**
 * VM command handling: the 1.4 user-action matrix (spec §2.3), driver
 * replies (§2.4), delete (§2.5) and 2.2 resubmit (§2.8). A reply the VM is
 * not waiting for (late, duplicate, or for a VM in DELETE/FAILURE/LCM_INIT)
 * is accepted with no events: 1.4 logs such replies as "Ignored".
 */
import { accept, reject } from '../decider.ts';
import type { Decision } from '../decider.ts';
import { domainError, ErrorCode, wrongState } from '../../events/domain-error.ts';
import type { VmEvent, VmPlacement } from '../../events/vm-events.ts';
import { HistoryReason, LcmState, VmState, vmStateName } from '../state-codes.ts';
import type { VmCommand, VmState as Vm } from './vm-types.ts';

type Cmd<T extends VmCommand['type']> = Extract<VmCommand, { type: T }>;

const ignored = (): Decision<VmEvent> => accept<VmEvent>();

const isActive = (vm: Vm, ...lcms: number[]): boolean =>
  vm.state === VmState.ACTIVE && lcms.includes(vm.lcm);

/** LCM states in which 1.4 ignores replies and delete does nothing. */
const isSettling = (vm: Vm): boolean =>
  vm.lcm === LcmState.LCM_INIT || vm.lcm === LcmState.DELETE || vm.lcm === LcmState.FAILURE;

/** A new record on the host of the record `back` places from the end. */
function copyPlacement(vm: Vm, back: number): VmPlacement | undefined {
  const r = vm.history[vm.history.length - 1 - back];
  if (!r) return undefined;
  return { seq: vm.history.length, hid: r.hid, hostname: r.hostname, vmDir: r.vmDir, vmMad: r.vmMad, tmMad: r.tmMad };
}

function decideAct(vm: Vm, cmd: Cmd<'Act'>): Decision<VmEvent> {
  const now = cmd.now;
  const running = isActive(vm, LcmState.RUNNING);
  switch (cmd.action) {
    case 'shutdown':
      return running ? accept({ type: 'VmShutdownRequested', now }) : reject(wrongState());
    case 'cancel':
      return running ? accept({ type: 'VmCancelRequested', now }) : reject(wrongState());
    case 'stop':
      return running ? accept({ type: 'VmStopRequested', now }) : reject(wrongState());
    case 'suspend':
      return running ? accept({ type: 'VmSuspendRequested', now }) : reject(wrongState());
    case 'hold':
      return vm.state === VmState.PENDING ? accept({ type: 'VmHeld', now }) : reject(wrongState());
    case 'release':
      return vm.state === VmState.HOLD ? accept({ type: 'VmReleased', now }) : reject(wrongState());
    case 'resume': {
      if (vm.state === VmState.STOPPED) return accept({ type: 'VmResumedToPending', now });
      const same = vm.state === VmState.SUSPENDED ? copyPlacement(vm, 0) : undefined;
      return same ? accept({ type: 'VmRestoreStarted', now, ...same }) : reject(wrongState());
    }
    case 'restart':
      return isActive(vm, LcmState.UNKNOWN, LcmState.BOOT) ? accept({ type: 'VmRestarted', now }) : reject(wrongState());
    case 'finalize':
      if (vm.state === VmState.DONE) return ignored();
      if (vm.state !== VmState.ACTIVE) return accept({ type: 'VmFinalized', now });
      if (isSettling(vm)) return ignored();
      return accept({ type: 'VmCleanedUp', now, cause: 'finalize' }, { type: 'VmDone', now });
    case 'resubmit':
      switch (vm.state) {
        case VmState.INIT:
        case VmState.PENDING:
          return ignored();
        case VmState.HOLD:
        case VmState.STOPPED:
        case VmState.FAILED:
          return accept({ type: 'VmResubmitted', now });
        case VmState.ACTIVE:
          if (isSettling(vm)) return ignored();
          return accept({ type: 'VmCleanedUp', now, cause: 'resubmit' }, { type: 'VmResubmitted', now });
        case VmState.SUSPENDED:
          return reject(wrongState('Wrong state to perform action: resume the VM first'));
        default:
          return reject(wrongState());
      }
  }
}

function firstWord(info: string): string | undefined {
  const word = info.trim().split(/\s+/)[0];
  return word ? word : undefined;
}

function decideReply(vm: Vm, cmd: Cmd<'DriverReplied'>): Decision<VmEvent> {
  if (vm.state !== VmState.ACTIVE || isSettling(vm)) return ignored();
  const { now, success, info } = cmd;
  const l = vm.lcm;
  if (cmd.driver === 'tm') {
    if (cmd.verb !== 'TRANSFER') return ignored();
    if (l === LcmState.PROLOG || l === LcmState.PROLOG_MIGRATE || l === LcmState.PROLOG_RESUME) {
      return success
        ? accept({ type: 'VmPrologSucceeded', now })
        : accept({ type: 'VmPrologFailed', now, info }, { type: 'VmFailed', now });
    }
    if (l === LcmState.EPILOG || l === LcmState.EPILOG_STOP) {
      if (!success) return accept({ type: 'VmEpilogFailed', now, info }, { type: 'VmFailed', now });
      return l === LcmState.EPILOG_STOP
        ? accept({ type: 'VmStopped', now })
        : accept({ type: 'VmEpilogSucceeded', now }, { type: 'VmDone', now });
    }
    return ignored();
  }
  switch (cmd.verb) {
    case 'DEPLOY':
    case 'RESTORE':
    case 'MIGRATE': {
      // 1.4 maps all three to DEPLOY_SUCCESS/FAILURE; the LCM state decides.
      const deployId = success && cmd.verb === 'DEPLOY' ? firstWord(info) : undefined;
      const withId = deployId === undefined ? {} : { deployId };
      if (l === LcmState.BOOT) {
        return success
          ? accept({ type: 'VmBooted', now, ...withId })
          : accept({ type: 'VmBootFailed', now, info }, { type: 'VmFailed', now });
      }
      if (l === LcmState.MIGRATE) return success ? accept({ type: 'VmMigrated', now, ...withId }) : migrationAborted(vm, now, info);
      return ignored();
    }
    case 'SHUTDOWN':
      if (l !== LcmState.SHUTDOWN) return ignored();
      return accept(success ? { type: 'VmShutdownSucceeded', now } : { type: 'VmShutdownFailed', now, info });
    case 'CANCEL':
      if (l !== LcmState.CANCEL) return ignored();
      return success
        ? accept({ type: 'VmCancelled', now }, { type: 'VmDone', now })
        : accept({ type: 'VmCancelFailed', now, info });
    case 'SAVE':
      if (l === LcmState.SAVE_MIGRATE) return success ? accept({ type: 'VmSavedForMigration', now }) : migrationAborted(vm, now, info);
      if (l === LcmState.SAVE_STOP || l === LcmState.SAVE_SUSPEND) {
        if (!success) return accept({ type: 'VmSaveFailed', now, info });
        return accept(l === LcmState.SAVE_STOP ? { type: 'VmSavedForStop', now } : { type: 'VmSuspended', now, cause: 'save' });
      }
      return ignored();
    default:
      return ignored();
  }
}

function migrationAborted(vm: Vm, now: number, info: string): Decision<VmEvent> {
  const source = copyPlacement(vm, 1);
  return source ? accept({ type: 'VmMigrationAborted', now, info, ...source }) : ignored();
}

function decidePoll(vm: Vm, cmd: Cmd<'Polled'>): Decision<VmEvent> {
  if (!isActive(vm, LcmState.RUNNING, LcmState.UNKNOWN)) return ignored();
  const now = cmd.now;
  switch (cmd.stateLetter) {
    case 'a': return vm.lcm === LcmState.UNKNOWN ? accept({ type: 'VmFound', now }) : ignored();
    case 'p': return accept({ type: 'VmSuspended', now, cause: 'poll' });
    case 'e': return accept({ type: 'VmCrashed', now }, { type: 'VmFailed', now });
    case 'd': return vm.lcm === LcmState.RUNNING ? accept({ type: 'VmLost', now }) : ignored();
    default: return ignored();
  }
}

export function decideVm(vm: Vm, cmd: VmCommand): Decision<VmEvent> {
  if (cmd.type === 'Allocate') {
    if (vm.id >= 0) return reject(domainError(ErrorCode.ALLOCATE, `Virtual machine ${vm.id} already exists`));
    return accept({
      type: 'VmAllocated', now: cmd.now, vid: cmd.vid, uid: cmd.uid, name: cmd.name,
      template: cmd.template, requirement: { ...cmd.requirement },
    });
  }
  if (vm.id < 0) return reject(domainError(ErrorCode.NO_EXISTS, 'Virtual machine does not exist'));
  switch (cmd.type) {
    case 'Deploy': {
      if (vm.state !== VmState.PENDING) return reject(wrongState());
      const last = vm.history[vm.history.length - 1];
      const { now, hid, hostname, vmDir, vmMad, tmMad } = cmd;
      return accept({
        type: 'VmDeployed', now, seq: vm.history.length, hid, hostname, vmDir, vmMad, tmMad,
        resume: last !== undefined && last.reason === HistoryReason.STOP_RESUME,
      });
    }
    case 'Migrate': {
      if (!isActive(vm, LcmState.RUNNING)) return reject(wrongState());
      const { now, hid, hostname, vmDir, vmMad, tmMad, live } = cmd;
      return accept({ type: 'VmMigrationStarted', now, seq: vm.history.length, hid, hostname, vmDir, vmMad, tmMad, live });
    }
    case 'SetSchedMessage': {
      // The scheduler calls this every pass for every VM it cannot place: only a change is a fact.
      if (vm.state !== VmState.PENDING) {
        return reject(wrongState(`Can not set the scheduler message of VM ${vm.id}: it is ${vmStateName[vm.state]}, not PENDING`));
      }
      if ((vm.schedMessage ?? '') === cmd.message) return accept();
      return accept({ type: 'VmSchedMessageSet', now: cmd.now, message: cmd.message });
    }
    case 'Act': return decideAct(vm, cmd);
    case 'DriverReplied': return decideReply(vm, cmd);
    case 'Polled': return decidePoll(vm, cmd);
  }
}
