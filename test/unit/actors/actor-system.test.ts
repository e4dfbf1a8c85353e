import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActorSystem } from '../../../src/actors/actor-system.ts';
import { ErrorCode } from '../../../src/events/domain-error.ts';
import { streams } from '../../../src/events/envelope.ts';
import { accept, reject, type Decider } from '../../../src/machines/decider.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';

/** A tiny decider: a counter that refuses to go below zero and asks for an effect at 3. */
type Cmd = { type: 'Add'; by: number };
type Ev = { type: 'Added'; by: number };
const counter: Decider<{ total: number }, Cmd, Ev, string> = {
  initialState: { total: 0 },
  decide: (s, c) =>
    s.total + c.by < 0 ? reject({ code: ErrorCode.ACTION, message: 'would go negative' }) : accept({ type: 'Added', by: c.by }),
  evolve: (s, e) => ({ total: s.total + e.by }),
  effects: (_b, _e, a) => (a.total === 3 ? ['reached 3'] : []),
  reconcile: () => [],
};
const deciders = { vm: counter, host: counter, vnet: counter, user: counter, hook: counter };

const dir = mkdtempSync(join(tmpdir(), 'one-ts-actors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ActorSystem', () => {
  it('serialises concurrent commands per entity and runs effects after commit', async () => {
    const log = openEventLog(join(dir, 'a.db'));
    const seen: string[] = [];
    const reads: Promise<number>[] = [];
    const system = new ActorSystem(log, deciders, (stream, effects) => {
      // The events that asked for the effect are already in the log (the read starts here).
      reads.push(log.readStream(stream).then((events) => events.length));
      seen.push(...(effects as string[]));
    });
    const results = await Promise.all([1, 1, 1].map((by) => system.execute('vm', 0, { type: 'Add', by })));
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(system.get('vm', 0)!.state, { total: 3 });
    assert.deepEqual(seen, ['reached 3']);
    assert.deepEqual(await Promise.all(reads), [3]);
    assert.deepEqual((await log.readStream(streams.vm(0))).map((e) => e.version), [1, 2, 3]);
    log.close();
  });

  it('appends nothing for a rejected command, and never registers a rejected new entity', async () => {
    const log = openEventLog(join(dir, 'b.db'));
    const system = new ActorSystem(log, deciders);
    const before = log.lastSeq();
    const r = await system.execute('host', 5, { type: 'Add', by: -1 });
    assert.equal(r.ok, false);
    assert.equal(log.lastSeq(), before);
    assert.equal(system.get('host', 5), undefined);
    log.close();
  });

  it('commits a multi-entity transaction atomically', async () => {
    const log = openEventLog(join(dir, 'c.db'));
    const system = new ActorSystem(log, deciders);
    const a = streams.vm(1), b = streams.vnet(2);
    const r = await system.transact([a, b], () => ({
      ok: true,
      events: new Map([[a, [{ type: 'Added', by: 2 }]], [b, [{ type: 'Added', by: 5 }]]]),
    }));
    assert.ok(r.ok);
    assert.equal(r.value.length, 2);
    assert.equal(new Set(r.value.map((e) => e.seq)).size, 2);
    assert.deepEqual([system.get('vm', 1)!.state, system.get('vnet', 2)!.state], [{ total: 2 }, { total: 5 }]);
    log.close();
  });

  it('rebuilds the same states from the log, with and without a checkpoint', async () => {
    const path = join(dir, 'd.db');
    const log = openEventLog(path);
    const live = new ActorSystem(log, deciders);
    for (let i = 0; i < 20; i++) await live.execute('vm', i % 4, { type: 'Add', by: i });
    await live.checkpoint();
    for (let i = 0; i < 10; i++) await live.execute('vm', i % 5, { type: 'Add', by: 1 });
    const expected = live.all('vm').map((a) => [a.stream, a.version, a.state]);
    log.close();

    for (const useSnapshots of [false, true]) {
      const reopened = openEventLog(path);
      const rebuilt = new ActorSystem(reopened, deciders);
      await rebuilt.rehydrate({ useSnapshots });
      assert.deepEqual(rebuilt.all('vm').map((a) => [a.stream, a.version, a.state]), expected);
      assert.equal(rebuilt.nextId('vm'), 5);
      reopened.close();
    }
  });
});

describe('ActorSystem ids', () => {
  it('hands back the id of a failed allocation, so ids stay last + 1 as a replay would give', async () => {
    const log = openEventLog(join(dir, 'ids.db'));
    const system = new ActorSystem(log, deciders);
    const add = (by: number) => system.withNextId('vm', (id) => system.execute('vm', id, { type: 'Add', by }));
    assert.equal((await add(1)).ok, true); // vm/0
    assert.equal((await add(-5)).ok, false); // rejected: id 1 handed back
    assert.equal(system.nextId('vm'), 1);
    assert.equal((await add(2)).ok, true); // vm/1
    assert.deepEqual(system.all('vm').map((a) => a.stream), ['vm/0', 'vm/1']);
    log.close();
  });
});

describe('ActorSystem snapshots', () => {
  it('checkpoints once an entity has taken SNAPSHOT_INTERVAL events, and start-up uses it', async () => {
    const path = join(dir, 'every.db');
    const log = openEventLog(path);
    const system = new ActorSystem(log, deciders, () => {}, 3);
    for (let i = 0; i < 2; i++) await system.execute('vm', 0, { type: 'Add', by: 1 });
    await new Promise((r) => setImmediate(r));
    assert.equal(await log.loadSnapshot(streams.vm(0)), undefined);
    await system.execute('vm', 0, { type: 'Add', by: 1 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(await log.loadSnapshot(streams.vm(0)), { stream: 'vm/0', version: 3, state: { total: 3 } });
    await system.execute('vm', 0, { type: 'Add', by: 4 });
    await system.close();
    await log.close();

    const reopened = openEventLog(path);
    const rebuilt = new ActorSystem(reopened, deciders);
    await rebuilt.rehydrate();
    assert.deepEqual([rebuilt.get('vm', 0)!.version, rebuilt.get('vm', 0)!.state], [4, { total: 7 }]);
    reopened.close();
  });
});

describe('ActorSystem as a standby', () => {
  it('folds followed events (each once, in version order), runs no effect, and refuses writes with the gate error', async () => {
    const leaderLog = openEventLog(join(dir, 'leader.db'));
    const leader = new ActorSystem(leaderLog, deciders);
    const followerLog = openEventLog(join(dir, 'follower.db'));
    const effects: unknown[] = [];
    const standby = new ActorSystem(followerLog, deciders, (_s, e) => effects.push(...e));
    standby.refuseWrites(() => ({ code: ErrorCode.INTERNAL, message: 'This oned is a standby; send writes to the leader at http://x/RPC2' }));
    const followed = leaderLog.follow(0).subscribe((e) => standby.applyFollowed(e));
    for (let i = 0; i < 3; i++) await leader.execute('vm', 0, { type: 'Add', by: 1 });
    await leader.execute('host', 4, { type: 'Add', by: 5 });
    await new Promise((r) => setImmediate(r));
    for (const e of await leaderLog.readAll(0)) standby.applyFollowed(e); // again: skipped
    followed.unsubscribe();
    assert.deepEqual([standby.get('vm', 0)?.version, standby.get('vm', 0)?.state], [3, { total: 3 }]);
    assert.deepEqual(standby.get('host', 4)?.state, { total: 5 });
    assert.equal(standby.applied(), 4);
    assert.equal(standby.nextId('vm'), 1);
    assert.deepEqual(effects, [], 'a standby runs no effect');
    const refused = await standby.execute('vm', 1, { type: 'Add', by: 1 });
    assert.deepEqual(refused, { ok: false, error: { code: ErrorCode.INTERNAL, message: 'This oned is a standby; send writes to the leader at http://x/RPC2' } });
    assert.equal(followerLog.lastSeq(), 0, 'nothing written');
    standby.refuseWrites(undefined);
    assert.equal((await standby.execute('vm', 1, { type: 'Add', by: 1 })).ok, true, 'writable again after a takeover');
    await leaderLog.close();
    await followerLog.close();
  });
});
