/**
 * The actor system when the log cannot be written (a real SQLITE_FULL, see
 * capped-log.ts): a failed append changes no in-memory state, runs no
 * effect, hands allocated ids back, and the same commands succeed once
 * there is room.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ActorSystem } from '../../../src/actors/actor-system.ts';
import { LogWriteError } from '../../../src/events/log-write-error.ts';
import { accept, type Decider } from '../../../src/machines/decider.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';
import { cappedLog } from './capped-log.ts';
import { tempDir } from './temp-dir.ts';

const tmp = tempDir('actors-full');
after(() => tmp.cleanup());

/** A counter whose events are big enough to need new pages, and which asks for an effect on every change. */
type Cmd = { type: 'Add'; by: number };
type Ev = { type: 'Added'; by: number; pad: string };
const counter: Decider<{ total: number }, Cmd, Ev, string> = {
  initialState: { total: 0 },
  decide: (_s, c) => accept({ type: 'Added', by: c.by, pad: 'x'.repeat(3000) }),
  evolve: (s, e) => ({ total: s.total + e.by }),
  effects: (_b, _e, a) => [`total ${a.total}`],
  reconcile: () => [],
};
const deciders = { vm: counter, host: counter, vnet: counter, user: counter, hook: counter };

describe('ActorSystem on a full log', () => {
  it('leaves state, effects and ids as they were, and works again once there is room', async () => {
    const path = tmp.path();
    const { log, full } = cappedLog(path);
    const effects: string[] = [];
    const system = new ActorSystem(log, deciders, (stream, e) => effects.push(...(e as string[]).map((x) => `${stream} ${x}`)));
    const allocate = (by: number) => system.withNextId('vm', (id) => system.execute('vm', id, { type: 'Add', by }));
    assert.ok((await allocate(1)).ok);
    assert.ok((await system.execute('vm', 0, { type: 'Add', by: 1 })).ok);
    assert.deepEqual(effects, ['vm/0 total 1', 'vm/0 total 2']);

    full(true);
    await assert.rejects(system.execute('vm', 0, { type: 'Add', by: 5 }), LogWriteError);
    // Concurrent allocations fail together, in one group commit.
    const burst = await Promise.allSettled([allocate(1), allocate(2), allocate(3)]);
    assert.ok(burst.every((r) => r.status === 'rejected' && r.reason instanceof LogWriteError));
    assert.deepEqual(system.get('vm', 0)!.state, { total: 2 }, 'the failed append changed nothing');
    assert.equal(system.get('vm', 0)!.version, 2);
    assert.equal(system.count('vm'), 1, 'no entity from a failed allocation');
    assert.equal(system.get('vm', 1), undefined);
    assert.equal(system.nextId('vm'), 1, 'every id of the failed burst was handed back');
    assert.deepEqual(effects, ['vm/0 total 1', 'vm/0 total 2'], 'no effect of an uncommitted event ran');

    full(false);
    assert.ok((await system.execute('vm', 0, { type: 'Add', by: 5 })).ok);
    const again = await Promise.all([allocate(1), allocate(2)]);
    assert.ok(again.every((r) => r.ok));
    assert.deepEqual(system.all('vm').map((a) => a.state), [{ total: 7 }, { total: 1 }, { total: 2 }]);
    assert.deepEqual(effects.slice(2), ['vm/0 total 7', 'vm/1 total 1', 'vm/2 total 2']);
    log.close();

    // A restart folds the same: what was acknowledged is there, ids are the same.
    const reopened = openEventLog(path);
    const rebuilt = new ActorSystem(reopened, deciders);
    await rebuilt.rehydrate({ useSnapshots: false });
    assert.deepEqual(rebuilt.all('vm').map((a) => a.state), [{ total: 7 }, { total: 1 }, { total: 2 }]);
    assert.equal(rebuilt.nextId('vm'), 3);
    reopened.close();
  });
});
