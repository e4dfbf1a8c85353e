/**
 * A binary max-heap of candidate hosts for one group of VMs. The best entry
 * has the highest rank, then the lowest host index (= lowest host id): the
 * planner's tie rule. Entries are never updated in place: a host whose rank
 * changes gets a new entry with a new version, and the old one is dropped
 * when it reaches the top (lazy deletion). Columns of plain numbers keep it
 * free of per-entry objects.
 */
export class RankHeap {
  private ranks: number[] = [];
  private hosts: number[] = [];
  private slots: number[] = [];
  private versions: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  /** Adds entries without ordering them; call heapify() before the first peek. */
  append(rank: number, host: number, slot: number, version: number): void {
    this.ranks.push(rank);
    this.hosts.push(host);
    this.slots.push(slot);
    this.versions.push(version);
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  push(rank: number, host: number, slot: number, version: number): void {
    this.append(rank, host, slot, version);
    this.siftUp(this.size - 1);
  }

  topRank(): number {
    return this.ranks[0];
  }

  topHost(): number {
    return this.hosts[0];
  }

  topSlot(): number {
    return this.slots[0];
  }

  topVersion(): number {
    return this.versions[0];
  }

  pop(): void {
    const last = this.size - 1;
    this.move(last, 0);
    this.ranks.pop();
    this.hosts.pop();
    this.slots.pop();
    this.versions.pop();
    if (last > 0) this.siftDown(0);
  }

  /** True when entry a must come out before entry b. */
  private before(a: number, b: number): boolean {
    const ra = this.ranks[a];
    const rb = this.ranks[b];
    return ra > rb || (ra === rb && this.hosts[a] < this.hosts[b]);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const best = right < n && this.before(right, left) ? right : left;
      if (!this.before(best, i)) return;
      this.swap(i, best);
      i = best;
    }
  }

  private move(from: number, to: number): void {
    this.ranks[to] = this.ranks[from];
    this.hosts[to] = this.hosts[from];
    this.slots[to] = this.slots[from];
    this.versions[to] = this.versions[from];
  }

  private swap(a: number, b: number): void {
    const r = this.ranks[a];
    const h = this.hosts[a];
    const s = this.slots[a];
    const v = this.versions[a];
    this.move(b, a);
    this.ranks[b] = r;
    this.hosts[b] = h;
    this.slots[b] = s;
    this.versions[b] = v;
  }
}
