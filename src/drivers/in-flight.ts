/**
 * The requests a driver has not answered yet, in the order they were sent
 * (re-sent in that order after a restart), indexed by id. A plain array
 * made every reply a linear search and a splice: after a restart with
 * 100,000 RUNNING VMs, whose polls all go out at once, matching the replies
 * took over 6 s of oned's CPU. Here adding, matching and removing cost O(1)
 * for the few requests one id has in flight.
 */
export class InFlight<P extends { readonly id: number }> implements Iterable<P> {
  private readonly ordered = new Set<P>();
  private readonly byId = new Map<number, Set<P>>();

  get size(): number {
    return this.ordered.size;
  }

  add(p: P): void {
    this.ordered.add(p);
    let same = this.byId.get(p.id);
    if (!same) this.byId.set(p.id, (same = new Set()));
    same.add(p);
  }

  /** False when it was no longer in flight (already answered, timed out or failed). */
  delete(p: P): boolean {
    if (!this.ordered.delete(p)) return false;
    const same = this.byId.get(p.id)!;
    same.delete(p);
    if (same.size === 0) this.byId.delete(p.id);
    return true;
  }

  /** The requests of one id, oldest first. */
  ofId(id: number | undefined): P[] {
    return id === undefined ? [] : [...(this.byId.get(id) ?? [])];
  }

  /** The oldest request of `id` that `matches`, taken out; undefined when none. */
  take(id: number | undefined, matches: (p: P) => boolean): P | undefined {
    const found = this.ofId(id).find(matches);
    if (found) this.delete(found);
    return found;
  }

  /** Every request, oldest first, taken out. */
  takeAll(): P[] {
    const all = [...this.ordered];
    this.ordered.clear();
    this.byId.clear();
    return all;
  }

  [Symbol.iterator](): Iterator<P> {
    return this.ordered[Symbol.iterator]();
  }
}
