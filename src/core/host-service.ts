import type { MadConfig } from '../config/oned-config.ts';
import { domainError, ErrorCode } from '../events/domain-error.ts';
import type { MonitoredShare } from '../events/host-events.ts';
import { isMonitoringDue } from '../machines/host/host-decider.ts';
import { MONITORING_TIMEOUT_SECONDS, type HostMachineState } from '../machines/host/host-types.ts';
import { HostState } from '../machines/state-codes.ts';
import { capacityByHost } from '../machines/vm/vm-capacity.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import type { Result } from '../rpc/core-port.ts';
import type { HostView } from '../rpc/views.ts';
import { parseTemplate } from '../template/parse-template.ts';
import { getSingle } from '../template/template-lookup.ts';
import type { Template } from '../template/template.ts';
import { templateToXml } from '../template/template-xml.ts';
import type { CoreContext } from './core-context.ts';
import { outcome } from './outcome.ts';

/** Monitoring attribute → host share field (spec §4.6). */
const SHARE_FIELDS: ReadonlyArray<[string, keyof MonitoredShare]> = [
  ['TOTALCPU', 'maxCpu'],
  ['TOTALMEMORY', 'maxMem'],
  ['FREECPU', 'freeCpu'],
  ['FREEMEMORY', 'freeMem'],
  ['USEDCPU', 'usedCpu'],
  ['USEDMEMORY', 'usedMem'],
];

