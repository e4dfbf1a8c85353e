import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VnetEvent } from '../../../../src/events/vnet-events.ts';
import { formatIpv4 } from '../../../../src/machines/vnet/ip.ts';
import { vnetDecider } from '../../../../src/machines/vnet/vnet-decider.ts';
import { reviveVnetState, type VnetState } from '../../../../src/machines/vnet/vnet-state.ts';
import { fixedCommand, ip, rangedCommand, run } from './vnet-fixtures.ts';

const rowsOf = (s: VnetState) => s.leases.rows().map((r) => `${formatIpv4(r.ip)} ${r.mac} ${r.used ? r.vid : '-'}`);
const take = (s: VnetState, vid: number, ...requests: { ip?: number }[]) =>
  run(s, { type: 'TakeLeases', vid, requests }) as VnetState;

describe('vnet decider: creation', () => {
  it('creates a ranged network', () => {
    const s = run(null, rangedCommand())!;
    assert.equal(s.type, 0);
    assert.equal(s.leases.capacity, 254);
    assert.deepEqual(rowsOf(s), []);
  });

  it('creates a fixed network with leases sorted by IP and MACs derived when missing', () => {
    const s = run(null, fixedCommand())!;
    assert.deepEqual(rowsOf(s), [
      '130.10.0.1 50:20:20:20:20:21 -',
      '130.10.0.2 00:03:82:0a:00:02 -',
      '130.10.0.3 00:03:82:0a:00:03 -',
    ]);
  });

  it('refuses a duplicate lease in a fixed network', () => {
    const d = vnetDecider.decide(null, fixedCommand({ fixedLeases: [{ ip: '1.1.1.1' }, { ip: '1.1.1.2' }, { ip: '1.1.1.1' }] }));
    assert.equal(d.ok, false);
    if (!d.ok) {
      assert.equal(d.error.code, 0x1000);
      assert.match(d.error.message, /Duplicate lease 1\.1\.1\.1/);
    }
  });

  it('refuses invalid IPs, MACs and layouts', () => {
    const cases = [
      fixedCommand({ fixedLeases: [{ ip: '1.2.3' }] }),
      fixedCommand({ fixedLeases: [{ ip: '256.0.0.1' }] }),
      fixedCommand({ fixedLeases: [{ ip: '1.2.3.4', mac: 'zz' }] }),
      rangedCommand({ range: undefined }),
      rangedCommand({ range: { base: ip('10.0.0.5'), size: 256 } }),
      rangedCommand({ name: '' }),
      rangedCommand({ macPrefix: 70000 }),
    ];
    for (const c of cases) {
      const d = vnetDecider.decide(null, c);
      assert.equal(d.ok, false, JSON.stringify(c));
      if (!d.ok) assert.equal(d.error.code, 0x1000);
    }
  });

  it('refuses to create a network twice', () => {
    const s = run(null, rangedCommand());
    const d = vnetDecider.decide(s, rangedCommand());
    assert.equal(d.ok, false);
  });
});

describe('vnet decider: ranged allocation', () => {
  it('hands out base+1 onwards round-robin with MACs from the prefix', () => {
    let s = run(null, rangedCommand())!;
    s = take(s, 7, {}, {});
    assert.deepEqual(rowsOf(s), ['10.0.0.1 00:03:0a:00:00:01 7', '10.0.0.2 00:03:0a:00:00:02 7']);
    s = run(s, { type: 'ReleaseLeases', vid: 7 })!;
    assert.deepEqual(rowsOf(s), []);
    // the cursor moved on: the next lease is .3, not .1 again
    s = take(s, 8, {});
    assert.deepEqual(rowsOf(s), ['10.0.0.3 00:03:0a:00:00:03 8']);
  });

  it('wraps around and fails only when every address is used', () => {
    let s = run(null, rangedCommand({ range: { base: ip('10.0.0.0'), size: 6 } }))!; // 4 hosts, /29
    s = take(s, 1, {}, {}, {}, {});
    const full = vnetDecider.decide(s, { type: 'TakeLeases', vid: 2, requests: [{}] });
    assert.equal(full.ok, false);
    if (!full.ok) {
      assert.equal(full.error.code, 0x4000);
      assert.match(full.error.message, /No free leases in virtual network private/);
    }
    s = run(s, { type: 'ReleaseLeases', vid: 1 })!;
    s = take(s, 2, { ip: ip('10.0.0.3') });
    s = take(s, 3, {});
    assert.deepEqual(rowsOf(s), ['10.0.0.1 00:03:0a:00:00:01 3', '10.0.0.3 00:03:0a:00:00:03 2']);
  });

  it('honours a requested IP inside the range and refuses outside or in-use ones', () => {
    let s = run(null, rangedCommand())!;
    s = take(s, 1, { ip: ip('10.0.0.77') });
    assert.deepEqual(rowsOf(s), ['10.0.0.77 00:03:0a:00:00:4d 1']);
    for (const [wanted, pattern] of [
      ['10.0.0.77', /already in use/],
      ['10.0.1.1', /not part of virtual network private/],
      ['10.0.0.0', /not part/],
      ['10.0.0.255', /not part/],
    ] as const) {
      const d = vnetDecider.decide(s, { type: 'TakeLeases', vid: 2, requests: [{ ip: ip(wanted) }] });
      assert.equal(d.ok, false, wanted);
      if (!d.ok) {
        assert.equal(d.error.code, 0x4000);
        assert.match(d.error.message, pattern);
      }
    }
  });

  it('two NICs of one VM cannot get the same address in one decision', () => {
    const s = run(null, rangedCommand())!;
    const d = vnetDecider.decide(s, { type: 'TakeLeases', vid: 1, requests: [{}, { ip: ip('10.0.0.1') }] });
    assert.equal(d.ok, false);
    const d2 = vnetDecider.decide(s, { type: 'TakeLeases', vid: 1, requests: [{ ip: ip('10.0.0.1') }, {}] });
    assert.ok(d2.ok);
    const taken = d2.events[0] as Extract<VnetEvent, { type: 'LeasesTaken' }>;
    assert.deepEqual(taken.leases.map((l) => formatIpv4(l.ip)), ['10.0.0.1', '10.0.0.2']);
  });

  it('decide does not change the state it reads', () => {
    const s = run(null, rangedCommand())!;
    vnetDecider.decide(s, { type: 'TakeLeases', vid: 1, requests: [{}, {}] });
    assert.equal(s.leases.usedCount, 0);
    assert.equal(s.leases.cursor, 0);
  });
});

