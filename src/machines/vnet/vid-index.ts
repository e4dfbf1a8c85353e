/**
 * VM id → the slots it holds, without a JS Map: an open-addressing table of
 * slot numbers whose key (the owning vid) is read back from the owner array.
 * Linear probing with backward-shift deletion; a vid holding several slots
 * simply has several entries in its probe run. 4 bytes per table entry, table
 * kept at most half full.
 */
const EMPTY = -1;
const MIN_BITS = 4;

export class VidIndex {
  private table: Int32Array;
  private bits: number;
  private count = 0;

  constructor(private readonly ownerOf: (slot: number) => number) {
    this.bits = MIN_BITS;
    this.table = new Int32Array(1 << MIN_BITS).fill(EMPTY);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** Call after the owner of `slot` is set. */
  add(slot: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.grow();
    this.place(slot);
    this.count++;
  }

  /** Call before the owner of `slot` is cleared. */
  remove(slot: number): void {
    const mask = this.table.length - 1;
    let i = this.home(this.ownerOf(slot));
    while (this.table[i] !== slot) {
      if (this.table[i] === EMPTY) return;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later entries of the run into the hole when their home allows it.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const moving = this.table[j];
      if (moving === EMPTY) break;
      const home = this.home(this.ownerOf(moving));
      const homeIsBetween = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!homeIsBetween) {
        this.table[i] = moving;
        i = j;
      }
    }
    this.table[i] = EMPTY;
    this.count--;
  }

  /** Slots held by `vid`, ascending. */
  slotsOf(vid: number): number[] {
    const found: number[] = [];
    const mask = this.table.length - 1;
    for (let i = this.home(vid); this.table[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.ownerOf(this.table[i]) === vid) found.push(this.table[i]);
    }
    return found.sort((a, b) => a - b);
  }

  private home(vid: number): number {
    return Math.imul(vid, 0x9e37_79b1) >>> (32 - this.bits);
  }

  private place(slot: number): void {
    const mask = this.table.length - 1;
    let i = this.home(this.ownerOf(slot));
    while (this.table[i] !== EMPTY) i = (i + 1) & mask;
    this.table[i] = slot;
  }

  private grow(): void {
    const old = this.table;
    this.bits++;
    this.table = new Int32Array(1 << this.bits).fill(EMPTY);
    for (const slot of old) if (slot !== EMPTY) this.place(slot);
  }
}
