/**
 * Runs up to `limit` actions at once, FIFO beyond that (the Ruby
 * ActionManager, spec §4.8). Each action gets an AbortSignal so that
 * DRIVER_CANCEL can stop it.
 */
export interface RunnerTask {
  readonly id: number;
  run(signal: AbortSignal): Promise<void>;
}

export class ActionRunner {
  private readonly queue: RunnerTask[] = [];
  private readonly running = new Map<RunnerTask, AbortController>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get active(): number {
    return this.running.size;
  }

  submit(task: RunnerTask): void {
    this.queue.push(task);
    this.pump();
  }

  /** Drops queued actions for `id` and aborts running ones; true if anything was found. */
  cancel(id: number): boolean {
    let found = false;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].id === id) {
        this.queue.splice(i, 1);
        found = true;
      }
    }
    for (const [task, controller] of this.running) {
      if (task.id === id) {
        controller.abort();
        found = true;
      }
    }
    return found;
  }

  /** Forget the queue; resolve once the running actions are done. */
  drain(abortRunning = false): Promise<void> {
    this.queue.length = 0;
    if (abortRunning) for (const c of this.running.values()) c.abort();
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.limit && this.queue.length > 0) {
      const task = this.queue.shift()!;
      const controller = new AbortController();
      this.running.set(task, controller);
      void task.run(controller.signal).catch(() => undefined).finally(() => {
        this.running.delete(task);
        this.pump();
        if (this.running.size === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }
}
