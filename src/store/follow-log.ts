import { Observable } from 'rxjs';
import type { StoredEvent } from '../events/envelope.ts';

/** What catch-up needs from the log. */
export interface FollowSource {
  readAll(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  isClosed(): boolean;
  readonly committed$: Observable<StoredEvent>;
}

/**
 * Catch-up subscription. It listens to live commits *before* reading the
 * first stored page, so anything committed while it pages through the log
 * is either read from the table or held in the buffer; de-duplication is by
 * seq, which is gap-free and increasing. Pages are read one per macrotask
 * so a long catch-up never starves the appenders.
 */
export function followLog(source: FollowSource, afterSeq: number, pageSize: number): Observable<StoredEvent> {
  return new Observable<StoredEvent>((subscriber) => {
    let lastEmitted = afterSeq;
    let live = false;
    let buffer: StoredEvent[] = [];
    let timer: NodeJS.Immediate | undefined;

    const emit = (event: StoredEvent): void => {
      if (event.seq <= lastEmitted) return;
      lastEmitted = event.seq;
      subscriber.next(event);
    };

    const liveSubscription = source.committed$.subscribe({
      next: (event) => (live ? emit(event) : buffer.push(event)),
      error: (err) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });

    const pump = async (): Promise<void> => {
      timer = undefined;
      if (subscriber.closed) return;
      if (source.isClosed()) return subscriber.complete();
      let page: StoredEvent[];
      try {
        page = await source.readAll(lastEmitted, pageSize);
      } catch (err) {
        return subscriber.error(err);
      }
      for (const event of page) {
        if (subscriber.closed) return;
        emit(event);
      }
      if (page.length === pageSize) {
        timer = setImmediate(() => void pump());
        return;
      }
      // The table had nothing after lastEmitted when the page was read; what
      // committed since then is in the buffer (it was listening before the
      // first read), so draining it leaves no gap and seq de-duplicates.
      const held = buffer;
      buffer = [];
      live = true;
      for (const event of held) {
        if (subscriber.closed) return;
        emit(event);
      }
    };

    void pump();
    return () => {
      if (timer) clearImmediate(timer);
      liveSubscription.unsubscribe();
    };
  });
}
