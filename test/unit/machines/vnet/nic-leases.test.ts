import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allocateNicLeases,
  networksOfNics,
  planNicLeases,
  releaseNicLeases,
  type NicPairs,
} from '../../../../src/machines/vnet/nic-leases.ts';
import { vnetDecider } from '../../../../src/machines/vnet/vnet-decider.ts';
import type { VnetState } from '../../../../src/machines/vnet/vnet-state.ts';
import { fixedCommand, ip, rangedCommand, run } from './vnet-fixtures.ts';

function networks(): Map<string, VnetState> {
  const priv = run(null, rangedCommand({ nid: 0, uid: 5, name: 'private' }))!;
  const pub = run(null, fixedCommand({ nid: 1, uid: 0, name: 'public' }))!;
  const other = run(null, rangedCommand({ nid: 2, uid: 9, name: 'other', range: { base: ip('10.9.0.0'), size: 256 } }))!;
  return new Map([priv, pub, other].map((n) => [n.name, n]));
}

describe('NIC lease planning (§7.5)', () => {
  it('rewrites network NICs to exactly NETWORK, MAC, BRIDGE, VNID, IP (+ MODEL) and keeps the others', () => {
    const nets = networks();
    const nics: NicPairs[] = [
      [['NETWORK', 'private'], ['TARGET', 'vnet0'], ['MODEL', 'virtio']],
      [['MAC', '00:11:22:33:44:55'], ['BRIDGE', 'br9']],
      [['NETWORK', 'public'], ['IP', '130.10.0.2'], ['SCRIPT', '/x']],
      [['NETWORK', 'private']],
    ];
    const r = allocateNicLeases(42, nics, 5, (name) => nets.get(name));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(r.value.nics, [
      [['NETWORK', 'private'], ['MAC', '00:03:0a:00:00:01'], ['BRIDGE', 'br0'], ['VNID', '0'], ['IP', '10.0.0.1'], ['MODEL', 'virtio']],
      [['MAC', '00:11:22:33:44:55'], ['BRIDGE', 'br9']],
      [['NETWORK', 'public'], ['MAC', '00:03:82:0a:00:02'], ['BRIDGE', 'eth0'], ['VNID', '1'], ['IP', '130.10.0.2']],
      [['NETWORK', 'private'], ['MAC', '00:03:0a:00:00:02'], ['BRIDGE', 'br0'], ['VNID', '0'], ['IP', '10.0.0.2']],
    ]);
    assert.deepEqual([...r.value.events.keys()].sort(), [0, 1]);
    assert.equal(r.value.events.get(0)![0].type, 'LeasesTaken');
  });

  it('groups the requests per network in NIC order', () => {
    const nets = networks();
    const plan = planNicLeases(
      [[['NETWORK', 'private'], ['IP', '10.0.0.9']], [['NETWORK', 'public']], [['NETWORK', 'private']]],
      5,
      (name) => nets.get(name),
    );
    assert.ok(plan.ok);
    assert.deepEqual([...plan.value.perNetwork], [[0, [{ ip: ip('10.0.0.9') }, {}]], [1, [{}]]]);
  });

  it('an unknown network fails the whole allocation', () => {
    const nets = networks();
    const r = allocateNicLeases(1, [[['NETWORK', 'private']], [['NETWORK', 'nope']]], 5, (n) => nets.get(n));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.message, 'Error getting network nope');
  });

  it('a VM may use its owner’s networks and oneadmin’s; oneadmin may use any', () => {
    const nets = networks();
    const lookup = (n: string) => nets.get(n);
    assert.ok(planNicLeases([[['NETWORK', 'private']], [['NETWORK', 'public']]], 5, lookup).ok);
    const denied = planNicLeases([[['NETWORK', 'other']]], 5, lookup);
    assert.equal(denied.ok, false);
    if (!denied.ok) assert.equal(denied.error.code, 0x200);
    assert.ok(planNicLeases([[['NETWORK', 'other']]], 0, lookup).ok);
    nets.set('other', run(nets.get('other')!, { type: 'PublishVnet', public: true })!);
    assert.ok(planNicLeases([[['NETWORK', 'other']]], 5, lookup).ok, 'a public network is open to everyone');
  });

  it('a failing NIC (IP in use, bad IP) means no events at all', () => {
    const nets = networks();
    nets.set('public', run(nets.get('public')!, { type: 'TakeLeases', vid: 1, requests: [{ ip: ip('130.10.0.1') }] })!);
    const inUse = allocateNicLeases(2, [[['NETWORK', 'private']], [['NETWORK', 'public'], ['IP', '130.10.0.1']]], 5, (n) => nets.get(n));
    assert.equal(inUse.ok, false);
    if (!inUse.ok) assert.equal(inUse.error.code, 0x4000);
    const badIp = allocateNicLeases(2, [[['NETWORK', 'private'], ['IP', '10.0.0']]], 5, (n) => nets.get(n));
    assert.equal(badIp.ok, false);
    if (!badIp.ok) assert.equal(badIp.error.code, 0x1000);
  });

  it('releases on every network the rewritten NICs name, and nothing for gone networks', () => {
    const nets = networks();
    const r = allocateNicLeases(42, [[['NETWORK', 'private']], [['NETWORK', 'public']], [['BRIDGE', 'br1']]], 0, (n) => nets.get(n));
    assert.ok(r.ok);
    const byId = new Map([...nets.values()].map((n) => [n.id, n]));
    for (const [nid, events] of r.value.events) byId.set(nid, events.reduce(vnetDecider.evolve, byId.get(nid)!)!);
    const nids = networksOfNics(r.value.nics);
    assert.deepEqual(nids, [0, 1]);
    const release = releaseNicLeases(42, [...nids, 77], (nid) => byId.get(nid));
    assert.deepEqual([...release.keys()], [0, 1]);
    for (const [nid, events] of release) byId.set(nid, events.reduce(vnetDecider.evolve, byId.get(nid)!)!);
    assert.equal(byId.get(0)!.leases.usedCount, 0);
    assert.equal(byId.get(1)!.leases.usedCount, 0);
  });
});
