/**
 * Reference model of the OpenNebula 1.4 VM life-cycle, written from the
 * tables of spec §2.3–2.5 (plus `resubmit` from §2.8, 2.2 semantics) and
 * deliberately NOT from src/machines/vm. It is the oracle the model-based
 * suite checks the machine against, so it must stay independent: when the
 * two disagree, the spec text decides who is right.
 *
 * Deliberate deviations from 1.4 shared with the machine (agreed in the brief):
 *  - CANCEL success sets RETIME (as 2.0 does);
 *  - CANCEL success cleans the host (TM EPILOG_DELETE) — an effect, not state.
 *
 * Reading of §2.4 "any": a reply only acts in the LCM state that issued the
 * matching request (SHUTDOWN_* in SHUTDOWN, CANCEL_* in CANCEL, DEPLOY_* in
 * BOOT/MIGRATE, ...). Acting on a late reply in another state would break
 * capacity accounting (e.g. a late SHUTDOWN SUCCESS during MIGRATE would leak
 * the source host's share), and §12.1 says late/unexpected replies are dropped.
 */
import { DM, LCM, REASON } from './vm-codes.ts';
import {
  IGNORED, NOOP, WRONG, backToSource, changed, cleanup, edit, fail, isActive, newRecord, release, toDm,
} from './vm-reference-history.ts';
import type { PollLetter, RefAction, RefOutcome, RefVm, RefVmInput, VmmVerb } from './vm-reference-types.ts';

export * from './vm-reference-types.ts';

function userAction(vm: RefVm, action: RefAction, now: number): RefOutcome {
  const running = isActive(vm, LCM.RUNNING);
  switch (action) {
    case 'shutdown': return running ? changed({ ...vm, lcm: LCM.SHUTDOWN }) : WRONG;
    case 'stop': return running ? changed({ ...vm, lcm: LCM.SAVE_STOP }) : WRONG;
    case 'cancel': return running ? changed({ ...vm, lcm: LCM.CANCEL }) : WRONG;
    case 'suspend': return running ? changed({ ...vm, lcm: LCM.SAVE_SUSPEND }) : WRONG;
    case 'hold': return vm.dm === DM.PENDING ? changed({ ...vm, dm: DM.HOLD }) : WRONG;
    case 'release': return vm.dm === DM.HOLD ? changed({ ...vm, dm: DM.PENDING }) : WRONG;
    case 'restart': return isActive(vm, LCM.UNKNOWN, LCM.BOOT) ? changed({ ...vm, lcm: LCM.BOOT, bootBy: 'DEPLOY' }) : WRONG;
    case 'resume':
      if (vm.dm === DM.STOPPED) return changed({ ...vm, dm: DM.PENDING });
      if (vm.dm !== DM.SUSPENDED) return WRONG;
      return edit(vm, (d, cur) => {
        const copy = newRecord(cur.seq + 1, cur.hid, now);
        copy.rstime = now;
        d.history.push(copy);
        d.held.push(cur.hid);
        d.dm = DM.ACTIVE;
        d.lcm = LCM.BOOT;
        d.bootBy = 'RESTORE';
      });
    case 'finalize':
      if (vm.dm === DM.DONE) return NOOP;
      if (vm.dm !== DM.ACTIVE) return edit(vm, (d) => toDm(d, DM.DONE, now));
      return edit(vm, (d, cur, prev) => {
        cleanup(d, cur, prev, now);
        toDm(d, DM.DONE, now);
      });
    case 'resubmit':
      if (vm.dm === DM.PENDING || vm.dm === DM.INIT) return NOOP;
      if (vm.dm === DM.SUSPENDED || vm.dm === DM.DONE) return WRONG;
      if (vm.dm !== DM.ACTIVE) return changed({ ...vm, dm: DM.PENDING, lcm: LCM.LCM_INIT });
      return edit(vm, (d, cur, prev) => {
        cleanup(d, cur, prev, now);
        toDm(d, DM.PENDING, now);
      });
  }
}

