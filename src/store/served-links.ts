/**
 * The hash-chain link of events as they are served (one.event.poll, the
 * console, `oneaudit` through the API): secrets already replaced by their
 * digests, `data` re-serialised from the parsed event.
 *
 * oned verifies the chain after its checkpoint at start-up, but rows before
 * it are trusted for the fold only through the snapshots. Checking each
 * served page against the previous event's stored hash means a row edited
 * behind oned's back is refused when somebody asks for it, wherever it sits.
 */
import type { StoredEvent } from '../events/envelope.ts';
import { canonicalJson, canonicalJsonWithout } from './canonical-json.ts';
import { chainHash, GENESIS_HASH, type HashedFields } from './hash-chain.ts';

/** The fields the chain hash covers, rebuilt from an event in its served (hashed) form. */
export function servedHashedFields(e: StoredEvent): HashedFields {
  return {
    seq: e.seq,
    stream: e.stream,
    version: e.version,
    type: e.event.type,
    data: canonicalJsonWithout(e.event, 'type'),
    meta: Object.keys(e.meta).length === 0 ? null : canonicalJson(e.meta),
    ts: e.ts,
  };
}

/** One served event whose link does not hold: its seq, stream and why. */
export interface BrokenLink {
  readonly seq: number;
  readonly stream: string;
  readonly reason: string;
}

/**
 * The first event of `page` (served form, from seq `after.seq + 1` on) whose
 * hash is not SHA-256(previous hash ‖ event), starting from the stored hash
 * of event `after.seq` (hex; ignored for seq 0, the genesis). A gap breaks.
 */
export function firstBrokenLink(after: { readonly seq: number; readonly hash: string }, page: readonly StoredEvent[]): BrokenLink | undefined {
  let previous: Uint8Array = after.seq === 0 ? GENESIS_HASH : Buffer.from(after.hash, 'hex');
  let expectedSeq = after.seq + 1;
  for (const e of page) {
    if (e.seq !== expectedSeq) return { seq: expectedSeq, stream: e.stream, reason: `event ${expectedSeq} is missing` };
    if (chainHash(previous, servedHashedFields(e)).toString('hex') !== e.hash) {
      return { seq: e.seq, stream: e.stream, reason: 'its hash does not match its contents and the previous hash' };
    }
    previous = Buffer.from(e.hash, 'hex');
    expectedSeq++;
  }
  return undefined;
}
