import { createHash } from 'node:crypto';
import { domainError, ErrorCode, wrongState } from '../../../src/events/domain-error.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { hashPassword, type ScryptParams } from '../../../src/rpc/auth.ts';
import { err, ok, type CorePort, type Result, type VmAction, type VmQuery } from '../../../src/rpc/core-port.ts';
import type { HostView, UserView, VmView, VnetView } from '../../../src/rpc/views.ts';

/** Cheap scrypt so that tests stay fast; production uses DEFAULT_SCRYPT. */
export const TEST_SCRYPT: ScryptParams = { N: 1 << 8, r: 8, p: 1 };

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
export const session = (name: string, password: string): string => `${name}:${sha1(password)}`;

const EMPTY_SHARE = {
  diskUsage: 0, memUsage: 0, cpuUsage: 0, maxDisk: 0, maxMem: 0, maxCpu: 0,
  freeDisk: 0, freeMem: 0, freeCpu: 0, usedDisk: 0, usedMem: 0, usedCpu: 0, runningVms: 0,
};

/**
 * A minimal in-memory CorePort for the RPC unit tests: no machines, no log,
 * just enough state for the method table to have something to act on.
 * It records every command so tests can assert what reached the core.
 */
export class FakeCore implements CorePort {
  readonly commands: string[] = [];
  readonly vmMap = new Map<number, VmView>();
  readonly hostMap = new Map<number, HostView>();
  readonly vnetMap = new Map<number, VnetView>();
  readonly userMap = new Map<number, UserView>();
  readonly events: StoredEvent[] = [];
  private nextId = { vm: 0, host: 0, vnet: 0, user: 0 };
  private waiters: (() => void)[] = [];

  static async create(adminPassword = 'adminpass'): Promise<FakeCore> {
    const core = new FakeCore();
    await core.addUser('oneadmin', adminPassword);
    return core;
  }

  async addUser(name: string, password: string, enabled = true): Promise<number> {
    const id = this.nextId.user++;
    this.userMap.set(id, { id, name, passwordHash: await hashPassword(sha1(password), TEST_SCRYPT), enabled, version: 1 });
    return id;
  }

  addVm(uid: number, state = 1, lcmState = 0): number {
    const id = this.nextId.vm++;
    const username = this.userMap.get(uid)?.name ?? '';
    this.vmMap.set(id, {
      id, uid, username, name: `one-${id}`, lastPoll: 0, state, lcmState, stime: 1_000 + id, etime: 0,
      deployId: '', memory: 0, cpu: 0, netTx: 0, netRx: 0,
      template: [{ name: 'NAME', value: `one-${id}` }, { name: 'MEMORY', value: '64' }],
    });
    return id;
  }

  addHost(name = `host${this.nextId.host}`): number {
    const id = this.nextId.host++;
    this.hostMap.set(id, { id, name, state: 0, imMad: 'im_kvm', vmMad: 'vmm_kvm', tmMad: 'tm_ssh', lastMonTime: 0, share: EMPTY_SHARE, template: [] });
    return id;
  }

  addVnet(uid: number, name = `net${this.nextId.vnet}`): number {
    const id = this.nextId.vnet++;
    const username = this.userMap.get(uid)?.name ?? '';
    this.vnetMap.set(id, { id, uid, username, name, type: 1, bridge: 'br0', public: false, template: [{ name: 'NAME', value: name }], leases: [] });
    return id;
  }

  /** Appends a fake committed event and wakes long-polls. */
  emit(type: string): StoredEvent {
    const seq = this.events.length + 1;
    const e: StoredEvent = { seq, stream: 'vm/0', version: seq, event: { type }, ts: seq, meta: {}, hash: 'h'.repeat(64) };
    this.events.push(e);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return e;
  }

  private bumpUser(uid: number, change: Partial<UserView>): void {
    const u = this.userMap.get(uid)!;
    this.userMap.set(uid, { ...u, ...change, version: u.version + 1 });
  }

