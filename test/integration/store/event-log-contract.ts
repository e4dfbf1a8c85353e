import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { DomainEvent, StoredEvent } from '../../../src/events/envelope.ts';
import { ConcurrencyError, type EventLog } from '../../../src/actors/ports.ts';
import type { Backend } from './event-log-backends.ts';

/** Domain events are open records; this skips TS's excess-property check. */
const ev = <E extends DomainEvent>(event: E): DomainEvent => event;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const types = (events: readonly StoredEvent[]) => events.map((e) => e.event.type);

/**
 * The event-log contract, the same for every backend: atomic multi-stream
 * appends with group commit, the expected-version check (also against a
 * second writer), a gap-free order, the hash chain and its checks,
 * snapshots, reopening, and the catch-up subscription.
 */
export function describeEventLogContract(backend: Backend): void {
  describe(`event log contract on ${backend.name}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());
    const open = async (options?: Parameters<Awaited<ReturnType<Backend['fresh']>>['open']>[0]) => (await backend.fresh()).open(options);

    it('starts empty', async () => {
      const log = await open();
      assert.equal(log.lastSeq(), 0);
      assert.equal(await log.streamVersion('vm/0'), 0);
      assert.deepEqual(await log.readAll(0), []);
      assert.deepEqual(await log.verify(), { ok: true, events: 0 });
      await log.close();
    });

    it('round-trips any JSON domain event exactly, live and on replay', async () => {
      const log = await open({ nowMs: () => 1_700_000_000_123 });
      const key = fc.string().filter((k) => k !== 'type');
      const event = fc.record({ type: fc.string({ minLength: 1 }), rest: fc.dictionary(key, fc.jsonValue(), { maxKeys: 6 }) });
      let version = 0;
      const runs = backend.runs(150);
      await fc.assert(
        fc.asyncProperty(event, fc.option(fc.record({ uid: fc.nat(), cause: fc.string() }), { nil: undefined }), async ({ type, rest }, meta) => {
          const domainEvent = { type, ...rest };
          const [stored] = await log.append([{ stream: 'vm/1', expectedVersion: version, events: [domainEvent] }], meta);
          version++;
          const [read] = await log.readStream('vm/1', version - 1);
          assert.deepStrictEqual(stored!.event, JSON.parse(JSON.stringify(domainEvent)));
          assert.deepStrictEqual(read, stored);
          assert.deepStrictEqual(read!.meta, meta ? { ...meta } : {});
          assert.equal(read!.ts, 1_700_000_000_123);
        }),
        { numRuns: runs },
      );
      assert.deepEqual(await log.verify(), { ok: true, events: runs });
      await log.close();
    });

    it('keeps odd but valid JSON keys, such as "__proto__", and attack-style text as data', async () => {
      const log = await open();
      const event = JSON.parse('{"type":"Odd","__proto__":{"x":1},"":0,"constructor":"c","s":"a\'b\\"c\\n$(rm -rf /)`id`;\\u0000"}') as DomainEvent;
      const [stored] = await log.append([{ stream: "vm/1'; DROP TABLE events; --", expectedVersion: 0, events: [event] }]);
      assert.deepStrictEqual(stored!.event, event);
      assert.deepStrictEqual((await log.readStream("vm/1'; DROP TABLE events; --"))[0]!.event, event);
      assert.deepEqual(await log.verify(), { ok: true, events: 1 });
      await log.close();
    });

    it('rejects an expected-version conflict without writing it, while the rest of the group commits', async () => {
      const log = await open();
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
      assert.deepEqual(await log.readStream('vm/2'), [], 'nothing of the losing request is stored, not even its other stream');
      assert.equal(await log.streamVersion('vm/2'), 0);
      assert.deepEqual(types(await log.readStream('vm/1')), ['VmAllocated', 'VmDeployed']);
      assert.deepEqual((await log.readAll(0)).map((e) => e.seq), [1, 2, 3, 4], 'seq stays gap-free');
      assert.deepEqual(await log.verify(), { ok: true, events: 4 });
      await log.close();
    });

    it('appends to several streams atomically and in order', async () => {
      const log = await open();
      const stored = await log.append(
        [
          { stream: 'vm/7', expectedVersion: 0, events: [{ type: 'VmAllocated' }, ev({ type: 'VmLeaseTaken', ip: '10.0.0.7' })] },
          { stream: 'vnet/1', expectedVersion: 0, events: [ev({ type: 'LeaseGranted', vid: 7, ip: '10.0.0.7' })] },
        ],
        { uid: 0, cause: 'rpc:one.vm.allocate' },
      );
      assert.deepEqual(stored.map((e) => [e.seq, e.stream, e.version]), [[1, 'vm/7', 1], [2, 'vm/7', 2], [3, 'vnet/1', 1]]);
      await assert.rejects(
        log.append([
          { stream: 'vm/8', expectedVersion: 0, events: [{ type: 'VmAllocated' }] },
          { stream: 'vnet/1', expectedVersion: 0, events: [ev({ type: 'LeaseGranted', vid: 8 })] },
        ]),
        ConcurrencyError,
      );
      assert.equal(await log.streamVersion('vm/8'), 0);
      assert.equal(log.lastSeq(), 3);
      const chained = await log.append([
        { stream: 'vm/9', expectedVersion: 0, events: [{ type: 'A' }] },
        { stream: 'vm/9', expectedVersion: 1, events: [{ type: 'B' }] },
      ]);
      assert.deepEqual(chained.map((e) => e.version), [1, 2]);
      await log.close();
    });

    it('joins every append of one tick into a single transaction', async () => {
      const log = await open();
      const stored = await Promise.all(
        Array.from({ length: 500 }, (_, i) => log.append([{ stream: `vm/${i}`, expectedVersion: 0, events: [ev({ type: 'VmAllocated', vid: i })] }])),
      );
      assert.equal(new Set(stored.map((s) => s[0]!.ts)).size, 1, 'one commit, one timestamp');
      assert.deepEqual(stored.map((s) => s[0]!.seq), Array.from({ length: 500 }, (_, i) => i + 1));
      await log.close();
    });

    it('rejects malformed requests at the edge, alone', async () => {
      const log = await open();
      const good = log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
      await assert.rejects(log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: '' }] }]), TypeError);
      await assert.rejects(log.append([{ stream: '', expectedVersion: 0, events: [] }]), TypeError);
      await assert.rejects(log.append([{ stream: 'vm/3', expectedVersion: -1, events: [] }]), TypeError);
      await assert.rejects(log.append([{ stream: 'vm/3', expectedVersion: 0, events: [{ type: 'A', n: 1n } as never] }]), TypeError);
      assert.equal((await good).length, 1);
      assert.equal(log.lastSeq(), 1);
      await log.close();
    });

    it('reads streams after a version and the log after a seq, with a limit', async () => {
      const log = await open();
      await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
      await log.append([{ stream: 'vm/2', expectedVersion: 0, events: [{ type: 'D' }] }]);
      assert.deepEqual(types(await log.readStream('vm/1', 1)), ['B', 'C']);
      assert.deepEqual((await log.readAll(1, 2)).map((e) => e.seq), [2, 3]);
      assert.deepEqual((await log.readAll(3)).map((e) => e.seq), [4]);
      assert.deepEqual(await log.eventAt(2), { stream: 'vm/1', hash: (await log.readAll(1, 1))[0]!.hash });
      assert.equal(await log.eventAt(9), undefined);
      assert.deepEqual([...(await log.streamVersionsAt(3))], [['vm/1', 3]]);
      assert.deepEqual(log.tip(), { seq: 4, hash: (await log.readAll(3))[0]!.hash });
      await log.close();
    });

    it('detects a tampered row and deleted rows, naming the seq; replay stops at the break', async () => {
      const store = await backend.fresh();
      const log = await store.open();
      for (let i = 0; i < 5; i++) await log.append([{ stream: 'vm/1', expectedVersion: i, events: [ev({ type: 'VmPolled', cpu: i })] }]);
      assert.deepEqual(await log.verify(), { ok: true, events: 5 });
      await store.sql(`UPDATE events SET data = '{"cpu":99}' WHERE seq = 3`);
      const tampered = await log.verify();
      assert.equal(tampered.ok === false && tampered.seq, 3);
      await assert.rejects(async () => {
        for await (const _page of log.replay({ seq: 0, hash: '' })) void _page;
      }, /hash chain broken at event 3 \(vm\/1\)/);
      await store.sql('DELETE FROM events WHERE seq >= 3');
      const truncated = await log.verify();
      assert.equal(truncated.ok === false && truncated.seq, 3, 'a cut tail is caught by the writer knowing its tip');
      await store.sql('DELETE FROM events WHERE seq = 1');
      const gap = await log.verify();
      assert.equal(gap.ok === false && gap.seq, 1);
      await log.close();
    });

    it('round-trips snapshots (a checkpoint at once), replaces older ones and drops them all', async () => {
      const log = await open();
      assert.equal(await log.loadSnapshot('vm/1'), undefined);
      await log.saveSnapshots([{ stream: 'vm/1', version: 3, state: { lcm: 'RUNNING', disks: [1, 2] } }, { stream: '$checkpoint', version: 0, state: { seq: 3, hash: 'ab' } }]);
      await log.saveSnapshots([{ stream: 'vm/1', version: 5, state: { lcm: 'LCM_INIT', disks: [] } }]);
      assert.deepEqual(await log.loadSnapshot('vm/1'), { stream: 'vm/1', version: 5, state: { lcm: 'LCM_INIT', disks: [] } });
      assert.equal((await log.listSnapshots()).length, 2);
      await log.deleteSnapshots();
      assert.deepEqual(await log.listSnapshots(), []);
      await log.close();
    });

    it('gives the same log after reopening, keeps the chain going, and replays it verified from any position', async () => {
      const store = await backend.fresh();
      const first = await store.open();
      await first.append([{ stream: 'vm/1', expectedVersion: 0, events: [ev({ type: 'A', x: [1, { y: null }] })] }]);
      await first.append([{ stream: 'host/2', expectedVersion: 0, events: [{ type: 'B' }, { type: 'C' }] }], { cause: 'timer' });
      const before = await first.readAll(0);
      const pending = first.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'Queued' }] }]);
      await first.close();
      assert.equal((await pending)[0]!.seq, 4, 'close() commits what is queued');
      await assert.rejects(first.append([]), /closed/);

      const second = await store.open();
      assert.deepStrictEqual((await second.readAll(0)).slice(0, 3), before);
      assert.equal(second.lastSeq(), 4);
      assert.equal(await second.streamVersion('host/2'), 2);
      await assert.rejects(second.append([{ stream: 'host/2', expectedVersion: 0, events: [{ type: 'D' }] }]), ConcurrencyError);
      const [next] = await second.append([{ stream: 'host/2', expectedVersion: 2, events: [{ type: 'D' }] }]);
      assert.equal(next!.seq, 5);
      assert.deepEqual(await second.verify(), { ok: true, events: 5 });
      const replayed: number[] = [];
      for await (const page of second.replay({ seq: 2, hash: before[1]!.hash })) replayed.push(...page.map((e) => e.seq));
      assert.deepEqual(replayed, [3, 4, 5]);
      await second.close();
    });

    it('a second writer cannot fork a stream or the chain: conflicts become ConcurrencyErrors, seq stays gap-free', async () => {
      const store = await backend.fresh();
      const log = await store.open();
      await log.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }] }]);
      assert.equal(await log.streamVersion('vm/1'), 1); // cached
      const other = await store.open();
      await other.append([{ stream: 'vm/1', expectedVersion: 1, events: [{ type: 'Sneaky' }] }]);
      await other.append([{ stream: 'host/9', expectedVersion: 0, events: [{ type: 'Elsewhere' }] }]);
      await other.close();
      const single = log.append([{ stream: 'vm/5', expectedVersion: 0, events: [{ type: 'A' }] }]);
      const multi = log.append([
        { stream: 'vm/6', expectedVersion: 0, events: [{ type: 'B' }] },
        { stream: 'vm/1', expectedVersion: 1, events: [{ type: 'C' }, { type: 'D' }] },
      ]);
      const tail = log.append([{ stream: 'vm/7', expectedVersion: 0, events: [{ type: 'E' }, { type: 'F' }] }]);
      assert.deepEqual((await single).map((e) => e.seq), [4]);
      await assert.rejects(multi, (err: unknown) => err instanceof ConcurrencyError && err.actual === 2);
      assert.deepEqual((await tail).map((e) => e.seq), [5, 6]);
      assert.equal(await log.streamVersion('vm/6'), 0);
      assert.deepEqual((await log.readAll(0)).map((e) => e.stream), ['vm/1', 'vm/1', 'host/9', 'vm/5', 'vm/7', 'vm/7']);
      assert.deepEqual(await log.verify(), { ok: true, events: 6 });
      await log.close();
    });

    it('follow() delivers every event after afterSeq once, in order, while commits race the catch-up', async () => {
      const sizes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 });
      const burst = (log: EventLog, counts: readonly number[], tag: string) =>
        Promise.all(counts.map((size, i) => log.append([{ stream: `vm/${tag}-${i}`, expectedVersion: 0, events: Array.from({ length: size }, () => ({ type: 'E' })) }])));
      await fc.assert(
        fc.asyncProperty(
          fc.array(sizes, { maxLength: 6 }),
          fc.array(fc.tuple(fc.nat({ max: 3 }), sizes), { maxLength: 6 }),
          fc.integer({ min: 1, max: 5 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          async (beforeBursts, during, pageSize, afterFraction) => {
            const log = await open({ followPageSize: pageSize });
            try {
              for (const [i, b] of beforeBursts.entries()) await burst(log, b, `b${i}`);
              const afterSeq = Math.floor(afterFraction * log.lastSeq());
              const received: number[] = [];
              const subscription = log.follow(afterSeq).subscribe((e) => received.push(e.seq));
              for (const [i, [turns, b]] of during.entries()) {
                for (let t = 0; t < turns; t++) await nextTurn();
                await burst(log, b, `d${i}`);
              }
              // Time, not turns: a PostgreSQL read may wait for a new connection.
              for (const until = Date.now() + 5000; received.length < log.lastSeq() - afterSeq && Date.now() < until; ) await nextTurn();
              subscription.unsubscribe();
              assert.deepEqual(received, Array.from({ length: log.lastSeq() - afterSeq }, (_, i) => afterSeq + 1 + i));
            } finally {
              await log.close();
            }
          },
        ),
        { numRuns: backend.runs(40) },
      );
    });

    // Only where several processes share the log (PostgreSQL): one process owns an SQLite log.
    if (backend.sharedByProcesses) it('follow() hears what another writer commits (catch-up subscription across processes)', async () => {
      const store = await backend.fresh();
      const reader = await store.open({ followPageSize: 2 });
      const writer = await store.open();
      await writer.append([{ stream: 'vm/1', expectedVersion: 0, events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }] }]);
      const four = firstValueFrom(reader.follow(1).pipe(take(4), toArray()));
      await writer.append([{ stream: 'vm/1', expectedVersion: 3, events: [{ type: 'D' }, { type: 'E' }] }]);
      const events = await Promise.race([four, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no live events from the other writer')), 10_000))]);
      assert.deepEqual(types(events), ['B', 'C', 'D', 'E']);
      assert.deepStrictEqual(events, await writer.readAll(1));
      await writer.close();
      await reader.close();
    });
  });
}
