import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { DomainEvent } from '../../../src/events/envelope.ts';
import { ConcurrencyError } from '../../../src/actors/ports.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('eventlog');
after(() => tmp.cleanup());

/** Domain events are open records; this skips TS's excess-property check. */
const ev = <E extends DomainEvent>(event: E): DomainEvent => event;

const fixedClock = { nowMs: () => 1_700_000_000_123 };

describe('SqliteEventLog', () => {
  it('creates missing directories and starts empty', () => {
    const log = openEventLog(tmp.path('a', 'b', 'var', 'one.db'));
    assert.equal(log.lastSeq(), 0);
    assert.equal(log.streamVersion('vm/0'), 0);
    assert.deepEqual(log.readAll(0), []);
    assert.deepEqual(log.verify(), { ok: true, events: 0 });
    log.close();
  });

  it('round-trips any JSON domain event exactly, live and on replay', async () => {
    const log = openEventLog(tmp.path(), fixedClock);
    const key = fc.string().filter((k) => k !== 'type');
    const event = fc.record({
      type: fc.string({ minLength: 1 }),
      rest: fc.dictionary(key, fc.jsonValue(), { maxKeys: 6 }),
    });
    let version = 0;
    await fc.assert(
      fc.asyncProperty(event, fc.option(fc.record({ uid: fc.nat(), cause: fc.string() }), { nil: undefined }), async ({ type, rest }, meta) => {
        const domainEvent = { type, ...rest };
        const [stored] = await log.append([{ stream: 'vm/1', expectedVersion: version, events: [domainEvent] }], meta);
        version++;
        const [read] = log.readStream('vm/1', version - 1);
        const expected = JSON.parse(JSON.stringify(domainEvent));
        assert.deepStrictEqual(stored!.event, expected);
        assert.deepStrictEqual(read, stored);
        assert.deepStrictEqual(read!.meta, meta ? { ...meta } : {});
        assert.equal(read!.ts, 1_700_000_000_123);
      }),
      { numRuns: 150 },
    );
    assert.deepEqual(log.verify(), { ok: true, events: 150 });
    log.close();
  });

  it('keeps odd but valid JSON keys, such as "__proto__", as data', async () => {
    const log = openEventLog(tmp.path());
    const event = JSON.parse('{"type":"Odd","__proto__":{"x":1},"":0,"constructor":"c"}') as DomainEvent;
    const [stored] = await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [event] }]);
    assert.deepStrictEqual(stored!.event, event);
    assert.deepStrictEqual(log.readStream('vm/1')[0]!.event, event);
    assert.equal(Object.getPrototypeOf(stored!.event), Object.prototype);
    log.close();
  });

  it('stamps ts from an injected epoch-seconds Clock', async () => {
    const log = openEventLog(tmp.path(), { clock: { now: () => 1_700_000_000 } });
    const [e] = await log.append([{ stream: 'host/1', expectedVersion: 0, events: [{ type: 'HostAllocated' }] }]);
    assert.equal(e!.ts, 1_700_000_000_000);
    log.close();
  });

  it('rejects an expected-version conflict without writing it, while the rest of the group commits', async () => {
    const log = openEventLog(tmp.path());
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'VmAllocated' }] }]);
    const winner = log.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'VmDeployed' }] }]);
    const loser = log.append([
      { stream: 'vm/2', expectedVersion: 0, events: [{ type: 'VmAllocated' }] },
      { stream: 'vm/1', expectedVersion: 1, events: [{ type: 'VmDeleted' }] },
    ]);
    const bystander = log.append([{ stream: 'vm/3', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }] }]);
    const stale = log.append([{ stream: 'vm/4', expectedVersion: 3, events: [{ type: 'A' }] }]);

    assert.equal((await winner)[0]!.version, 2);
    await assert.rejects(loser, (err: unknown) => {
      assert.ok(err instanceof ConcurrencyError);
      assert.deepEqual([err.stream, err.expected, err.actual], ['vm/1', 1, 2]);
      return true;
    });
    assert.deepEqual((await bystander).map((e) => e.version), [1, 2]);
    await assert.rejects(stale, ConcurrencyError);

    assert.deepEqual(log.readStream('vm/2'), [], 'nothing of the losing request is stored, not even its other stream');
    assert.equal(log.streamVersion('vm/2'), 0);
    assert.deepEqual(log.readStream('vm/1').map((e) => e.event.type), ['VmAllocated', 'VmDeployed']);
    assert.deepEqual(log.readAll(0).map((e) => e.seq), [1, 2, 3, 4], 'seq stays gap-free');
    assert.equal(log.stats().commits, 2);
    assert.deepEqual(log.verify(), { ok: true, events: 4 });
    log.close();
  });

  it('appends to several streams atomically and in order', async () => {
    const log = openEventLog(tmp.path());
    const stored = await log.append(
      [
        { stream: 'vm/7', expectedVersion: 0, events: [{ type: 'VmAllocated' }, ev({ type: 'VmLeaseTaken', ip: '10.0.0.7' })] },
        { stream: 'vnet/1', expectedVersion: 0, events: [ev({ type: 'LeaseGranted', vid: 7, ip: '10.0.0.7' })] },
      ],
      { uid: 0, cause: 'rpc:one.vm.allocate' },
    );
    assert.deepEqual(stored.map((e) => [e.seq, e.stream, e.version]), [[1, 'vm/7', 1], [2, 'vm/7', 2], [3, 'vnet/1', 1]]);
    assert.ok(stored.every((e) => e.meta.cause === 'rpc:one.vm.allocate'));

    // The same pair again, but the lease's stream moved on: neither stream gets anything.
    await assert.rejects(
      log.append([
        { stream: 'vm/8', expectedVersion: 0, events: [{ type: 'VmAllocated' }] },
        { stream: 'vnet/1', expectedVersion: 0, events: [ev({ type: 'LeaseGranted', vid: 8 })] },
      ]),
      ConcurrencyError,
    );
    assert.equal(log.streamVersion('vm/8'), 0);
    assert.equal(log.lastSeq(), 3);
    log.close();
  });

  it('lets one request append to the same stream twice, chaining its expected versions', async () => {
    const log = openEventLog(tmp.path());
    const stored = await log.append([
      { stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] },
      { stream: 'vm/1', expectedVersion: 1, events: [{ type: 'B' }] },
    ]);
    assert.deepEqual(stored.map((e) => e.version), [1, 2]);
    log.close();
  });

  it('joins every append of one tick into a single transaction', async () => {
    const log = openEventLog(tmp.path());
    const appends = Array.from({ length: 500 }, (_, i) =>
      log.append([{ stream: `vm/${i}`, expectedVersion: 0, events: [ev({ type: 'VmAllocated', vid: i })] }]),
    );
    const stored = await Promise.all(appends);
    assert.equal(log.stats().commits, 1);
    assert.equal(new Set(stored.map((s) => s[0]!.ts)).size, 1, 'one commit, one timestamp');

    await log.append([{ stream: 'vm/0', expectedVersion: 1, events: [{ type: 'VmDeployed' }] }]);
    await log.append([{ stream: 'vm/0', expectedVersion: 2, events: [{ type: 'VmRunning' }] }]);
    assert.equal(log.stats().commits, 3, 'appends in different ticks commit separately');
    log.close();
  });

  it('rejects malformed requests at the edge, alone', async () => {
    const log = openEventLog(tmp.path());
    const good = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    await assert.rejects(log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: '' }] }]), TypeError);
    await assert.rejects(log.append([{ stream: '', expectedVersion: 0, events: [] }]), TypeError);
    await assert.rejects(log.append([{ stream: 'vm/3', expectedVersion: -1, events: [] }]), TypeError);
    await assert.rejects(log.append([{ stream: 'vm/3', expectedVersion: 0, events: [{ type: 'A', n: 1n } as never] }]), TypeError);
    assert.equal((await good).length, 1);
    assert.equal(log.lastSeq(), 1);
    log.close();
  });

  it('reads streams after a version and the log after a seq, with a limit', async () => {
    const log = openEventLog(tmp.path());
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
    await log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: 'D' }] }]);
    assert.deepEqual(log.readStream('vm/1', 1).map((e) => e.event.type), ['B', 'C']);
    assert.deepEqual(log.readAll(1, 2).map((e) => e.seq), [2, 3]);
    assert.deepEqual(log.readAll(3).map((e) => e.seq), [4]);
    assert.equal(log.lastSeq(), 4);
    log.close();
  });

  it('detects a tampered row and names its seq', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    for (let i = 0; i < 5; i++) {
      await log.append([{ stream: 'vm/1', expectedVersion: i, events: [ev({ type: 'VmPolled', cpu: i })] }]);
    }
    assert.deepEqual(log.verify(), { ok: true, events: 5 });
    const evil = new Database(path);
    evil.prepare(`UPDATE events SET data = '{"cpu":99}' WHERE seq = 3`).run();
    evil.close();
    const result = log.verify();
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.seq, 3);
    log.close();
  });

  it('detects deleted rows, in the middle and at the tail', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
    const evil = new Database(path);
    evil.prepare('DELETE FROM events WHERE seq = 3').run();
    const truncated = log.verify();
    assert.equal(truncated.ok === false && truncated.seq, 3, 'a cut tail is caught by the writer knowing its tip');
    evil.prepare('DELETE FROM events WHERE seq = 1').run();
    evil.close();
    const gap = log.verify();
    assert.equal(gap.ok === false && gap.seq, 1);
    log.close();
  });

  it('round-trips snapshots and replaces older ones', () => {
    const log = openEventLog(tmp.path());
    assert.equal(log.loadSnapshot('vm/1'), undefined);
    log.saveSnapshot({ stream: 'vm/1', version: 3, state: { state: 'ACTIVE', lcm: 'RUNNING', disks: [1, 2] } });
    log.saveSnapshot({ stream: 'vm/1', version: 5, state: { state: 'DONE', lcm: 'LCM_INIT', disks: [] } });
    assert.deepEqual(log.loadSnapshot('vm/1'), { stream: 'vm/1', version: 5, state: { state: 'DONE', lcm: 'LCM_INIT', disks: [] } });
    log.close();
  });

  it('gives the same state after reopening the file, and keeps the chain going', async () => {
    const path = tmp.path();
    const first = openEventLog(path);
    await first.append([{ stream: 'vm/1', expectedVersion: 0, events: [ev({ type: 'A', x: [1, { y: null }] })] }]);
    await first.append([{ stream: 'host/2', expectedVersion: 0, events: [{ type: 'B' }, { type: 'C' }] }], { cause: 'timer' });
    first.saveSnapshot({ stream: 'host/2', version: 2, state: { n: 2 } });
    const before = first.readAll(0);
    first.close();
    await assert.rejects(first.append([]), /closed/);

    const second = openEventLog(path);
    assert.deepStrictEqual(second.readAll(0), before);
    assert.equal(second.lastSeq(), 3);
    assert.equal(second.streamVersion('host/2'), 2);
    assert.deepEqual(second.loadSnapshot('host/2'), { stream: 'host/2', version: 2, state: { n: 2 } });
    await assert.rejects(
      second.append([{ stream: 'host/2', expectedVersion: 0, events: [{ type: 'D' }] }]),
      ConcurrencyError,
    );
    const [next] = await second.append([{ stream: 'host/2', expectedVersion: 2, events: [{ type: 'D' }] }]);
    assert.equal(next!.seq, 4);
    assert.deepEqual(second.verify(), { ok: true, events: 4 });
    second.close();
  });

  it('flushes queued appends on close', async () => {
    const log = openEventLog(tmp.path());
    const pending = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    log.close();
    assert.equal((await pending)[0]!.seq, 1);
  });

  it('rejects, without crashing, an append made by a committed$ handler during close()', async () => {
    const log = openEventLog(tmp.path());
    let late: Promise<unknown> | undefined;
    log.committed$.subscribe(() => {
      late ??= log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: 'B' }] }]);
    });
    const first = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    log.close();
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
    assert.equal(log.streamVersion('vm/2'), 0);
    const [b] = await log.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'B' }] }]);
    assert.equal(b!.seq, 2);
    assert.deepEqual(log.verify(), { ok: true, events: 2 });
    log.close();
  });

  it('turns a UNIQUE violation from an outside writer into a ConcurrencyError', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    assert.equal(log.streamVersion('vm/1'), 0); // caches version 0
    const other = openEventLog(path);
    await other.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'Sneaky' }] }]);
    other.close();
    await assert.rejects(
      log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }] }]),
      (err: unknown) => err instanceof ConcurrencyError && err.actual === 1,
    );
    assert.equal(log.streamVersion('vm/1'), 1);
    log.close();
  });

  it('continues the chain after an outside writer took the next seq on another stream', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
    const other = openEventLog(path);
    await other.append([{ stream: 'host/9', expectedVersion: 0, events: [{ type: 'Elsewhere' }] }]);
    other.close();
    const [e] = await log.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'B' }] }]);
    assert.equal(e!.seq, 3);
    assert.deepEqual(log.verify(), { ok: true, events: 3 });
    log.close();
  });

  it('after an outside write, fails only the stale multi-event request of a group and commits the rest', async () => {
    const path = tmp.path();
    const log = openEventLog(path);
    assert.equal(log.streamVersion('vm/1'), 0);
    const other = openEventLog(path);
    await other.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'Sneaky' }] }]);
    other.close();
    const single = log.append([{ stream: 'vm/5', expectedVersion: 0, events: [{ type: 'A' }] }]);
    const multi = log.append([
      { stream: 'vm/6', expectedVersion: 0, events: [{ type: 'B' }] },
      { stream: 'vm/1', expectedVersion: 0, events: [{ type: 'C' }, { type: 'D' }] },
    ]);
    const tail = log.append([{ stream: 'vm/7', expectedVersion: 0, events: [{ type: 'E' }, { type: 'F' }] }]);
    assert.deepEqual((await single).map((e) => e.seq), [2]);
    await assert.rejects(multi, ConcurrencyError);
    assert.deepEqual((await tail).map((e) => e.seq), [3, 4]);
    assert.equal(log.streamVersion('vm/6'), 0);
    assert.deepEqual(log.readAll(0).map((e) => e.stream), ['vm/1', 'vm/5', 'vm/7', 'vm/7']);
    assert.deepEqual(log.verify(), { ok: true, events: 4 });
    assert.equal(log.stats().commits, 1);
    log.close();
  });
});
