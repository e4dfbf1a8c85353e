import { macFromIp } from './mac.ts';
import { decodeSlotRuns, encodeSlotRuns } from './slot-runs.ts';
import { UsedBitmap } from './used-bitmap.ts';
import { VidIndex } from './vid-index.ts';

/**
 * The leases of one network, folded from its events. A lease is a slot:
 * ranged slot s is address base + 1 + s (§7.2), fixed slot s is the s-th
 * declared lease in numeric IP order (§7.4). Per slot it keeps only a used
 * bit and the owner's vid; IPs and MACs of ranged slots are computed.
 *
 * Mutable on purpose: an actor owns its state, and copying 65k leases per
 * event would defeat the point. `decide` only reads it; `evolve` writes.
 */

export type LeaseBookSpec =
  | { readonly kind: 'ranged'; readonly base: number; readonly size: number; readonly macPrefix: number }
  /** Sorted by ip, no duplicates (the decider checks both before creating). */
  | { readonly kind: 'fixed'; readonly leases: readonly { readonly ip: number; readonly mac: string }[] };

/** Snapshot form: the spec, the cursor, and the used slots as runs (see slot-runs.ts). */
export interface LeaseBookJson {
  readonly spec: LeaseBookSpec;
  readonly cursor: number;
  readonly used: readonly number[];
}

export interface LeaseRow {
  readonly ip: number;
  readonly mac: string;
  readonly used: boolean;
  /** -1 when free, as in 1.4. */
  readonly vid: number;
}

const OWNER_CHUNK = 4096;
const FREE = -1;

export class LeaseBook {
  readonly capacity: number;
  /** Round-robin position: the next search for a free lease starts at this slot (§7.2, §7.4). */
  cursor = 0;
  private readonly used: UsedBitmap;
  private readonly owners: (Int32Array | undefined)[];
  private readonly byVid: VidIndex;
  private readonly fixedIps: Uint32Array | undefined;

  constructor(readonly spec: LeaseBookSpec) {
    this.capacity = spec.kind === 'ranged' ? spec.size - 2 : spec.leases.length;
    this.fixedIps = spec.kind === 'fixed' ? Uint32Array.from(spec.leases, (l) => l.ip) : undefined;
    this.used = new UsedBitmap(this.capacity);
    this.owners = new Array(Math.ceil(this.capacity / OWNER_CHUNK));
    this.byVid = new VidIndex((slot) => this.ownerOf(slot));
  }

  get usedCount(): number {
    return this.used.size;
  }

  /** The slot of an address, or -1 when the address is not a lease of this network. */
  slotOfIp(ip: number): number {
    if (this.spec.kind === 'ranged') {
      const slot = ip - this.spec.base - 1;
      return slot >= 0 && slot < this.capacity ? slot : -1;
    }
    const ips = this.fixedIps!;
    let lo = 0;
    let hi = ips.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ips[mid] === ip) return mid;
      if (ips[mid] < ip) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  ipAt(slot: number): number {
    return this.spec.kind === 'ranged' ? this.spec.base + 1 + slot : this.fixedIps![slot];
  }

  macAt(slot: number): string {
    return this.spec.kind === 'ranged' ? macFromIp(this.spec.macPrefix, this.ipAt(slot)) : this.spec.leases[slot].mac;
  }

  isUsed(slot: number): boolean {
    return this.used.has(slot);
  }

  ownerOf(slot: number): number {
    const chunk = this.owners[Math.floor(slot / OWNER_CHUNK)];
    return chunk === undefined ? FREE : chunk[slot % OWNER_CHUNK];
  }

  /**
   * Round-robin search: first free slot at or after `start`, wrapping once,
   * skipping `exclude` (slots already chosen by the same decision). -1 if none.
   */
  nextFree(start: number, exclude: ReadonlySet<number> = new Set()): number {
    const from = (position: number): number => {
      let slot = this.used.nextFree(position);
      while (slot >= 0 && exclude.has(slot)) slot = this.used.nextFree(slot + 1);
      return slot;
    };
    const found = from(start);
    return found >= 0 || start === 0 ? found : from(0);
  }

  /** Marks a slot used by `vid`. Returns false (and changes nothing) if it was not free. */
  take(slot: number, vid: number): boolean {
    if (slot < 0 || slot >= this.capacity || this.used.has(slot)) return false;
    const c = Math.floor(slot / OWNER_CHUNK);
    const chunk = (this.owners[c] ??= new Int32Array(OWNER_CHUNK).fill(FREE));
    chunk[slot % OWNER_CHUNK] = vid;
    this.used.add(slot);
    this.byVid.add(slot);
    return true;
  }

  release(slot: number): void {
    if (!this.used.has(slot)) return;
    this.byVid.remove(slot);
    this.owners[Math.floor(slot / OWNER_CHUNK)]![slot % OWNER_CHUNK] = FREE;
    this.used.delete(slot);
  }

  /** Slots held by a VM, ascending. */
  slotsOf(vid: number): number[] {
    return this.byVid.slotsOf(vid);
  }

  /** Used slots ascending. */
  usedSlots(): Generator<number> {
    return this.used.slots();
  }

  /** §3.5.4: a ranged network lists only handed-out leases; a fixed one lists all it declares. */
  rows(): LeaseRow[] {
    const rows: LeaseRow[] = [];
    const row = (slot: number): LeaseRow => {
      const vid = this.ownerOf(slot);
      return { ip: this.ipAt(slot), mac: this.macAt(slot), used: vid !== FREE, vid };
    };
    if (this.spec.kind === 'ranged') for (const slot of this.used.slots()) rows.push(row(slot));
    else for (let slot = 0; slot < this.capacity; slot++) rows.push(row(slot));
    return rows;
  }

  /** Bytes of the typed arrays behind the book (the heap objects around them add a few hundred). */
  get bytes(): number {
    let total = this.used.bytes + this.byVid.bytes + (this.fixedIps?.byteLength ?? 0);
    for (const chunk of this.owners) if (chunk) total += chunk.byteLength;
    return total;
  }

  toJSON(): LeaseBookJson {
    const book = this;
    function* pairs(): Generator<[number, number]> {
      for (const slot of book.used.slots()) yield [slot, book.ownerOf(slot)];
    }
    return { spec: this.spec, cursor: this.cursor, used: encodeSlotRuns(pairs()) };
  }

  static fromJSON(json: LeaseBookJson): LeaseBook {
    const book = new LeaseBook(json.spec);
    book.cursor = json.cursor;
    decodeSlotRuns(json.used, (slot, vid) => book.take(slot, vid));
    return book;
  }
}
