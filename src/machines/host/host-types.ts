/** State, commands and effects of the host decider (spec §5). */
import type { MonitoredShare } from '../../events/host-events.ts';
import type { HostStateCode } from '../state-codes.ts';

export interface HostMachineState {
  /** -1 until HostAllocated. */
  readonly id: number;
  readonly name: string;
  readonly state: HostStateCode;
  readonly imMad: string;
  readonly vmMad: string;
  readonly tmMad: string;
  /** Epoch seconds; starts at creation (spec §5.2), so the first monitor waits one interval. */
  readonly lastMonTime: number;
  readonly monitoredShare: MonitoredShare;
  /** Message of the last failed monitoring, cleared by the next success. */
  readonly errorMessage?: string;
  /** Set by HostDeleted; the stream then rejects every command. */
  readonly deleted: boolean;
}

interface At {
  readonly now: number;
}

export type HostCommand =
  | (At & { readonly type: 'Allocate'; readonly hid: number; readonly name: string;
      readonly imMad: string; readonly vmMad: string; readonly tmMad: string })
  | (At & { readonly type: 'Enable'; readonly enable: boolean })
  | (At & { readonly type: 'Delete' })
  /**
   * The runtime found monitoring due. `driverFound: false` (the host's IM_MAD
   * is not loaded) moves the host to ERROR instead of sending MONITOR.
   */
  | (At & { readonly type: 'MonitoringStarted'; readonly driverFound?: boolean })
  /** `share` may be partial: missing figures keep their previous value. */
  | (At & { readonly type: 'MonitorReplied'; readonly success: boolean;
      readonly share?: Partial<MonitoredShare>; readonly message?: string })
  | (At & { readonly type: 'Tick' });

export type HostEffect = {
  readonly kind: 'im';
  readonly action: 'MONITOR';
  readonly hid: number;
  readonly hostname: string;
  readonly imMad: string;
};

/** MONITORING longer than this after LAST_MON_TIME falls back to INIT (1.4 IM timer). */
export const MONITORING_TIMEOUT_SECONDS = 600;
