import type { DomainError } from '../events/domain-error.ts';
import type { StoredEvent } from '../events/envelope.ts';
import type { HostView, UserView, VmView, VnetView } from './views.ts';

export type Result<T, E = DomainError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = DomainError>(error: E): Result<never, E> => ({ ok: false, error });

/** The `one.vm.action` verbs: the 1.4 list plus 2.2's `resubmit`. */
export const VM_ACTIONS = [
  'shutdown',
  'hold',
  'release',
  'stop',
  'cancel',
  'suspend',
  'resume',
  'restart',
  'finalize',
  'resubmit',
] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

/** `one.vmpool.info` state filter: a DM state code, every non-DONE VM, or every VM. */
export type VmStateFilter = number | 'not-done' | 'any';

export interface VmQuery {
  /** Only VMs of this owner; undefined = every owner. */
  readonly uid?: number;
  readonly state: VmStateFilter;
}

/**
 * What the XML-RPC layer needs from the core. The RPC layer has already
 * authenticated the caller and checked the 1.4 authorisation rules (§11.2)
 * against the views; `callerUid` is passed on for the audit metadata of the
 * appended events. Commands resolve once their events are committed; a
 * domain rejection is an `err` with one of the codes of events/domain-error.ts
 * and a 1.4 sentence as message. Reads are synchronous lookups in projections
 * that the runtime maintains from committed events.
 */
export interface CorePort {
  // --- commands ---------------------------------------------------------
  /** Owner = caller. Parses the template text, takes network leases; resolves with the new vid. */
  allocateVm(callerUid: number, templateText: string): Promise<Result<number>>;
  deployVm(callerUid: number, vid: number, hid: number): Promise<Result<void>>;
  actOnVm(callerUid: number, vid: number, action: VmAction): Promise<Result<void>>;
  migrateVm(callerUid: number, vid: number, hid: number, live: boolean): Promise<Result<void>>;
  /** The scheduler's reason a PENDING VM waits ('' clears it); appends only when the text changes. */
  setVmSchedMessage(callerUid: number, vid: number, message: string): Promise<Result<void>>;

  allocateHost(callerUid: number, name: string, imMad: string, vmmMad: string, tmMad: string): Promise<Result<number>>;
  deleteHost(callerUid: number, hid: number): Promise<Result<void>>;
  enableHost(callerUid: number, hid: number, enable: boolean): Promise<Result<void>>;

  /** Owner = caller; resolves with the new network id. */
  allocateVnet(callerUid: number, templateText: string): Promise<Result<number>>;
  /** `force` = delete even while leases are in use (1.4 never checked; one.vn.delete passes false). */
  deleteVnet(callerUid: number, nid: number, force: boolean): Promise<Result<void>>;
  publishVnet(callerUid: number, nid: number, publish: boolean): Promise<Result<void>>;

  /** The port enforces name uniqueness ("Existing user, cannot duplicate"). */
  allocateUser(callerUid: number, name: string, passwordHash: string): Promise<Result<number>>;
  deleteUser(callerUid: number, uid: number): Promise<Result<void>>;
  setUserPassword(callerUid: number, uid: number, passwordHash: string): Promise<Result<void>>;
  enableUser(callerUid: number, uid: number, enable: boolean): Promise<Result<void>>;

  // --- reads (in-memory projections) ------------------------------------
  vm(vid: number): VmView | undefined;
  /** In id order. */
  vms(query: VmQuery): readonly VmView[];
  host(hid: number): HostView | undefined;
  hosts(): readonly HostView[];
  vnet(nid: number): VnetView | undefined;
  /** In id order; uid undefined = every owner. */
  vnets(uid?: number): readonly VnetView[];
  user(uid: number): UserView | undefined;
  userByName(name: string): UserView | undefined;
  users(): readonly UserView[];

  /**
   * Committed events with seq > afterSeq, at most `max`. If there are none
   * yet, waits up to `timeoutMs` for the first to commit (long-poll), then
   * resolves with whatever there is (possibly nothing). Events come in their
   * served form (secrets as digests), each page checked against the hash
   * chain: oned.log names a changed row.
   */
  pollEvents(afterSeq: number, max: number, timeoutMs: number): Promise<readonly StoredEvent[]>;
  /** Seq of the newest committed event, 0 when the log is empty. */
  lastEventSeq(): number;
}
