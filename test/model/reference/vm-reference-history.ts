/**
 * History-record and capacity bookkeeping shared by the VM reference model's
 * transitions (spec §2.4 failure_action, migration repair, §2.5 cleanup, §9.4).
 */
import { DM, LCM, REASON } from './vm-codes.ts';
import type { RefOutcome, RefRecord, RefVm } from './vm-reference-types.ts';

export const changed = (vm: RefVm): RefOutcome => ({ kind: 'changed', vm });
export const NOOP: RefOutcome = { kind: 'noop' };
export const IGNORED: RefOutcome = { kind: 'ignored' };
export const WRONG: RefOutcome = { kind: 'wrong-state' };

export const isActive = (vm: RefVm, ...lcm: number[]) => vm.dm === DM.ACTIVE && (lcm.length === 0 || lcm.includes(vm.lcm));

export function newRecord(seq: number, hid: number, now: number): RefRecord {
  return { seq, hid, stime: now, etime: 0, pstime: 0, petime: 0, rstime: 0, retime: 0, estime: 0, eetime: 0, reason: REASON.NONE };
}

/** Works on a deep copy so callers can keep the old model untouched. */
export function edit(vm: RefVm, change: (draft: RefVm, cur: RefRecord, prev: RefRecord | undefined) => void): RefOutcome {
  const draft: RefVm = structuredClone(vm);
  change(draft, draft.history[draft.history.length - 1], draft.history[draft.history.length - 2]);
  return changed(draft);
}

export function release(vm: RefVm, hid: number): void {
  const i = vm.held.indexOf(hid);
  if (i < 0) throw new Error(`reference model bug: VM not counted on host ${hid}`);
  vm.held.splice(i, 1);
}

/** DM state change; DONE and FAILED stamp the VM end time, except FAILED → DONE (§2.3 finalize). */
export function toDm(vm: RefVm, dm: number, now: number): void {
  if (dm === DM.FAILED || (dm === DM.DONE && vm.dm !== DM.FAILED)) vm.etime = now;
  vm.dm = dm;
  vm.lcm = dm === DM.ACTIVE ? vm.lcm : LCM.LCM_INIT;
}

/** 1.4 failure_action: ETIME, reason ERROR, capacity del, DM FAILED. */
export function fail(vm: RefVm, cur: RefRecord, now: number): void {
  cur.etime = now;
  cur.reason = REASON.ERROR;
  release(vm, cur.hid);
  toDm(vm, DM.FAILED, now);
}

/** Migration undone (§2.4 DEPLOY_FAILURE in MIGRATE, SAVE_FAILURE in SAVE_MIGRATE). */
export function backToSource(vm: RefVm, cur: RefRecord, prev: RefRecord, now: number): void {
  cur.etime = now;
  cur.reason = REASON.ERROR;
  release(vm, cur.hid);
  prev.etime = prev.retime = now;
  prev.reason = REASON.USER;
  const copy = newRecord(cur.seq + 1, prev.hid, now);
  copy.rstime = now;
  vm.history.push(copy);
  vm.lcm = LCM.RUNNING;
}

/** §2.5 per-state cleanup of an ACTIVE VM, shared by finalize and (2.2) resubmit. */
export function cleanup(vm: RefVm, cur: RefRecord, prev: RefRecord | undefined, now: number): void {
  const was = vm.lcm;
  cur.etime = now;
  cur.reason = REASON.USER;
  release(vm, cur.hid);
  if (was === LCM.PROLOG || was === LCM.PROLOG_RESUME || was === LCM.PROLOG_MIGRATE) cur.petime = now;
  else if (was === LCM.EPILOG || was === LCM.EPILOG_STOP) cur.eetime = now;
  else cur.retime = now;
  if (was === LCM.MIGRATE || was === LCM.SAVE_MIGRATE) {
    if (!prev) throw new Error('reference model bug: migration without a previous record');
    prev.etime = prev.retime = now;
    prev.reason = REASON.USER;
    release(vm, prev.hid);
  }
}

