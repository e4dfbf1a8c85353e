import { Observable } from 'rxjs';
import type { FeedEvent, OnedGateway } from './oned-gateway.ts';

/**
 * oned's committed event feed as a stream of signals for the scheduler.
 *
 * It starts at the present (`one.event.tip`): what happened before is
 * picked up by the full pass that the first `resync` asks for. A failed
 * call (oned restarting, a dropped connection) is retried with a growing
 * pause; once oned answers again the feed starts over at the new tip and
 * signals `resync` once more, because events may have been missed.
 */
export type FeedSignal =
  | { readonly kind: 'resync'; readonly reason: string }
  | { readonly kind: 'events'; readonly events: readonly FeedEvent[] };

export interface FeedOptions {
  /** How long one long-poll waits for the first event (oned allows up to 60 s). */
  readonly waitMs?: number;
  readonly maxEvents?: number;
  /** First and largest pause after a failed call. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly onError?: (error: unknown) => void;
}

export function followEventFeed(oned: OnedGateway, options: FeedOptions = {}): Observable<FeedSignal> {
  const waitMs = options.waitMs ?? 25_000;
  const maxEvents = options.maxEvents ?? 5_000;
  const firstRetry = options.retryMs ?? 200;
  const maxRetry = options.maxRetryMs ?? 5_000;
  return new Observable<FeedSignal>((subscriber) => {
    let stopped = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    void (async () => {
      let after: number | undefined;
      let retry = firstRetry;
      let reason = 'start';
      while (!stopped) {
        try {
          if (after === undefined) {
            after = await oned.tip();
            subscriber.next({ kind: 'resync', reason });
          }
          const events = await oned.poll(after, maxEvents, waitMs);
          retry = firstRetry;
          if (events.length === 0) continue;
          after = events[events.length - 1]!.seq;
          subscriber.next({ kind: 'events', events });
        } catch (error) {
          if (stopped) break;
          options.onError?.(error);
          after = undefined;
          reason = 'feed interrupted';
          await pause(retry);
          retry = Math.min(retry * 2, maxRetry);
        }
      }
    })();

    return () => {
      stopped = true;
      wake?.();
    };
  });
}
