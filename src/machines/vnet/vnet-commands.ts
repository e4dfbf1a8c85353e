import type { VnetTypeValue } from '../../events/vnet-events.ts';

/** Commands of the vnet decider. Values are already parsed at the edge; the decider re-checks them. */

export interface CreateVnet {
  readonly type: 'CreateVnet';
  readonly nid: number;
  readonly uid: number;
  readonly name: string;
  readonly netType: VnetTypeValue;
  readonly bridge: string;
  readonly public: boolean;
  readonly template: unknown;
  /** MAC_PREFIX from oned.conf, already parsed (parseMacPrefix). */
  readonly macPrefix: number;
  /** Ranged only, from rangedLayout(); size = NETWORK_SIZE + 2. */
  readonly range?: { readonly base: number; readonly size: number };
  /** Fixed only, as written in LEASES: dotted IP, optional MAC (derived from the IP when missing). */
  readonly fixedLeases?: readonly { readonly ip: string; readonly mac?: string }[];
}

export interface DeleteVnet {
  readonly type: 'DeleteVnet';
  /** Delete even with leases in use (1.4 behaviour); otherwise refused. */
  readonly force: boolean;
}

export interface PublishVnet {
  readonly type: 'PublishVnet';
  readonly public: boolean;
}

export interface TakeLeases {
  readonly type: 'TakeLeases';
  readonly vid: number;
  /** One per NIC, in NIC order; `ip` asks for that address, otherwise the next free lease. */
  readonly requests: readonly { readonly ip?: number }[];
}

export interface ReleaseLeases {
  readonly type: 'ReleaseLeases';
  readonly vid: number;
}

export type VnetCommand = CreateVnet | DeleteVnet | PublishVnet | TakeLeases | ReleaseLeases;