function vmmReply(vm: RefVm, verb: VmmVerb, success: boolean, now: number): RefOutcome {
  switch (verb) {
    case 'DEPLOY': case 'RESTORE': case 'MIGRATE': // §2.4: all three map to DEPLOY_SUCCESS/FAILURE
      if (vm.lcm === LCM.MIGRATE) {
        return edit(vm, (d, cur, prev) => {
          if (!prev) throw new Error('reference model bug: MIGRATE without a previous record');
          if (!success) return backToSource(d, cur, prev, now);
          cur.rstime = now;
          prev.etime = prev.retime = now;
          prev.reason = REASON.USER;
          release(d, prev.hid);
          d.lcm = LCM.RUNNING;
        });
      }
      if (vm.lcm !== LCM.BOOT) return IGNORED;
      if (success) return changed({ ...vm, lcm: LCM.RUNNING });
      return edit(vm, (d, cur) => {
        cur.retime = now;
        fail(d, cur, now);
      });
    case 'SHUTDOWN':
      if (vm.lcm !== LCM.SHUTDOWN) return IGNORED;
      if (!success) return changed({ ...vm, lcm: LCM.RUNNING });
      return edit(vm, (d, cur) => {
        cur.estime = cur.retime = now;
        d.lcm = LCM.EPILOG;
      });
    case 'CANCEL':
      if (vm.lcm !== LCM.CANCEL) return IGNORED;
      if (!success) return changed({ ...vm, lcm: LCM.RUNNING });
      return edit(vm, (d, cur) => {
        cur.etime = cur.retime = now;
        cur.reason = REASON.CANCEL;
        release(d, cur.hid);
        toDm(d, DM.DONE, now);
      });
    case 'SAVE':
      if (vm.lcm === LCM.SAVE_MIGRATE) {
        return edit(vm, (d, cur, prev) => {
          if (!prev) throw new Error('reference model bug: SAVE_MIGRATE without a previous record');
          if (!success) return backToSource(d, cur, prev, now);
          prev.etime = prev.retime = now;
          prev.reason = REASON.USER;
          cur.pstime = now;
          release(d, prev.hid);
          d.lcm = LCM.PROLOG_MIGRATE;
        });
      }
      if (vm.lcm !== LCM.SAVE_STOP && vm.lcm !== LCM.SAVE_SUSPEND) return IGNORED;
      if (!success) return changed({ ...vm, lcm: LCM.RUNNING });
      return edit(vm, (d, cur) => {
        cur.retime = now;
        cur.reason = REASON.STOP_RESUME;
        if (d.lcm === LCM.SAVE_STOP) {
          cur.estime = now;
          d.lcm = LCM.EPILOG_STOP;
        } else {
          cur.etime = now;
          release(d, cur.hid);
          toDm(d, DM.SUSPENDED, now);
        }
      });
  }
}

function tmReply(vm: RefVm, success: boolean, now: number): RefOutcome {
  if (isActive(vm, LCM.PROLOG, LCM.PROLOG_MIGRATE, LCM.PROLOG_RESUME)) {
    return edit(vm, (d, cur) => {
      cur.petime = now;
      if (!success) return fail(d, cur, now);
      cur.rstime = now;
      d.bootBy = d.lcm === LCM.PROLOG ? 'DEPLOY' : 'RESTORE';
      d.lcm = LCM.BOOT;
    });
  }
  if (isActive(vm, LCM.EPILOG, LCM.EPILOG_STOP)) {
    return edit(vm, (d, cur) => {
      cur.eetime = now;
      if (!success) return fail(d, cur, now);
      cur.etime = now;
      release(d, cur.hid);
      toDm(d, d.lcm === LCM.EPILOG ? DM.DONE : DM.STOPPED, now);
    });
  }
  return IGNORED;
}

