import { hostView, userView, vmTemplateXml, vmView, vnetView } from '../core/state-views.ts';
import { VmState as Dm } from '../machines/state-codes.ts';
import { capacityByHost } from '../machines/vm/vm-capacity.ts';
import { hostDocument, hostPoolDocument } from '../rpc/documents/host-document.ts';
import { userDocument, userPoolDocument } from '../rpc/documents/user-document.ts';
import { vmDocument, vmPoolDocument } from '../rpc/documents/vm-document.ts';
import { vnetDocument, vnetPoolDocument } from '../rpc/documents/vnet-document.ts';
import type { HostView, UserView, VmView, VnetView } from '../rpc/views.ts';
import type { WorldFold } from './world-fold.ts';

/**
 * The documents oned would have served at the fold's position, rendered by
 * oned's own view and document code. The log holds facts, not samples: VM
 * poll figures (CPU, MEMORY, NET_*, LAST_POLL) print as 0 and a host's
 * monitoring TEMPLATE as empty; LAST_MON_TIME and the host share figures are
 * those of the last recorded monitoring.
 */
export type ObjectKind = 'vm' | 'host' | 'vnet' | 'user';
export const OBJECT_KINDS: readonly ObjectKind[] = ['vm', 'host', 'vnet', 'user'];

const byId = <T extends { id: number }>(list: T[]): T[] => list.sort((a, b) => a.id - b.id);

export function vmViews(w: WorldFold, includeDone = false): VmView[] {
  const views = [...w.vms.values()]
    .filter((vm) => vm.id >= 0 && (includeDone || vm.state !== Dm.DONE))
    .map((vm) => vmView(vm, w.userName(vm.uid), undefined, () => vmTemplateXml(vm)));
  return byId(views);
}

export function hostViews(w: WorldFold): HostView[] {
  const used = capacityByHost(w.vms.values());
  return byId([...w.hosts.values()].filter((h) => h.id >= 0 && !h.deleted).map((h) => hostView(h, used.get(h.id))));
}

export function vnetViews(w: WorldFold, withLeases = false): VnetView[] {
  return byId([...w.vnets.values()].filter((n) => !n.deleted).map((n) => vnetView(n, w.userName(n.uid), withLeases)));
}

export function userViews(w: WorldFold): UserView[] {
  return byId([...w.users.values()].flatMap((u) => userView(u.state, u.version) ?? []));
}

/** The four pool documents, as one.vmpool.info (not DONE), one.hostpool.info, one.vnpool.info and one.userpool.info. */
export function poolDocuments(w: WorldFold): Record<ObjectKind, string> {
  return {
    vm: vmPoolDocument(vmViews(w)),
    host: hostPoolDocument(hostViews(w)),
    vnet: vnetPoolDocument(vnetViews(w)),
    user: userPoolDocument(userViews(w)),
  };
}

/**
 * One object's info document (one.vm.info …), or undefined when it did not
 * exist at that point (a DONE VM still has its document, as in oned).
 */
export function infoDocument(w: WorldFold, kind: ObjectKind, id: number): string | undefined {
  switch (kind) {
    case 'vm': {
      const v = vmViews(w, true).find((x) => x.id === id);
      return v && vmDocument(v);
    }
    case 'host': {
      const v = hostViews(w).find((x) => x.id === id);
      return v && hostDocument(v);
    }
    case 'vnet': {
      const n = w.vnets.get(id);
      return n && !n.deleted ? vnetDocument(vnetView(n, w.userName(n.uid), true)) : undefined;
    }
    case 'user': {
      const u = w.users.get(id);
      const v = u && userView(u.state, u.version);
      return v && userDocument(v);
    }
  }
}
