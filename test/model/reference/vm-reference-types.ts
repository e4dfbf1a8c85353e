/**
 * Shapes of the VM reference model (see vm-reference-model.ts): the model
 * state, the inputs it understands and the outcome it predicts.
 */
import { DM, LCM } from './vm-codes.ts';

export interface RefRecord {
  seq: number;
  hid: number;
  stime: number;
  etime: number;
  pstime: number;
  petime: number;
  rstime: number;
  retime: number;
  estime: number;
  eetime: number;
  reason: number;
}

export interface RefVm {
  dm: number;
  lcm: number;
  /** VM start (allocation) and end time; end is set on DONE (except from FAILED) and on FAILED. */
  stime: number;
  etime: number;
  history: RefRecord[];
  /** Host ids this VM is counted on (a multiset: the same host may appear twice). */
  held: number[];
  /** Which VMM request BOOT waits for: DEPLOY after PROLOG or restart, RESTORE otherwise. */
  bootBy: 'DEPLOY' | 'RESTORE';
  /** The scheduler's reason a PENDING VM waits (SCHED_MESSAGE), '' for none. */
  schedMessage: string;
}

export type RefAction =
  | 'shutdown' | 'hold' | 'release' | 'stop' | 'cancel' | 'suspend'
  | 'resume' | 'restart' | 'finalize' | 'resubmit';

export const REF_ACTIONS: readonly RefAction[] = [
  'shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'finalize', 'resubmit',
];

export type VmmVerb = 'DEPLOY' | 'RESTORE' | 'MIGRATE' | 'SHUTDOWN' | 'CANCEL' | 'SAVE';
export const VMM_VERBS: readonly VmmVerb[] = ['DEPLOY', 'RESTORE', 'MIGRATE', 'SHUTDOWN', 'CANCEL', 'SAVE'];
export type PollLetter = 'a' | 'p' | 'e' | 'd' | '-';

export type RefVmInput =
  | { readonly kind: 'deploy'; readonly hid: number }
  | { readonly kind: 'migrate'; readonly hid: number; readonly live: boolean }
  | { readonly kind: 'action'; readonly action: RefAction }
  | { readonly kind: 'vmm'; readonly verb: VmmVerb; readonly success: boolean }
  | { readonly kind: 'tm'; readonly success: boolean }
  | { readonly kind: 'poll'; readonly letter: PollLetter }
  | { readonly kind: 'sched'; readonly message: string };

/**
 * changed     — accepted, events appended, state must equal `vm`;
 * noop        — accepted as a success but nothing to append (finalize of DONE, resubmit of PENDING);
 * ignored     — late / unexpected driver reply: nothing may be appended;
 * wrong-state — rejected with error code 0x800, nothing appended.
 */
export type RefOutcome =
  | { readonly kind: 'changed'; readonly vm: RefVm }
  | { readonly kind: 'noop' }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'wrong-state' };


export const allocatedVm = (now: number): RefVm =>
  ({ dm: DM.PENDING, lcm: LCM.LCM_INIT, stime: now, etime: 0, history: [], held: [], bootBy: 'DEPLOY', schedMessage: '' });
