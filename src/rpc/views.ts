/**
 * Read models the XML-RPC layer renders. Shaped after the element lists of
 * spec §3.5 so that each document is a straight walk over one view. The
 * runtime keeps these up to date from the committed events; the RPC layer
 * never rebuilds them. A view object never changes once handed out: a
 * change gives a new object, so the RPC layer may keep what it rendered
 * from one for as long as that object lives (documents/pool-pieces.ts).
 */

/** One `NAME = value` or `NAME = [ K = V, … ]` template attribute. */
export type TemplateAttribute =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly pairs: readonly { readonly name: string; readonly value: string }[] };

/**
 * A template either as its attributes in template order (rendered sorted by
 * name, vector members sorted by name, values escaped) or as an already
 * rendered `<TEMPLATE>…</TEMPLATE>` string that is inserted verbatim.
 */
export type TemplateView = readonly TemplateAttribute[] | string;

/** The latest history record of a VM (§9.4); times in epoch seconds, 0 = unset. */
export interface HistoryView {
  readonly seq: number;
  readonly hostname: string;
  readonly hid: number;
  readonly stime: number;
  readonly etime: number;
  readonly pstime: number;
  readonly petime: number;
  readonly rstime: number;
  readonly retime: number;
  readonly estime: number;
  readonly eetime: number;
  /** 0 NONE, 1 ERROR, 2 STOP_RESUME, 3 USER, 4 CANCEL */
  readonly reason: number;
}

export interface VmView {
  readonly id: number;
  readonly uid: number;
  /** Owner's name, printed in pool listings only. */
  readonly username: string;
  readonly name: string;
  readonly lastPoll: number;
  /** DM state code (§2.1). */
  readonly state: number;
  /** LCM state code (§2.2). */
  readonly lcmState: number;
  readonly stime: number;
  readonly etime: number;
  readonly deployId: string;
  readonly memory: number;
  readonly cpu: number;
  readonly netTx: number;
  readonly netRx: number;
  readonly template: TemplateView;
  readonly history?: HistoryView;
}

export interface HostShareView {
  readonly diskUsage: number;
  readonly memUsage: number;
  readonly cpuUsage: number;
  readonly maxDisk: number;
  readonly maxMem: number;
  readonly maxCpu: number;
  readonly freeDisk: number;
  readonly freeMem: number;
  readonly freeCpu: number;
  readonly usedDisk: number;
  readonly usedMem: number;
  readonly usedCpu: number;
  readonly runningVms: number;
}

export interface HostView {
  readonly id: number;
  readonly name: string;
  /** Host state code (§5.1). */
  readonly state: number;
  readonly imMad: string;
  readonly vmMad: string;
  readonly tmMad: string;
  readonly lastMonTime: number;
  readonly share: HostShareView;
  /** Monitoring attributes (§5.4). */
  readonly template: TemplateView;
}

export interface LeaseView {
  readonly ip: string;
  readonly mac: string;
  readonly used: boolean;
  /** VM holding the lease, -1 when free. */
  readonly vid: number;
}

export interface VnetView {
  readonly id: number;
  readonly uid: number;
  readonly username: string;
  readonly name: string;
  /** 0 ranged, 1 fixed. */
  readonly type: 0 | 1;
  readonly bridge: string;
  /** 2.0 `PUBLIC` flag, set by one.vn.publish. */
  readonly public: boolean;
  readonly template: TemplateView;
  /** Ranged: the leases handed out; fixed: every declared lease. */
  readonly leases: readonly LeaseView[];
}

export interface UserView {
  readonly id: number;
  readonly name: string;
  /** Salted scrypt hash of the SHA-1 token (see rpc/auth.ts); never rendered. */
  readonly passwordHash: string;
  readonly enabled: boolean;
  /** Stream version of `user/<id>`; changes on every user event (auth cache key). */
  readonly version: number;
}
