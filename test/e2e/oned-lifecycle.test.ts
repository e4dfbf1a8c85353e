import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { openEventLog } from '../../src/store/sqlite-event-log.ts';
import { allEvents, Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

/** Waits until VM `vid` shows the given DM state (and LCM state, when given). */
async function vmReaches(one: Oned, vid: number, state: number, lcm?: number): Promise<string> {
  return waitFor(`VM ${vid} in ${state}/${lcm ?? '*'}`, async () => {
    const xml = String(await one.ok('one.vm.info', vid));
    return tag(xml, 'STATE') === String(state) && (lcm === undefined || tag(xml, 'LCM_STATE') === String(lcm)) && xml;
  });
}

describe('oned with the dummy drivers: a VM through its life', () => {
  let one: Oned;
  before(async () => {
    one = await Oned.start();
  });
  after(async () => {
    await one.stop();
    one.remove();
  });

  it('monitors hosts and takes a VM through deploy, stop/resume, suspend/resume, live migration and shutdown', async () => {
    const h0 = await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    const h1 = await one.ok('one.host.allocate', 'node1', 'im_dummy', 'vmm_dummy', 'tm_dummy');
    assert.deepEqual([h0, h1], [0, 1]);
    for (const hid of [0, 1]) {
      await waitFor(`host ${hid} MONITORED`, async () => tag(await one.ok('one.host.info', hid), 'STATE') === '2');
    }
    const vid = (await one.ok('one.vm.allocate', 'NAME = web\nCPU = 0.5\nMEMORY = 128')) as number;
    assert.equal(tag(await one.ok('one.vm.info', vid), 'STATE'), '1'); // PENDING

    await one.ok('one.vm.deploy', vid, 0);
    const running = await vmReaches(one, vid, 3, 3);
    assert.equal(tag(running, 'DEPLOY_ID'), `dummy-${vid}`);
    const share = String(await one.ok('one.host.info', 0));
    assert.equal(tag(share, 'CPU_USAGE'), '50');
    assert.equal(tag(share, 'MEM_USAGE'), String(128 * 1024));
    assert.equal(tag(share, 'RUNNING_VMS'), '1');
    await waitFor('a poll', async () => Number(tag(await one.ok('one.vm.info', vid), 'LAST_POLL')) > 0);

    // Wrong state: deploy a running VM → 0x800, nothing changes.
    const [okDeploy, message, code] = await one.call('one.vm.deploy', vid, 1);
    assert.deepEqual([okDeploy, code], [false, 0x800]);
    assert.match(String(message), /wrong state/);

    await one.ok('one.vm.action', 'stop', vid);
    await vmReaches(one, vid, 4); // STOPPED
    assert.equal(tag(await one.ok('one.host.info', 0), 'RUNNING_VMS'), '0');
    await one.ok('one.vm.action', 'resume', vid);
    await vmReaches(one, vid, 1); // PENDING again
    await one.ok('one.vm.deploy', vid, 0);
    await vmReaches(one, vid, 3, 3);

    await one.ok('one.vm.action', 'suspend', vid);
    await vmReaches(one, vid, 5);
    await one.ok('one.vm.action', 'resume', vid);
    await vmReaches(one, vid, 3, 3);

    await one.ok('one.vm.migrate', vid, 1, true);
    const migrated = await waitFor('on node1', async () => {
      const xml = String(await one.ok('one.vm.info', vid));
      return tag(xml, 'LCM_STATE') === '3' && tag(xml, 'HOSTNAME') === 'node1' && xml;
    });
    // deploy (0), deploy after stop (1), restore after suspend (2), live migration (3)
    assert.equal(tag(migrated, 'SEQ'), '3');
    assert.equal(tag(await one.ok('one.host.info', 0), 'RUNNING_VMS'), '0');
    assert.equal(tag(await one.ok('one.host.info', 1), 'RUNNING_VMS'), '1');

    await one.ok('one.vm.action', 'shutdown', vid);
    const done = await vmReaches(one, vid, 6);
    assert.notEqual(tag(done, 'ETIME'), '0');
    assert.equal(tag(await one.ok('one.host.info', 1), 'RUNNING_VMS'), '0');
    // DONE VMs leave the pool listing (1.4 form, all users).
    assert.doesNotMatch(String(await one.ok('one.vmpool.info', -2)), new RegExp(`<ID>${vid}</ID>`));
  });

  it('fails a VM whose boot fails and finalizes it to DONE', async () => {
    const vid = (await one.ok('one.vm.allocate', 'NAME = bad\nCPU = 1\nMEMORY = 64')) as number;
    await one.stop();
    // Restart on the same var dir with DEPLOY failing for this VM.
    one = await Oned.start({ location: one.location, env: { VMM_DUMMY_FAIL_IDS: String(vid), VMM_DUMMY_FAIL_ACTIONS: 'DEPLOY' } });
    await one.ok('one.vm.deploy', vid, 0);
    await vmReaches(one, vid, 7); // FAILED
    assert.equal(tag(await one.ok('one.host.info', 0), 'RUNNING_VMS'), '0');
    await one.ok('one.vm.action', 'finalize', vid);
    await vmReaches(one, vid, 6);
  });
});

describe('oned restarts', () => {
  it('shows every VM and host exactly as before after a clean restart', async () => {
    let one = await Oned.start();
    try {
      await one.ok('one.host.allocate', 'a', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await one.ok('one.host.allocate', 'b', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      // From the log, not from a sampled state: a settled host shows MONITORING during each re-monitoring.
      await waitFor('hosts monitored', async () => {
        const monitored = new Set((await allEvents(one)).filter((e) => e.event.type === 'HostMonitored').map((e) => e.stream));
        return monitored.has('host/0') && monitored.has('host/1');
      });
      const vids: number[] = [];
      for (let i = 0; i < 6; i++) vids.push((await one.ok('one.vm.allocate', `NAME = vm${i}\nCPU = 0.1\nMEMORY = 32`)) as number);
      for (const vid of vids.slice(0, 4)) await one.ok('one.vm.deploy', vid, vid % 2);
      for (const vid of vids.slice(0, 4)) await vmReaches(one, vid, 3, 3);
      await one.ok('one.vm.action', 'hold', vids[4]);
      await one.ok('one.vm.action', 'shutdown', vids[0]);
      await vmReaches(one, vids[0]!, 6);
      // Freeze what moves on its own: no more monitoring or polls.
      await one.ok('one.host.enable', 0, false);
      await one.ok('one.host.enable', 1, false);
      const snapshot = async () => ({
        vms: await Promise.all(vids.map((v) => one.ok('one.vm.info', v))),
        vmpool: await one.ok('one.vmpool.info', -2),
        hosts: await one.ok('one.hostpool.info'),
        host0: await one.ok('one.host.info', 0),
        users: await one.ok('one.userpool.info'),
      });
      // RUNNING VMs are re-polled at start-up (reconciliation); their poll figures are samples.
      const mask = (x: unknown) =>
        JSON.stringify(x).replace(/<(LAST_POLL|MEMORY|CPU|NET_TX|NET_RX)>\d+<\/\1>/g, '<$1/>');
      // A recorded monitoring in flight when the hosts were disabled still lands (a HostMonitored
      // event): wait for every one to be answered. A quiet one's reply is dropped for a DISABLED host.
      await waitFor('in-flight monitorings answered', async () => {
        const events = await allEvents(one);
        const count = (types: string[]) => events.filter((e) => e.stream.startsWith('host/') && types.includes(e.event.type)).length;
        return count(['HostMonitoringStarted']) === count(['HostMonitored', 'HostMonitorFailed', 'HostMonitoringTimedOut']);
      });
      const before = mask(await snapshot());
      await one.stop();
      one = await Oned.start({ location: one.location });
      assert.equal(mask(await snapshot()), before);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('converges after a crash in the middle of prologs and boots (SIGKILL)', async () => {
    const slow = { TM_DUMMY_DELAY_MS: '1500', VMM_DUMMY_DELAY_MS: '1500' };
    let one = await Oned.start({ env: slow });
    try {
      await one.ok('one.host.allocate', 'h', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      const vids: number[] = [];
      for (let i = 0; i < 5; i++) vids.push((await one.ok('one.vm.allocate', `NAME = c${i}`)) as number);
      for (const vid of vids) await one.ok('one.vm.deploy', vid, 0);
      // Crash while every VM waits for a driver (each step takes 1.5 s): wait for that, not for a fixed time.
      await waitFor('every VM in PROLOG or BOOT', async () => {
        const lcms = await Promise.all(vids.map(async (v) => tag(await one.ok('one.vm.info', v), 'LCM_STATE')));
        return lcms.every((l) => l === '1' || l === '2');
      });
      await one.crash();
      one = await Oned.start({ location: one.location, env: slow });
      for (const vid of vids) await vmReaches(one, vid, 3, 3);
      await one.stop();
      const log = openEventLog(join(one.location, 'var', 'one.db'));
      assert.equal((await log.verify()).ok, true);
      log.close();
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('fails nothing when stopped cleanly in the middle of prologs and boots (SIGTERM)', async () => {
    const slow = { TM_DUMMY_DELAY_MS: '3000', VMM_DUMMY_DELAY_MS: '1000' };
    let one = await Oned.start({ env: slow });
    try {
      await one.ok('one.host.allocate', 'h', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      const vids: number[] = [];
      for (let i = 0; i < 3; i++) vids.push((await one.ok('one.vm.allocate', `NAME = s${i}`)) as number);
      for (const vid of vids) await one.ok('one.vm.deploy', vid, 0);
      await one.stop(); // the TM driver is stopped with the prologs in flight
      one = await Oned.start({ location: one.location, env: slow });
      for (const vid of vids) {
        const lcm = tag(await one.ok('one.vm.info', vid), 'LCM_STATE');
        assert.equal(lcm, '1', `VM ${vid} should still be in PROLOG after the restart, not failed`);
      }
      for (const vid of vids) await vmReaches(one, vid, 3, 3);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
