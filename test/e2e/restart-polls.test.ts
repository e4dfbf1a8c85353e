/**
 * After a restart, a RUNNING VM is polled again when its poll is due, not
 * at once: its last figures come back from var/monitoring.db with their
 * LAST_POLL. Only a VM whose figures are gone (never polled, or its samples
 * lost) is polled right away. Polling every RUNNING VM at start-up held up
 * the first answers by seconds with 100,000 of them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { dummyConf, makeLocation, Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];

describe('polls after a restart', () => {
  it('keeps a restored LAST_POLL until the poll is due, and polls at once a VM whose figures are gone', async () => {
    const location = makeLocation(dummyConf(0).replace('VM_POLLING_INTERVAL = 1', 'VM_POLLING_INTERVAL = 600'));
    let one = await Oned.start({ location });
    try {
      await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      for (const name of ['kept', 'lost']) await one.ok('one.vm.allocate', `NAME = ${name}\nCPU = 0.1\nMEMORY = 32`);
      const lastPoll = async (vid: number) => Number(tag(await one.ok('one.vm.info', vid), 'LAST_POLL'));
      for (const vid of [0, 1]) {
        await one.ok('one.vm.deploy', vid, 0);
        await waitFor(`VM ${vid} RUNNING and polled`, async () => {
          const xml = await one.ok('one.vm.info', vid);
          return tag(xml, 'LCM_STATE') === '3' && Number(tag(xml, 'LAST_POLL')) > 0;
        }, 30_000);
      }
      const keptBefore = await lastPoll(0);
      const lostBefore = await lastPoll(1);
      await one.stop();
      const db = new Database(join(location, 'var', 'monitoring.db'));
      db.prepare("DELETE FROM monitoring WHERE kind = 'vm' AND id = 1").run();
      db.close();
      await new Promise((r) => setTimeout(r, 1100)); // a poll now would show a later LAST_POLL (whole seconds)

      one = await Oned.start({ location });
      await waitFor('VM 1 polled again', async () => (await lastPoll(1)) > lostBefore, 20_000);
      await new Promise((r) => setTimeout(r, 1500)); // a few poll ticks
      assert.equal(await lastPoll(0), keptBefore, 'VM 0 was polled again before its VM_POLLING_INTERVAL');
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
