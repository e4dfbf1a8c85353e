import type { StoredEvent } from '../events/envelope.ts';
import { chainHash, GENESIS_HASH, type HashedFields } from '../store/hash-chain.ts';
import { servedHashedFields } from '../store/served-links.ts';

/** One place where the log is not what was committed: the seq, and the stream when it is known. */
export interface ChainBreak {
  readonly seq: number;
  readonly stream?: string;
  readonly reason: string;
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; breaks: readonly ChainBreak[] };

/**
 * Re-computes the hash chain of events as oned serves them (one.event.poll),
 * trusting nothing of oned's storage: each hash must equal
 * SHA-256(previous hash ‖ canonical event), seqs must have no gap, and each
 * stream must hold every version from 1 up.
 *
 * It reports every break, not only the first. Each link is checked against
 * the previous event's stored hash, so a changed row breaks its own link and
 * the check goes on from there. A row moved to another seq breaks its own
 * link, and also the link of the row that followed it before; that second
 * row is found intact (its hash follows from the moved row's) and is not
 * reported. A missing row shows as a gap in the seqs and, unless it was the
 * last of its stream, as a missing version, which names the stream.
 */
export class ChainChecker {
  private previous: Uint8Array = GENESIS_HASH;
  private expectedSeq = 1;
  private checked = 0;
  /** stream → version → seq, to find missing and repeated versions. */
  private readonly versions = new Map<string, Map<number, number>>();
  private readonly breaks: ChainBreak[] = [];
  /** Events whose link failed, with the break reported for each. */
  private readonly unlinked: { fields: HashedFields; hash: string; report: ChainBreak }[] = [];

  add(events: readonly StoredEvent[]): void {
    for (const e of events) this.check(e);
  }

  result(): ChainCheck {
    const breaks = [...this.breaks, ...this.linkBreaks(), ...this.versionBreaks()].sort((a, b) => a.seq - b.seq);
    return breaks.length === 0 ? { ok: true, events: this.checked } : { ok: false, events: this.checked, breaks };
  }

  private check(e: StoredEvent): void {
    const what = `${e.stream} v${e.version} ${e.event.type}`;
    // The link to a missing event cannot be checked: its hash is gone with it.
    const linked = e.seq === this.expectedSeq;
    if (e.seq > this.expectedSeq) {
      const missing = e.seq - 1 === this.expectedSeq ? `event ${this.expectedSeq} is` : `events ${this.expectedSeq}-${e.seq - 1} are`;
      this.breaks.push({ seq: this.expectedSeq, reason: `${missing} missing (next is ${e.seq})` });
    } else if (e.seq < this.expectedSeq) {
      this.breaks.push({ seq: e.seq, stream: e.stream, reason: `event ${e.seq} (${what}) is served again, out of order` });
    }
    const byVersion = this.versions.get(e.stream) ?? new Map<number, number>();
    this.versions.set(e.stream, byVersion);
    const earlier = byVersion.get(e.version);
    if (earlier !== undefined) this.breaks.push({ seq: e.seq, stream: e.stream, reason: `${e.stream} v${e.version} is at event ${earlier} and again at event ${e.seq}` });
    else byVersion.set(e.version, e.seq);

    const fields = servedHashedFields(e);
    if (linked && chainHash(this.previous, fields).toString('hex') !== e.hash) {
      const report = { seq: e.seq, stream: e.stream, reason: `hash of event ${e.seq} (${what}) does not match its contents and the previous hash` };
      this.unlinked.push({ fields, hash: e.hash, report });
    }
    this.previous = Buffer.from(e.hash, 'hex');
    this.expectedSeq = Math.max(this.expectedSeq, e.seq + 1);
    this.checked++;
  }

  /** The failed links, less those of intact rows whose predecessor was moved away. */
  private linkBreaks(): ChainBreak[] {
    // Pairwise: cheap for a few tampered rows; past that, every failed link is reported.
    if (this.unlinked.length > 1000) return this.unlinked.map((u) => u.report);
    const follows = (row: (typeof this.unlinked)[number]) =>
      this.unlinked.some((p) => p !== row && chainHash(Buffer.from(p.hash, 'hex'), row.fields).toString('hex') === row.hash);
    return this.unlinked.filter((row) => !follows(row)).map((u) => u.report);
  }

  private versionBreaks(): ChainBreak[] {
    const out: ChainBreak[] = [];
    for (const [stream, byVersion] of this.versions) {
      let top = 0;
      for (const v of byVersion.keys()) top = Math.max(top, v);
      for (let v = 1; v < top; v++) {
        if (byVersion.has(v)) continue;
        let next = v + 1;
        while (!byVersion.has(next)) next++;
        out.push({ seq: byVersion.get(next)!, stream, reason: `${stream} v${v} is missing (v${next} is event ${byVersion.get(next)})` });
      }
    }
    return out;
  }
}
