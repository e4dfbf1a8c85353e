/**
 * The stored envelope of every event in the log. Domain events are plain
 * `{ type, ...data }` objects (discriminated unions per entity); the store
 * splits `type` from the rest so that the `type` column can be indexed.
 */

/** A domain event before it is stored: a past-tense fact. */
export interface DomainEvent {
  readonly type: string;
}

/** Who caused an append. Recorded for audit; never read by the machines. */
export interface EventMeta {
  /** Calling user id, when the cause is an API call. */
  readonly uid?: number;
  /** Free-form origin: "rpc:one.vm.deploy", "driver:vmm_kvm", "timer", … */
  readonly cause?: string;
}

/** One event as it sits in the log. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  /** Global, gap-free position in the log (SQLite INTEGER PRIMARY KEY). */
  readonly seq: number;
  /** Entity stream, e.g. `vm/42`, `host/3`, `vnet/1`, `user/0`. */
  readonly stream: string;
  /** 1-based position inside its stream. */
  readonly version: number;
  readonly event: E;
  /** Commit time, epoch milliseconds, stamped by the store. */
  readonly ts: number;
  readonly meta: EventMeta;
  /** SHA-256(previous hash ‖ canonical event), hex. */
  readonly hash: string;
}

/** Stream naming in one place, so nobody formats `vm/` by hand. */
export const streams = {
  vm: (id: number) => `vm/${id}`,
  host: (id: number) => `host/${id}`,
  vnet: (id: number) => `vnet/${id}`,
  user: (id: number) => `user/${id}`,
  /** Hook runs of one VM (spec §11.1), kept apart from the VM's own lifecycle. */
  hook: (vid: number) => `hook/${vid}`,
} as const;

export type StreamKind = keyof typeof streams;

/** Splits `vm/42` into its kind and numeric id; undefined when malformed. */
export function parseStream(stream: string): { kind: StreamKind; id: number } | undefined {
  const m = /^(vm|host|vnet|user|hook)\/(\d+)$/.exec(stream);
  return m ? { kind: m[1] as StreamKind, id: Number(m[2]) } : undefined;
}
