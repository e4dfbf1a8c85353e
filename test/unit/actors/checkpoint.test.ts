/**
 * Checkpoints never claim more than their snapshots cover, and start-up
 * refuses a checkpoint, a head or a chain that disagrees with the log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ActorSystem } from '../../../src/actors/actor-system.ts';
import { IntegrityError, checkHead } from '../../../src/actors/startup-integrity.ts';
import { accept, type Decider } from '../../../src/machines/decider.ts';
import { openEventLog } from '../../../src/store/sqlite-event-log.ts';

type Cmd = { type: 'Add'; by: number } | { type: 'Delete' };
type Ev = { type: 'Added'; by: number } | { type: 'Deleted' };
type State = { total: number; deleted?: boolean };
const counter: Decider<State, Cmd, Ev, never> = {
  initialState: { total: 0 },
  decide: (_s, c) => accept(c.type === 'Add' ? { type: 'Added', by: c.by } : { type: 'Deleted' }),
  evolve: (s, e) => (e.type === 'Added' ? { ...s, total: s.total + e.by } : { ...s, deleted: true }),
  effects: () => [],
  reconcile: () => [],
};
const deciders = { vm: counter, host: counter, vnet: counter, user: counter, hook: counter };

const dir = mkdtempSync(join(tmpdir(), 'one-ts-checkpoint-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Opens the file as oned would: a fresh runtime rebuilt from it. */
async function start(path: string, options?: { useSnapshots?: boolean; rebuild?: boolean }) {
  const log = openEventLog(path);
  const system = new ActorSystem(log, deciders);
  try {
    await system.rehydrate(options);
  } catch (e) {
    log.close();
    throw e;
  }
  return { log, system, states: () => (['vm', 'user'] as const).flatMap((k) => system.all(k).map((a) => [a.stream, a.version, a.state])) };
}

const add = (system: ActorSystem, kind: 'vm' | 'user', id: number, by = 1) => system.execute(kind, id, { type: 'Add', by });

describe('checkpoints cover what they claim', () => {
  it('a crash, a restart that folds the log, one write and a clean stop lose nothing (the reported bug)', async () => {
    const path = join(dir, `bug-${n++}.db`);
    const first = await start(path);
    await add(first.system, 'user', 0);
    for (let vid = 0; vid < 50; vid++) await add(first.system, 'vm', vid);
    first.log.close(); // kill -9: no checkpoint was ever taken

    const second = await start(path);
    assert.equal(second.system.count('vm'), 50);
    await add(second.system, 'vm', 50);
    await second.system.close(); // clean stop: a checkpoint
    second.log.close();

    const third = await start(path);
    assert.equal(third.system.count('vm'), 51);
    assert.equal(third.system.get('user', 0)?.version, 1);
    const fromScratch = await start(path, { useSnapshots: false });
    assert.deepEqual(third.states(), fromScratch.states());
    // …and writing on goes on from the right versions (the bug died here with a ConcurrencyError).
    assert.equal((await add(third.system, 'user', 0)).ok, true);
    third.log.close();
    fromScratch.log.close();
  });

  it('a deleted entity stays deleted when its last snapshot predates the deletion, and its id is not reused', async () => {
    const path = join(dir, `deleted-${n++}.db`);
    const first = await start(path);
    for (let vid = 0; vid < 3; vid++) await add(first.system, 'vm', vid);
    await first.system.checkpoint();
    await first.system.execute('vm', 2, { type: 'Delete' });
    first.system.forget('vm', 2);
    await first.system.close();
    first.log.close();

    const second = await start(path);
    assert.deepEqual(second.system.all('vm').map((a) => a.stream), ['vm/0', 'vm/1']);
    assert.equal(second.system.nextId('vm'), 3);
    second.log.close();
  });

  it('a checkpoint taken while a commit is not yet applied is put off, not written', async () => {
    const path = join(dir, `inflight-${n++}.db`);
    const { log, system } = await start(path);
    await add(system, 'vm', 0);
    const pending = add(system, 'vm', 1);
    for (let i = 0; i < 20; i++) await Promise.resolve(); // the append reaches the log's queue
    log.flush(); // committed, but the actor hears of it only in a later microtask
    assert.equal(await system.checkpoint(), -1);
    await pending;
    assert.equal(await system.checkpoint(), 2);
    log.close();
  });
});

