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

/** SQLite-specific follow() cases; the shared ones are in event-log-contract.ts. */
describe('SqliteEventLog.follow', () => {
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
    await log.close();
    assert.deepEqual(got, [1, 2, 3]);
    assert.deepEqual(early, [], 'pages are read asynchronously: nothing after unsubscribe');
    assert.equal(completed, true);
  });
});
