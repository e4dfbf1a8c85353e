/**
 * The event log on a full disk, with a real SQLite file and a real
 * SQLITE_FULL (see capped-log.ts). Raising the cap is the disk getting room
 * again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent } from '../../../src/events/envelope.ts';
import { LogWriteError } from '../../../src/events/log-write-error.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { cappedLog } from './capped-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('eventlog-full');
after(() => tmp.cleanup());

/** Big enough that every append needs new pages. */
const event = (n: number): DomainEvent => ({ type: 'Filled', n, pad: 'x'.repeat(3000) }) as DomainEvent;

describe('event log on a full disk', () => {
  it('rejects every append of a failed commit, keeps the tip, and takes writes again once there is room', async () => {
    const path = tmp.path();
    const states: (LogWriteError | undefined)[] = [];
    const { log, full } = cappedLog(path, (f) => states.push(f));
    for (let v = 0; v < 5; v++) await log.append([{ stream: 'vm/0', expectedVersion: v, events: [event(v)] }]);
    const before = (await log.readAll(0));

    full(true);
    // Three appends in one group commit (same tick), then more commits after it.
    const group = await Promise.allSettled([
      log.append([{ stream: 'vm/0', expectedVersion: 5, events: [event(5)] }]),
      log.append([{ stream: 'vm/1', expectedVersion: 0, events: [event(0), event(1)] }]),
      log.append([{ stream: 'vm/2', expectedVersion: 0, events: [event(0)] }]),
    ]);
    for (const r of group) {
      assert.equal(r.status, 'rejected');
      const error = (r as PromiseRejectedResult).reason;
      assert.ok(error instanceof LogWriteError, String(error));
      assert.equal(error.message, 'Cannot write the event log: database or disk is full');
      assert.equal(error.code, 'SQLITE_FULL');
    }
    for (let i = 0; i < 3; i++) {
      await assert.rejects(log.append([{ stream: 'vm/0', expectedVersion: 5, events: [event(5)] }]), LogWriteError);
    }
    assert.equal(log.lastSeq(), 5, 'the tip claims nothing that did not commit');
    assert.equal((await log.streamVersion('vm/0')), 5);
    assert.equal((await log.streamVersion('vm/1')), 0);
    assert.deepEqual((await log.readAll(0)), before, 'reads are served, and show only what committed');
    assert.equal(log.stats().writeFailures, 4);
    assert.equal(states.length, 1, 'the failure is reported once, not once per append');
    assert.ok(states[0] instanceof LogWriteError);
    assert.ok(log.writeFailure() instanceof LogWriteError);

    full(false);
    const [resumed] = await log.append([{ stream: 'vm/0', expectedVersion: 5, events: [event(5)] }]);
    assert.equal(resumed!.seq, 6, 'the next commit continues the log where it was');
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [event(0)] }]);
    assert.deepEqual(states, [states[0], undefined], 'and the recovery is reported once');
    assert.equal(log.writeFailure(), undefined);
    assert.deepEqual((await log.verify()), { ok: true, events: 7 });
    log.close();

    const reopened = openEventLog(path);
    assert.equal(reopened.lastSeq(), 7);
    assert.deepEqual((await reopened.readAll(0, 5)), before, 'everything acknowledged before the full disk is still there');
    assert.deepEqual((await reopened.verify()), { ok: true, events: 7 });
    reopened.close();
  });

  it('a checkpoint that cannot be written throws a LogWriteError and leaves the previous one', async () => {
    const { log, full } = cappedLog(tmp.path());
    await log.append([{ stream: 'vm/0', expectedVersion: 0, events: [event(0)] }]);
    await log.saveSnapshots([{ stream: 'vm/0', version: 1, state: { n: 1 } }]);
    full(true);
    await assert.rejects(
      log.saveSnapshots([{ stream: 'vm/0', version: 2, state: { n: 2, pad: 'y'.repeat(20_000) } }, { stream: 'vm/1', version: 1, state: {} }]),
      (e: unknown) => e instanceof LogWriteError && /database or disk is full/.test(e.message),
    );
    assert.deepEqual((await log.loadSnapshot('vm/0')), { stream: 'vm/0', version: 1, state: { n: 1 } });
    assert.equal((await log.loadSnapshot('vm/1')), undefined, 'all or nothing');
    full(false);
    await log.saveSnapshots([{ stream: 'vm/0', version: 2, state: { n: 2, pad: 'y'.repeat(20_000) } }]);
    assert.equal((await log.loadSnapshot('vm/0'))?.version, 2, 'a later checkpoint goes through');
    log.close();
  });

  it('close() with appends queued on a full disk rejects them and does not throw', async () => {
    const { log, full } = cappedLog(tmp.path());
    await log.append([{ stream: 'vm/0', expectedVersion: 0, events: [event(0)] }]);
    full(true);
    const queued = log.append([{ stream: 'vm/0', expectedVersion: 1, events: [event(1)] }]);
    log.close();
    await assert.rejects(queued, LogWriteError);
  });
});