function poll(vm: RefVm, letter: PollLetter, now: number): RefOutcome {
  if (!isActive(vm, LCM.RUNNING, LCM.UNKNOWN)) return IGNORED;
  switch (letter) {
    case 'a': return vm.lcm === LCM.UNKNOWN ? changed({ ...vm, lcm: LCM.RUNNING }) : IGNORED;
    case 'd': return vm.lcm === LCM.RUNNING ? changed({ ...vm, lcm: LCM.UNKNOWN }) : IGNORED;
    case '-': return IGNORED;
    case 'p':
      return edit(vm, (d, cur) => {
        cur.retime = cur.etime = now;
        cur.reason = REASON.STOP_RESUME;
        release(d, cur.hid);
        toDm(d, DM.SUSPENDED, now);
      });
    case 'e':
      return edit(vm, (d, cur) => {
        cur.retime = now;
        fail(d, cur, now);
      });
  }
}

/**
 * One step of the reference model. Pure; `now` is the time of the step.
 * SCHED_MESSAGE (not in 1.4) is a reason for waiting in PENDING: any change
 * that leaves PENDING drops it.
 */
export function stepVm(vm: RefVm, input: RefVmInput, now: number): RefOutcome {
  const out = stepRules(vm, input, now);
  return out.kind === 'changed' && out.vm.dm !== DM.PENDING && out.vm.schedMessage !== '' ? changed({ ...out.vm, schedMessage: '' }) : out;
}

function stepRules(vm: RefVm, input: RefVmInput, now: number): RefOutcome {
  switch (input.kind) {
    case 'deploy':
      if (vm.dm !== DM.PENDING) return WRONG;
      return edit(vm, (d, last) => {
        const resume = last !== undefined && last.reason === REASON.STOP_RESUME;
        const rec = newRecord(d.history.length, input.hid, now);
        rec.pstime = now;
        d.history.push(rec);
        d.held.push(input.hid);
        d.dm = DM.ACTIVE;
        d.lcm = resume ? LCM.PROLOG_RESUME : LCM.PROLOG;
      });
    case 'migrate':
      if (!isActive(vm, LCM.RUNNING)) return WRONG;
      return edit(vm, (d, cur) => {
        d.history.push(newRecord(cur.seq + 1, input.hid, now));
        d.held.push(input.hid);
        d.lcm = input.live ? LCM.MIGRATE : LCM.SAVE_MIGRATE;
      });
    case 'action': return userAction(vm, input.action, now);
    case 'vmm': return vmmReply(vm, input.verb, input.success, now);
    case 'tm': return tmReply(vm, input.success, now);
    case 'poll': return poll(vm, input.letter, now);
    case 'sched':
      if (vm.dm !== DM.PENDING) return WRONG;
      return input.message === vm.schedMessage ? NOOP : changed({ ...vm, schedMessage: input.message });
  }
}

/** The driver reply the VM is waiting for in its current state, if any (drives the generator). */
export function awaitedReply(vm: RefVm): { kind: 'vmm'; verb: VmmVerb } | { kind: 'tm' } | undefined {
  if (vm.dm !== DM.ACTIVE) return undefined;
  switch (vm.lcm) {
    case LCM.PROLOG: case LCM.PROLOG_MIGRATE: case LCM.PROLOG_RESUME: case LCM.EPILOG: case LCM.EPILOG_STOP:
      return { kind: 'tm' };
    case LCM.BOOT: return { kind: 'vmm', verb: vm.bootBy };
    case LCM.MIGRATE: return { kind: 'vmm', verb: 'MIGRATE' };
    case LCM.SHUTDOWN: return { kind: 'vmm', verb: 'SHUTDOWN' };
    case LCM.CANCEL: return { kind: 'vmm', verb: 'CANCEL' };
    case LCM.SAVE_STOP: case LCM.SAVE_SUSPEND: case LCM.SAVE_MIGRATE: return { kind: 'vmm', verb: 'SAVE' };
    default: return undefined;
  }
}
