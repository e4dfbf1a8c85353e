import type { Logger } from '../actors/ports.ts';
import { LogWriteError } from '../events/log-write-error.ts';

interface Waiting {
  readonly what: string;
  readonly attempt: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Commands that no caller waits on (driver replies, hook progress) have
 * nobody to hand an error to. When the log cannot be written (a full disk),
 * such a command waits here and is tried again, in arrival order, every
 * `retryMs` until the log takes it. A DEPLOY SUCCESS that arrives while the
 * disk is full therefore still moves its VM on once there is room, without a
 * restart. The queue lives in memory only: should oned stop first, the
 * restart re-issues every driver operation still outstanding (reconcile),
 * so no entity is left waiting for ever either way.
 */
export class WriteRetry {
  private readonly waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly isStopping: () => boolean,
    private readonly retryMs = 1000,
  ) {}

  /** Commands waiting for the log. */
  get size(): number {
    return this.waiting.length;
  }

  /**
   * Runs `attempt` (behind those already waiting, to keep their order).
   * Resolves with its result once the log took it, or undefined when oned
   * stopped first or it failed for another reason (logged). Never rejects.
   */
  submit<T>(what: string, attempt: () => Promise<T>): Promise<T | undefined> {
    if (this.waiting.length > 0) return this.enqueue(what, attempt, 'waits behind earlier ones');
    return Promise.resolve().then(attempt).catch((error: unknown) => {
      if (error instanceof LogWriteError) return this.enqueue(what, attempt, `could not be recorded (${error.message})`);
      this.logger.log('ONE', 'E', `${what} failed: ${describe(error)}`);
      return undefined;
    });
  }

  private enqueue<T>(what: string, attempt: () => Promise<T>, why: string): Promise<T | undefined> {
    this.logger.log('ONE', 'W', `${what} ${why}; it will be retried until the event log can be written`);
    const done = new Promise<T | undefined>((resolve) => this.waiting.push({ what, attempt, resolve: resolve as (v: unknown) => void }));
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.retryMs);
  }

  /** Retries the waiting commands in order; stops at the first the log still refuses. */
  private async drain(): Promise<void> {
    let recorded = 0;
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (this.isStopping()) {
        for (const w of this.waiting.splice(0)) w.resolve(undefined);
        return;
      }
      try {
        const value = await head.attempt();
        recorded++;
        this.waiting.shift();
        head.resolve(value);
      } catch (error) {
        if (error instanceof LogWriteError) break;
        this.waiting.shift();
        this.logger.log('ONE', 'E', `${head.what} failed: ${describe(error)}`);
        head.resolve(undefined);
      }
    }
    if (recorded > 0) this.logger.log('ONE', 'I', `${recorded} deferred driver or hook results recorded`);
    if (this.waiting.length > 0) this.schedule();
  }
}

/**
 * For commands a timer repeats anyway (monitoring ticks, poll states): if
 * the log cannot be written, the next round sends them again, so the error
 * is dropped here (the log reports a full disk once, in oned.log). Any other
 * error is logged. Never rejects.
 */
export function unlessLogIsFull(logger: Logger, what: string, work: Promise<unknown>): void {
  work.catch((error: unknown) => {
    if (!(error instanceof LogWriteError)) logger.log('ONE', 'E', `${what} failed: ${describe(error)}`);
  });
}
