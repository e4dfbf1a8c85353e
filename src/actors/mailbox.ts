/**
 * A serial queue: jobs run one at a time, in arrival order. Each entity actor
 * owns one, which is what makes decide → append → evolve race-free without
 * any locking in the pure core.
 */
export class Mailbox {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(job: () => Promise<T> | T): Promise<T> {
    this.pending++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  get depth(): number {
    return this.pending;
  }
}

/**
 * Runs `job` while holding every mailbox in `boxes`. Mailboxes are taken in a
 * fixed global order (by key) so two multi-entity jobs can never deadlock.
 */
export function runExclusive<T>(
  boxes: ReadonlyArray<{ key: string; mailbox: Mailbox }>,
  job: () => Promise<T>,
): Promise<T> {
  const ordered = [...new Map(boxes.map((b) => [b.key, b])).values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  const acquire = (i: number): Promise<T> =>
    i === ordered.length ? job() : ordered[i]!.mailbox.run(() => acquire(i + 1));
  return acquire(0);
}
