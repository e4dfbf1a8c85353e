/**
 * OpenNebula 1.4 numeric codes, copied by hand from spec §2.1, §2.2 and the
 * MigrationReason list, independently of src/machines/state-codes.ts so that
 * a wrong code there shows up as a mismatch here.
 */
export const DM = {
  INIT: 0, PENDING: 1, HOLD: 2, ACTIVE: 3, STOPPED: 4, SUSPENDED: 5, DONE: 6, FAILED: 7,
} as const;

export const LCM = {
  LCM_INIT: 0, PROLOG: 1, BOOT: 2, RUNNING: 3, MIGRATE: 4, SAVE_STOP: 5, SAVE_SUSPEND: 6,
  SAVE_MIGRATE: 7, PROLOG_MIGRATE: 8, PROLOG_RESUME: 9, EPILOG_STOP: 10, EPILOG: 11,
  SHUTDOWN: 12, CANCEL: 13, FAILURE: 14, DELETE: 15, UNKNOWN: 16,
} as const;

export const REASON = { NONE: 0, ERROR: 1, STOP_RESUME: 2, USER: 3, CANCEL: 4 } as const;

/** Host states, spec §5.1. */
export const HOST = { INIT: 0, MONITORING: 1, MONITORED: 2, ERROR: 3, DISABLED: 4 } as const;

const nameOf = (table: Record<string, number>, code: number) =>
  Object.entries(table).find(([, c]) => c === code)?.[0] ?? `?${code}`;

/** "ACTIVE/RUNNING", "PENDING", … for readable assertion messages. */
export const vmStateName = (dm: number, lcm: number) =>
  dm === DM.ACTIVE ? `ACTIVE/${nameOf(LCM, lcm)}` : nameOf(DM, dm) + (lcm === 0 ? '' : `/${nameOf(LCM, lcm)}`);
export const hostStateName = (state: number) => nameOf(HOST, state);
