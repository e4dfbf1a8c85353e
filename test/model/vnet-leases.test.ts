/**
 * Model-based test of networks and leases (spec §7): random network
 * creation/deletion, VM allocations with 0–3 NICs (some asking for an IP),
 * VM ends, and snapshot restores. The model is the obvious version (a map of
 * used IPs and a linear round-robin scan); the real side is the vnet decider
 * driven exactly as the runtime will drive it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { VnetEvent } from '../../src/events/vnet-events.ts';
import { formatIpv4, parseIpv4 } from '../../src/machines/vnet/ip.ts';
import { allocateNicLeases, networksOfNics, releaseNicLeases, type NicPairs } from '../../src/machines/vnet/nic-leases.ts';
import { vnetDecider } from '../../src/machines/vnet/vnet-decider.ts';
import { reviveVnetState, type VnetState, type VnetStreamState } from '../../src/machines/vnet/vnet-state.ts';

interface ModelNet {
  nid: number;
  name: string;
  uid: number;
  addrs: number[];
  used: Map<number, number>;
  cursor: number;
  deleted: boolean;
}
interface Model {
  nets: ModelNet[];
  live: Set<number>;
  ended: Set<number>;
  nextVid: number;
}
class Real {
  states = new Map<number, VnetStreamState>();
  log: { nid: number; event: VnetEvent }[] = [];
  nics = new Map<number, NicPairs[]>();
  append(events: ReadonlyMap<number, readonly VnetEvent[]>): void {
    for (const [nid, list] of events) {
      for (const event of list) this.log.push({ nid, event });
      this.states.set(nid, list.reduce(vnetDecider.evolve, this.states.get(nid) ?? null));
    }
  }
  /** For reading only: a restored state may still be raw snapshot JSON until its next event. */
  live(nid: number): VnetState | undefined {
    const s = reviveVnetState(this.states.get(nid));
    return s && !s.deleted ? s : undefined;
  }
  byName(name: string): VnetState | undefined {
    for (const s of this.states.values()) if (s && !s.deleted && s.name === name) return s;
    return undefined;
  }
}
type Cmd = fc.Command<Model, Real>;

const usedKey = (nid: number, ip: number, vid: number) => `${nid} ${formatIpv4(ip)} ${vid}`;

/** The invariants, checked after every command. */
function checkInvariants(m: Model, r: Real): void {
  const leased: string[] = [];
  for (const net of m.nets) {
    const real = r.live(net.nid);
    assert.equal(real === undefined, net.deleted, `network ${net.nid} existence`);
    if (!real) continue;
    const rows = real.leases.rows().filter((row) => row.used);
    // no IP is leased twice
    assert.equal(new Set(rows.map((row) => row.ip)).size, rows.length);
    const realUsed = rows.map((row) => usedKey(net.nid, row.ip, row.vid)).sort();
    const modelUsed = [...net.used].map(([ip, vid]) => usedKey(net.nid, ip, vid)).sort();
    assert.deepEqual(realUsed, modelUsed, `used leases of network ${net.nid}`);
    leased.push(...realUsed);
    assert.equal(real.leases.cursor, net.cursor, `cursor of network ${net.nid}`);
  }
  // used leases are exactly the NICs of the VMs not yet ended (on networks still there)
  const fromNics: string[] = [];
  for (const vid of m.live) {
    for (const nic of r.nics.get(vid) ?? []) {
      const vnid = nic.find(([k]) => k === 'VNID')?.[1];
      const ip = nic.find(([k]) => k === 'IP')?.[1];
      if (vnid === undefined || ip === undefined || !r.live(Number(vnid))) continue;
      fromNics.push(usedKey(Number(vnid), parseIpv4(ip)!, vid));
    }
  }
  assert.deepEqual(fromNics.sort(), [...leased].sort());
  // every lease of an ended VM is gone
  for (const vid of m.ended) {
    for (const nid of r.states.keys()) assert.deepEqual(r.live(nid)?.leases.slotsOf(vid) ?? [], []);
  }
  // replaying the log gives the same networks, leases and cursors
  for (const [nid, state] of r.states) {
    const replayed = r.log.filter((e) => e.nid === nid).reduce<VnetStreamState>((s, e) => vnetDecider.evolve(s, e.event), null);
    assert.deepEqual(JSON.parse(JSON.stringify(replayed)), JSON.parse(JSON.stringify(state)), `replay of network ${nid}`);
  }
}

