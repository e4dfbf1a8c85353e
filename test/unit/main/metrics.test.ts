import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Subject } from 'rxjs';
import type { DriverRequestDone } from '../../../src/drivers/driver-manager.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { HostState, LcmState, VmState } from '../../../src/machines/state-codes.ts';
import { monitoringLag, OnedMetrics, type MetricsSources } from '../../../src/main/metrics.ts';

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };

function setUp(over: Partial<MetricsSources> = {}) {
  const committed$ = new Subject<StoredEvent>();
  const driverRequests$ = new Subject<DriverRequestDone>();
  let now = 1_000_000;
  const metrics = new OnedMetrics({
    committed$,
    driverRequests$,
    vms: () => [
      { state: VmState.PENDING, lcm: LcmState.LCM_INIT },
      { state: VmState.PENDING, lcm: LcmState.LCM_INIT },
      { state: VmState.ACTIVE, lcm: LcmState.RUNNING },
    ],
    hosts: () => [
      { state: HostState.MONITORED, lastMonTime: now - 10 },
      { state: HostState.ERROR, lastMonTime: now - 2 },
    ],
    monitoringInterval: 5,
    now: () => now,
    ...over,
  });
  const samples = async (name: string): Promise<Sample[]> => {
    const found = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    assert.ok(found, `${name} is registered`);
    return found.values as Sample[];
  };
  const value = async (name: string, labels: Record<string, string> = {}, metricName = name): Promise<number | undefined> =>
    (await samples(name)).find((s) => (s.metricName ?? name) === metricName && Object.entries(labels).every(([k, v]) => String(s.labels[k]) === v))?.value;
  return { metrics, committed$, driverRequests$, samples, value, advance: (s: number) => (now += s) };
}

const stored = (seq: number, stream: string, type: string): StoredEvent =>
  ({ seq, stream, version: 1, event: { type } as never, ts: 0, meta: {}, hash: '' }) as StoredEvent;

describe('OnedMetrics', () => {
  it('counts committed events by entity kind, and VmDeployed as placements', async () => {
    const t = setUp();
    t.committed$.next(stored(1, 'host/0', 'HostAllocated'));
    t.committed$.next(stored(2, 'vm/0', 'VmAllocated'));
    t.committed$.next(stored(3, 'vm/0', 'VmDeployed'));
    assert.equal(await t.value('one_events_appended_total', { kind: 'vm' }), 2);
    assert.equal(await t.value('one_events_appended_total', { kind: 'host' }), 1);
    assert.equal(await t.value('one_vm_placements_total'), 1);
    t.metrics.close();
  });

  it('reads VMs per DM/LCM state, pending VMs and hosts per state at each scrape', async () => {
    const t = setUp();
    assert.equal(await t.value('one_vms', { state: 'PENDING', lcm_state: 'LCM_INIT' }), 2);
    assert.equal(await t.value('one_vms', { state: 'ACTIVE', lcm_state: 'RUNNING' }), 1);
    assert.equal(await t.value('one_vms_pending'), 2);
    assert.equal(await t.value('one_hosts', { state: 'MONITORED' }), 1);
    assert.equal(await t.value('one_hosts', { state: 'ERROR' }), 1);
    assert.equal(await t.value('one_hosts', { state: 'DISABLED' }), 0, 'every host state is shown, 0 included');
    assert.equal(await t.value('one_monitoring_lag_seconds'), 5, 'host 0: 10 s since its last monitoring, interval 5');
    t.metrics.close();
  });

  it('counts driver requests and failures by driver and verb, with a latency histogram', async () => {
    const t = setUp();
    t.driverRequests$.next({ kind: 'vmm', mad: 'vmm_dummy', verb: 'DEPLOY', result: 'SUCCESS', seconds: 0.02 });
    t.driverRequests$.next({ kind: 'vmm', mad: 'vmm_dummy', verb: 'DEPLOY', result: 'FAILURE', seconds: 2 });
    t.driverRequests$.next({ kind: 'im', mad: 'im_dummy', verb: 'MONITOR', result: 'SUCCESS', seconds: 0.001 });
    assert.equal(await t.value('one_driver_requests_total', { driver: 'vmm_dummy', verb: 'DEPLOY' }), 2);
    assert.equal(await t.value('one_driver_request_failures_total', { driver: 'vmm_dummy', verb: 'DEPLOY' }), 1);
    assert.equal(await t.value('one_driver_request_failures_total', { driver: 'im_dummy', verb: 'MONITOR' }), undefined);
    const h = 'one_driver_request_duration_seconds';
    assert.equal(await t.value(h, { driver: 'vmm_dummy', verb: 'DEPLOY' }, `${h}_count`), 2);
    assert.equal(await t.value(h, { driver: 'vmm_dummy', verb: 'DEPLOY', le: '0.025' }, `${h}_bucket`), 1);
    assert.equal(await t.value(h, { driver: 'vmm_dummy', verb: 'DEPLOY' }, `${h}_sum`), 2.02);
    t.metrics.close();
  });

  it('counts API calls by method and code, and times them', async () => {
    const t = setUp();
    t.metrics.apiCall({ method: 'one.vm.info', code: '0', seconds: 0.002 });
    t.metrics.apiCall({ method: 'one.vm.info', code: '0x400', seconds: 0.001 });
    t.metrics.apiCall({ method: 'one.vm.info', code: '0x400', seconds: 0.001 });
    assert.equal(await t.value('one_api_calls_total', { method: 'one.vm.info', code: '0' }), 1);
    assert.equal(await t.value('one_api_calls_total', { method: 'one.vm.info', code: '0x400' }), 2);
    assert.equal(await t.value('one_api_call_duration_seconds', { method: 'one.vm.info' }, 'one_api_call_duration_seconds_count'), 3);
    t.metrics.close();
  });

  it('gives the checkpoint age from the last one written, NaN before any', async () => {
    const t = setUp();
    assert.ok(Number.isNaN(await t.value('one_checkpoint_age_seconds')));
    t.metrics.checkpointWritten();
    t.advance(7);
    t.metrics.checkpointFailed();
    assert.equal(await t.value('one_checkpoint_age_seconds'), 7);
    assert.equal(await t.value('one_checkpoints_total', { result: 'written' }), 1);
    assert.equal(await t.value('one_checkpoints_total', { result: 'failed' }), 1);
    t.metrics.close();
  });

  it('writes the exposition format, process figures included', async () => {
    const t = setUp();
    const { text, contentType } = await t.metrics.scrape();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^# TYPE one_vms gauge$/m);
    assert.match(text, /^one_vms\{state="ACTIVE",lcm_state="RUNNING"\} 1$/m);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    t.metrics.close();
  });

  it('stops counting once closed', async () => {
    const t = setUp();
    t.metrics.close();
    t.committed$.next(stored(1, 'vm/0', 'VmDeployed'));
    assert.equal(await t.value('one_vm_placements_total'), 0);
  });
});

describe('monitoringLag', () => {
  it('is the lateness of the most overdue host, leaving out disabled and never monitored ones', () => {
    const hosts = [
      { state: HostState.MONITORED, lastMonTime: 100 },
      { state: HostState.DISABLED, lastMonTime: 1 },
      { state: HostState.INIT, lastMonTime: 0 },
      { state: HostState.ERROR, lastMonTime: 90 },
    ];
    assert.equal(monitoringLag(hosts, 130, 30), 10);
    assert.equal(monitoringLag(hosts, 100, 30), 0, 'on time is 0, never negative');
    assert.equal(monitoringLag([], 100, 30), 0);
  });
});