/** Parses a `MONITOR SUCCESS` payload (`A=1,B=2 …`) into the host template and share figures. */
export function parseMonitorInfo(info: string): { ok: true; template: Template; share: Partial<MonitoredShare> } | { ok: false; message: string } {
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

/** Hosts (spec §5): allocation, enable/disable, and the monitoring schedule. */
export class HostService {
  private monitoringTimer: NodeJS.Timeout | undefined;
  private readonly templateXml = new Map<number, string>();

  constructor(private readonly ctx: CoreContext) {}

  state(hid: number): HostMachineState | undefined {
    const s = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    return s && !s.deleted ? s : undefined;
  }

  views(): HostView[] {
    const capacity = capacityByHost(this.ctx.system.all('vm').map((a) => a.state as VmState));
    return this.ctx.system.all('host').flatMap((a) => this.toView(a.state as HostMachineState, capacity) ?? []);
  }

  view(hid: number): HostView | undefined {
    const host = this.state(hid);
    if (!host) return undefined;
    return this.toView(host, capacityByHost(this.ctx.system.all('vm').map((a) => a.state as VmState)));
  }

  private toView(h: HostMachineState, capacity: ReturnType<typeof capacityByHost>): HostView | undefined {
    if (h.deleted) return undefined;
    const used = capacity.get(h.id) ?? { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
    const s = h.monitoredShare;
    return {
      id: h.id,
      name: h.name,
      state: h.state,
      imMad: h.imMad,
      vmMad: h.vmMad,
      tmMad: h.tmMad,
      lastMonTime: h.lastMonTime,
      share: {
        diskUsage: used.disk, memUsage: used.mem, cpuUsage: used.cpu,
        maxDisk: s.maxDisk, maxMem: s.maxMem, maxCpu: s.maxCpu,
        freeDisk: s.freeDisk, freeMem: s.freeMem, freeCpu: s.freeCpu,
        usedDisk: s.usedDisk, usedMem: s.usedMem, usedCpu: s.usedCpu,
        runningVms: used.runningVms,
      },
      template: this.templateXmlOf(h.id),
    };
  }

  async allocate(callerUid: number, name: string, imMad: string, vmMad: string, tmMad: string): Promise<Result<number>> {
    if (!/^[A-Za-z0-9._-]{1,255}$/.test(name)) {
      return { ok: false, error: domainError(ErrorCode.XML_RPC_API, `Invalid host name ${JSON.stringify(name)}: use letters, digits, '.', '-' and '_'`) };
    }
    const { imMads, vmMads, tmMads } = this.ctx.config;
    const wanted: [string, string, readonly MadConfig[]][] = [['IM_MAD', imMad, imMads], ['VM_MAD', vmMad, vmMads], ['TM_MAD', tmMad, tmMads]];
    for (const [kind, mad, list] of wanted) {
      if (!list.some((m) => m.name === mad)) {
        return { ok: false, error: domainError(ErrorCode.XML_RPC_API, `Unknown ${kind} "${mad}": it is not defined in oned.conf`) };
      }
    }
    return this.ctx.system.withNextId('host', async (hid): Promise<Result<number>> => {
      const command = { type: 'Allocate', hid, name, imMad, vmMad, tmMad, now: this.ctx.clock.now() };
      const r = await this.ctx.system.execute('host', hid, command, { uid: callerUid, cause: 'one.host.allocate' });
      return r.ok ? { ok: true, value: hid } : r;
    });
  }

  async delete(callerUid: number, hid: number): Promise<Result<void>> {
    if (!this.state(hid)) return { ok: false, error: domainError(ErrorCode.NO_EXISTS, `The host ${hid} does not exists`) };
    const r = outcome(await this.ctx.system.execute('host', hid, { type: 'Delete', now: this.ctx.clock.now() }, { uid: callerUid, cause: 'one.host.delete' }));
    if (r.ok) {
      this.ctx.system.forget('host', hid);
      this.ctx.hostTemplates.delete(hid);
      this.templateXml.delete(hid);
    }
    return r;
  }

  async enable(callerUid: number, hid: number, enable: boolean): Promise<Result<void>> {
    if (!this.state(hid)) return { ok: false, error: domainError(ErrorCode.NO_EXISTS, `The host ${hid} does not exists`) };
    return outcome(await this.ctx.system.execute('host', hid, { type: 'Enable', enable, now: this.ctx.clock.now() }, { uid: callerUid, cause: 'one.host.enable' }));
  }

  // ---- monitoring (spec §5.2, without 1.4's "10 oldest hosts" starvation) ----

  /** Every second: apply the MONITORING timeout, then start monitoring the due hosts, oldest first, within the concurrency bound. */
  startMonitoring(tickMs = 1000): void {
    this.monitoringTimer = setInterval(() => this.monitorTick(), tickMs);
    this.monitoringTimer.unref();
  }

  stopMonitoring(): void {
    clearInterval(this.monitoringTimer);
  }

  monitorTick(): void {
    const now = this.ctx.clock.now();
    const { hostMonitoringInterval, monitoringConcurrency } = this.ctx.config;
    const hosts = this.ctx.system.all('host').map((a) => a.state as HostMachineState).filter((h) => !h.deleted);
    let inFlight = 0;
    for (const h of hosts) {
      if (h.state !== HostState.MONITORING) continue;
      inFlight++;
      // Only a host whose MONITORING may have expired needs the Tick (spec §5.1: 600 s).
      if (now - h.lastMonTime >= MONITORING_TIMEOUT_SECONDS) {
        void this.ctx.system.execute('host', h.id, { type: 'Tick', now }, { cause: 'timer' });
      }
    }
    const due = hosts
      .filter((h) => isMonitoringDue(h, now, hostMonitoringInterval))
      .sort((a, b) => a.lastMonTime - b.lastMonTime)
      .slice(0, Math.max(0, monitoringConcurrency - inFlight));
    for (const h of due) {
      const driverFound = this.ctx.drivers.has(h.imMad);
      void this.ctx.system.execute('host', h.id, { type: 'MonitoringStarted', driverFound, now }, { cause: 'timer' });
    }
  }

  /** A MONITOR reply arrived (or timed out): fold it into the host. */
  async monitored(hid: number, success: boolean, info: string): Promise<void> {
    const now = this.ctx.clock.now();
    if (!this.state(hid)) return;
    const parsed = success ? parseMonitorInfo(info) : { ok: false as const, message: info || 'Could not monitor host' };
    if (parsed.ok) {
      this.ctx.hostTemplates.set(hid, parsed.template);
      this.templateXml.delete(hid);
      this.ctx.samples.record('host', hid, now, { template: parsed.template });
    }
    const command = parsed.ok
      ? { type: 'MonitorReplied', success: true, share: parsed.share, now }
      : { type: 'MonitorReplied', success: false, message: parsed.message, now };
    const r = await this.ctx.system.execute('host', hid, command, { cause: 'driver:im' });
    if (!r.ok) this.ctx.logger.log('InM', 'D', `Monitoring result for host ${hid} ignored: ${r.error.message}`);
    else if (!parsed.ok) this.ctx.logger.log('InM', 'E', `Error monitoring host ${hid}: ${parsed.message}`);
  }

  /** The host's `<TEMPLATE>`, rendered once per monitoring sample. */
  private templateXmlOf(hid: number): string {
    let xml = this.templateXml.get(hid);
    if (xml === undefined) {
      xml = templateToXml(this.ctx.hostTemplates.get(hid) ?? { attributes: [] });
      this.templateXml.set(hid, xml);
    }
    return xml;
  }
}
