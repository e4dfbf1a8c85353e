import type { ActorSystem } from '../actors/actor-system.ts';
import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import type { DomainEvent } from '../events/envelope.ts';
import { streams } from '../events/envelope.ts';
import { allocateNicLeases, networksOfNics, releaseNicLeases } from '../machines/vnet/nic-leases.ts';
import { reviveVnetState, type VnetState } from '../machines/vnet/vnet-state.ts';
import { replaceAttributeAt } from '../template/template-edit.ts';
import { isVector, vector, type Template } from '../template/template.ts';

type Fail = { ok: false; error: DomainError };

/** Every NIC of a template with its position, as the pair lists nic-leases.ts works on. */
function nicsOf(template: Template): { index: number; pairs: readonly (readonly [string, string])[] }[] {
  return template.attributes.flatMap((a, index) => (a.name === 'NIC' && isVector(a) ? [{ index, pairs: a.pairs }] : []));
}

/**
 * Leases at VM allocation and at VM end (spec §7.5), wired into the actor
 * system. Leases live only in the vnet streams' events; taking them is
 * planned inside the same transaction as `VmAllocated`, and releasing them
 * inside the one that moves the VM to DONE, so the lease table is always the
 * fold of the log. The lease rules themselves are in machines/vnet/nic-leases.ts.
 */
export class NetworkLeases {
  constructor(private readonly system: ActorSystem) {}

  private byId = (nid: number): VnetState | undefined => {
    const s = reviveVnetState(this.system.get('vnet', nid)?.state);
    return s && !s.deleted ? s : undefined;
  };

  byName = (name: string): VnetState | undefined => {
    for (const actor of this.system.all('vnet')) {
      const s = reviveVnetState(actor.state);
      if (s && !s.deleted && s.name === name) return s;
    }
    return undefined;
  };

  /** The vnet streams a new VM's NICs name (to lock with it), or the first unknown network. */
  streamsForNewVm(template: Template): { ok: true; value: string[] } | Fail {
    const ids = new Set<number>();
    for (const { pairs } of nicsOf(template)) {
      const name = pairs.find(([k]) => k === 'NETWORK')?.[1];
      if (name === undefined) continue;
      const vnet = this.byName(name);
      if (!vnet) return { ok: false, error: domainError(ErrorCode.ALLOCATE, `Error getting network ${name}`) };
      ids.add(vnet.id);
    }
    return { ok: true, value: [...ids].map(streams.vnet) };
  }

  /** The vnet streams a stored VM holds leases in (its rewritten NICs carry VNID). */
  streamsOfVm(template: Template): string[] {
    return networksOfNics(nicsOf(template).map((n) => n.pairs)).filter((nid) => this.byId(nid)).map(streams.vnet);
  }

  /** Takes one lease per network NIC and rewrites those NICs exactly as §7.5 says. Call with the vnets locked. */
  planAllocation(vid: number, uid: number, template: Template): { ok: true; template: Template; events: Map<string, readonly DomainEvent[]> } | Fail {
    const nics = nicsOf(template);
    const allocation = allocateNicLeases(vid, nics.map((n) => n.pairs), uid, this.byName);
    if (!allocation.ok) return allocation;
    let rewritten = template;
    nics.forEach(({ index }, i) => (rewritten = replaceAttributeAt(rewritten, index, vector('NIC', allocation.value.nics[i]!))));
    const events = new Map<string, readonly DomainEvent[]>();
    for (const [nid, e] of allocation.value.events) events.set(streams.vnet(nid), e);
    return { ok: true, template: rewritten, events };
  }

  /** Releases every lease the VM holds. Call with the VM's vnets locked. */
  planRelease(vid: number, template: Template): Map<string, readonly DomainEvent[]> {
    const nids = networksOfNics(nicsOf(template).map((n) => n.pairs));
    const events = new Map<string, readonly DomainEvent[]>();
    for (const [nid, e] of releaseNicLeases(vid, nids, this.byId)) events.set(streams.vnet(nid), e);
    return events;
  }
}
