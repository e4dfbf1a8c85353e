/**
 * Which slots of a lease book are taken, with "next free slot at or after i"
 * in O(log32 n): a bitset plus a hierarchy of "this word is full" bitsets.
 * The bottom bitset is allocated in chunks on first use, so a large, mostly
 * empty network costs almost nothing.
 */

const WORDS_PER_CHUNK = 128; // 4096 slots, 512 bytes
const CHUNK_SHIFT = 7;
const FULL = 0xffff_ffff;

const lowestSetBit = (x: number): number => 31 - Math.clz32(x & -x);

export class UsedBitmap {
  private readonly chunks: (Uint32Array | undefined)[];
  /** summaries[0] has one bit per bottom word (1 = full); summaries[k+1] one bit per word of summaries[k]. */
  private readonly summaries: Uint32Array[] = [];
  /** How many units (bits) each summary level describes. */
  private readonly summaryUnits: number[] = [];
  private used = 0;

  constructor(readonly capacity: number) {
    const words = Math.ceil(capacity / 32);
    this.chunks = new Array(Math.ceil(words / WORDS_PER_CHUNK));
    let units = words;
    while (units > 1) {
      const wordsHere = Math.ceil(units / 32);
      this.summaries.push(new Uint32Array(wordsHere));
      this.summaryUnits.push(units);
      units = wordsHere;
    }
  }

  get size(): number {
    return this.used;
  }

  has(slot: number): boolean {
    return ((this.word(slot >>> 5) >>> (slot & 31)) & 1) === 1;
  }

  add(slot: number): void {
    const w = slot >>> 5;
    const chunk = this.chunkFor(w);
    const bit = 1 << (slot & 31);
    const before = chunk[w & (WORDS_PER_CHUNK - 1)];
    if ((before & bit) !== 0) return;
    const after = (before | bit) >>> 0;
    chunk[w & (WORDS_PER_CHUNK - 1)] = after;
    this.used++;
    if (after === FULL) this.markFull(0, w);
  }

  delete(slot: number): void {
    const w = slot >>> 5;
    const chunk = this.chunks[w >>> CHUNK_SHIFT];
    if (!chunk) return;
    const bit = 1 << (slot & 31);
    const before = chunk[w & (WORDS_PER_CHUNK - 1)];
    if ((before & bit) === 0) return;
    chunk[w & (WORDS_PER_CHUNK - 1)] = (before & ~bit) >>> 0;
    this.used--;
    if (before === FULL) this.markNotFull(0, w);
  }

  /** First free slot ≥ from, or -1 when every slot from there on is taken. */
  nextFree(from: number): number {
    if (from >= this.capacity) return -1;
    const w = from >>> 5;
    const free = ~this.word(w) & (FULL << (from & 31));
    let found: number;
    if (free !== 0) {
      found = w * 32 + lowestSetBit(free);
    } else {
      const next = this.nextNotFull(0, w + 1);
      if (next < 0) return -1;
      found = next * 32 + lowestSetBit(~this.word(next));
    }
    return found < this.capacity ? found : -1;
  }

  /** Every taken slot in ascending order. */
  *slots(): Generator<number> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (!chunk) continue;
      for (let i = 0; i < chunk.length; i++) {
        let bits = chunk[i];
        while (bits !== 0) {
          const b = lowestSetBit(bits);
          yield ((c << CHUNK_SHIFT) + i) * 32 + b;
          bits = (bits & ~(1 << b)) >>> 0;
        }
      }
    }
  }

  /** Bytes held by the typed arrays (the objects around them are a few hundred bytes more). */
  get bytes(): number {
    let total = 0;
    for (const c of this.chunks) if (c) total += c.byteLength;
    for (const s of this.summaries) total += s.byteLength;
    return total;
  }

  private word(w: number): number {
    const chunk = this.chunks[w >>> CHUNK_SHIFT];
    return chunk === undefined ? 0 : chunk[w & (WORDS_PER_CHUNK - 1)];
  }

  private chunkFor(w: number): Uint32Array {
    const c = w >>> CHUNK_SHIFT;
    return (this.chunks[c] ??= new Uint32Array(WORDS_PER_CHUNK));
  }

  /** First unit ≥ from at summary `level` that is not full, or -1. */
  private nextNotFull(level: number, from: number): number {
    const units = this.summaryUnits[level];
    if (units === undefined || from >= units) return -1;
    const summary = this.summaries[level];
    const w = from >>> 5;
    const free = ~summary[w] & (FULL << (from & 31));
    let found: number;
    if (free !== 0) {
      found = w * 32 + lowestSetBit(free);
    } else {
      const next = this.nextNotFull(level + 1, w + 1);
      if (next < 0) return -1;
      found = next * 32 + lowestSetBit(~summary[next]);
    }
    return found < units ? found : -1;
  }

  private markFull(level: number, unit: number): void {
    const summary = this.summaries[level];
    if (!summary) return;
    const w = unit >>> 5;
    const after = (summary[w] | (1 << (unit & 31))) >>> 0;
    summary[w] = after;
    if (after === FULL) this.markFull(level + 1, w);
  }

  private markNotFull(level: number, unit: number): void {
    const summary = this.summaries[level];
    if (!summary) return;
    const w = unit >>> 5;
    const before = summary[w];
    summary[w] = (before & ~(1 << (unit & 31))) >>> 0;
    if (before === FULL) this.markNotFull(level + 1, w);
  }
}
