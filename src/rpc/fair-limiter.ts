/**
 * Runs at most `slots` tasks at once, at most `perSource` of them for one
 * source (the client address), and lets at most `maxWaiting` more wait;
 * past that `run` refuses at once instead of queueing without bound.
 * Waiting tasks are kept per source and started in turn, one per source per
 * round. So one busy client can neither hold every slot nor put a newcomer
 * behind everything it queued: with 2 slots and `perSource` 1, a newcomer
 * starts as soon as it arrives or after at most one task finishes.
 */
export class FairLimiter {
  private running = 0;
  private waiting = 0;
  private readonly runningBy = new Map<string, number>();
  /** Source → its waiting tasks' wake-ups. Map order is the serving order. */
  private readonly queues = new Map<string, (() => void)[]>();

  constructor(
    private readonly slots: number,
    private readonly maxWaiting: number,
    private readonly perSource = slots,
  ) {}

  /** The task's result, or undefined (without running it) when the waiting line is full. */
  run<T>(source: string, task: () => Promise<T>): Promise<T> | undefined {
    if (this.running < this.slots && this.busy(source) < this.perSource && !this.queues.has(source)) {
      this.start(source);
      return this.execute(source, task);
    }
    if (this.waiting >= this.maxWaiting) return undefined;
    this.waiting++;
    const turn = new Promise<void>((resolve) => {
      const queue = this.queues.get(source);
      if (queue) queue.push(resolve);
      else this.queues.set(source, [resolve]);
    });
    this.startWaiting();
    return turn.then(() => this.execute(source, task));
  }

  private busy(source: string): number {
    return this.runningBy.get(source) ?? 0;
  }

  private start(source: string): void {
    this.running++;
    this.runningBy.set(source, this.busy(source) + 1);
  }

  private async execute<T>(source: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      this.running--;
      const left = this.busy(source) - 1;
      if (left > 0) this.runningBy.set(source, left);
      else this.runningBy.delete(source);
      this.startWaiting();
    }
  }

  /** Starts waiting tasks while slots are free, taking sources in turn and skipping those at their share. */
  private startWaiting(): void {
    while (this.running < this.slots) {
      const next = [...this.queues].find(([source]) => this.busy(source) < this.perSource);
      if (!next) return;
      const [source, queue] = next;
      const wake = queue.shift()!;
      this.queues.delete(source);
      if (queue.length > 0) this.queues.set(source, queue); // to the back of the round
      this.waiting--;
      this.start(source);
      wake();
    }
  }
}
