/**
 * oned's Prometheus metrics. The one place that knows prom-client: it
 * subscribes to streams the daemon already has (committed events, settled
 * driver requests) and reads actor states only when scraped, so the core,
 * the machines and the store stay free of instrumentation.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Observable, Subscription } from 'rxjs';
import type { DriverRequestDone } from '../drivers/driver-manager.ts';
import type { StoredEvent } from '../events/envelope.ts';
import { HostState, hostStateName, lcmStateName, VmState, vmStateName } from '../machines/state-codes.ts';
import type { ApiCallDone } from '../rpc/server.ts';

/** What the metrics read; oned.ts wires the live daemon in, the unit test its own values. */
export interface MetricsSources {
  /** Every event committed from now on. */
  readonly committed$: Observable<StoredEvent>;
  readonly driverRequests$: Observable<DriverRequestDone>;
  readonly vms: () => Iterable<{ readonly state: number; readonly lcm: number }>;
  /** `state` as shown to users; `lastMonTime` 0 when never monitored (epoch seconds). */
  readonly hosts: () => Iterable<{ readonly state: number; readonly lastMonTime: number }>;
  /** HOST_MONITORING_INTERVAL, seconds. */
  readonly monitoringInterval: number;
  /** Epoch seconds. */
  readonly now: () => number;
}

// Driver actions run from milliseconds (dummy) to minutes (a prolog copying an image).
const DRIVER_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 180, 600];
// Calls answer in milliseconds, except one.event.poll (a long-poll of up to 60 s).
const API_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60];

export class OnedMetrics {
  readonly registry = new Registry();
  private readonly subscriptions: Subscription[] = [];
  private readonly apiCalls: Counter<'method' | 'code'>;
  private readonly apiSeconds: Histogram<'method'>;
  private readonly checkpoints: Counter<'result'>;
  private lastCheckpoint: number | undefined;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const appended = new Counter({ name: 'one_events_appended_total', help: 'Events appended to the event log since oned started, by entity kind', labelNames: ['kind'], registers });
    const placements = new Counter({ name: 'one_vm_placements_total', help: 'VMs deployed to a host (VmDeployed events: the scheduler\'s placements and manual one.vm.deploy)', registers });
    this.subscriptions.push(sources.committed$.subscribe((e) => {
      appended.inc({ kind: e.stream.split('/')[0] });
      if (e.event.type === 'VmDeployed') placements.inc();
    }));

    const requests = new Counter({ name: 'one_driver_requests_total', help: 'Driver requests settled, by driver and verb', labelNames: ['driver', 'verb'], registers });
    const failures = new Counter({ name: 'one_driver_request_failures_total', help: 'Driver requests that ended in FAILURE (driver answer, timeout or driver down)', labelNames: ['driver', 'verb'], registers });
    const driverSeconds = new Histogram({ name: 'one_driver_request_duration_seconds', help: 'Time from sending a driver request to its reply', labelNames: ['driver', 'verb'], buckets: DRIVER_BUCKETS, registers });
    this.subscriptions.push(sources.driverRequests$.subscribe((r) => {
      const labels = { driver: r.mad, verb: r.verb };
      requests.inc(labels);
      if (r.result === 'FAILURE') failures.inc(labels);
      driverSeconds.observe(labels, r.seconds);
    }));

    this.apiCalls = new Counter({ name: 'one_api_calls_total', help: 'XML-RPC calls answered, by method and code (0 success, 0x... OpenNebula error, negative XML-RPC fault)', labelNames: ['method', 'code'], registers });
    this.apiSeconds = new Histogram({ name: 'one_api_call_duration_seconds', help: 'Time to answer an XML-RPC call', labelNames: ['method'], buckets: API_BUCKETS, registers });
    this.checkpoints = new Counter({ name: 'one_checkpoints_total', help: 'Checkpoints written or failed since oned started', labelNames: ['result'], registers });

    // One pass over the VMs per scrape, for both VM gauges (100,000 VMs cost a few ms).
    const vms = oncePerScrape(() => [...sources.vms()]);
    new Gauge({ name: 'one_vms', help: 'VMs by dispatch-manager state and LCM state', labelNames: ['state', 'lcm_state'], registers, collect() {
      this.reset();
      // Tallied first: one prom-client update per state pair, not one per VM.
      const tally = new Map<number, number>();
      for (const vm of vms()) tally.set(vm.state * 100 + vm.lcm, (tally.get(vm.state * 100 + vm.lcm) ?? 0) + 1);
      for (const [key, n] of tally) {
        const [state, lcm] = [Math.floor(key / 100), key % 100];
        this.set({ state: vmStateName[state] ?? String(state), lcm_state: lcmStateName[lcm] ?? String(lcm) }, n);
      }
    } });
    new Gauge({ name: 'one_vms_pending', help: 'VMs waiting for the scheduler (PENDING)', registers, collect() {
      this.set(vms().filter((vm) => vm.state === VmState.PENDING).length);
    } });
    const hosts = oncePerScrape(() => [...sources.hosts()]);
    new Gauge({ name: 'one_hosts', help: 'Hosts by state', labelNames: ['state'], registers, collect() {
      this.reset();
      const tally = new Map<number, number>(Object.keys(hostStateName).map((code) => [Number(code), 0]));
      for (const h of hosts()) tally.set(h.state, (tally.get(h.state) ?? 0) + 1);
      for (const [state, n] of tally) this.set({ state: hostStateName[state] ?? String(state) }, n);
    } });
    new Gauge({ name: 'one_monitoring_lag_seconds', help: 'How late the latest monitoring of the most overdue host is: now - LAST_MON_TIME - HOST_MONITORING_INTERVAL, at least 0 (disabled and never monitored hosts left out)', registers, collect() {
      this.set(monitoringLag(hosts(), sources.now(), sources.monitoringInterval));
    } });
    const self = this;
    new Gauge({ name: 'one_checkpoint_age_seconds', help: 'Seconds since the last checkpoint was written (NaN before the first; none is written while nothing changed)', registers, collect() {
      this.set(self.lastCheckpoint === undefined ? NaN : Math.max(0, sources.now() - self.lastCheckpoint));
    } });
  }

  apiCall(call: ApiCallDone): void {
    this.apiCalls.inc({ method: call.method, code: call.code });
    this.apiSeconds.observe({ method: call.method }, call.seconds);
  }

  checkpointWritten(): void {
    this.lastCheckpoint = this.sources.now();
    this.checkpoints.inc({ result: 'written' });
  }

  checkpointFailed(): void {
    this.checkpoints.inc({ result: 'failed' });
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}

/** The lateness of the most overdue host, in seconds. */
export function monitoringLag(hosts: Iterable<{ readonly state: number; readonly lastMonTime: number }>, now: number, interval: number): number {
  let lag = 0;
  for (const h of hosts) {
    if (h.state === HostState.DISABLED || h.lastMonTime === 0) continue;
    lag = Math.max(lag, now - h.lastMonTime - interval);
  }
  return lag;
}

/**
 * `read()` at most once per turn of the event loop: a scrape collects every
 * gauge in one turn (the collectors are synchronous), so the gauges of one
 * scrape share one reading and the next scrape reads afresh.
 */
function oncePerScrape<T>(read: () => T): () => T {
  let held: { value: T } | undefined;
  return () => {
    if (!held) {
      held = { value: read() };
      setImmediate(() => (held = undefined));
    }
    return held.value;
  };
}
