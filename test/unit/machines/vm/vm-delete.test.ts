/** Deleting an ACTIVE VM: every row of spec §2.5, then reconcile after a restart (DESIGN invariant 4). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTransient, vmDecider } from '../../../../src/machines/vm/vm-decider.ts';
import { HistoryReason as R, LcmState as L, VmState as S } from '../../../../src/machines/state-codes.ts';
import { reach, requests } from './vm-fixtures.ts';
import type { Reachable } from './vm-fixtures.ts';

type Extra = 'petime' | 'retime' | 'eetime';
/** Was in → [extra time on the current record, previous record closed?, requests issued]. */
const ROWS: [Reachable, Extra, boolean, string[]][] = [
  ['PROLOG', 'petime', false, ['TM DRIVER_CANCEL', 'TM EPILOG_DELETE node1']],
  ['PROLOG_RESUME', 'petime', false, ['TM DRIVER_CANCEL', 'TM EPILOG_DELETE node2']],
  ...(['BOOT', 'RUNNING', 'UNKNOWN', 'SHUTDOWN', 'CANCEL', 'SAVE_STOP', 'SAVE_SUSPEND'] as const).map(
    (r): [Reachable, Extra, boolean, string[]] => [r, 'retime', false, ['VMM DRIVER_CANCEL', 'VMM CANCEL node1', 'TM EPILOG_DELETE node1']]),
  ['MIGRATE', 'retime', true, ['VMM DRIVER_CANCEL', 'VMM CANCEL node2', 'VMM CANCEL_PREVIOUS node2 <node1', 'TM EPILOG_DELETE node2']],
  ['SAVE_MIGRATE', 'retime', true, ['VMM DRIVER_CANCEL', 'VMM CANCEL_PREVIOUS node2 <node1', 'TM EPILOG_DELETE_PREVIOUS node2 <node1']],
  ['PROLOG_MIGRATE', 'petime', false, ['TM DRIVER_CANCEL', 'TM EPILOG_DELETE node2', 'TM EPILOG_DELETE_PREVIOUS node2 <node1']],
  ['EPILOG_STOP', 'eetime', false, ['TM DRIVER_CANCEL', 'TM EPILOG_DELETE node1']],
  ['EPILOG', 'eetime', false, ['TM DRIVER_CANCEL', 'TM EPILOG_DELETE node1']],
];

describe('finalize of an ACTIVE VM (spec §2.5)', () => {
  for (const [row, extra, closesPrevious, issued] of ROWS) {
    it(`${row}: ${extra} set${closesPrevious ? ', previous record closed' : ''}; ${issued.join('; ')}`, () => {
      const before = reach[row]();
      const prevBefore = before.state.history[before.state.history.length - 2];
      const vm = before.act('finalize');
      const now = vm.now;
      assert.deepEqual(vm.last.events.map((e) => e.type), ['VmCleanedUp', 'VmDone']);
      assert.deepEqual([vm.state.state, vm.state.lcm, vm.state.etime], [S.DONE, L.LCM_INIT, now]);
      const cur = vm.state.history[vm.state.history.length - 1];
      assert.deepEqual([cur.etime, cur.reason, cur[extra]], [now, R.USER, now]);
      for (const other of (['petime', 'retime', 'eetime'] as const).filter((f) => f !== extra)) {
        assert.notEqual(cur[other], now, `${other} must not be set by the delete`);
      }
      const prev = vm.state.history[vm.state.history.length - 2];
      if (closesPrevious) assert.deepEqual([prev.etime, prev.retime, prev.reason], [now, now, R.USER]);
      else if (prevBefore) assert.deepEqual(prev, prevBefore, 'previous record untouched');
      assert.deepEqual(vm.state.heldCapacity, []);
      assert.deepEqual(requests(vm.last.effects), issued);
      const changes = vm.last.effects.flatMap((e) => (e.kind === 'state_changed' ? [[e.state, e.lcm]] : []));
      assert.deepEqual(changes, [[S.ACTIVE, L.DELETE], [S.DONE, L.LCM_INIT]]);
    });
  }

  it('driver_cancel names the mad of the current record', () => {
    const vm = reach.RUNNING().act('finalize');
    assert.deepEqual(vm.last.effects[0], { kind: 'driver_cancel', driver: 'vmm', vid: 7, mad: 'vmm_kvm' });
  });

  it('SUSPENDED finalize removes the files left on the host', () => {
    const vm = reach.SUSPENDED().act('finalize');
    assert.deepEqual(vm.last.events.map((e) => e.type), ['VmFinalized']);
    assert.deepEqual(requests(vm.last.effects), ['TM EPILOG_DELETE node1']);
    assert.equal(vm.state.etime, vm.now);
  });

  it('PENDING, HOLD, STOPPED and FAILED finalize issue no driver request', () => {
    for (const row of ['PENDING', 'HOLD', 'STOPPED', 'FAILED'] as const) {
      assert.deepEqual(requests(reach[row]().act('finalize').last.effects), [], row);
    }
  });
});

const RECONCILE: [Reachable, string[]][] = [
  ['PROLOG', ['TM PROLOG node1']],
  ['PROLOG_RESUME', ['TM PROLOG_RESUME node2']],
  ['PROLOG_MIGRATE', ['TM PROLOG_MIGR node2 <node1']],
  ['BOOT', ['VMM DEPLOY node1']],
  ['RUNNING', ['VMM POLL node1']],
  ['UNKNOWN', ['VMM POLL node1']],
  ['MIGRATE', ['VMM MIGRATE node2 <node1']],
  ['SAVE_MIGRATE', ['VMM SAVE node2 <node1']],
  ['SAVE_STOP', ['VMM SAVE node1']],
  ['SAVE_SUSPEND', ['VMM SAVE node1']],
  ['EPILOG_STOP', ['TM EPILOG_STOP node1']],
  ['EPILOG', ['TM EPILOG node1']],
  ['SHUTDOWN', ['VMM SHUTDOWN node1']],
  ['CANCEL', ['VMM CANCEL node1']],
  ['PENDING', []], ['HOLD', []], ['STOPPED', []], ['SUSPENDED', []], ['DONE', []], ['FAILED', []],
];

describe('reconcile after a restart (DESIGN invariant 4)', () => {
  for (const [row, issued] of RECONCILE) {
    it(`${row} → ${issued.join('; ') || 'nothing'}`, () => {
      const vm = reach[row]();
      const replayed = vm.log.reduce(vmDecider.evolve, vmDecider.initialState);
      assert.deepEqual(requests(vmDecider.reconcile(replayed)), issued);
      assert.equal(isTransient(replayed), issued.length > 0 && row !== 'RUNNING' && row !== 'UNKNOWN');
    });
  }
  it('BOOT reached by PROLOG_MIGRATE or resume re-issues RESTORE, not DEPLOY', () => {
    assert.deepEqual(requests(vmDecider.reconcile(reach.PROLOG_MIGRATE().tm().state)), ['VMM RESTORE node2']);
    assert.deepEqual(requests(vmDecider.reconcile(reach.SUSPENDED().act('resume').state)), ['VMM RESTORE node1']);
    assert.deepEqual(requests(vmDecider.reconcile(reach.UNKNOWN().act('restart').state)), ['VMM DEPLOY node1']);
  });
  it('re-issued requests carry the deploy id and the current record', () => {
    const [poll] = vmDecider.reconcile(reach.RUNNING().state);
    assert.deepEqual(poll, { kind: 'vmm', action: 'POLL', vid: 7, seq: 0, hostname: 'node1', deployId: 'one-7', vmDir: '/var/one', vmMad: 'vmm_kvm' });
  });
});
