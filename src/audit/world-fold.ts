import type { StoredEvent } from '../events/envelope.ts';
import { hostDecider } from '../machines/host/host-decider.ts';
import type { HostMachineState } from '../machines/host/host-types.ts';
import { userDecider, type UserState } from '../machines/user/user-decider.ts';
import { vmDecider } from '../machines/vm/vm-decider.ts';
import type { VmState } from '../machines/vm/vm-types.ts';
import { vnetDecider } from '../machines/vnet/vnet-decider.ts';
import type { VnetState } from '../machines/vnet/vnet-state.ts';

/**
 * Every VM, host, network and user as the log makes them: each event goes
 * through its stream's decider `evolve`, exactly as oned's actors fold it.
 * Hook streams are not state of any listed object and are skipped.
 *
 * Note that a network's evolve updates its lease book in place: read what
 * you need of a fold before applying more events to it.
 */
export class WorldFold {
  readonly vms = new Map<number, VmState>();
  readonly hosts = new Map<number, HostMachineState>();
  /** Networks from VnetCreated on (deleted ones included, flagged). */
  readonly vnets = new Map<number, VnetState>();
  readonly users = new Map<number, { state: UserState; version: number }>();
  /** The last event applied (0 / undefined before any). */
  seq = 0;
  ts: number | undefined;

  apply(e: StoredEvent): void {
    const slash = e.stream.indexOf('/');
    const kind = e.stream.slice(0, slash);
    const id = Number(e.stream.slice(slash + 1));
    const event = e.event as never;
    switch (kind) {
      case 'vm':
        this.vms.set(id, vmDecider.evolve(this.vms.get(id) ?? vmDecider.initialState, event));
        break;
      case 'host':
        this.hosts.set(id, hostDecider.evolve(this.hosts.get(id) ?? hostDecider.initialState, event));
        break;
      case 'vnet': {
        const next = vnetDecider.evolve(this.vnets.get(id) ?? vnetDecider.initialState, event);
        if (next) this.vnets.set(id, next);
        break;
      }
      case 'user':
        this.users.set(id, { state: userDecider.evolve(this.users.get(id)?.state ?? userDecider.initialState, event), version: e.version });
        break;
    }
    this.seq = e.seq;
    this.ts = e.ts;
  }

  /** A user's name, deleted users included (timelines name who did what); undefined for an unknown uid. */
  userNameEver(uid: number): string | undefined {
    const u = this.users.get(uid)?.state;
    return u && u.status !== 'none' ? u.name : undefined;
  }

  /** The owner name listings print; `-` for a user that is gone, as oned prints it. */
  userName(uid: number): string {
    const u = this.users.get(uid)?.state;
    return u && u.status === 'active' ? u.name : '-';
  }
}
