/**
 * What only the SQLite log does; the contract both backends share is in
 * event-log-contract.ts (run by event-log-contract.test.ts).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { DomainEvent } from '../../../src/events/envelope.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('eventlog');
after(() => tmp.cleanup());

/** Domain events are open records; this skips TS's excess-property check. */
const ev = <E extends DomainEvent>(event: E): DomainEvent => event;

describe('SqliteEventLog', () => {
  it('creates missing directories', async () => {
    const log = openEventLog(tmp.path('a', 'b', 'var', 'one.db'));
    assert.equal(log.lastSeq(), 0);
    await log.close();
  });

  it('stamps ts from an injected epoch-seconds Clock', async () => {
    const log = openEventLog(tmp.path(), { clock: { now: () => 1_700_000_000 } });
    const [e] = await log.append([{ stream: 'host/1', expectedVersion: 0, events: [{ type: 'HostAllocated' }] }]);
    assert.equal(e!.ts, 1_700_000_000_000);
    await log.close();
  });

  it('commits one transaction per tick, and none for a tick of conflicts only', async () => {
    const log = openEventLog(tmp.path());
    await Promise.all(Array.from({ length: 500 }, (_, i) => log.append([{ stream: `vm/${i}`, expectedVersion: 0, events: [ev({ type: 'VmAllocated', vid: i })] }])));
    assert.equal(log.stats().commits, 1);
    await log.append([{ stream: 'vm/0', expectedVersion: 1, events: [{ type: 'VmDeployed' }] }]);
    await log.append([{ stream: 'vm/0', expectedVersion: 2, events: [{ type: 'VmRunning' }] }]);
    assert.equal(log.stats().commits, 3, 'appends in different ticks commit separately');
    assert.equal(log.stats().requestsCommitted, 502);
    await log.close();
  });

  it('rejects, without crashing, an append made by a committed$ handler during close()', async () => {
    const log = openEventLog(tmp.path());
    let late: Promise<unknown> | undefined;
    log.committed$.subscribe(() => {
      late ??= log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: 'B' }] }]);
    });
    const first = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    void log.close();
    await first;
    await assert.rejects(late!, /closed/);
  });

  it('fails the whole group, writing nothing, when the database cannot commit; then recovers', async () => {
    const path = tmp.path();
    const log = openEventLog(path, { busyTimeoutMs: 10 });
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    const blocked = [
      log.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'B' }] }]),
      log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: 'C' }, { type: 'D' }] }]),
    ];
    for (const attempt of blocked) await assert.rejects(attempt, (err: unknown) => (err as { code?: string }).code === 'SQLITE_BUSY');
    locker.exec('ROLLBACK');
    locker.close();
    assert.equal(log.lastSeq(), 1);
    assert.equal(await log.streamVersion('vm/2'), 0);
    const [b] = await log.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'B' }] }]);
    assert.equal(b!.seq, 2);
    assert.deepEqual(await log.verify(), { ok: true, events: 2 });
    await log.close();
  });

  it('after an outside write, retries the group once inside the same transaction', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    assert.equal(await log.streamVersion('vm/1'), 0);
    const other = openEventLog(path);
    await other.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'Sneaky' }] }]);
    await other.close();
    const single = log.append([{ stream: 'vm/5', expectedVersion: 0, events: [{ type: 'A' }] }]);
    const multi = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'C' }, { type: 'D' }] }]);
    assert.deepEqual((await single).map((e) => e.seq), [2]);
    await assert.rejects(multi);
    assert.equal(log.stats().commits, 1);
    await log.close();
  });
});
