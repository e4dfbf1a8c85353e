import type { MadConfig } from '../config/oned-config.ts';
import { domainError, ErrorCode } from '../events/domain-error.ts';
import { invalidHostNameMessage, isValidHostName } from '../inputs/host-name.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import { HostState } from '../machines/state-codes.ts';
import type { HostUsage } from '../machines/vm/vm-capacity.ts';
import type { Result } from '../rpc/core-port.ts';
import type { HostView } from '../rpc/views.ts';
import { templateToXml } from '../template/template-xml.ts';
import type { CoreContext, HostSample } from './core-context.ts';
import type { HostMonitor } from './host-monitoring.ts';
import { outcome } from './outcome.ts';
import { HostUsageIndex } from './host-usage.ts';
import { hostView } from './state-views.ts';

/** What a host's view shows besides its id: when all of it is unchanged, so is the view. */
interface ViewKey {
  readonly state: HostMachineState;
  readonly usage: HostUsage;
  readonly quiet: boolean;
  readonly sample: HostSample | undefined;
  readonly lastMonTime: number;
}

const NO_USAGE: HostUsage = { cpu: 0, mem: 0, disk: 0, runningVms: 0 };

// Usage is compared by value: it is summed afresh after every commit.
const sameKey = (a: ViewKey, b: ViewKey): boolean =>
  a.state === b.state && a.quiet === b.quiet && a.sample === b.sample && a.lastMonTime === b.lastMonTime &&
  a.usage.cpu === b.usage.cpu && a.usage.mem === b.usage.mem && a.usage.disk === b.usage.disk && a.usage.runningVms === b.usage.runningVms;

/** Hosts (spec §5): allocation, enable/disable, and what oned shows of them. Monitoring is in host-monitoring.ts. */
export class HostService {
  private readonly usage: HostUsageIndex;
  private readonly templateXml = new Map<number, { sample: HostSample | undefined; xml: string }>();
  private readonly viewCache = new Map<number, { key: ViewKey; view: HostView }>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly monitor: HostMonitor,
  ) {
    this.usage = new HostUsageIndex(ctx.system, ctx.log);
  }

  state(hid: number): HostMachineState | undefined {
    const s = this.ctx.system.get('host', hid)?.state as HostMachineState | undefined;
    return s && !s.deleted ? s : undefined;
  }

  views(): HostView[] {
    const capacity = this.capacity();
    return this.ctx.system.all('host').flatMap((a) => this.toView(a.state as HostMachineState, capacity) ?? []);
  }

  view(hid: number): HostView | undefined {
    const host = this.state(hid);
    return host && this.toView(host, this.capacity());
  }

  /** What the VMs hold on each host (host-usage.ts). */
  private capacity(): ReadonlyMap<number, HostUsage> {
    return this.usage.byHost();
  }

  /**
   * The same view object for as long as nothing it shows changes (the
   * host's state, the VMs' usage of it, its monitoring): the XML-RPC layer
   * keeps each view's rendered pool entry (rpc/documents/pool-pieces.ts).
   */
  private toView(h: HostMachineState, capacity: ReadonlyMap<number, HostUsage>): HostView | undefined {
    if (h.deleted) return undefined;
    const key: ViewKey = {
      state: h,
      usage: capacity.get(h.id) ?? NO_USAGE,
      quiet: this.monitor.isQuietlyMonitoring(h.id),
      sample: this.ctx.hostSamples.get(h.id),
      lastMonTime: this.monitor.lastMonTime(h),
    };
    const cached = this.viewCache.get(h.id);
    if (cached && sameKey(cached.key, key)) return cached.view;
    const { sample } = key;
    // A quiet monitoring's sample is newer than the recorded figures: show it.
    const view = hostView(h, key.usage, {
      state: key.quiet ? HostState.MONITORING : h.state,
      share: sample && sample.time >= h.lastMonTime ? sample.share : {},
      lastMonTime: key.lastMonTime,
      templateXml: this.templateXmlOf(h.id),
    });
    this.viewCache.set(h.id, { key, view });
    return view;
  }

  async allocate(callerUid: number, name: string, imMad: string, vmMad: string, tmMad: string): Promise<Result<number>> {
    if (!isValidHostName(name)) return { ok: false, error: domainError(ErrorCode.XML_RPC_API, invalidHostNameMessage(name)) };
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
      this.ctx.hostSamples.delete(hid);
      this.templateXml.delete(hid);
      this.viewCache.delete(hid);
    }
    return r;
  }

  async enable(callerUid: number, hid: number, enable: boolean): Promise<Result<void>> {
    if (!this.state(hid)) return { ok: false, error: domainError(ErrorCode.NO_EXISTS, `The host ${hid} does not exists`) };
    return outcome(await this.ctx.system.execute('host', hid, { type: 'Enable', enable, now: this.ctx.clock.now() }, { uid: callerUid, cause: 'one.host.enable' }));
  }

  /** The host's `<TEMPLATE>` (its latest monitoring), rendered once per sample. */
  private templateXmlOf(hid: number): string {
    const sample = this.ctx.hostSamples.get(hid);
    let cached = this.templateXml.get(hid);
    if (!cached || cached.sample !== sample) {
      cached = { sample, xml: templateToXml(sample?.template ?? { attributes: [] }) };
      this.templateXml.set(hid, cached);
    }
    return cached.xml;
  }
}
