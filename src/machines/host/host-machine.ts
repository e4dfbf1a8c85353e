/**
 * The host life-cycle (spec §5.1) as an XState v5 chart whose events are the
 * domain events. Like the VM chart it is the declared transition table;
 * evolveHost must agree with it (test/unit/machines/host/host-decider.test.ts),
 * and every live decision is checked against it (chart-check.ts).
 */
import { setup } from 'xstate';
import type { StateValue } from 'xstate';
import type { HostEvent } from '../../events/host-events.ts';
import { HostState, hostStateName } from '../state-codes.ts';
import type { HostStateCode } from '../state-codes.ts';

const ADMIN = { HostEnabled: 'INIT', HostDisabled: 'DISABLED', HostDeleted: 'DELETED' } as const;
const RESULTS = { HostMonitored: 'MONITORED', HostMonitorFailed: 'ERROR' } as const;
const IDLE = {
  on: { HostMonitoringStarted: 'MONITORING', HostMonitorDriverMissing: 'ERROR', ...RESULTS, ...ADMIN },
} as const;

export const hostMachine = setup({
  types: { events: {} as HostEvent },
}).createMachine({
  id: 'host',
  initial: 'NEW',
  states: {
    NEW: { on: { HostAllocated: 'INIT' } },
    INIT: IDLE,
    MONITORED: IDLE,
    ERROR: IDLE,
    MONITORING: { on: { ...RESULTS, HostMonitoringTimedOut: 'INIT', ...ADMIN } },
    // A late result only refreshes LAST_MON_TIME and the share.
    DISABLED: { on: { HostMonitored: { target: 'DISABLED' }, HostMonitorFailed: { target: 'DISABLED' }, ...ADMIN } },
    DELETED: { type: 'final' },
  },
});

/** Chart value of a host: its state name, NEW before allocation, DELETED after. */
export function hostStateValue(host: { id: number; state: HostStateCode; deleted: boolean }): StateValue {
  if (host.id < 0) return 'NEW';
  if (host.deleted) return 'DELETED';
  return hostStateName[host.state];
}

export const hostCodeOf = (value: StateValue): HostStateCode | undefined =>
  typeof value === 'string' && value in HostState ? HostState[value as keyof typeof HostState] : undefined;
