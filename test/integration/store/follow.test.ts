import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { openEventLog, type SqliteEventLog } from '../../../src/store/sqlite-event-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('follow');
after(() => tmp.cleanup());

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Appends `sizes.length` requests in one tick, each to its own new stream. */
async function burst(log: SqliteEventLog, sizes: readonly number[], tag: string): Promise<void> {
  await Promise.all(
    sizes.map((size, i) =>
      log.append([
        { stream: `vm/${tag}-${i}`, expectedVersion: 0, events: Array.from({ length: size }, () => ({ type: 'E' })) },
      ]),
    ),
  );
}

describe('SqliteEventLog.follow', () => {
  it('delivers every event after afterSeq once, in order, while commits race the catch-up', async () => {
    const sizes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(sizes, { maxLength: 6 }), // stored before subscribing
        fc.array(fc.tuple(fc.nat({ max: 3 }), sizes), { maxLength: 6 }), // [turns to wait, burst] during catch-up
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (before, during, pageSize, afterFraction) => {
          const log = openEventLog(tmp.path(), { followPageSize: pageSize });
          try {
            for (const [i, b] of before.entries()) await burst(log, b, `b${i}`);
            const afterSeq = Math.floor(afterFraction * log.lastSeq());
            const received: number[] = [];
            const subscription = log.follow(afterSeq).subscribe((e) => received.push(e.seq));
            for (const [i, [turns, b]] of during.entries()) {
              for (let t = 0; t < turns; t++) await nextTurn();
              await burst(log, b, `d${i}`);
            }
            for (let spins = 0; received.length < log.lastSeq() - afterSeq && spins < 1000; spins++) await nextTurn();
            subscription.unsubscribe();
            const expected = Array.from({ length: log.lastSeq() - afterSeq }, (_, i) => afterSeq + 1 + i);
            assert.deepEqual(received, expected);
          } finally {
            log.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('replays stored events with their content, then goes live', async () => {
    const log = openEventLog(tmp.path(), { followPageSize: 2 });
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
    const five = firstValueFrom(log.follow(1).pipe(take(4), toArray()));
    await log.append([{ stream: 'vm/1', expectedVersion: 3, events: [{ type: 'D' }, { type: 'E' }] }]);
    const events: StoredEvent[] = await five;
    assert.deepEqual(events.map((e) => e.event.type), ['B', 'C', 'D', 'E']);
    assert.deepStrictEqual(events, log.readAll(1));
    log.close();
  });

  it('is safe to start from inside a committed$ handler', async () => {
    const log = openEventLog(tmp.path());
    const seen: number[] = [];
    let started = false;
    log.committed$.subscribe((e) => {
      if (started) return;
      started = true;
      log.follow(e.seq - 1).subscribe((f) => seen.push(f.seq));
    });
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
    await log.append([{ stream: 'vm/1', expectedVersion: 3, events: [{ type: 'D' }] }]);
    assert.deepEqual(seen, [1, 2, 3, 4]);
    log.close();
  });

  it('completes when the log closes and stops reading after unsubscribe', async () => {
    const log = openEventLog(tmp.path(), { followPageSize: 1 });
    await burst(log, [1, 1, 1], 'x');
    let completed = false;
    const got: number[] = [];
    log.follow(0).subscribe({ next: (e) => got.push(e.seq), complete: () => (completed = true) });
    const early: number[] = [];
    const sub = log.follow(0).subscribe((e) => early.push(e.seq));
    sub.unsubscribe();
    await nextTurn();
    await nextTurn();
    await nextTurn();
    log.close();
    assert.deepEqual(got, [1, 2, 3]);
    assert.deepEqual(early, [1], 'only the synchronous first page before unsubscribe');
    assert.equal(completed, true);
  });
});
