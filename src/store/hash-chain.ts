import { createHash } from 'node:crypto';
import type { ChainVerdict } from '../actors/ports.ts';
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
 * Walks rows in seq order (those after `from`) and re-computes every hash.
 * `committedTip` is the last seq the writer knows it committed, which
 * catches a truncated tail that the chain alone cannot show.
 */
export function verifyChain(rows: Iterable<EventRow>, committedTip: number, from: ChainPosition = GENESIS): ChainVerdict {
  let previous: Uint8Array = from.hash;
  let expectedSeq = from.seq + 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `seq ${expectedSeq} is missing` };
    if (!chainHash(previous, row).equals(row.hash)) {
      return { ok: false, seq: row.seq, stream: row.stream, reason: 'hash does not match the event and the previous hash' };
    }
    previous = row.hash;
    expectedSeq++;
  }
  const last = expectedSeq - 1;
  if (last < committedTip) {
    return { ok: false, seq: last + 1, reason: `log ends at seq ${last} but seq ${committedTip} was committed` };
  }
  return { ok: true, events: last - from.seq };
}
