import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCode } from '../../../../src/events/domain-error.ts';
import type { UserEvent } from '../../../../src/events/user-events.ts';
import { userDecider, type UserCommand, type UserState } from '../../../../src/machines/user/user-decider.ts';

const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5';

function run(commands: readonly UserCommand[]): { state: UserState; events: UserEvent[]; errors: number[] } {
  let state = userDecider.initialState;
  const events: UserEvent[] = [];
  const errors: number[] = [];
  for (const c of commands) {
    const d = userDecider.decide(state, c);
    if (!d.ok) {
      errors.push(d.error.code);
      continue;
    }
    for (const e of d.events) {
      state = userDecider.evolve(state, e);
      events.push(e);
    }
  }
  return { state, events, errors };
}

describe('userDecider', () => {
  it('allocates an enabled user', () => {
    const { state, events } = run([{ type: 'AllocateUser', uid: 3, name: 'alice', passwordHash: HASH }]);
    assert.deepEqual(events, [{ type: 'UserAllocated', uid: 3, name: 'alice', passwordHash: HASH, secrets: ['passwordHash'] }]);
    assert.deepEqual(state, { status: 'active', uid: 3, name: 'alice', passwordHash: HASH, enabled: true });
  });

  it('rejects a second allocation of the same stream', () => {
    const a: UserCommand = { type: 'AllocateUser', uid: 3, name: 'alice', passwordHash: HASH };
    assert.deepEqual(run([a, a]).errors, [ErrorCode.ALLOCATE]);
  });

  it('rejects bad names and hashes', () => {
    for (const name of ['', 'a:b', 'a b', '<x>', 'x'.repeat(129)]) {
      assert.deepEqual(run([{ type: 'AllocateUser', uid: 1, name, passwordHash: HASH }]).errors, [ErrorCode.XML_RPC_API], name);
    }
    assert.deepEqual(run([{ type: 'AllocateUser', uid: 1, name: 'bob', passwordHash: 'short' }]).errors, [ErrorCode.XML_RPC_API]);
    assert.deepEqual(run([{ type: 'AllocateUser', uid: -1, name: 'bob', passwordHash: HASH }]).errors, [ErrorCode.XML_RPC_API]);
  });

  it('never deletes or disables oneadmin', () => {
    const r = run([
      { type: 'AllocateUser', uid: 0, name: 'oneadmin', passwordHash: HASH },
      { type: 'DeleteUser' },
      { type: 'EnableUser', enable: false },
    ]);
    assert.deepEqual(r.errors, [ErrorCode.ACTION, ErrorCode.ACTION]);
    assert.equal(r.state.status, 'active');
  });

  it('deletes, changes password, enables and disables others', () => {
    const other = 'scrypt$1024$8$1$b3RoZXJzYWx0$b3RoZXJrZXk=';
    const r = run([
      { type: 'AllocateUser', uid: 5, name: 'bob', passwordHash: HASH },
      { type: 'SetUserPassword', passwordHash: other },
      { type: 'EnableUser', enable: false },
      { type: 'EnableUser', enable: false },
      { type: 'DeleteUser' },
      { type: 'DeleteUser' },
      { type: 'AllocateUser', uid: 5, name: 'bob', passwordHash: HASH },
    ]);
    assert.deepEqual(r.events.map((e) => e.type), ['UserAllocated', 'UserPasswordChanged', 'UserDisabled', 'UserDeleted']);
    assert.deepEqual(r.errors, [ErrorCode.NO_EXISTS, ErrorCode.ALLOCATE]);
    assert.equal(r.state.status, 'deleted');
  });

  it('replay of the emitted events gives the live state (any command sequence)', () => {
    const command: fc.Arbitrary<UserCommand> = fc.oneof(
      fc.record({ type: fc.constant('AllocateUser' as const), uid: fc.integer({ min: 0, max: 3 }), name: fc.constantFrom('a', 'b', 'bad name'), passwordHash: fc.constantFrom(HASH, 'x') }),
      fc.constant({ type: 'DeleteUser' as const }),
      fc.record({ type: fc.constant('SetUserPassword' as const), passwordHash: fc.constantFrom(HASH, 'x') }),
      fc.record({ type: fc.constant('EnableUser' as const), enable: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 12 }), (commands) => {
        const live = run(commands);
        const replayed = live.events.reduce(userDecider.evolve, userDecider.initialState);
        assert.deepEqual(replayed, live.state);
        assert.deepEqual(userDecider.reconcile(live.state), []);
      }),
    );
  });
});
