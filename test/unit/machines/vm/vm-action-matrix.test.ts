/** Every cell of the 1.4 compact user-action matrix (spec §2.3), plus the 2.2 resubmit column (§2.8). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/events/domain-error.ts';
import { vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import type { VmCommand, VmState } from '../../../../src/machines/vm/vm-types.ts';
import { LcmState as L, VmState as S } from '../../../../src/machines/state-codes.ts';
import { apply, H2, reach } from './vm-fixtures.ts';
import type { Reachable } from './vm-fixtures.ts';

type Op = 'deploy' | 'migrate' | 'livemigrate' | 'shutdown' | 'stop' | 'cancel' | 'suspend'
  | 'hold' | 'release' | 'resume' | 'restart' | 'finalize';
const OPS: Op[] = ['deploy', 'migrate', 'livemigrate', 'shutdown', 'stop', 'cancel', 'suspend', 'hold', 'release', 'resume', 'restart', 'finalize'];

function command(op: Op, now: number): VmCommand {
  if (op === 'deploy') return { type: 'Deploy', now, ...H2 };
  if (op === 'migrate' || op === 'livemigrate') return { type: 'Migrate', now, ...H2, live: op === 'livemigrate' };
  return { type: 'Act', now, action: op };
}

const DONE: [number, number] = [S.DONE, L.LCM_INIT];
const TRANSIENT: Reachable[] = [
  'PROLOG', 'PROLOG_RESUME', 'PROLOG_MIGRATE', 'MIGRATE', 'SAVE_MIGRATE', 'SAVE_STOP', 'SAVE_SUSPEND',
  'EPILOG_STOP', 'EPILOG', 'SHUTDOWN', 'CANCEL',
];

/** Row → the accepted operations and the (DM, LCM) each leads to; every other op is "wrong state". */
const MATRIX: [Reachable, Partial<Record<Op, [number, number]>>][] = [
  ['PENDING', { deploy: [S.ACTIVE, L.PROLOG], hold: [S.HOLD, L.LCM_INIT], finalize: DONE }],
  ['HOLD', { release: [S.PENDING, L.LCM_INIT], finalize: DONE }],
  ['RUNNING', {
    migrate: [S.ACTIVE, L.SAVE_MIGRATE], livemigrate: [S.ACTIVE, L.MIGRATE], shutdown: [S.ACTIVE, L.SHUTDOWN],
    stop: [S.ACTIVE, L.SAVE_STOP], cancel: [S.ACTIVE, L.CANCEL], suspend: [S.ACTIVE, L.SAVE_SUSPEND], finalize: DONE,
  }],
  ['UNKNOWN', { restart: [S.ACTIVE, L.BOOT], finalize: DONE }],
  ['BOOT', { restart: [S.ACTIVE, L.BOOT], finalize: DONE }],
  ...TRANSIENT.map((r): [Reachable, Partial<Record<Op, [number, number]>>] => [r, { finalize: DONE }]),
  ['STOPPED', { resume: [S.PENDING, L.LCM_INIT], finalize: DONE }],
  ['SUSPENDED', { resume: [S.ACTIVE, L.BOOT], finalize: DONE }],
  ['FAILED', { finalize: DONE }],
  ['DONE', { finalize: DONE }],
];

describe('user-action matrix (spec §2.3)', () => {
  for (const [row, accepted] of MATRIX) {
    describe(row, () => {
      for (const op of OPS) {
        const expected = accepted[op];
        it(`${op} → ${expected ? `(${expected.join('/')})` : 'wrong state'}`, () => {
          const vm = reach[row]();
          const d = vmDecider.decide(vm.state, command(op, vm.now + 10));
          if (!expected) {
            assert.equal(d.ok, false);
            if (!d.ok) {
              assert.equal(d.error.code, ErrorCode.ACTION);
              assert.equal(d.error.message, 'Wrong state to perform action');
            }
            return;
          }
          const next = apply(vm.state, command(op, vm.now + 10)).state;
          assert.deepEqual([next.state, next.lcm], expected);
          if (row === 'DONE') assert.equal(d.ok && d.events.length, 0, 'finalize of DONE is a no-op');
          if (op === 'finalize') assert.deepEqual(next.heldCapacity, [], 'a finalized VM holds no capacity');
        });
      }
    });
  }

  it('a command for a VM that was never allocated is rejected as "does not exist"', () => {
    const d = vmDecider.decide(vmDecider.initialState, { type: 'Act', now: 1, action: 'finalize' });
    assert.equal(d.ok, false);
    if (!d.ok) assert.equal(d.error.code, ErrorCode.NO_EXISTS);
  });

  it('a second Allocate on the same stream is rejected', () => {
    const vm = reach.PENDING();
    const d = vmDecider.decide(vm.state, { type: 'Allocate', now: 1, vid: 7, uid: 0, name: 'x', template: {}, requirement: { cpu: 0, mem: 0, disk: 0 } });
    assert.equal(d.ok, false);
  });

  it('finalize keeps a FAILED VM end time and sets it for the others', () => {
    const failed = reach.FAILED();
    const etime = failed.state.etime;
    assert.ok(etime > 0);
    assert.equal(failed.act('finalize').state.etime, etime);
    const held = reach.HOLD();
    assert.equal(held.act('finalize').state.etime, held.now);
  });
});

describe('resubmit (2.2 semantics, spec §2.8)', () => {
  const toPending = (row: Reachable) => it(`${row} → PENDING`, () => {
    const next: VmState = reach[row]().act('resubmit').state;
    assert.deepEqual([next.state, next.lcm], [S.PENDING, L.LCM_INIT]);
    assert.deepEqual(next.heldCapacity, []);
  });
  for (const row of ['HOLD', 'STOPPED', 'FAILED', 'RUNNING', 'UNKNOWN', 'BOOT', ...TRANSIENT] as Reachable[]) toPending(row);

  it('PENDING → no-op success', () => {
    const vm = reach.PENDING();
    const d = vmDecider.decide(vm.state, { type: 'Act', now: 2000, action: 'resubmit' });
    assert.deepEqual(d, { ok: true, events: [] });
  });
  for (const row of ['SUSPENDED', 'DONE'] as Reachable[]) {
    it(`${row} → wrong state`, () => {
      const vm = reach[row]();
      const d = vmDecider.decide(vm.state, { type: 'Act', now: 2000, action: 'resubmit' });
      assert.equal(d.ok, false);
      if (!d.ok) assert.equal(d.error.code, ErrorCode.ACTION);
    });
  }
  it('an ACTIVE VM is cleaned up like a delete before going back to PENDING', () => {
    const vm = reach.RUNNING().act('resubmit');
    assert.deepEqual(vm.last.events.map((e) => e.type), ['VmCleanedUp', 'VmResubmitted']);
    assert.equal(vm.state.history[0].reason, 3);
    const d = vmDecider.decide(vm.state, { type: 'Deploy', now: vm.now + 10, ...H2 });
    assert.ok(d.ok && d.events[0].type === 'VmDeployed' && d.events[0].seq === 1 && !d.events[0].resume);
  });
});
