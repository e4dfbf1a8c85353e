/**
 * OpenNebula 1.4 numeric state codes and their CLI short names (spec §2.1,
 * §2.2, §5.1, §9.4). These numbers are part of the public API (XML documents,
 * hooks, the CLI), so they live in exactly one table.
 */

/** Dispatch-manager (global) VM state, enum `VmState`. */
export const VmState = {
  INIT: 0,
  PENDING: 1,
  HOLD: 2,
  ACTIVE: 3,
  STOPPED: 4,
  SUSPENDED: 5,
  DONE: 6,
  FAILED: 7,
} as const;
export type VmStateCode = (typeof VmState)[keyof typeof VmState];

/** Life-cycle-manager VM state, enum `LcmState` (1.4 set, 0–16). */
export const LcmState = {
  LCM_INIT: 0,
  PROLOG: 1,
  BOOT: 2,
  RUNNING: 3,
  MIGRATE: 4,
  SAVE_STOP: 5,
  SAVE_SUSPEND: 6,
  SAVE_MIGRATE: 7,
  PROLOG_MIGRATE: 8,
  PROLOG_RESUME: 9,
  EPILOG_STOP: 10,
  EPILOG: 11,
  SHUTDOWN: 12,
  CANCEL: 13,
  FAILURE: 14,
  DELETE: 15,
  UNKNOWN: 16,
} as const;
export type LcmStateCode = (typeof LcmState)[keyof typeof LcmState];

/** Host state, enum `HostState` (1.4). */
export const HostState = {
  INIT: 0,
  MONITORING: 1,
  MONITORED: 2,
  ERROR: 3,
  DISABLED: 4,
} as const;
export type HostStateCode = (typeof HostState)[keyof typeof HostState];

/** Why a history record ended, enum `MigrationReason`. */
export const HistoryReason = {
  NONE: 0,
  ERROR: 1,
  STOP_RESUME: 2,
  USER: 3,
  CANCEL: 4,
} as const;
export type HistoryReasonCode = (typeof HistoryReason)[keyof typeof HistoryReason];

const invert = <T extends Record<string, number>>(table: T): Record<number, keyof T & string> =>
  Object.fromEntries(Object.entries(table).map(([name, code]) => [code, name]));

/** Code → upper-case name, e.g. `vmStateName[3] === 'ACTIVE'`. */
export const vmStateName = invert(VmState);
export const lcmStateName = invert(LcmState);
export const hostStateName = invert(HostState);
export const reasonName = invert(HistoryReason);

const VM_SHORT: Record<number, string> = {
  0: 'init', 1: 'pend', 2: 'hold', 3: 'actv', 4: 'stop', 5: 'susp', 6: 'done', 7: 'fail',
};

const LCM_SHORT: Record<number, string> = {
  0: 'init', 1: 'prol', 2: 'boot', 3: 'runn', 4: 'migr', 5: 'save', 6: 'save', 7: 'save',
  8: 'migr', 9: 'prol', 10: 'epil', 11: 'epil', 12: 'shut', 13: 'shut', 14: 'fail',
  15: 'dele', 16: 'unkn',
};

const HOST_SHORT: Record<number, string> = { 0: 'on', 1: 'on', 2: 'on', 3: 'err', 4: 'off' };

const REASON_SHORT: Record<number, string> = { 0: 'none', 1: 'erro', 2: 'stop', 3: 'user', 4: 'canc' };

/** CLI `STAT` column: an ACTIVE VM shows its LCM short name, others the DM one. */
export function vmShortState(state: number, lcm: number): string {
  if (state === VmState.ACTIVE) return LCM_SHORT[lcm] ?? 'unkn';
  return VM_SHORT[state] ?? 'unkn';
}

export function hostShortState(state: number): string {
  return HOST_SHORT[state] ?? 'err';
}

export function reasonShort(reason: number): string {
  return REASON_SHORT[reason] ?? 'none';
}
