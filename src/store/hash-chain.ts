import { createHash } from 'node:crypto';
import type { ChainVerdict } from '../actors/ports.ts';
import { ChainBreakError } from '../events/chain-break-error.ts';
import type { EventRow } from './event-row.ts';

/** The "previous hash" of the very first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The columns an event's hash covers, with data and meta already canonical JSON. */
export interface HashedFields {
  readonly seq: number;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  /** Canonical JSON of the event minus `type`. */
  readonly data: string;
  /** Canonical JSON of the meta, or null when there is none. */
  readonly meta: string | null;
  readonly ts: number;
}

/**
 * Canonical JSON of {seq, stream, version, type, data, meta, ts}: keys in
 * sorted order (data, meta, seq, stream, ts, type, version). Built by string
 * concatenation because data and meta are stored canonical already, which
 * keeps both appends and verify() free of a parse/re-serialise round trip.
 */
export function canonicalEventText(f: HashedFields): string {
  return (
    `{"data":${f.data},"meta":${f.meta ?? 'null'},"seq":${f.seq},` +
    `"stream":${JSON.stringify(f.stream)},"ts":${f.ts},` +
    `"type":${JSON.stringify(f.type)},"version":${f.version}}`
  );
}

/** SHA-256(previous hash bytes ‖ canonical event). */
export function chainHash(previous: Uint8Array, fields: HashedFields): Buffer {
  return createHash('sha256').update(previous).update(canonicalEventText(fields)).digest();
}


/** Where a verification starts: after `seq`, whose hash is `hash` (the genesis by default). */
export interface ChainPosition {
  readonly seq: number;
  readonly hash: Uint8Array;
}

export const GENESIS: ChainPosition = { seq: 0, hash: GENESIS_HASH };

/**
 * Follows the chain one row at a time, in seq order, from a known position:
 * `next` throws ChainBreakError at a missing seq or a hash that does not
 * match the event and the previous hash.
 */
export class ChainFollower {
  private previous: Uint8Array;
  private expectedSeq: number;

  constructor(from: ChainPosition = GENESIS) {
    this.previous = from.hash;
    this.expectedSeq = from.seq + 1;
  }

  /** The last seq checked so far. */
  get last(): number {
    return this.expectedSeq - 1;
  }

  /** `hash` as stored: bytes, or hex text (cheaper to read from SQLite than a Buffer per row). */
  next(row: HashedFields & { readonly hash: Uint8Array | string }): void {
    if (row.seq !== this.expectedSeq) throw new ChainBreakError(this.expectedSeq, undefined, `seq ${this.expectedSeq} is missing`);
    const computed = chainHash(this.previous, row);
    const matches = typeof row.hash === 'string' ? computed.toString('hex') === row.hash : computed.equals(row.hash);
    if (!matches) throw new ChainBreakError(row.seq, row.stream, 'hash does not match the event and the previous hash');
    this.previous = computed;
    this.expectedSeq++;
  }
}

/**
 * Walks rows in seq order (those after `from`) and re-computes every hash.
 * `committedTip` is the last seq the writer knows it committed, which
 * catches a truncated tail that the chain alone cannot show.
 */
export function verifyChain(rows: Iterable<EventRow>, committedTip: number, from: ChainPosition = GENESIS): ChainVerdict {
  const chain = new ChainFollower(from);
  try {
    for (const row of rows) chain.next(row);
  } catch (e) {
    if (!(e instanceof ChainBreakError)) throw e;
    return { ok: false, seq: e.seq, ...(e.stream ? { stream: e.stream } : {}), reason: e.reason };
  }
  if (chain.last < committedTip) {
    return { ok: false, seq: chain.last + 1, reason: `log ends at seq ${chain.last} but seq ${committedTip} was committed` };
  }
  return { ok: true, events: chain.last - from.seq };
}
