import type { MonitoredShare } from '../events/host-events.ts';
import { isMonitoringDue } from '../machines/host/host-decider.ts';
import { MONITORING_TIMEOUT_SECONDS, type HostMachineState } from '../machines/host/host-types.ts';
import { HostState } from '../machines/state-codes.ts';
import { parseTemplate } from '../template/parse-template.ts';
import { getSingle } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import type { CoreContext, HostSample } from './core-context.ts';
import { unlessLogIsFull } from './write-retry.ts';

/** Monitoring attribute → host share field (spec §4.6). */
const SHARE_FIELDS: ReadonlyArray<[string, keyof MonitoredShare]> = [
  ['TOTALCPU', 'maxCpu'],
  ['TOTALMEMORY', 'maxMem'],
  ['FREECPU', 'freeCpu'],
  ['FREEMEMORY', 'freeMem'],
  ['USEDCPU', 'usedCpu'],
  ['USEDMEMORY', 'usedMem'],
];

type Parsed = { ok: true; template: Template; share: Partial<MonitoredShare> } | { ok: false; message: string };

/** Parses a `MONITOR SUCCESS` payload (`A=1,B=2 …`) into the host template and share figures. */
export function parseMonitorInfo(info: string): Parsed {
  const parsed = parseTemplate(info.replace(/,/g, '\n'), { mode: 'replace' });
  if (!parsed.ok) return { ok: false, message: `Error parsing monitoring information: ${parsed.error.message}` };
  if (parsed.value.attributes.length === 0) return { ok: false, message: 'Empty monitoring information' };
  const share: Partial<Record<keyof MonitoredShare, number>> = {};
  for (const [attr, field] of SHARE_FIELDS) {
    const raw = getSingle(parsed.value, attr);
    if (raw === undefined) continue;
    const n = Number.parseInt(raw, 10);
    if (!Number.isFinite(n)) return { ok: false, message: `Error parsing monitoring information: ${attr}=${raw} is not a number` };
    share[field] = n;
  }
  return { ok: true, template: parsed.value, share };
}

/**
 * The monitoring schedule (spec §5.2, without 1.4's "10 oldest hosts,
 * disabled ones included" starvation): every second, every due host is
 * monitored, oldest first, within MONITORING_CONCURRENCY.
 *
 * Only state-relevant facts become events (DESIGN: samples are not the
 * truth). A host that is settled — MONITORED and answering with the same
 * capacity, or in ERROR and still failing — is monitored "quietly": its
 * answer only updates the sample (LAST_MON_TIME, free/used figures, the
 * template) in the bounded monitoring table. Anything else, or any host in
 * INIT, goes through the host machine (HostMonitoringStarted, then
 * HostMonitored or HostMonitorFailed), so every state change is in the log.
 */
export class HostMonitor {
  private timer: NodeJS.Timeout | undefined;
  /** Quiet monitorings in flight; the host shows MONITORING meanwhile. */
  private readonly quiet = new Set<number>();

  constructor(private readonly ctx: CoreContext) {}