class CreateNetwork implements Cmd {
  constructor(readonly ranged: boolean, readonly hosts: number, readonly uid: number, readonly offsets: number[]) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const nid = m.nets.length;
    const name = `net${nid}`;
    const base = (10 << 24) + nid * 256;
    const fixedIps = this.offsets.map((o) => (192 << 24) + (168 << 16) + nid * 256 + o);
    const d = vnetDecider.decide(null, {
      type: 'CreateVnet', nid, uid: this.uid, name, netType: this.ranged ? 0 : 1, bridge: `br${nid}`, public: false,
      template: { NAME: name }, macPrefix: 2,
      ...(this.ranged ? { range: { base, size: this.hosts + 2 } } : { fixedLeases: fixedIps.map((ip) => ({ ip: formatIpv4(ip) })) }),
    });
    const duplicate = new Set(fixedIps).size !== fixedIps.length;
    assert.equal(d.ok, this.ranged || !duplicate);
    if (!d.ok) return checkInvariants(m, r);
    r.append(new Map([[nid, d.events]]));
    const addrs = this.ranged ? Array.from({ length: this.hosts }, (_, i) => base + 1 + i) : [...fixedIps].sort((a, b) => a - b);
    m.nets.push({ nid, name, uid: this.uid, addrs, used: new Map(), cursor: 0, deleted: false });
    checkInvariants(m, r);
  }
  toString = () => `Create(${this.ranged ? `ranged ${this.hosts}` : `fixed [${this.offsets}]`}, uid ${this.uid})`;
}

class DeleteNetwork implements Cmd {
  constructor(readonly pick: number, readonly force: boolean) {}
  check = (m: Readonly<Model>) => m.nets.some((n) => !n.deleted);
  run(m: Model, r: Real): void {
    const alive = m.nets.filter((n) => !n.deleted);
    const net = alive[this.pick % alive.length];
    const d = vnetDecider.decide(r.states.get(net.nid)!, { type: 'DeleteVnet', force: this.force });
    assert.equal(d.ok, this.force || net.used.size === 0);
    if (d.ok) {
      r.append(new Map([[net.nid, d.events]]));
      net.deleted = true;
      net.used.clear();
    }
    checkInvariants(m, r);
  }
  toString = () => `Delete(#${this.pick}, force ${this.force})`;
}

/** network: a live network by index, any network ever created (maybe deleted) by index, none, or a name that never existed. */
type NicSpec = { network: 'none' | 'ghost' | number | { any: number }; ip: 'auto' | 'inside' | 'outside'; ipPick: number };

class AllocateVm implements Cmd {
  constructor(readonly uid: number, readonly nics: NicSpec[]) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const vid = m.nextVid++;
    const nics: NicPairs[] = [];
    const wanted: { net?: ModelNet; ip?: number; fail?: boolean }[] = [];
    for (const spec of this.nics) {
      if (spec.network === 'none') {
        nics.push([['BRIDGE', 'br9'], ['MAC', '00:00:00:00:00:01']]);
        wanted.push({});
        continue;
      }
      const alive = m.nets.filter((n) => !n.deleted);
      const net =
        typeof spec.network === 'number'
          ? alive[spec.network % Math.max(1, alive.length)]
          : spec.network !== 'ghost' && m.nets.length > 0
            ? m.nets[spec.network.any % m.nets.length]
            : undefined;
      const name = net ? net.name : 'ghost';
      let ip: number | undefined;
      if (spec.ip === 'inside' && net && net.addrs.length > 0) ip = net.addrs[spec.ipPick % net.addrs.length];
      if (spec.ip === 'outside') ip = (172 << 24) + spec.ipPick;
      nics.push(ip === undefined ? [['NETWORK', name], ['MODEL', 'virtio']] : [['NETWORK', name], ['IP', formatIpv4(ip)]]);
      const allowed = net && !net.deleted && (net.uid === this.uid || net.uid === 0 || this.uid === 0);
      wanted.push({ net, ip, fail: !allowed });
    }
    // The model's answer: plain linear round-robin per network, NICs in order.
    let ok = wanted.every((w) => !w.fail);
    const chosen = new Map<ModelNet, Map<number, number>>();
    const cursors = new Map<ModelNet, number>();
    const expectedIps: (number | undefined)[] = [];
    for (const w of wanted) {
      if (!ok) break;
      if (!w.net) {
        expectedIps.push(undefined);
        continue;
      }
      const net = w.net;
      const mine = chosen.get(net) ?? new Map<number, number>();
      chosen.set(net, mine);
      const taken = (ip: number) => net.used.has(ip) || mine.has(ip);
      let ip = w.ip;
      if (ip !== undefined) {
        if (!net.addrs.includes(ip) || taken(ip)) ok = false;
      } else {
        const start = cursors.get(net) ?? net.cursor;
        const k = [...net.addrs.keys()].map((i) => (start + i) % net.addrs.length).find((i) => !taken(net.addrs[i]));
        if (k === undefined) ok = false;
        else {
          ip = net.addrs[k];
          cursors.set(net, (k + 1) % net.addrs.length);
        }
      }
      if (ip !== undefined) mine.set(ip, vid);
      expectedIps.push(ip);
    }
    const result = allocateNicLeases(vid, nics, this.uid, (name) => r.byName(name));
    assert.equal(result.ok, ok, result.ok ? 'allocation should have failed' : result.error.message);
    if (result.ok) {
      r.append(result.value.events);
      r.nics.set(vid, result.value.nics);
      result.value.nics.forEach((nic, i) => {
        const ip = nic.find(([k]) => k === 'IP')?.[1];
        if (expectedIps[i] !== undefined) assert.equal(ip, formatIpv4(expectedIps[i]!));
      });
      for (const [net, ips] of chosen) for (const [ip, owner] of ips) net.used.set(ip, owner);
      for (const [net, cursor] of cursors) net.cursor = cursor;
      m.live.add(vid);
    }
    checkInvariants(m, r);
  }
  toString = () => `Allocate(uid ${this.uid}, ${JSON.stringify(this.nics)})`;
}

