import { createHash } from 'node:crypto';

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