  start(tickMs = 1000): void {
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * A quiet monitoring shows as MONITORING, as a recorded one does, but only
   * while the host is still settled: a host disabled (or re-enabled) while
   * its quiet MONITOR is in flight shows its own state at once, as in 1.4,
   * since that reply will not be used as a sample.
   */
  isQuietlyMonitoring(hid: number): boolean {
    if (!this.quiet.has(hid)) return false;
    const state = (this.ctx.system.get('host', hid)?.state as HostMachineState | undefined)?.state;
    return state === HostState.MONITORED || state === HostState.ERROR;
  }

  /** LAST_MON_TIME: the later of the last recorded result and the last sample. */
  lastMonTime(h: HostMachineState): number {
    return Math.max(h.lastMonTime, this.ctx.hostSamples.get(h.id)?.time ?? 0);
  }

  tick(): void {
    const now = this.ctx.clock.now();
    const { hostMonitoringInterval, monitoringConcurrency } = this.ctx.config;
    const hosts = this.ctx.system.all('host').map((a) => a.state as HostMachineState).filter((h) => !h.deleted);
    let inFlight = this.quiet.size;
    for (const h of hosts) {
      if (h.state !== HostState.MONITORING) continue;
      inFlight++;
      // Only a host whose MONITORING may have expired needs the Tick (spec §5.1: 600 s).
      if (now - h.lastMonTime >= MONITORING_TIMEOUT_SECONDS) {
        unlessLogIsFull(this.ctx.logger, `host ${h.id}: monitoring timeout`, this.ctx.system.execute('host', h.id, { type: 'Tick', now }, { cause: 'timer' }));
      }
    }
    const due = hosts
      .map((h) => ({ h, last: this.lastMonTime(h) }))
      .filter(({ h, last }) => !this.quiet.has(h.id) && isMonitoringDue({ ...h, lastMonTime: last }, now, hostMonitoringInterval))
      .sort((a, b) => a.last - b.last)
      .slice(0, Math.max(0, monitoringConcurrency - inFlight));
    for (const { h } of due) {
      const driverFound = this.ctx.drivers.has(h.imMad);
      if (driverFound && (h.state === HostState.MONITORED || h.state === HostState.ERROR)) this.monitorQuietly(h);
      else this.startMonitoring(h.id, driverFound, now);
    }
  }

  private monitorQuietly(h: HostMachineState): void {
    this.quiet.add(h.id);
    void this.ctx.drivers.request(h.imMad, 'MONITOR', h.id, [h.name]).then((reply) => {
      this.quiet.delete(h.id);
      if (!this.ctx.lifecycle.stopping) return this.quietResult(h.id, reply.success, reply.info);
    });
  }

  /** A recorded monitoring. If the log cannot take it (a full disk), the next tick starts it again. */
  private startMonitoring(hid: number, driverFound: boolean, now: number): void {
    const started = this.ctx.system.execute('host', hid, { type: 'MonitoringStarted', driverFound, now }, { cause: 'timer' });
    unlessLogIsFull(this.ctx.logger, `host ${hid}: start of monitoring`, started);
  }

  private async quietResult(hid: number, success: boolean, info: string): Promise<void> {
    const h = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    if (!h || h.deleted) return;
    if (h.state === HostState.DISABLED) {
      this.ctx.logger.log('InM', 'D', `Monitoring result for host ${hid} dropped: the host was disabled meanwhile`);
      return;
    }
    const now = this.ctx.clock.now();
    const parsed: Parsed = success ? parseMonitorInfo(info) : { ok: false, message: info || 'Could not monitor host' };
    const settled = parsed.ok
      ? h.state === HostState.MONITORED && sameCapacity(h.monitoredShare, parsed.share)
      : h.state === HostState.ERROR;
    if (settled) {
      this.sample(hid, now, parsed);
      return;
    }
    // Something changed (health or capacity): monitor again, on the record. A failure is
    // logged now: the next attempt may fail otherwise (a host cut off mid-probe: connection
    // lost, then unreachable), and this reason would be lost.
    if (!parsed.ok) this.ctx.logger.log('InM', 'E', `Error monitoring host ${hid}: ${parsed.message}; monitoring it again`);
    this.startMonitoring(hid, true, now);
  }

  /** A MONITOR reply to a recorded monitoring (or its timeout): fold it into the host. */
  async monitored(hid: number, success: boolean, info: string): Promise<void> {
    const h = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    if (!h || h.deleted) return;
    const now = this.ctx.clock.now();
    const parsed: Parsed = success ? parseMonitorInfo(info) : { ok: false, message: info || 'Could not monitor host' };
    this.sample(hid, now, parsed);
    const command = parsed.ok
      ? { type: 'MonitorReplied', success: true, share: parsed.share, now }
      : { type: 'MonitorReplied', success: false, message: parsed.message, now };
    const r = await this.ctx.system.execute('host', hid, command, { cause: 'driver:im' });
    if (!r.ok) this.ctx.logger.log('InM', 'D', `Monitoring result for host ${hid} ignored: ${r.error.message}`);
  }

  /** Keeps the latest result in memory and in the monitoring table; a failure keeps the last good figures. */
  private sample(hid: number, now: number, parsed: Parsed): void {
    const previous = this.ctx.hostSamples.get(hid);
    const next: HostSample = parsed.ok
      ? { time: now, template: parsed.template, share: parsed.share }
      : { time: now, template: previous?.template ?? { attributes: [] }, share: previous?.share ?? {}, failure: parsed.message };
    this.ctx.hostSamples.set(hid, next);
    this.ctx.samples.record('host', hid, now, next);
    if (!parsed.ok) this.ctx.logger.log('InM', 'E', `Error monitoring host ${hid}: ${parsed.message}`);
  }
}

/** Same TOTALCPU and TOTALMEMORY as recorded (a figure the probe did not send counts as unchanged). */
function sameCapacity(recorded: MonitoredShare, sampled: Partial<MonitoredShare>): boolean {
  return (sampled.maxCpu ?? recorded.maxCpu) === recorded.maxCpu && (sampled.maxMem ?? recorded.maxMem) === recorded.maxMem;
}
