/**
 * Writes the state bench/scale ends with — hosts monitored, VMs RUNNING on
 * them, their monitoring samples — straight into a stopped oned's var/,
 * through the real deciders and stores, in seconds instead of the half
 * hour that allocating and deploying 100,000 VMs through the API takes.
 */
import { join } from 'node:path';
import type { DomainEvent } from '../../src/events/envelope.ts';
import type { Decider } from '../../src/machines/decider.ts';
import { hostDecider } from '../../src/machines/host/host-decider.ts';
import { vmDecider } from '../../src/machines/vm/vm-decider.ts';
import { openMonitoringStore } from '../../src/store/monitoring-store.ts';
import { openEventLog } from '../../src/store/sqlite-event-log.ts';

const SHARE = { maxCpu: 800, maxMem: 16777216, maxDisk: 0, freeCpu: 790, freeMem: 16677216, freeDisk: 0, usedCpu: 10, usedMem: 100000, usedDisk: 0 };
const HOST_TEMPLATE = {
  attributes: Object.entries({ HYPERVISOR: 'dummy', TOTALCPU: 800, CPUSPEED: 2200, TOTALMEMORY: 16777216, FREEMEMORY: 16677216, USEDMEMORY: 100000, FREECPU: 790, USEDCPU: 10 })
    .map(([name, value]) => ({ name, value: String(value) })),
};

/** The events of `commands` through `decider`, from its initial state. */
function fold<S, C, E extends DomainEvent, F>(decider: Decider<S, C, E, F>, commands: readonly C[]): DomainEvent[] {
  let state = decider.initialState;
  const events: DomainEvent[] = [];
  for (const command of commands) {
    const d = decider.decide(state, command);
    if (!d.ok) throw new Error(`bench state rejected: ${d.error.message}`);
    for (const e of d.events) state = decider.evolve(state, e);
    events.push(...d.events);
  }
  return events;
}

/** Appends `hosts` monitored dummy hosts and `vms` RUNNING VMs (CPU 0.1, MEMORY 64) to var/one.db; returns the event count. */
export async function writeRunningState(varDir: string, hosts: number, vms: number, now: number): Promise<number> {
  const log = await openEventLog(join(varDir, 'one.db'));
  let events = 0;
  const streams: { stream: string; events: DomainEvent[] }[] = [];
  const flush = async () => {
    await Promise.all(streams.splice(0).map((s) => log.append([{ stream: s.stream, expectedVersion: 0, events: s.events }])));
  };
  const add = async (stream: string, e: DomainEvent[]) => {
    events += e.length;
    streams.push({ stream, events: e });
    if (streams.length >= 1000) await flush();
  };
  for (let hid = 0; hid < hosts; hid++) {
    await add(`host/${hid}`, fold(hostDecider, [
      { type: 'Allocate', hid, name: `host${hid}`, imMad: 'im_dummy', vmMad: 'vmm_dummy', tmMad: 'tm_dummy', now },
      { type: 'MonitoringStarted', now },
      { type: 'MonitorReplied', success: true, share: SHARE, now },
    ]));
  }
  for (let vid = 0; vid < vms; vid++) {
    const hid = vid % hosts;
    const template = { attributes: [{ name: 'NAME', value: `vm${vid}` }, { name: 'CPU', value: '0.1' }, { name: 'MEMORY', value: '64' }] };
    await add(`vm/${vid}`, fold(vmDecider, [
      { type: 'Allocate', vid, uid: 0, name: `vm${vid}`, template, requirement: { cpu: 10, mem: 65536, disk: 0 }, now },
      { type: 'Deploy', hid, hostname: `host${hid}`, vmDir: '/srv/one', vmMad: 'vmm_dummy', tmMad: 'tm_dummy', now },
      { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '', now },
      { type: 'DriverReplied', driver: 'vmm', verb: 'DEPLOY', success: true, info: `dummy-${vid}`, now },
    ]));
  }
  await flush();
  await log.close();

  // Samples as monitoring and polls leave them: a few per entity, the newest one recent.
  const samples = openMonitoringStore(join(varDir, 'monitoring.db'));
  for (let round = 2; round >= 0; round--) {
    const time = now - round * 20;
    for (let hid = 0; hid < hosts; hid++) samples.record('host', hid, time, { time, template: HOST_TEMPLATE, share: SHARE });
    for (let vid = 0; vid < vms; vid++) samples.record('vm', vid, time, { lastPoll: time, memory: 50000, cpu: 5, netTx: 1000 * (3 - round), netRx: 2000 * (3 - round) });
    samples.flush();
  }
  samples.close();
  return events;
}
