import type { StoredEvent } from '../events/envelope.ts';
import { canonicalJson, canonicalJsonWithout } from '../store/canonical-json.ts';
import { chainHash, GENESIS_HASH } from '../store/hash-chain.ts';

export type ChainCheck = { ok: true; events: number } | { ok: false; seq: number; reason: string };

/**
 * Re-computes the hash chain of events as oned serves them (one.event.poll),
 * trusting nothing of oned's storage: each hash must equal
 * SHA-256(previous hash ‖ canonical event), and seqs must have no gap.
 */
export class ChainChecker {
  private previous: Uint8Array = GENESIS_HASH;
  private expectedSeq = 1;
  private checked = 0;
  private failure: ChainCheck | undefined;

  add(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (this.failure) return;
      if (e.seq !== this.expectedSeq) {
        this.failure = { ok: false, seq: this.expectedSeq, reason: `event ${this.expectedSeq} is missing (next is ${e.seq})` };
        return;
      }
      const metaText = Object.keys(e.meta).length === 0 ? null : canonicalJson(e.meta);
      const hash = chainHash(this.previous, {
        seq: e.seq,
        stream: e.stream,
        version: e.version,
        type: e.event.type,
        data: canonicalJsonWithout(e.event, 'type'),
        meta: metaText,
        ts: e.ts,
      });
      if (hash.toString('hex') !== e.hash) {
        this.failure = { ok: false, seq: e.seq, reason: `hash of event ${e.seq} (${e.stream} v${e.version} ${e.event.type}) does not match its contents` };
        return;
      }
      this.previous = hash;
      this.expectedSeq++;
      this.checked++;
    }
  }

  result(): ChainCheck {
    return this.failure ?? { ok: true, events: this.checked };
  }
}
