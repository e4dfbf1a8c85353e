/**
 * A DONE VM keeps showing its last poll figures across a restart of oned
 * (they are samples in var/monitoring.db, not events, so start-up has to
 * bring them back for every VM, not only the live ones).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const FIGURES = ['LAST_POLL', 'CPU', 'MEMORY', 'NET_TX', 'NET_RX'];
const figures = (xml: unknown) => Object.fromEntries(FIGURES.map((name) => [name, tag(xml, name)]));
const DONE = '6';

describe('poll figures of a DONE VM across a restart', () => {
  it('shows the same LAST_POLL, CPU, MEMORY, NET_TX and NET_RX after the restart as before it', async () => {
    let one = await Oned.start();
    try {
      await one.ok('one.host.allocate', 'node0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      const vid = (await one.ok('one.vm.allocate', 'NAME = polled\nCPU = 0.5\nMEMORY = 128')) as number;
      await one.ok('one.vm.deploy', vid, 0);
      await waitFor(`VM ${vid} RUNNING and polled`, async () => {
        const xml = await one.ok('one.vm.info', vid);
        return tag(xml, 'LCM_STATE') === '3' && Number(tag(xml, 'NET_TX')) > 0;
      }, 30_000);
      await one.ok('one.vm.action', 'shutdown', vid);
      const done = await waitFor(`VM ${vid} DONE`, async () => {
        const xml = String(await one.ok('one.vm.info', vid));
        return tag(xml, 'STATE') === DONE && xml;
      }, 30_000);
      const before = figures(done);
      // The dummy VMM's CPU figure may be 0 at times; the others are never 0 once polled.
      for (const name of FIGURES) assert.ok(name === 'CPU' ? before[name] !== undefined : Number(before[name]) > 0, `${name} before the restart: ${before[name]}`);

      await one.stop();
      one = await Oned.start({ location: one.location });
      const after = String(await one.ok('one.vm.info', vid));
      assert.equal(tag(after, 'STATE'), DONE);
      assert.deepEqual(figures(after), before);
      // …and the same through the pool listing that includes DONE VMs.
      const pool = String(await one.ok('one.vmpool.info', -2, true, -2));
      const inPool = new RegExp(`<VM><ID>${vid}</ID>.*?</VM>`, 's').exec(pool)?.[0];
      assert.deepEqual(figures(inPool), before);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