describe('vnet decider: fixed allocation', () => {
  it('takes declared leases in IP order and honours declared requested IPs only', () => {
    let s = run(null, fixedCommand())!;
    s = take(s, 5, {});
    s = take(s, 6, { ip: ip('130.10.0.3') });
    assert.deepEqual(rowsOf(s), ['130.10.0.1 50:20:20:20:20:21 5', '130.10.0.2 00:03:82:0a:00:02 -', '130.10.0.3 00:03:82:0a:00:03 6']);
    const undeclared = vnetDecider.decide(s, { type: 'TakeLeases', vid: 7, requests: [{ ip: ip('130.10.0.9') }] });
    assert.equal(undeclared.ok, false);
    const used = vnetDecider.decide(s, { type: 'TakeLeases', vid: 7, requests: [{ ip: ip('130.10.0.1') }] });
    assert.equal(used.ok, false);
    s = run(s, { type: 'ReleaseLeases', vid: 5 })!;
    // release keeps the row (used 0, vid -1)
    assert.equal(s.leases.rows().length, 3);
    assert.deepEqual(s.leases.rows()[0], { ip: ip('130.10.0.1'), mac: '50:20:20:20:20:21', used: false, vid: -1 });
  });
});

describe('vnet decider: delete and publish', () => {
  it('refuses to delete a network with leases in use unless forced', () => {
    let s = run(null, rangedCommand())!;
    s = take(s, 3, {});
    const refused = vnetDecider.decide(s, { type: 'DeleteVnet', force: false });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.error.code, 0x800);
      assert.match(refused.error.message, /Can not delete virtual network private: 1 leases in use/);
    }
    const forced = run(s, { type: 'DeleteVnet', force: true })!;
    assert.equal(forced.deleted, true);
    assert.equal(forced.leases.usedCount, 0);
    // gone: commands fail, but releasing a VM's leases is a no-op
    assert.equal(vnetDecider.decide(forced, { type: 'TakeLeases', vid: 1, requests: [{}] }).ok, false);
    assert.deepEqual(vnetDecider.decide(forced, { type: 'ReleaseLeases', vid: 3 }), { ok: true, events: [] });
    assert.deepEqual(vnetDecider.decide(null, { type: 'ReleaseLeases', vid: 3 }), { ok: true, events: [] });
  });

  it('deletes an unused network', () => {
    const s = run(run(null, rangedCommand()), { type: 'DeleteVnet', force: false })!;
    assert.equal(s.deleted, true);
  });

  it('publishes and unpublishes', () => {
    let s = run(null, rangedCommand())!;
    s = run(s, { type: 'PublishVnet', public: true })!;
    assert.equal(s.public, true);
    assert.deepEqual(vnetDecider.decide(s, { type: 'PublishVnet', public: true }), { ok: true, events: [] });
  });

  it('commands on a missing network fail with 0x400', () => {
    const d = vnetDecider.decide(null, { type: 'DeleteVnet', force: true });
    assert.equal(d.ok, false);
    if (!d.ok) assert.equal(d.error.code, 0x400);
  });
});

describe('vnet decider: replay and snapshots', () => {
  it('replaying the events and reviving the snapshot JSON give the same leases and cursor', () => {
    const log: VnetEvent[] = [];
    let s = run(null, rangedCommand(), log)!;
    for (let vid = 0; vid < 40; vid++) s = run(s, { type: 'TakeLeases', vid, requests: vid % 3 ? [{}] : [{}, {}] }, log)!;
    for (let vid = 0; vid < 40; vid += 4) s = run(s, { type: 'ReleaseLeases', vid }, log)!;
    const replayed = log.reduce(vnetDecider.evolve, null)!;
    assert.deepEqual(replayed.leases.toJSON(), s.leases.toJSON());
    const revived = reviveVnetState(JSON.parse(JSON.stringify(s)))!;
    assert.deepEqual(rowsOf(revived), rowsOf(s));
    assert.equal(revived.leases.cursor, s.leases.cursor);
    // and it keeps deciding the same way
    assert.deepEqual(
      vnetDecider.decide(revived, { type: 'TakeLeases', vid: 99, requests: [{}] }),
      vnetDecider.decide(s, { type: 'TakeLeases', vid: 99, requests: [{}] }),
    );
  });
});

describe('vnet state revival', () => {
  it('revives the same raw snapshot JSON once, and a live state is returned as is', () => {
    const s = take(run(null, rangedCommand())!, 4, {});
    const json = JSON.parse(JSON.stringify(s));
    const first = reviveVnetState(json)!;
    assert.equal(reviveVnetState(json), first);
    assert.equal(reviveVnetState(s), s);
    assert.deepEqual(rowsOf(first), rowsOf(s));
  });
});
