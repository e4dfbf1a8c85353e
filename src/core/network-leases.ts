import type { ActorSystem } from '../actors/actor-system.ts';
import { domainError, ErrorCode, type DomainError } from '../events/domain-error.ts';
import type { DomainEvent } from '../events/envelope.ts';
import { streams } from '../events/envelope.ts';
import type { LeasesTaken } from '../events/vnet-events.ts';
import { formatIpv4, parseIpv4 } from '../machines/vnet/ip.ts';
import { reviveVnetState, type VnetState } from '../machines/vnet/vnet-state.ts';
import { replaceAttributeAt } from '../template/template-edit.ts';
import { isVector, vector, type Template, type VectorAttribute } from '../template/template.ts';

type Fail = { ok: false; error: DomainError };
const fail = (code: DomainError['code'], message: string): Fail => ({ ok: false, error: domainError(code, message) });

const sub = (v: VectorAttribute, name: string) => v.pairs.find(([k]) => k === name)?.[1];

/** NIC vectors that name a network, with their position in the template. */
function networkNics(template: Template): { index: number; nic: VectorAttribute; network: string }[] {
  const out: { index: number; nic: VectorAttribute; network: string }[] = [];
  template.attributes.forEach((a, index) => {
    if (a.name !== 'NIC' || !isVector(a)) return;
    const network = sub(a, 'NETWORK');
    if (network !== undefined) out.push({ index, nic: a, network });
  });
  return out;
}

/**
 * Leases at VM allocation and at VM end (spec §7.5). Leases live only in the
 * vnet streams' events; taking them is planned inside the same transaction
 * as `VmAllocated`, and releasing them inside the one that moves the VM to
 * DONE, so the lease table is always the fold of the log.
 */
export class NetworkLeases {
  constructor(private readonly system: ActorSystem) {}

  private live(nid: number): VnetState | undefined {
    const s = reviveVnetState(this.system.get('vnet', nid)?.state);
    return s && !s.deleted ? s : undefined;
  }

  byName(name: string): VnetState | undefined {
    for (const actor of this.system.all('vnet')) {
      const s = reviveVnetState(actor.state);
      if (s && !s.deleted && s.name === name) return s;
    }
    return undefined;
  }

  /** The vnet streams a new VM's NICs point at, or the first unknown network. */
  streamsForNewVm(template: Template): { ok: true; value: string[] } | Fail {
    const ids = new Set<number>();
    for (const { network } of networkNics(template)) {
      const vnet = this.byName(network);
      if (!vnet) return fail(ErrorCode.NO_EXISTS, `Error getting network ${network}: no such virtual network`);
      ids.add(vnet.id);
    }
    return { ok: true, value: [...ids].map(streams.vnet) };
  }

  /** The vnet streams a stored VM holds leases in (its rewritten NICs carry VNID). */
  streamsOfVm(template: Template): string[] {
    const ids = new Set<number>();
    for (const { nic } of networkNics(template)) {
      const vnid = Number(sub(nic, 'VNID'));
      if (Number.isInteger(vnid) && this.live(vnid)) ids.add(vnid);
    }
    return [...ids].map(streams.vnet);
  }

  /** Takes one lease per network NIC and rewrites those NICs exactly as §7.5 says. */
  planAllocation(
    vid: number,
    uid: number,
    template: Template,
    states: ReadonlyMap<string, unknown>,
  ): { ok: true; template: Template; events: Map<string, readonly DomainEvent[]> } | Fail {
    const nics = networkNics(template);
    const perNetwork = new Map<number, { vnet: VnetState; nics: typeof nics }>();
    for (const entry of nics) {
      const vnet = this.byName(entry.network);
      if (!vnet) return fail(ErrorCode.NO_EXISTS, `Error getting network ${entry.network}: no such virtual network`);
      if (!(vnet.uid === uid || vnet.uid === 0 || uid === 0 || vnet.public)) {
        return fail(ErrorCode.AUTHORIZATION, `User not authorized to use network ${vnet.name} [${vnet.id}]`);
      }
      const group = perNetwork.get(vnet.id) ?? { vnet, nics: [] };
      group.nics.push(entry);
      perNetwork.set(vnet.id, group);
    }
    const events = new Map<string, readonly DomainEvent[]>();
    let rewritten = template;
    for (const [nid, { vnet, nics: group }] of perNetwork) {
      const requests: { ip?: number }[] = [];
      for (const { nic } of group) {
        const ip = sub(nic, 'IP');
        if (ip === undefined) requests.push({});
        else {
          const parsed = parseIpv4(ip);
          if (parsed === undefined) return fail(ErrorCode.XML_RPC_API, `Invalid IP ${JSON.stringify(ip)} in NIC for network ${vnet.name}`);
          requests.push({ ip: parsed });
        }
      }
      const stream = streams.vnet(nid);
      const decision = this.system.decide('vnet', states.get(stream), { type: 'TakeLeases', vid, requests });
      if (!decision.ok) return decision;
      const taken = decision.events.find((e): e is LeasesTaken => e.type === 'LeasesTaken');
      if (!taken) return fail(ErrorCode.INTERNAL, `Network ${vnet.name} gave no lease`);
      events.set(stream, decision.events);
      group.forEach(({ index, nic }, i) => {
        const lease = taken.leases[i]!;
        const model = sub(nic, 'MODEL');
        const pairs: [string, string][] = [
          ['NETWORK', vnet.name],
          ['MAC', lease.mac],
          ['BRIDGE', vnet.bridge],
          ['VNID', String(nid)],
          ['IP', formatIpv4(lease.ip)],
        ];
        if (model !== undefined) pairs.push(['MODEL', model]);
        rewritten = replaceAttributeAt(rewritten, index, vector('NIC', pairs));
      });
    }
    return { ok: true, template: rewritten, events };
  }

  /** Releases every lease the VM holds, in the streams locked with it. */
  planRelease(vid: number, states: ReadonlyMap<string, unknown>): Map<string, readonly DomainEvent[]> {
    const events = new Map<string, readonly DomainEvent[]>();
    for (const [stream, state] of states) {
      if (!stream.startsWith('vnet/') || !reviveVnetState(state as VnetState)) continue;
      const decision = this.system.decide('vnet', state, { type: 'ReleaseLeases', vid });
      if (decision.ok && decision.events.length > 0) events.set(stream, decision.events);
    }
    return events;
  }
}

