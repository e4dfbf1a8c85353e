/**
 * Past-tense facts about one host (stream `host/<id>`). The bulky monitoring
 * template is not an event (it goes to the monitoring table); only the share
 * figures that the scheduler and the XML need are kept here.
 */

/** Monitored part of HOST_SHARE (spec §5.3): CPU in % of a core, memory/disk in KB. */
export interface MonitoredShare {
  readonly maxCpu: number;
  readonly maxMem: number;
  readonly maxDisk: number;
  readonly freeCpu: number;
  readonly freeMem: number;
  readonly freeDisk: number;
  readonly usedCpu: number;
  readonly usedMem: number;
  readonly usedDisk: number;
}

interface At {
  readonly now: number;
}

export interface HostAllocated extends At {
  readonly type: 'HostAllocated';
  readonly hid: number;
  readonly name: string;
  readonly imMad: string;
  readonly vmMad: string;
  readonly tmMad: string;
}
/** → INIT. */
export interface HostEnabled extends At { readonly type: 'HostEnabled' }
/** → DISABLED. */
export interface HostDisabled extends At { readonly type: 'HostDisabled' }
export interface HostDeleted extends At { readonly type: 'HostDeleted' }
/** MONITOR sent to the IM driver → MONITORING. */
export interface HostMonitoringStarted extends At { readonly type: 'HostMonitoringStarted' }
/** Monitoring was due but the host's IM driver is not loaded → ERROR. */
export interface HostMonitorDriverMissing extends At {
  readonly type: 'HostMonitorDriverMissing';
  readonly imMad: string;
}
/** MONITOR SUCCESS: the complete share after merging the reply over the old figures. */
export interface HostMonitored extends At {
  readonly type: 'HostMonitored';
  readonly share: MonitoredShare;
}
export interface HostMonitorFailed extends At {
  readonly type: 'HostMonitorFailed';
  readonly message: string;
}
/** Still MONITORING 600 s after LAST_MON_TIME → INIT. */
export interface HostMonitoringTimedOut extends At { readonly type: 'HostMonitoringTimedOut' }

export type HostEvent =
  | HostAllocated
  | HostEnabled
  | HostDisabled
  | HostDeleted
  | HostMonitoringStarted
  | HostMonitorDriverMissing
  | HostMonitored
  | HostMonitorFailed
  | HostMonitoringTimedOut;

export type HostEventType = HostEvent['type'];

export const hostEventTypes: readonly HostEventType[] = [
  'HostAllocated', 'HostEnabled', 'HostDisabled', 'HostDeleted', 'HostMonitoringStarted',
  'HostMonitorDriverMissing', 'HostMonitored', 'HostMonitorFailed', 'HostMonitoringTimedOut',
];

export const isHostEvent = (e: { type: string }): e is HostEvent =>
  (hostEventTypes as readonly string[]).includes(e.type);
