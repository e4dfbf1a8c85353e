/** Builds a log the way oned's actors write it: commands through the real deciders, events stamped with seq, ts and meta. */
import type { EventMeta, StoredEvent } from '../../../src/events/envelope.ts';
import type { Decider } from '../../../src/machines/decider.ts';
import { hostDecider } from '../../../src/machines/host/host-decider.ts';
import { userDecider } from '../../../src/machines/user/user-decider.ts';
import { vmDecider } from '../../../src/machines/vm/vm-decider.ts';
import type { VmCommand } from '../../../src/machines/vm/vm-types.ts';

const DECIDERS: Record<string, Decider<unknown, unknown, never, unknown>> = {
  vm: vmDecider as never,
  host: hostDecider as never,
  user: userDecider as never,
};

export const HOSTS = [
  { hid: 0, hostname: 'node0', vmDir: '/var/one', vmMad: 'vmm_dummy', tmMad: 'tm_dummy' },
  { hid: 1, hostname: 'node1', vmDir: '/var/one', vmMad: 'vmm_dummy', tmMad: 'tm_dummy' },
];

export class LogBuilder {
  readonly events: StoredEvent[] = [];
  private readonly states = new Map<string, unknown>();
  private readonly versions = new Map<string, number>();
  /** Epoch ms of the next event; each event is one second later. */
  ts = Date.UTC(2026, 11, 5, 12, 0, 0);

  /** oned's first event: oneadmin, uid 0. */
  constructor() {
    this.user(0, 'oneadmin');
  }

  /** Runs one command on `stream`; throws when the decider refuses it. */
  run(stream: string, command: object, meta: EventMeta = {}): this {
    const decider = DECIDERS[stream.split('/')[0]!]!;
    let state = this.states.has(stream) ? this.states.get(stream) : decider.initialState;
    const d = decider.decide(state, command);
    if (!d.ok) throw new Error(`${stream} ${JSON.stringify(command)}: ${d.error.message}`);
    for (const event of d.events) {
      state = decider.evolve(state, event);
      const version = (this.versions.get(stream) ?? 0) + 1;
      this.versions.set(stream, version);
      this.events.push({ seq: this.events.length + 1, stream, version, event, ts: this.ts, meta, hash: '' });
      this.ts += 1000;
    }
    this.states.set(stream, state);
    return this;
  }

  user(uid: number, name: string): this {
    return this.run(`user/${uid}`, { type: 'AllocateUser', uid, name, passwordHash: 'scrypt$0123456789abcdef' }, { uid: 0, cause: 'one.user.allocate' });
  }

  host(hid: number): this {
    const h = HOSTS[hid]!;
    const now = this.ts / 1000;
    this.run(`host/${hid}`, { type: 'Allocate', hid, name: h.hostname, imMad: 'im_dummy', vmMad: h.vmMad, tmMad: h.tmMad, now }, { uid: 0, cause: 'one.host.allocate' });
    return this;
  }

  vm(vid: number, uid: number, name: string): this {
    const template = { attributes: [{ name: 'NAME', value: name }] };
    return this.vmDo(vid, { type: 'Allocate', vid, uid, name, template, requirement: { cpu: 100, mem: 65536, disk: 0 } }, { uid, cause: 'one.vm.allocate' });
  }

  vmDo(vid: number, command: DistributiveOmit<VmCommand, 'now'>, meta: EventMeta): this {
    return this.run(`vm/${vid}`, { ...command, now: Math.floor(this.ts / 1000) }, meta);
  }

  /** A VM from allocation to RUNNING on `hid`, as oneadmin deploys and the drivers answer. */
  running(vid: number, hid: number): this {
    const tm = { cause: 'driver:tm' };
    const vmm = { cause: 'driver:vmm' };
    return this.vmDo(vid, { type: 'Deploy', ...HOSTS[hid]! }, { uid: 0, cause: 'one.vm.deploy' })
      .vmDo(vid, { type: 'DriverReplied', driver: 'tm', verb: 'TRANSFER', success: true, info: '' }, tm)
      .vmDo(vid, { type: 'DriverReplied', driver: 'vmm', verb: 'DEPLOY', success: true, info: `dummy-${vid}` }, vmm);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
