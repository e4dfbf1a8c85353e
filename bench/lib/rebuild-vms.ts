/**
 * "Rebuild all actors from a log holding the histories of N VMs" (issue 2):
 * writes realistic VM histories through the real VM decider, then times a
 * cold start of the actor system — folding the whole log, and from a
 * checkpoint of snapshots.
 */
import { ActorSystem } from '../../src/actors/actor-system.ts';
import type { DomainEvent } from '../../src/events/envelope.ts';
import { hookDecider } from '../../src/machines/hook/hook-decider.ts';
import { hostDecider } from '../../src/machines/host/host-decider.ts';
import { userDecider } from '../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../src/machines/vm/vm-decider.ts';
import type { VmCommand, VmState } from '../../src/machines/vm/vm-types.ts';
import { vnetDecider } from '../../src/machines/vnet/vnet-decider.ts';
import { openEventLog } from '../../src/store/sqlite-event-log.ts';
import type { EventLog } from '../../src/actors/ports.ts';

const deciders = { vm: vmDecider, host: hostDecider, vnet: vnetDecider, user: userDecider, hook: hookDecider };
const host = { hid: 0, hostname: 'node0', vmDir: '/srv/one', vmMad: 'vmm_dummy', tmMad: 'tm_dummy' };

/** The commands of one VM's life: running, or (one in three) shut down to DONE. */
export function lifeCommands(vid: number): VmCommand[] {
  const now = 1_700_000_000 + vid;
  const commands: VmCommand[] = [
    { type: 'Allocate', vid, uid: 0, name: `vm${vid}`, template: { attributes: [{ name: 'CPU', value: '1' }, { name: 'MEMORY', value: '512' }] }, requirement: { cpu: 100, mem: 524288, disk: 0 }, now },
    { type: 'Deploy', ...host, now },
    { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '', now },
    { type: 'DriverReplied', driver: 'vmm', verb: 'DEPLOY', success: true, info: `dummy-${vid}`, now },
  ];
  if (vid % 3 === 0) {
    commands.push(
      { type: 'Act', action: 'shutdown', now },
      { type: 'DriverReplied', driver: 'vmm', verb: 'SHUTDOWN', success: true, info: '', now },
      { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '', now },
    );
  }
  return commands;
}

/** The events of one VM's life (lifeCommands through the real decider). */
export function history(vid: number): DomainEvent[] {
  let state: VmState = vmDecider.initialState;
  const events: DomainEvent[] = [];
  for (const command of lifeCommands(vid)) {
    const d = vmDecider.decide(state, command);
    if (!d.ok) throw new Error(`bench history rejected ${command.type}: ${d.error.message}`);
    for (const e of d.events) state = vmDecider.evolve(state, e);
    events.push(...d.events);
  }
  return events;
}

/** Fills a fresh log (SQLite at `path`, or what `open` opens) with `vms` VM histories, then times two rebuilds. */
export async function measureRebuild(path: string, vms: number, open: () => Promise<EventLog> = async () => openEventLog(path)): Promise<Record<string, number>> {
  const log = await open();
  let events = 0;
  for (let done = 0; done < vms; done += 1000) {
    const group: Promise<unknown>[] = [];
    for (let vid = done; vid < Math.min(done + 1000, vms); vid++) {
      const e = history(vid);
      events += e.length;
      group.push(log.append([{ stream: `vm/${vid}`, expectedVersion: 0, events: e }]));
    }
    await Promise.all(group);
  }
  await log.close();
  console.error(`rebuild: log holds ${events} events of ${vms} VMs`);

  const time = async (useSnapshots: boolean) => {
    const reopened = await open();
    const start = performance.now();
    const system = new ActorSystem(reopened, deciders);
    const { actors } = await system.rehydrate({ useSnapshots });
    const seconds = (performance.now() - start) / 1000;
    if (actors !== vms) throw new Error(`rebuilt ${actors} actors, expected ${vms}`);
    return { seconds, system, reopened };
  };
  const full = await time(false);
  console.error(`rebuild by folding the whole log: ${full.seconds.toFixed(2)} s`);
  await full.system.checkpoint();
  await full.reopened.close();
  const fromSnapshots = await time(true);
  await fromSnapshots.reopened.close();
  console.error(`rebuild from a checkpoint of snapshots: ${fromSnapshots.seconds.toFixed(2)} s`);
  const key = vms === 100_000 ? '100k' : String(vms);
  return {
    [`rebuild_${key}_vms_s`]: round(full.seconds),
    [`rebuild_${key}_vms_from_snapshots_s`]: round(fromSnapshots.seconds),
    rebuild_log_events: events,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
