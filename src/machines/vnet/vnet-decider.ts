import { ErrorCode, domainError } from '../../events/domain-error.ts';
import type { LeasesTaken, VnetEvent } from '../../events/vnet-events.ts';
import { accept, reject, type Decider, type Decision } from '../decider.ts';
import { formatIpv4, isIpv4Number } from './ip.ts';
import type { TakeLeases, VnetCommand } from './vnet-commands.ts';
import { decideCreate } from './vnet-create.ts';
import { reviveVnetState, vnetFromCreated, type VnetState, type VnetStreamState } from './vnet-state.ts';
import { LeaseBook } from './lease-book.ts';

/** Networks ask for no driver work: their only consumers are the VM allocation and the read models. */
export type VnetEffect = never;

const missing = (): Decision<VnetEvent> =>
  reject(domainError(ErrorCode.NO_EXISTS, 'Error getting virtual network'));

function decideTake(net: VnetState, c: TakeLeases): Decision<VnetEvent> {
  if (!Number.isInteger(c.vid) || c.vid < 0) return reject(domainError(ErrorCode.XML_RPC_API, `Invalid VM id ${String(c.vid)}`));
  if (!Array.isArray(c.requests)) return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid lease requests'));
  if (c.requests.length === 0) return accept();
  const book = net.leases;
  const chosen = new Set<number>();
  const leases: { ip: number; mac: string }[] = [];
  let cursor = book.cursor;
  for (const request of c.requests) {
    let slot: number;
    if (request.ip !== undefined) {
      if (!isIpv4Number(request.ip)) return reject(domainError(ErrorCode.XML_RPC_API, `Invalid IP ${String(request.ip)}`));
      const ip = formatIpv4(request.ip);
      slot = book.slotOfIp(request.ip);
      // 1.4 also let a ranged NIC ask for the network or broadcast address; those are no leases here.
      if (slot < 0) return reject(domainError(ErrorCode.ALLOCATE, `IP ${ip} is not part of virtual network ${net.name}`));
      if (book.isUsed(slot) || chosen.has(slot)) {
        return reject(domainError(ErrorCode.ALLOCATE, `IP ${ip} is already in use in virtual network ${net.name}`));
      }
    } else {
      slot = book.nextFree(cursor, chosen);
      if (slot < 0) return reject(domainError(ErrorCode.ALLOCATE, `No free leases in virtual network ${net.name}`));
      cursor = (slot + 1) % book.capacity;
    }
    chosen.add(slot);
    leases.push({ ip: book.ipAt(slot), mac: book.macAt(slot) });
  }
  return accept({ type: 'LeasesTaken', nid: net.id, vid: c.vid, leases, cursor });
}

function decide(raw: VnetStreamState, c: VnetCommand): Decision<VnetEvent> {
  const net = reviveVnetState(raw);
  if (c.type === 'CreateVnet') {
    if (net !== null) return reject(domainError(ErrorCode.ALLOCATE, `Virtual network ${net.id} already exists`));
    const created = decideCreate(c);
    return created.ok ? accept(created.value) : reject(created.error);
  }
  // A VM on its way to DONE must never be held up by a network that is gone.
  if (c.type === 'ReleaseLeases' && (net === null || net.deleted)) return accept();
  if (net === null || net.deleted) return missing();
  switch (c.type) {
    case 'DeleteVnet': {
      const inUse = net.leases.usedCount;
      if (inUse > 0 && !c.force) {
        return reject(domainError(ErrorCode.ACTION, `Can not delete virtual network ${net.name}: ${inUse} leases in use`));
      }
      return accept({ type: 'VnetDeleted', nid: net.id, force: c.force === true, leasesInUse: inUse });
    }
    case 'PublishVnet':
      if (typeof c.public !== 'boolean') return reject(domainError(ErrorCode.XML_RPC_API, 'Invalid publish flag'));
      return c.public === net.public ? accept() : accept({ type: 'VnetPublished', nid: net.id, public: c.public });
    case 'TakeLeases':
      return decideTake(net, c);
    case 'ReleaseLeases': {
      const slots = net.leases.slotsOf(c.vid);
      if (slots.length === 0) return accept();
      return accept({ type: 'LeasesReleased', nid: net.id, vid: c.vid, ips: slots.map((s) => net.leases.ipAt(s)) });
    }
    default:
      return reject(domainError(ErrorCode.XML_RPC_API, `Unknown virtual network command ${(c as { type?: unknown }).type}`));
  }
}

function applyTaken(net: VnetState, e: LeasesTaken): void {
  // A conflicting slot can only come from a tampered log; the first owner keeps it.
  for (const lease of e.leases) net.leases.take(net.leases.slotOfIp(lease.ip), e.vid);
  net.leases.cursor = e.cursor;
}

function evolve(raw: VnetStreamState, e: VnetEvent): VnetStreamState {
  if (e.type === 'VnetCreated') return vnetFromCreated(e);
  const net = reviveVnetState(raw);
  if (net === null) return null;
  switch (e.type) {
    case 'VnetDeleted':
      // Its leases go with it; the actor is dropped from memory anyway.
      return { ...net, deleted: true, leases: new LeaseBook(net.leases.spec) };
    case 'VnetPublished':
      return { ...net, public: e.public };
    case 'LeasesTaken':
      applyTaken(net, e);
      return { ...net };
    case 'LeasesReleased':
      for (const ip of e.ips) {
        const slot = net.leases.slotOfIp(ip);
        if (slot >= 0 && net.leases.ownerOf(slot) === e.vid) net.leases.release(slot);
      }
      return { ...net };
    default:
      return net;
  }
}

/**
 * The network decider, stream `vnet/<id>`. Pure, but note that evolve
 * updates the lease book it is given in place (the actor owns its state).
 */
export const vnetDecider: Decider<VnetStreamState, VnetCommand, VnetEvent, VnetEffect> = {
  initialState: null,
  decide,
  evolve,
  effects: () => [],
  reconcile: () => [],
};