class EndVm implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.live.size > 0;
  run(m: Model, r: Real): void {
    const vid = [...m.live][this.pick % m.live.size];
    const nids = networksOfNics(r.nics.get(vid)!);
    r.append(releaseNicLeases(vid, nids, (nid) => r.states.get(nid)));
    m.live.delete(vid);
    m.ended.add(vid);
    for (const net of m.nets) for (const [ip, owner] of net.used) if (owner === vid) net.used.delete(ip);
    checkInvariants(m, r);
  }
  toString = () => `End(#${this.pick})`;
}

/** The actor restarts from snapshots: every state becomes its JSON and is revived on next use. */
class RestoreSnapshots implements Cmd {
  check = () => true;
  run(m: Model, r: Real): void {
    for (const [nid, s] of r.states) {
      const json = JSON.parse(JSON.stringify(s));
      const revived = reviveVnetState(json);
      assert.deepEqual(JSON.parse(JSON.stringify(revived)), json);
      // Keep the raw JSON: decide and evolve must revive it themselves, as after a restart.
      r.states.set(nid, json);
    }
    checkInvariants(m, r);
  }
  toString = () => 'RestoreSnapshots';
}

const nicSpec: fc.Arbitrary<NicSpec> = fc.record({
  network: fc.oneof(
    { weight: 12, arbitrary: fc.nat(6) },
    { weight: 1, arbitrary: fc.record({ any: fc.nat(6) }) },
    { weight: 1, arbitrary: fc.constantFrom('none' as const, 'ghost' as const) },
  ),
  ip: fc.oneof({ weight: 5, arbitrary: fc.constant('auto' as const) }, { weight: 3, arbitrary: fc.constant('inside' as const) }, { weight: 1, arbitrary: fc.constant('outside' as const) }),
  ipPick: fc.nat(20),
});

/** Owners: mostly oneadmin, so that most NICs pass the §7.5 ownership check and leases really get taken. */
const owner = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 }) });
const allocate = fc.tuple(owner, fc.array(nicSpec, { maxLength: 3 })).map(([uid, nics]) => new AllocateVm(uid, nics));
const end = fc.nat().map((pick) => new EndVm(pick));

const commands = [
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 6 }), owner, fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 5 })).map(
    ([ranged, hosts, uid, offsets]) => new CreateNetwork(ranged, hosts, uid, offsets),
  ),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 6 }), owner, fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 5 })).map(
    ([ranged, hosts, uid, offsets]) => new CreateNetwork(ranged, hosts, uid, offsets),
  ),
  fc.tuple(fc.nat(), fc.boolean()).map(([pick, force]) => new DeleteNetwork(pick, force)),
  allocate,
  allocate,
  allocate,
  end,
  end,
  fc.constant(new RestoreSnapshots()),
];

describe('vnet leases (model-based)', () => {
  it('never double-leases, matches live NICs, releases on end, and replays identically', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60, size: 'medium' }), (cmds) => {
        fc.modelRun(() => ({ model: { nets: [], live: new Set<number>(), ended: new Set<number>(), nextVid: 0 }, real: new Real() }), cmds);
      }),
      { numRuns: 100 },
    );
  });
});
