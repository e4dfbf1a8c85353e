/**
 * The read models (rpc/views.ts) of folded entity states, as pure functions.
 * oned's services call them with their live extras (poll figures, monitoring
 * samples, owner names); `oneaudit replay --at` calls them with what the log
 * alone knows. One mapping for both, so a replayed document is the document
 * oned would have served.
 */
import type { MonitoredShare } from '../events/host-events.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import type { HostStateCode } from '../machines/state-codes.ts';
import type { UserState } from '../machines/user/user-decider.ts';
import type { HostUsage } from '../machines/vm/vm-capacity.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import { formatIpv4 } from '../machines/vnet/ip.ts';
import type { VnetState } from '../machines/vnet/vnet-state.ts';
import type { HostView, UserView, VmView, VnetView } from '../rpc/views.ts';
import { removeAttributes, setSingle } from '../template/template-edit.ts';
import type { Template } from '../template/template.ts';
import { templateToXml } from '../template/template-xml.ts';
import type { VmPollFigures } from './core-context.ts';

/**
 * The VM's `<TEMPLATE>`: SCHED_MESSAGE is oned's own attribute, so one a
 * user wrote into the template is never shown in its place.
 */
export function vmTemplateXml(vm: VmState): string {
  const template = removeAttributes(vm.template as Template, 'SCHED_MESSAGE');
  return templateToXml(vm.schedMessage ? setSingle(template, 'SCHED_MESSAGE', vm.schedMessage) : template);
}

/** `templateOf` is called only when a document prints the template (it may be cached by the caller). */
export function vmView(vm: VmState, username: string, poll: VmPollFigures | undefined, templateOf: () => string): VmView {
  const h = vm.history[vm.history.length - 1];
  return {
    id: vm.id,
    uid: vm.uid,
    username,
    name: vm.name,
    lastPoll: poll?.lastPoll ?? 0,
    state: vm.state,
    lcmState: vm.lcm,
    stime: vm.stime,
    etime: vm.etime,
    deployId: vm.deployId,
    memory: poll?.memory ?? 0,
    cpu: poll?.cpu ?? 0,
    netTx: poll?.netTx ?? 0,
    netRx: poll?.netRx ?? 0,
    get template() {
      return templateOf();
    },
    history: h && {
      seq: h.seq, hostname: h.hostname, hid: h.hid, stime: h.stime, etime: h.etime,
      pstime: h.pstime, petime: h.petime, rstime: h.rstime, retime: h.retime,
      estime: h.estime, eetime: h.eetime, reason: h.reason,
    },
  };
}

/** What oned knows of a host besides its stream: the latest monitoring sample. Absent in a replay. */
export interface HostLive {
  readonly state: HostStateCode;
  readonly share: Partial<MonitoredShare>;
  readonly lastMonTime: number;
  readonly templateXml: string;
}

export function hostView(h: HostMachineState, used: HostUsage | undefined, live?: HostLive): HostView {
  const u = used ?? { cpu: 0, mem: 0, disk: 0, runningVms: 0 };
  const s = { ...h.monitoredShare, ...live?.share };
  return {
    id: h.id,
    name: h.name,
    state: live?.state ?? h.state,
    imMad: h.imMad,
    vmMad: h.vmMad,
    tmMad: h.tmMad,
    lastMonTime: live?.lastMonTime ?? h.lastMonTime,
    share: {
      diskUsage: u.disk, memUsage: u.mem, cpuUsage: u.cpu,
      maxDisk: s.maxDisk, maxMem: s.maxMem, maxCpu: s.maxCpu,
      freeDisk: s.freeDisk, freeMem: s.freeMem, freeCpu: s.freeCpu,
      usedDisk: s.usedDisk, usedMem: s.usedMem, usedCpu: s.usedCpu,
      runningVms: u.runningVms,
    },
    template: live?.templateXml ?? templateToXml({ attributes: [] }),
  };
}

/** `withLeases`: one.vn.info lists every lease and the template; the pool only counts used leases. */
export function vnetView(s: VnetState, username: string, withLeases: boolean): VnetView {
  return {
    id: s.id,
    uid: s.uid,
    username,
    name: s.name,
    type: s.type,
    bridge: s.bridge,
    public: s.public,
    template: withLeases ? templateToXml(s.template as Template) : '',
    leases: s.leases
      .rows()
      .filter((r) => withLeases || r.used)
      .map((r) => ({ ip: formatIpv4(r.ip), mac: r.mac, used: r.used, vid: r.vid })),
  };
}

/** An active user's view; undefined before its allocation and after its deletion. */
export function userView(state: UserState | undefined, version: number): UserView | undefined {
  if (!state || state.status !== 'active') return undefined;
  return { id: state.uid, name: state.name, passwordHash: state.passwordHash, enabled: state.enabled, version };
}
