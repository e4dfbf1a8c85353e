/**
 * Names the CLI prints for OpenNebula's numeric codes (spec §2.1, §2.2,
 * §5.1, history reasons). The codes themselves are the API; the machines own
 * them, the CLI only needs their display names. Indexes are the codes.
 */
export const VM_STATES = ['INIT', 'PENDING', 'HOLD', 'ACTIVE', 'STOPPED', 'SUSPENDED', 'DONE', 'FAILED'] as const;
const VM_SHORT = ['init', 'pend', 'hold', 'actv', 'stop', 'susp', 'done', 'fail'];

export const LCM_STATES = [
  'LCM_INIT', 'PROLOG', 'BOOT', 'RUNNING', 'MIGRATE', 'SAVE_STOP', 'SAVE_SUSPEND', 'SAVE_MIGRATE',
  'PROLOG_MIGRATE', 'PROLOG_RESUME', 'EPILOG_STOP', 'EPILOG', 'SHUTDOWN', 'CANCEL', 'FAILURE',
  'DELETE', 'UNKNOWN',
] as const;
const LCM_SHORT = [
  'lcm_init', 'prol', 'boot', 'runn', 'migr', 'save', 'save', 'save', 'migr', 'prol', 'epil', 'epil',
  'shut', 'shut', 'fail', 'dele', 'unkn',
];

export const HOST_STATES = ['INIT', 'MONITORING', 'MONITORED', 'ERROR', 'DISABLED'] as const;
const HOST_SHORT = ['on', 'on', 'on', 'err', 'off'];

export const HISTORY_REASONS = ['NONE', 'ERROR', 'STOP_RESUME', 'USER', 'CANCEL'] as const;
const REASON_SHORT = ['none', 'erro', 'stop', 'user', 'canc'];

const ACTIVE = 3;

const pick = (table: readonly string[], code: number): string => table[code] ?? `?${code}`;

export const vmStateName = (state: number): string => pick(VM_STATES, state);
export const lcmStateName = (lcm: number): string => pick(LCM_STATES, lcm);

/** The STAT column: LCM short name while ACTIVE, otherwise the DM one (§2.2). */
export const vmShortState = (state: number, lcm: number): string =>
  state === ACTIVE ? pick(LCM_SHORT, lcm) : pick(VM_SHORT, state);

export const hostStateName = (state: number): string => pick(HOST_STATES, state);
export const hostShortState = (state: number): string => pick(HOST_SHORT, state);
export const reasonShortName = (reason: number): string => pick(REASON_SHORT, reason);
