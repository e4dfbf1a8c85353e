/**
 * The host decider (stream `host/<id>`), spec §5.1–5.2. The runtime decides
 * when monitoring is due (isMonitoringDue) and sends MonitoringStarted; a
 * MONITOR result is applied in any state, as the 1.4 IM driver does, except
 * that a DISABLED host stays DISABLED.
 */
import { accept, reject } from '../decider.ts';
import type { Decider, Decision } from '../decider.ts';
import { domainError, ErrorCode, wrongState } from '../../events/domain-error.ts';
import type { HostEvent, MonitoredShare } from '../../events/host-events.ts';
import { HostState } from '../state-codes.ts';
import { MONITORING_TIMEOUT_SECONDS } from './host-types.ts';
import type { HostCommand, HostEffect, HostMachineState as Host } from './host-types.ts';

const zeroShare: MonitoredShare = {
  maxCpu: 0, maxMem: 0, maxDisk: 0, freeCpu: 0, freeMem: 0, freeDisk: 0, usedCpu: 0, usedMem: 0, usedDisk: 0,
};

export const initialHostState: Host = {
  id: -1, name: '', state: HostState.INIT, imMad: '', vmMad: '', tmMad: '',
  lastMonTime: 0, monitoredShare: zeroShare, deleted: false,
};

/** Spec §5.2: neither MONITORING nor DISABLED, and the last result is `interval` old. */
export function isMonitoringDue(host: Host, now: number, interval: number): boolean {
  return host.id >= 0 && !host.deleted
    && host.state !== HostState.MONITORING && host.state !== HostState.DISABLED
    && now - host.lastMonTime >= interval;
}

const onlyDefined = (share: Partial<MonitoredShare>): Partial<MonitoredShare> =>
  Object.fromEntries(Object.entries(share).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));

export function decideHost(host: Host, cmd: HostCommand): Decision<HostEvent> {
  if (cmd.type === 'Allocate') {
    if (host.id >= 0) return reject(domainError(ErrorCode.ALLOCATE, `Host ${host.id} already exists`));
    const { hid, name, imMad, vmMad, tmMad, now } = cmd;
    return accept({ type: 'HostAllocated', hid, name, imMad, vmMad, tmMad, now });
  }
  if (host.id < 0 || host.deleted) return reject(domainError(ErrorCode.NO_EXISTS, 'Host does not exist'));
  const now = cmd.now;
  switch (cmd.type) {
    case 'Enable':
      if (cmd.enable) return host.state === HostState.INIT ? accept() : accept({ type: 'HostEnabled', now });
      return host.state === HostState.DISABLED ? accept() : accept({ type: 'HostDisabled', now });
    case 'Delete':
      return accept({ type: 'HostDeleted', now });
    case 'MonitoringStarted':
      if (host.state === HostState.DISABLED || host.state === HostState.MONITORING) return reject(wrongState());
      if (cmd.driverFound === false) {
        // Already ERROR for the same reason: nothing new to record.
        return host.state === HostState.ERROR ? accept() : accept({ type: 'HostMonitorDriverMissing', now, imMad: host.imMad });
      }
      return accept({ type: 'HostMonitoringStarted', now });
    case 'MonitorReplied':
      if (!cmd.success) return accept({ type: 'HostMonitorFailed', now, message: cmd.message ?? '' });
      return accept({ type: 'HostMonitored', now, share: { ...host.monitoredShare, ...onlyDefined(cmd.share ?? {}) } });
    case 'Tick':
      return host.state === HostState.MONITORING && now - host.lastMonTime >= MONITORING_TIMEOUT_SECONDS
        ? accept({ type: 'HostMonitoringTimedOut', now })
        : accept();
  }
}

function withoutError(host: Host): Host {
  const { errorMessage: _dropped, ...rest } = host;
  return rest;
}

/** A monitoring result never takes a host out of DISABLED. */
const unlessDisabled = (host: Host, to: Host['state']): Host['state'] =>
  host.state === HostState.DISABLED ? HostState.DISABLED : to;

export function evolveHost(host: Host, event: HostEvent): Host {
  switch (event.type) {
    case 'HostAllocated':
      return {
        ...initialHostState, id: event.hid, name: event.name, imMad: event.imMad, vmMad: event.vmMad,
        tmMad: event.tmMad, lastMonTime: event.now,
      };
    case 'HostEnabled': return { ...host, state: HostState.INIT };
    case 'HostDisabled': return { ...host, state: HostState.DISABLED };
    case 'HostDeleted': return { ...host, deleted: true };
    case 'HostMonitoringStarted': return { ...host, state: HostState.MONITORING };
    case 'HostMonitorDriverMissing':
      return { ...host, state: HostState.ERROR, errorMessage: `Could not find information driver ${event.imMad}` };
    case 'HostMonitored':
      return { ...withoutError(host), state: unlessDisabled(host, HostState.MONITORED), lastMonTime: event.now,
        monitoredShare: { ...event.share } };
    case 'HostMonitorFailed':
      return { ...host, state: unlessDisabled(host, HostState.ERROR), lastMonTime: event.now, errorMessage: event.message };
    case 'HostMonitoringTimedOut': return { ...host, state: HostState.INIT };
    default: return host; // unknown (newer) event type: never corrupt the state
  }
}

const monitor = (host: Host): HostEffect =>
  ({ kind: 'im', action: 'MONITOR', hid: host.id, hostname: host.name, imMad: host.imMad });

export const hostDecider: Decider<Host, HostCommand, HostEvent, HostEffect> = {
  initialState: initialHostState,
  decide: decideHost,
  evolve: evolveHost,
  effects: (_before, event, after) => (event.type === 'HostMonitoringStarted' ? [monitor(after)] : []),
  reconcile: (host) => (host.id >= 0 && !host.deleted && host.state === HostState.MONITORING ? [monitor(host)] : []),
};

export type { HostMachineState, HostCommand, HostEffect } from './host-types.ts';