describe('start-up integrity', () => {
  async function checkpointed(): Promise<string> {
    const path = join(dir, `integrity-${n++}.db`);
    const { log, system } = await start(path);
    for (let i = 0; i < 6; i++) await add(system, 'vm', i % 3);
    await system.checkpoint();
    await add(system, 'vm', 0);
    log.close();
    return path;
  }
  const tamper = (path: string, sql: string) => {
    const db = new Database(path);
    db.exec(sql);
    db.close();
  };
  const refusal = async (path: string) => {
    try {
      (await start(path)).log.close();
    } catch (e) {
      assert.ok(e instanceof IntegrityError, String(e));
      return e.message;
    }
    assert.fail('start-up did not refuse');
  };

  it('refuses a snapshot whose version is not its stream version at the checkpoint, naming the stream', async () => {
    const path = await checkpointed();
    tamper(path, "UPDATE snapshots SET version = version - 1 WHERE stream = 'vm/1'");
    assert.match(await refusal(path), /snapshot of vm\/1 holds version 1, but at the checkpoint \(seq 6\) the stream is at version 2/);
  });

  it('refuses a checkpoint that lacks a stream it claims to cover', async () => {
    const path = await checkpointed();
    tamper(path, "DELETE FROM snapshots WHERE stream = 'vm/2'");
    assert.match(await refusal(path), /stream vm\/2 has 2 events up to the checkpoint at seq 6 but no snapshot/);
  });

  it('refuses a checkpoint past the end of the log, or with another hash', async () => {
    const past = await checkpointed();
    tamper(past, 'DELETE FROM events WHERE seq >= 6');
    assert.match(await refusal(past), /checkpoint is at seq 6, past the end of the log \(seq 5\)/);
    const rehashed = await checkpointed();
    tamper(rehashed, 'UPDATE events SET hash = zeroblob(32) WHERE seq = 6');
    assert.match(await refusal(rehashed), /event 6 \(vm\/2\) does not have the hash the checkpoint recorded/);
  });

  it('refuses a row edited after the checkpoint, and --rebuild still refuses a broken chain', async () => {
    const path = await checkpointed();
    tamper(path, `UPDATE events SET data = '{"by":1000}' WHERE seq = 7`);
    assert.match(await refusal(path), /hash chain broken at event 7 \(vm\/0\)/);
    await assert.rejects(start(path, { rebuild: true }), /hash chain broken at event 7 \(vm\/0\)/);
  });

  it('refuses a row edited before the checkpoint only when folding the whole log', async () => {
    const path = await checkpointed();
    tamper(path, `UPDATE events SET data = '{"by":1000}' WHERE seq = 2`);
    await assert.rejects(start(path, { rebuild: true }), /hash chain broken at event 2 \(vm\/1\)/);
  });

  it('--rebuild discards bad snapshots and folds the whole log', async () => {
    const path = await checkpointed();
    tamper(path, "UPDATE snapshots SET state = '{\"total\":99}' , version = 1 WHERE stream = 'vm/1'");
    assert.match(await refusal(path), /vm\/1/);
    const rebuilt = await start(path, { rebuild: true });
    assert.deepEqual(rebuilt.system.get('vm', 1)?.state, { total: 2 });
    rebuilt.log.close();
    (await start(path)).log.close(); // and nothing is left to refuse
  });

  it('refuses a log shorter than its recorded head, or another event at the head', async () => {
    const path = await checkpointed();
    const log = openEventLog(path);
    const head = log.tip();
    log.close();
    tamper(path, 'DELETE FROM events WHERE seq = 7');
    const shorter = openEventLog(path);
    await assert.rejects(checkHead(shorter, head, 'var/one.head'), /log ends at seq 6, but seq 7 was committed \(var\/one.head\)/);
    await assert.rejects(checkHead(shorter, { seq: 6, hash: head.hash }, 'var/one.head'), /event 6 \(vm\/2\) is not the one committed there/);
    shorter.close();
  });
});
