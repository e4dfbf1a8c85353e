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

  it('shows a host disabled during a quiet monitoring as DISABLED at once, and drops that answer', async () => {
    // Each MONITOR takes 2 s, so a settled host is caught with its quiet monitoring in flight.
    const one = await Oned.start({ env: { IM_DUMMY_DELAY_MS: '2000' } });
    try {
      await one.ok('one.host.allocate', 'slow', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await waitFor('recorded as MONITORED', async () => (await hostEvents(one, 0)).includes('HostMonitored'), 30_000);
      // Shown MONITORING while the log says MONITORED: a quiet monitoring is in flight.
      await waitFor('a quiet monitoring in flight', async () => tag(await one.ok('one.host.info', 0), 'STATE') === '1', 30_000);
      assert.deepEqual(await hostEvents(one, 0), ['HostAllocated', 'HostMonitoringStarted', 'HostMonitored']);
      const frozen = tag(await one.ok('one.host.info', 0), 'LAST_MON_TIME');
      await one.ok('one.host.enable', 0, false);
      assert.equal(tag(await one.ok('one.host.info', 0), 'STATE'), '4');
      // When the answer lands, the host stays as it was.
      await waitFor('the in-flight answer to land', () => /Monitoring result for host 0 dropped: the host was disabled meanwhile/.test(one.log()), 30_000);
      const xml = await one.ok('one.host.info', 0);
      assert.deepEqual([tag(xml, 'STATE'), tag(xml, 'LAST_MON_TIME')], ['4', frozen]);
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
