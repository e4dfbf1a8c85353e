import { ErrorCode, domainError } from '../../events/domain-error.ts';
import type { LeasesTaken, VnetEvent } from '../../events/vnet-events.ts';
import { formatIpv4, parseIpv4 } from './ip.ts';
import { fail, ok, type Result } from './result.ts';
import { vnetDecider } from './vnet-decider.ts';
import type { VnetState } from './vnet-state.ts';

/** One NIC vector of a VM template: [SUBNAME, value] pairs, names upper-case. */
export type NicPairs = readonly (readonly [string, string])[];
export type LeaseRequest = { readonly ip?: number };
export type TakenLease = { readonly ip: number; readonly mac: string };

export interface NicLeasePlan {
  /** What to ask of each network, one request per NIC in NIC order. */
  readonly perNetwork: ReadonlyMap<number, readonly LeaseRequest[]>;
  /** §7.5 step 4: the NIC list with every network NIC replaced, given the leases taken per network (in request order). */
  rewrite(taken: ReadonlyMap<number, readonly TakenLease[]>): [string, string][][];
}

const valueOf = (nic: NicPairs, name: string): string | undefined => nic.find(([k]) => k === name)?.[1];

/**
 * §7.5 steps 1–3 for every NIC: find the network, check that the VM owner may
 * use it, and note the requested IP. Any failure means nothing is taken.
 */
export function planNicLeases(
  nics: readonly NicPairs[],
  ownerUid: number,
  networkByName: (name: string) => VnetState | undefined,
): Result<NicLeasePlan> {
  const perNetwork = new Map<number, LeaseRequest[]>();
  const nets: (VnetState | undefined)[] = [];
  for (const nic of nics) {
    const name = valueOf(nic, 'NETWORK');
    if (name === undefined) {
      nets.push(undefined);
      continue;
    }
    const net = networkByName(name);
    if (net === undefined || net.deleted) return fail(domainError(ErrorCode.ALLOCATE, `Error getting network ${name}`));
    // Who may lease from a network is 1.4's own rule (spec §7.5 step 2, from
    // VirtualMachine::get_network_leases): the network's owner, oneadmin, or
    // anyone when the network belongs to oneadmin (uid 0) — in 1.4 oneadmin's
    // networks are the shared ones, as there is no PUBLIC flag. PUBLIC
    // networks (2.0, with one.vn.publish) are open to everyone as well.
    if (!(net.uid === ownerUid || net.uid === 0 || ownerUid === 0 || net.public)) {
      return fail(domainError(ErrorCode.AUTHORIZATION, `User [${ownerUid}] not authorized to use network ${name}`));
    }
    const ipText = valueOf(nic, 'IP');
    const request: LeaseRequest = {};
    if (ipText !== undefined && ipText.trim() !== '') {
      const ip = parseIpv4(ipText.trim());
      if (ip === undefined) return fail(domainError(ErrorCode.XML_RPC_API, `Invalid IP "${ipText}" in NIC of network ${name}`));
      (request as { ip?: number }).ip = ip;
    }
    const list = perNetwork.get(net.id) ?? [];
    list.push(request);
    perNetwork.set(net.id, list);
    nets.push(net);
  }
  const rewrite = (taken: ReadonlyMap<number, readonly TakenLease[]>): [string, string][][] => {
    const next = new Map<number, number>();
    return nics.map((nic, i) => {
      const net = nets[i];
      if (net === undefined) return nic.map(([k, v]) => [k, v] as [string, string]);
      const k = next.get(net.id) ?? 0;
      next.set(net.id, k + 1);
      const lease = taken.get(net.id)?.[k];
      if (lease === undefined) throw new Error(`no lease given for NIC ${i} on network ${net.id}`);
      const rewritten: [string, string][] = [
        ['NETWORK', net.name],
        ['MAC', lease.mac],
        ['BRIDGE', net.bridge],
        ['VNID', String(net.id)],
        ['IP', formatIpv4(lease.ip)],
      ];
      const model = valueOf(nic, 'MODEL');
      if (model !== undefined) rewritten.push(['MODEL', model]);
      return rewritten;
    });
  };
  return ok({ perNetwork, rewrite });
}

export interface NicLeaseAllocation {
  /** Events to append to each `vnet/<nid>` stream, in the same append as the VM's VmAllocated. */
  readonly events: ReadonlyMap<number, readonly VnetEvent[]>;
  /** The VM's NICs after §7.5 step 4. */
  readonly nics: [string, string][][];
}

/**
 * The whole of §7.5 for one VM allocation: plan, decide TakeLeases on every
 * network involved, rewrite the NICs. All or nothing: on any error no event
 * is returned, so the caller appends nothing.
 */
export function allocateNicLeases(
  vid: number,
  nics: readonly NicPairs[],
  ownerUid: number,
  networkByName: (name: string) => VnetState | undefined,
): Result<NicLeaseAllocation> {
  const plan = planNicLeases(nics, ownerUid, networkByName);
  if (!plan.ok) return plan;
  const states = new Map<number, VnetState>();
  for (const nic of nics) {
    const name = valueOf(nic, 'NETWORK');
    const net = name === undefined ? undefined : networkByName(name);
    if (net) states.set(net.id, net);
  }
  const events = new Map<number, VnetEvent[]>();
  const taken = new Map<number, readonly TakenLease[]>();
  for (const [nid, requests] of plan.value.perNetwork) {
    const decision = vnetDecider.decide(states.get(nid)!, { type: 'TakeLeases', vid, requests });
    if (!decision.ok) return fail(decision.error);
    events.set(nid, [...decision.events]);
    const event = decision.events.find((e): e is LeasesTaken => e.type === 'LeasesTaken');
    taken.set(nid, event?.leases ?? []);
  }
  return ok({ events, nics: plan.value.rewrite(taken) });
}

/** Networks a VM holds leases on, from its rewritten NICs (VNID); what to release when it reaches DONE. */
export function networksOfNics(nics: readonly NicPairs[]): number[] {
  const ids = new Set<number>();
  for (const nic of nics) {
    const vnid = valueOf(nic, 'VNID');
    if (vnid !== undefined && /^\d+$/.test(vnid)) ids.add(Number(vnid));
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * Events that release a VM's leases on the given networks (for the append
 * that carries the VM's DONE event). A network that is gone yields nothing.
 */
export function releaseNicLeases(
  vid: number,
  nids: readonly number[],
  networkById: (nid: number) => VnetState | null | undefined,
): Map<number, readonly VnetEvent[]> {
  const events = new Map<number, readonly VnetEvent[]>();
  for (const nid of nids) {
    const decision = vnetDecider.decide(networkById(nid) ?? null, { type: 'ReleaseLeases', vid });
    if (decision.ok && decision.events.length > 0) events.set(nid, decision.events);
  }
  return events;
}