  async allocateVm(caller: number, templateText: string): Promise<Result<number>> {
    this.commands.push(`allocateVm ${caller}`);
    if (templateText.includes('SYNTAX ERROR')) return err(domainError(ErrorCode.ALLOCATE, 'Error parsing VM template'));
    return ok(this.addVm(caller));
  }
  async deployVm(caller: number, vid: number, hid: number): Promise<Result<void>> {
    this.commands.push(`deployVm ${caller} ${vid} ${hid}`);
    const vm = this.vmMap.get(vid)!;
    this.vmMap.set(vid, { ...vm, state: 3, lcmState: 1 });
    return ok(undefined);
  }
  async actOnVm(caller: number, vid: number, action: VmAction): Promise<Result<void>> {
    this.commands.push(`actOnVm ${caller} ${vid} ${action}`);
    const vm = this.vmMap.get(vid)!;
    if (action === 'hold') {
      if (vm.state !== 1) return err(wrongState());
      this.vmMap.set(vid, { ...vm, state: 2 });
    }
    if (action === 'finalize') this.vmMap.set(vid, { ...vm, state: 6 });
    return ok(undefined);
  }
  async migrateVm(caller: number, vid: number, hid: number, live: boolean): Promise<Result<void>> {
    this.commands.push(`migrateVm ${caller} ${vid} ${hid} ${live}`);
    return ok(undefined);
  }
  async setVmSchedMessage(caller: number, vid: number, message: string): Promise<Result<void>> {
    this.commands.push(`setVmSchedMessage ${caller} ${vid} ${message}`);
    return ok(undefined);
  }
  async allocateHost(caller: number, name: string): Promise<Result<number>> {
    this.commands.push(`allocateHost ${caller} ${name}`);
    return ok(this.addHost(name));
  }
  async deleteHost(caller: number, hid: number): Promise<Result<void>> {
    this.commands.push(`deleteHost ${caller} ${hid}`);
    this.hostMap.delete(hid);
    return ok(undefined);
  }
  async enableHost(caller: number, hid: number, enable: boolean): Promise<Result<void>> {
    this.commands.push(`enableHost ${caller} ${hid} ${enable}`);
    return ok(undefined);
  }
  async allocateVnet(caller: number): Promise<Result<number>> {
    this.commands.push(`allocateVnet ${caller}`);
    return ok(this.addVnet(caller));
  }
  async deleteVnet(caller: number, nid: number, force: boolean): Promise<Result<void>> {
    this.commands.push(`deleteVnet ${caller} ${nid} ${force}`);
    this.vnetMap.delete(nid);
    return ok(undefined);
  }
  async publishVnet(caller: number, nid: number, publish: boolean): Promise<Result<void>> {
    this.commands.push(`publishVnet ${caller} ${nid} ${publish}`);
    this.vnetMap.set(nid, { ...this.vnetMap.get(nid)!, public: publish });
    return ok(undefined);
  }
  async allocateUser(caller: number, name: string, passwordHash: string): Promise<Result<number>> {
    this.commands.push(`allocateUser ${caller} ${name}`);
    if (this.userByName(name)) return err(domainError(ErrorCode.ALLOCATE, 'Existing user, cannot duplicate'));
    const id = this.nextId.user++;
    this.userMap.set(id, { id, name, passwordHash, enabled: true, version: 1 });
    return ok(id);
  }
  async deleteUser(caller: number, uid: number): Promise<Result<void>> {
    this.commands.push(`deleteUser ${caller} ${uid}`);
    this.userMap.delete(uid);
    return ok(undefined);
  }
  async setUserPassword(caller: number, uid: number, passwordHash: string): Promise<Result<void>> {
    this.commands.push(`setUserPassword ${caller} ${uid}`);
    this.bumpUser(uid, { passwordHash });
    return ok(undefined);
  }
  async enableUser(caller: number, uid: number, enable: boolean): Promise<Result<void>> {
    this.commands.push(`enableUser ${caller} ${uid} ${enable}`);
    this.bumpUser(uid, { enabled: enable });
    return ok(undefined);
  }

  vm(vid: number): VmView | undefined {
    return this.vmMap.get(vid);
  }
  vms(q: VmQuery): readonly VmView[] {
    return [...this.vmMap.values()].filter(
      (v) =>
        (q.uid === undefined || v.uid === q.uid) &&
        (q.state === 'any' || (q.state === 'not-done' ? v.state !== 6 : v.state === q.state)),
    );
  }
  host(hid: number): HostView | undefined {
    return this.hostMap.get(hid);
  }
  hosts(): readonly HostView[] {
    return [...this.hostMap.values()];
  }
  vnet(nid: number): VnetView | undefined {
    return this.vnetMap.get(nid);
  }
  vnets(uid?: number): readonly VnetView[] {
    return [...this.vnetMap.values()].filter((n) => uid === undefined || n.uid === uid);
  }
  user(uid: number): UserView | undefined {
    return this.userMap.get(uid);
  }
  userByName(name: string): UserView | undefined {
    return [...this.userMap.values()].find((u) => u.name === name);
  }
  users(): readonly UserView[] {
    return [...this.userMap.values()];
  }

  lastEventSeq(): number {
    return this.events.length;
  }

  async pollEvents(afterSeq: number, max: number, timeoutMs: number): Promise<readonly StoredEvent[]> {
    const pending = () => this.events.filter((e) => e.seq > afterSeq).slice(0, max);
    if (pending().length > 0 || timeoutMs === 0) return pending();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return pending();
  }
}
