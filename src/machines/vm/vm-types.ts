/**
 * State, commands and effects of the VM decider. State is plain JSON data:
 * it is persisted in snapshots and must equal the fold of the events.
 */
import type { VmRequirement } from '../../events/vm-events.ts';
import type { LcmStateCode, VmStateCode, HistoryReasonCode } from '../state-codes.ts';

/** One placement of the VM on a host (spec §9.4). Times are epoch seconds, 0 = unset. */
export interface HistoryRecord {
  readonly seq: number;
  readonly hid: number;
  readonly hostname: string;
  readonly vmDir: string;
  readonly vmMad: string;
  readonly tmMad: string;
  readonly stime: number;
  readonly etime: number;
  readonly pstime: number;
  readonly petime: number;
  readonly rstime: number;
  readonly retime: number;
  readonly estime: number;
  readonly eetime: number;
  readonly reason: HistoryReasonCode;
}

/** One host the VM is currently counted on (HostShare.add without its del yet). */
export interface CapacityHolding {
  readonly hid: number;
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
}

export interface VmState {
  /** -1 until VmAllocated. */
  readonly id: number;
  readonly uid: number;
  readonly name: string;
  readonly template: unknown;
  readonly state: VmStateCode;
  readonly lcm: LcmStateCode;
  readonly stime: number;
  readonly etime: number;
  /** Hypervisor domain id from the last DEPLOY SUCCESS; '' before. */
  readonly deployId: string;
  /** All records, seq 0 first; the XML shows the last one. */
  readonly history: readonly HistoryRecord[];
  readonly heldCapacity: readonly CapacityHolding[];
  readonly requirement: VmRequirement;
  /**
   * The VMM request BOOT is waiting for, so that a restart can re-issue the
   * right one (PROLOG → DEPLOY, PROLOG_MIGRATE/RESUME and resume → RESTORE).
   */
  readonly bootVerb: 'DEPLOY' | 'RESTORE' | '';
  /**
   * The scheduler's reason why this PENDING VM is not placed (shown as
   * TEMPLATE/SCHED_MESSAGE). Absent when there is none, so that states and
   * snapshots written before it existed stay equal to the fold.
   */
  readonly schedMessage?: string;
}

interface At {
  /** Epoch seconds; copied into the events. */
  readonly now: number;
}

export interface HostTarget {
  readonly hid: number;
  readonly hostname: string;
  readonly vmDir: string;
  readonly vmMad: string;
  readonly tmMad: string;
}

export type VmAction =
  | 'shutdown' | 'hold' | 'release' | 'stop' | 'cancel'
  | 'suspend' | 'resume' | 'restart' | 'finalize' | 'resubmit';

export const vmActions: readonly VmAction[] = [
  'shutdown', 'hold', 'release', 'stop', 'cancel', 'suspend', 'resume', 'restart', 'finalize', 'resubmit',
];

export type DriverVerb = 'DEPLOY' | 'SHUTDOWN' | 'CANCEL' | 'SAVE' | 'RESTORE' | 'MIGRATE' | 'TRANSFER';

export type VmCommand =
  | (At & { readonly type: 'Allocate'; readonly vid: number; readonly uid: number; readonly name: string;
      readonly template: unknown; readonly requirement: VmRequirement })
  | (At & HostTarget & { readonly type: 'Deploy' })
  | (At & HostTarget & { readonly type: 'Migrate'; readonly live: boolean })
  | (At & { readonly type: 'Act'; readonly action: VmAction })
  | (At & { readonly type: 'SetSchedMessage'; readonly message: string })
  | (At & { readonly type: 'DriverReplied'; readonly driver: 'vmm' | 'tm'; readonly verb: DriverVerb;
      readonly success: boolean; readonly info: string })
  | (At & { readonly type: 'Polled'; readonly stateLetter: 'a' | 'p' | 'e' | 'd' | '-' });

export type TmAction =
  | 'PROLOG' | 'PROLOG_MIGR' | 'PROLOG_RESUME' | 'EPILOG' | 'EPILOG_STOP'
  | 'EPILOG_DELETE' | 'EPILOG_DELETE_PREVIOUS';

export type VmmAction =
  | 'DEPLOY' | 'SHUTDOWN' | 'CANCEL' | 'CANCEL_PREVIOUS' | 'SAVE' | 'RESTORE' | 'MIGRATE' | 'POLL';

/**
 * Driver requests. As in 1.4, `seq`, `hostname`, `vmDir` and the mad are
 * those of the CURRENT history record; `prevHostname` is the previous
 * record's host and is set exactly for the requests that touch it:
 * SAVE while SAVE_MIGRATE (save runs on prevHostname), MIGRATE (source =
 * prevHostname, destination = hostname), CANCEL_PREVIOUS, PROLOG_MIGR
 * (prevHostname → hostname) and EPILOG_DELETE_PREVIOUS.
 */
export type VmEffect =
  | { readonly kind: 'tm'; readonly action: TmAction; readonly vid: number; readonly seq: number;
      readonly hostname: string; readonly prevHostname?: string; readonly vmDir: string; readonly tmMad: string }
  | { readonly kind: 'vmm'; readonly action: VmmAction; readonly vid: number; readonly seq: number;
      readonly hostname: string; readonly prevHostname?: string; readonly deployId: string;
      readonly vmDir: string; readonly vmMad: string }
  | { readonly kind: 'driver_cancel'; readonly driver: 'vmm' | 'tm'; readonly vid: number; readonly mad: string }
  | { readonly kind: 'state_changed'; readonly vid: number; readonly state: VmStateCode; readonly lcm: LcmStateCode };
