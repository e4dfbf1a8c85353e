/**
 * Events of a virtual network stream (`vnet/<id>`), spec §7. Leases live in
 * these events only, so the lease table can never drift from the log: the
 * VM allocation appends `LeasesTaken` in the same atomic append as the VM's
 * `VmAllocated`, and every path of a VM to DONE appends `LeasesReleased`
 * with the VM's DONE event.
 *
 * Addresses are unsigned 32-bit numbers (as the 1.4 `leases.ip` column);
 * MACs are lower-case "xx:xx:xx:xx:xx:xx".
 */

/** Stored as in 1.4 `network_pool.type`. */
export const VnetType = { RANGED: 0, FIXED: 1 } as const;
export type VnetTypeValue = (typeof VnetType)[keyof typeof VnetType];

export interface VnetCreated {
  readonly type: 'VnetCreated';
  readonly nid: number;
  readonly uid: number;
  readonly name: string;
  readonly netType: VnetTypeValue;
  readonly bridge: string;
  readonly public: boolean;
  /** The network template as the caller parsed it; opaque here. */
  readonly template: unknown;
  /** MAC_PREFIX of oned.conf when the network was created: ranged MACs derive from it. */
  readonly macPrefix: number;
  /** Ranged only. `size` is NETWORK_SIZE + 2 (§7.2). */
  readonly range?: { readonly base: number; readonly size: number };
  /** Fixed only: every declared lease, sorted by ip, MAC resolved. */
  readonly fixedLeases?: readonly { readonly ip: number; readonly mac: string }[];
}

export interface VnetDeleted {
  readonly type: 'VnetDeleted';
  readonly nid: number;
  readonly force: boolean;
  /** Leases that were in use and went away with the network (only when forced). */
  readonly leasesInUse: number;
}

export interface VnetPublished {
  readonly type: 'VnetPublished';
  readonly nid: number;
  readonly public: boolean;
}

export interface LeasesTaken {
  readonly type: 'LeasesTaken';
  readonly nid: number;
  readonly vid: number;
  /** In the order of the requests (one per NIC). */
  readonly leases: readonly { readonly ip: number; readonly mac: string }[];
  /** Round-robin cursor after this allocation, so replay picks the same next lease. */
  readonly cursor: number;
}

export interface LeasesReleased {
  readonly type: 'LeasesReleased';
  readonly nid: number;
  readonly vid: number;
  readonly ips: readonly number[];
}

export type VnetEvent = VnetCreated | VnetDeleted | VnetPublished | LeasesTaken | LeasesReleased;

export const vnetEventTypes: readonly VnetEvent['type'][] = [
  'VnetCreated',
  'VnetDeleted',
  'VnetPublished',
  'LeasesTaken',
  'LeasesReleased',
];
