/**
 * Only state-relevant facts are events (DESIGN): a settled host's monitoring
 * is a sample, a change of health or capacity is an event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allEvents, Oned, waitFor } from '../helpers/oned-harness.ts';

const tag = (xml: unknown, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml))?.[1];
const hostEvents = async (one: Oned, hid: number) =>
  (await allEvents(one)).filter((e) => e.stream === `host/${hid}`).map((e) => e.event.type);

describe('quiet monitoring of settled hosts', () => {
  it('writes no event while a host stays MONITORED, and records a capacity change', async () => {
    let one = await Oned.start({ env: { IM_DUMMY_CPU: '800' } });
    try {
      await one.ok('one.host.allocate', 'steady', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await waitFor('MONITORED', async () => tag(await one.ok('one.host.info', 0), 'STATE') === '2');
      const settled = await hostEvents(one, 0);
      assert.deepEqual(settled, ['HostAllocated', 'HostMonitoringStarted', 'HostMonitored']);
      const lastMon = Number(tag(await one.ok('one.host.info', 0), 'LAST_MON_TIME'));
      // Several more monitorings (the interval is 1 s): LAST_MON_TIME moves, the log does not.
      await waitFor('LAST_MON_TIME to move on', async () => Number(tag(await one.ok('one.host.info', 0), 'LAST_MON_TIME')) >= lastMon + 3);
      assert.deepEqual(await hostEvents(one, 0), settled);

      // The host comes back with more CPUs: a fact worth recording.
      await one.stop();
      one = await Oned.start({ location: one.location, env: { IM_DUMMY_CPU: '1600' } });
      await waitFor('MAX_CPU 1600', async () => tag(await one.ok('one.host.info', 0), 'MAX_CPU') === '1600');
      const events = await hostEvents(one, 0);
      assert.deepEqual(events.slice(settled.length), ['HostMonitoringStarted', 'HostMonitored']);
    } finally {
      await one.stop();
      one.remove();
    }
  });

  it('records the fall into ERROR once, then keeps re-monitoring the failing host quietly', async () => {
    const one = await Oned.start({ env: { IM_DUMMY_FAIL_HOSTS: 'down' } });
    try {
      await one.ok('one.host.allocate', 'down', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await waitFor('ERROR', async () => tag(await one.ok('one.host.info', 0), 'STATE') === '3');
      const failed = await hostEvents(one, 0);
      assert.deepEqual(failed, ['HostAllocated', 'HostMonitoringStarted', 'HostMonitorFailed']);
      const lastMon = Number(tag(await one.ok('one.host.info', 0), 'LAST_MON_TIME'));
      await waitFor('re-monitored', async () => Number(tag(await one.ok('one.host.info', 0), 'LAST_MON_TIME')) >= lastMon + 3);
      assert.equal(tag(await one.ok('one.host.info', 0), 'STATE'), '3');
      assert.deepEqual(await hostEvents(one, 0), failed);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
